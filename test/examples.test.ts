/**
 * The examples keep working: the talk script end to end, the CI check's exit statuses, and
 * the library example.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, doormat } from "./cli-harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const env = { ...process.env, DOORMAT: `${process.execPath} ${BIN}`, NO_COLOR: "1" };

describe("examples/", () => {
  const dir = mkdtempSync(join(tmpdir(), "doormat-examples-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("talk.sh tells the story with CLI commands only, and the attacker reads the note", () => {
    const r = spawnSync("bash", [join(ROOT, "examples/talk.sh")], { env, encoding: "utf8", timeout: 120_000 });
    expect(r.stderr).not.toMatch(/doormat: error/);
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toContain("LAWFUL ACCESS: a third party can read this file.");
    // Bob, the authority and the attacker each print the plaintext.
    expect(out.split("meet me at the usual place, 7pm").length - 1).toBeGreaterThanOrEqual(4);
    expect(out).toContain("What one leaked key did");
  });

  it("talk.sh works as its header says: a relative DOORMAT from the clone, or none from anywhere, at 60 columns", () => {
    const documented = spawnSync("bash", ["examples/talk.sh"], { cwd: ROOT, env: { ...process.env, DOORMAT: "node dist/cli/doormat.js", NO_COLOR: "1", COLUMNS: "60" }, encoding: "utf8", timeout: 120_000 });
    expect(documented.stderr).not.toMatch(/doormat: error|Error:/);
    expect(documented.status).toBe(0);
    // The story's own lines fit 60 columns (keygen's key lines and inspect's report are the CLI's).
    const lines = documented.stdout.split("\n");
    const ours = [...lines.filter((l) => l.startsWith("# ") || l.startsWith("$ ")), ...lines.slice(lines.findIndex((l) => l.startsWith("$ doormat demo")))];
    for (const l of ours) expect([...l].length, l).toBeLessThanOrEqual(60);
    const anywhere = spawnSync("bash", [join(ROOT, "examples/talk.sh")], { cwd: dir, env: { ...process.env, DOORMAT: "", PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, NO_COLOR: "1" }, encoding: "utf8", timeout: 120_000 });
    expect(anywhere.status).toBe(0);
    expect(anywhere.stdout).toContain("What one leaked key did");
  }, 240_000);

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
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "examples/library.ts")], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Authority reads: the source agreed to meet");
    expect(r.stdout).toContain("cannot read it");
  });
});
