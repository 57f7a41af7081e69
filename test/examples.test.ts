/**
 * The examples keep working: the talk script end to end, the CI check's exit statuses, and
 * the library example.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XMLParser } from "fast-xml-parser";
import { parse as parseYaml } from "yaml";
import { BIN, cliEnv, doormat } from "./cli-harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const env = cliEnv({ DOORMAT: `${process.execPath} ${BIN}` });

describe("examples/", () => {
  const dir = mkdtempSync(join(tmpdir(), "doormat-examples-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("talk.sh tells the story with CLI commands only, and the attacker reads the note", () => {
    const r = spawnSync("bash", [join(ROOT, "examples/talk.sh")], { env, encoding: "utf8", timeout: 240_000 });
    expect(r.stderr).not.toMatch(/doormat: error/);
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain("LAWFUL ACCESS: a third party can read this file.");
    // Bob, the authority and the attacker each print the plaintext.
    expect(out.split("meet me at the usual place, 7pm").length - 1).toBeGreaterThanOrEqual(4);
    expect(out).toContain("What one leaked key did");
  });

  it("talk.sh works as its header says: a relative DOORMAT from the clone, or none from anywhere, at 60 columns", () => {
    const documented = spawnSync("bash", ["examples/talk.sh"], { cwd: ROOT, env: cliEnv({ DOORMAT: "node dist/cli/doormat.js", COLUMNS: "60" }), encoding: "utf8", timeout: 240_000 });
    expect(documented.stderr).not.toMatch(/doormat: error|Error:/);
    expect(documented.status).toBe(0);
    // The story's own lines fit 60 columns (keygen's key lines and inspect's report are the CLI's).
    const lines = documented.stdout.split("\n");
    const ours = [...lines.filter((l) => l.startsWith("# ") || l.startsWith("$ ")), ...lines.slice(lines.findIndex((l) => l.startsWith("$ doormat demo")))];
    for (const l of ours) expect([...l].length, l).toBeLessThanOrEqual(60);
    // A sentence that wraps keeps its "# " on every line, without a trailing space.
    expect(lines).toContain("# escrowed message, past and future.");
    for (const l of lines.filter((x) => x.startsWith("# "))) expect(l, l).not.toMatch(/\s$/);
    const anywhere = spawnSync("bash", [join(ROOT, "examples/talk.sh")], { cwd: dir, env: cliEnv({ DOORMAT: "", PATH: `${dirname(process.execPath)}:/usr/bin:/bin` }), encoding: "utf8", timeout: 240_000 });
    expect(anywhere.status).toBe(0);
    expect(anywhere.stdout).toContain("What one leaked key did");
  }, 600_000);

  it("talk.sh runs with doormat on PATH (npm link), the way the README sets it up", () => {
    // Regression: DOORMAT=doormat made the script's doormat() function call itself until bash
    // segfaulted (exit 139) before the first command ran.
    const bin = join(dir, "path-bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "doormat"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, "doormat"), 0o755);
    const r = spawnSync("bash", [join(ROOT, "examples/talk.sh")], { cwd: dir, env: cliEnv({ DOORMAT: "", PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin` }), encoding: "utf8", timeout: 240_000 });
    expect(r.stderr).not.toMatch(/Segmentation fault|doormat: error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("What one leaked key did");
  }, 300_000);

  it("ci-reject-escrow.sh exits 0 for clean files, 3 for escrowed ones, 1 for garbage", async () => {
    const key = join(dir, "k.key");
    const gov = join(dir, "gov.key");
    await doormat(["keygen", "-o", key]);
    await doormat(["keygen", "-o", gov]);
    const pub = (await doormat(["pubkey", key])).stdout.toString().trim();
    const govPub = (await doormat(["pubkey", gov])).stdout.toString().trim();
    const clean = join(dir, "clean.age");
    const escrowed = join(dir, "escrowed.age");
    const junk = join(dir, "junk.age");
    expect((await doormat(["encrypt", "-r", pub, "-o", clean], { stdin: "hi" })).code).toBe(0);
    expect((await doormat(["encrypt", "-r", pub, "--escrow", govPub, "-o", escrowed], { stdin: "hi" })).code).toBe(0);
    writeFileSync(junk, "not an age file\n");
    const run = (...files: string[]): number | null => spawnSync("bash", [join(ROOT, "examples/ci-reject-escrow.sh"), ...files], { env, encoding: "utf8" }).status;
    expect(run(clean)).toBe(0);
    expect(run(clean, escrowed)).toBe(3);
    expect(run(junk)).toBe(1);
    expect(run(junk, escrowed)).toBe(3);
  });

  it("library.ts runs and shows the authority reading Bob's message", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "examples/library.ts")], { encoding: "utf8", timeout: 240_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Authority reads: the source agreed to meet");
    expect(r.stdout).toContain("cannot read it");
  });
});

describe("examples/ CI gate", () => {
  const dir = mkdtempSync(join(tmpdir(), "doormat-ci-gate-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const clean = join(dir, "clean");
  const mixed = join(dir, "mixed");
  let escrowedFile = "";

  beforeAll(async () => {
    mkdirSync(join(clean, "sub"), { recursive: true });
    mkdirSync(mixed);
    await doormat(["keygen", "-o", join(dir, "k.key")]);
    await doormat(["keygen", "--authority", "Five Eyes", "-o", join(dir, "gov.key")]);
    const pub = (await doormat(["pubkey", join(dir, "k.key")])).stdout.toString().trim();
    const gov = (await doormat(["pubkey", join(dir, "gov.key")])).stdout.toString().trim();
    expect((await doormat(["encrypt", "-r", pub, "-o", join(clean, "a.age")], { stdin: "a" })).code).toBe(0);
    expect((await doormat(["encrypt", "-a", "-r", pub, "-o", join(clean, "sub/b.age")], { stdin: "b" })).code).toBe(0);
    escrowedFile = join(mixed, "escrowed.age");
    expect((await doormat(["encrypt", "-r", pub, "--escrow", gov, "-o", escrowedFile], { stdin: "c" })).code).toBe(0);
    copyFileSync(join(clean, "a.age"), join(mixed, "clean.age"));
    writeFileSync(join(mixed, "junk.age"), "not age\n");
  });

  const gate = (cwd: string, args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync("bash", [join(ROOT, "examples/ci-gate.sh"), ...args], { cwd, env: { ...env, ...extraEnv }, encoding: "utf8", timeout: 240_000 });

  it("ci-gate.sh: a clean tree passes, and the JUnit report a parser reads has no failure", () => {
    const r = gate(dir, ["clean"]);
    expect(r.stderr).not.toMatch(/doormat: error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^selftest: \d+ passed, 0 failed, \d+ skipped$/m);
    expect(r.stdout).toContain("2 files: 0 escrowed, 0 unreadable, 2 clean");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("ci-gate: ok");
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_" }).parse(readFileSync(join(dir, "doormat-reports/selftest.xml"), "utf8")) as { testsuites: Record<string, string> };
    expect(Number(xml.testsuites["@_tests"])).toBeGreaterThan(50);
    expect(xml.testsuites["@_failures"]).toBe("0");
    const sarif = JSON.parse(readFileSync(join(dir, "doormat-reports/escrow.sarif"), "utf8")) as { version: string; runs: Array<{ results: unknown[] }> };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0]?.results).toEqual([]);
  });

  it("ci-gate.sh: an escrowed file gives exit 3 (over an unreadable one) and a SARIF result; a junk file alone gives 1", () => {
    const r = gate(dir, ["mixed"], { REPORT_DIR: join(dir, "reports-mixed") });
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(/ESCROWED +mixed\/escrowed\.age/);
    expect(r.stderr).toContain("lawful-access escrow found in 1 file: mixed/escrowed.age");
    expect(r.stderr).toContain("ci-gate: FAILED: escrowed files");
    const sarif = JSON.parse(readFileSync(join(dir, "reports-mixed/escrow.sarif"), "utf8")) as { runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    expect(sarif.runs[0]?.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri)).toEqual(["mixed/escrowed.age"]);
    const junk = gate(dir, ["clean", "mixed/junk.age"], { REPORT_DIR: join(dir, "reports-junk") });
    expect(junk.status).toBe(1);
    expect(junk.stderr).toContain("ci-gate: FAILED: unreadable files");
  });

  it("ci-gate.sh without doormat installed and without DOORMAT_REPO: exit 1 with the reason", () => {
    const r = spawnSync("bash", [join(ROOT, "examples/ci-gate.sh"), "clean"], { cwd: dir, env: { PATH: "/usr/bin:/bin", NO_COLOR: "1" }, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/doormat is not installed; set DOORMAT_REPO/);
  });

  // Clones this repository and runs npm ci in it: minutes and the npm registry, so SLOW=1 only.
  it.skipIf(!process.env["SLOW"])("ci-gate.sh installs doormat from a clone when it is missing (SLOW=1 only: npm ci takes minutes)", () => {
    const prefix = join(dir, "npm-prefix");
    const r = spawnSync("bash", [join(ROOT, "examples/ci-gate.sh"), "clean"], {
      cwd: dir,
      env: { ...cliEnv(), PATH: `${join(prefix, "bin")}:/usr/bin:/bin`, DOORMAT_REPO: ROOT, npm_config_prefix: prefix, REPORT_DIR: join(dir, "reports-install") },
      encoding: "utf8",
      timeout: 900_000,
    });
    expect(r.stderr).not.toMatch(/could not install/);
    expect(r.status).toBe(0);
  }, 900_000);

  describe("github-workflow.yml", () => {
    interface Step { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
    const wf = parseYaml(readFileSync(join(ROOT, "examples/github-workflow.yml"), "utf8")) as { on: Record<string, unknown>; permissions: Record<string, string>; env: Record<string, string>; jobs: Record<string, { "runs-on": string; steps: Step[] }> };
    const steps = wf.jobs["gate"]?.steps ?? [];
    const runs = steps.filter((s) => s.run !== undefined);

    it("parses, with the permissions SARIF upload needs and pinned action versions", () => {
      expect(Object.keys(wf.on)).toEqual(["push", "pull_request"]);
      expect(wf.permissions["security-events"]).toBe("write");
      expect(wf.jobs["gate"]?.["runs-on"]).toBe("ubuntu-latest");
      for (const s of steps.filter((x) => x.uses)) expect(s.uses).toMatch(/^[\w-]+\/[\w/-]+@v\d+$/);
      for (const s of steps) expect(Boolean(s.run) !== Boolean(s.uses), JSON.stringify(s)).toBe(true);
    });

    it("installs from the checkout it runs in (no placeholder URL), gates with --deny-escrow, and publishes the JUnit file it wrote", () => {
      expect(runs[0]?.run).toMatch(/^npm ci\b[^\n]*\nnpm install -g \.\n/);
      expect(steps[0]?.uses).toMatch(/^actions\/checkout@/);
      expect(JSON.stringify(wf)).not.toMatch(/example\.invalid|git clone/);
      const selftest = runs.find((s) => s.run?.includes("selftest"));
      const junitFile = /--output (\S+)/.exec(selftest?.run ?? "")?.[1];
      expect(selftest?.run).toContain("--format junit");
      expect(steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))?.with?.["path"]).toBe(junitFile);
      expect(runs.some((s) => /doormat inspect --deny-escrow/.test(s.run ?? ""))).toBe(true);
      const sarifFile = /--format sarif --output (\S+)/.exec(runs.map((s) => s.run).join("\n"))?.[1];
      expect(steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))?.with?.["sarif_file"]).toBe(sarifFile);
      // Steps after the gate still report when it fails.
      const gateIndex = steps.findIndex((s) => s.run?.includes("--deny-escrow"));
      for (const s of steps.slice(gateIndex + 1)) expect(s.if).toBe("always()");
    });

    it("as shipped, its AGE_FILES is a folder of this repository that the gate passes", async () => {
      const folder = wf.env["AGE_FILES"] ?? "";
      expect(existsSync(join(ROOT, folder))).toBe(true);
      const r = await doormat(["inspect", "--deny-escrow", "--format", "github", folder], { cwd: ROOT });
      expect(r.code, r.stderr.toString()).toBe(0);
      expect(r.stdout.toString()).toMatch(/2 files: 0 escrowed, 0 unreadable, 2 clean/);
    });

    it("its doormat steps run as written (bash -e, doormat on the PATH): 0 on a clean tree, 3 on an escrowed one", () => {
      const bin = join(dir, "bin");
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, "doormat"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
      chmodSync(join(bin, "doormat"), 0o755);
      const doormatSteps = runs.slice(1);
      expect(doormatSteps.length).toBeGreaterThanOrEqual(3);
      for (const [tree, want] of [["clean", 0], ["mixed", 3]] as const) {
        const ws = join(dir, `ws-${tree}`);
        mkdirSync(ws);
        const statuses = doormatSteps.map((s) => spawnSync("bash", ["-e", "-c", s.run ?? ""], {
          cwd: ws,
          env: { PATH: `${bin}:/usr/bin:/bin`, NO_COLOR: "1", AGE_FILES: join(dir, tree), RUNNER_TEMP: dir },
          encoding: "utf8",
        }));
        const gateRun = statuses[doormatSteps.findIndex((s) => s.run?.includes("--deny-escrow"))];
        expect(gateRun?.status, gateRun?.stderr).toBe(want);
        if (want === 3) expect(gateRun?.stdout).toMatch(/^::error file=.*escrowed\.age,title=Lawful-access escrow::/m);
        expect(statuses.filter((x) => x !== gateRun).map((x) => x.status)).toEqual(statuses.filter((x) => x !== gateRun).map(() => 0));
        expect(existsSync(join(ws, "selftest.xml"))).toBe(true);
        expect(existsSync(join(ws, "escrow.sarif"))).toBe(true);
      }
    });
  });
});
