/**
 * Edge cases a first-time user found (see the commit that added this file): special output
 * files, modes kept under --force, symlinks, long names, passphrase errors, inspect on a cut
 * payload, forcing binary to a terminal, and commander's errors with a hint.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doormat } from "./cli-harness.js";

const dir = fs.mkdtempSync(join(tmpdir(), "doormat-edge-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let key: string;
let pub: string;
let gov: string;
const msg = join(dir, "msg.txt");

beforeAll(async () => {
  key = join(dir, "k.key");
  await doormat(["keygen", "-o", key]);
  pub = (await doormat(["pubkey", key])).stdout.toString().trim();
  const govKey = join(dir, "gov.key");
  await doormat(["keygen", "-o", govKey]);
  gov = (await doormat(["pubkey", govKey])).stdout.toString().trim();
  fs.writeFileSync(msg, "hello\n");
});

const oneError = (stderr: string): void => {
  expect(stderr.split("\n").filter((l) => l.startsWith("doormat: error:"))).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe("outputs that are not regular files", () => {
  it("writes into /dev/null without --force, and replaces nothing", async () => {
    const r = await doormat(["encrypt", "-r", pub, "-o", "/dev/null", msg]);
    expect(r.code).toBe(0);
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("writes into a FIFO in place", async () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const reader = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      fs.createReadStream(fifo).on("data", (d) => chunks.push(d as Buffer)).on("end", () => resolve(Buffer.concat(chunks)));
    });
    const r = await doormat(["encrypt", "-r", pub, "-a", "-o", fifo, msg]);
    expect(r.code).toBe(0);
    expect((await reader).toString()).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
  });

  it("--force replaces the file a symlink points to, keeps the link and the file's mode", async () => {
    const real = join(dir, "private.txt");
    const link = join(dir, "link.txt");
    fs.writeFileSync(real, "old\n", { mode: 0o600 });
    fs.chmodSync(real, 0o600);
    fs.symlinkSync(real, link);
    const ct = join(dir, "m.age");
    await doormat(["encrypt", "-r", pub, "-o", ct, msg]);
    const r = await doormat(["decrypt", "-i", key, "-f", "-o", link, ct]);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, "utf8")).toBe("hello\n");
    expect(fs.statSync(real).mode & 0o777).toBe(0o600);
  });

  it("a 250-character output name works (the temporary name stays under NAME_MAX)", async () => {
    const name = join(dir, `${"x".repeat(246)}.age`);
    const r = await doormat(["encrypt", "-r", pub, "-o", name, msg]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("messages", () => {
  it("a wrong passphrase says so", async () => {
    const ct = join(dir, "p.age");
    expect((await doormat(["encrypt", "-p", "-o", ct, msg], { passphrases: ["right", "right"] })).code).toBe(0);
    const r = await doormat(["decrypt", ct], { passphrases: ["wrong"] });
    expect(r.code).toBe(1);
    oneError(r.stderr);
    expect(r.stderr).toContain("incorrect passphrase");
  });

  it("unknown commands and options get a --help hint", async () => {
    for (const args of [["frobnicate"], ["encrypt", "--bogus"]]) {
      const r = await doormat(args);
      expect(r.code).toBe(1);
      oneError(r.stderr);
      expect(r.stderr).toMatch(/doormat: hint: /);
    }
  });

  it("an empty --seed is refused", async () => {
    const r = await doormat(["demo", "--seed", "", "--users", "2", "--messages", "1"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--seed needs a value");
  });
});

describe("inspect on a cut payload", () => {
  it("exits 1 after the report, and 3 with --deny-escrow when escrow shows", async () => {
    const ct = join(dir, "e.age");
    await doormat(["encrypt", "-r", pub, "--escrow", gov, "-o", ct, msg]);
    const full = fs.readFileSync(ct);
    const cut = join(dir, "cut.age");
    fs.writeFileSync(cut, full.subarray(0, full.length - 20));
    const r = await doormat(["inspect", cut]);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toContain("not a valid payload size");
    oneError(r.stderr);
    expect((await doormat(["inspect", "--deny-escrow", cut])).code).toBe(3);
    expect((await doormat(["inspect", ct])).code).toBe(0);
  });
});

describe("binary plaintext and the terminal", () => {
  it("is refused by default and forced with -o -", async () => {
    const bin = join(dir, "bin");
    fs.writeFileSync(bin, Buffer.from([0, 1, 2, 27, 255]));
    const ct = join(dir, "bin.age");
    await doormat(["encrypt", "-r", pub, "-o", ct, bin]);
    const refused = await doormat(["decrypt", "-i", key, ct], { tty: { stdout: true } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('-o -');
    const forced = await doormat(["decrypt", "-i", key, "-o", "-", ct], { tty: { stdout: true } });
    expect(forced.code).toBe(0);
    expect([...forced.stdout]).toEqual([0, 1, 2, 27, 255]);
  });
});
