/**
 * Every output-path mistake is one error line that names the path and the cause — a missing
 * directory (the first one missing, however deep), a file where a directory belongs, a directory
 * given as the output (with or without a trailing slash), no permission, a read-only file
 * system — for every command that writes a file: decrypt/encrypt -o, keygen -o, demo --cast,
 * demo --out. Nothing is created on the way, and nothing goes to standard output.
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doormat } from "./cli-harness.js";
import { permissionBitsBind } from "./helpers.js";
import { outputError } from "../src/io/files.js";

const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-outpaths-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let pub = "";
beforeAll(async () => {
  expect((await doormat(["keygen", "-o", "k.key"], { cwd: dir })).code).toBe(0);
  pub = (await doormat(["pubkey", "k.key"], { cwd: dir })).stdout.toString().trim();
  fs.writeFileSync(path.join(dir, "msg.txt"), "hello\n");
  expect((await doormat(["encrypt", "-r", pub, "-o", "msg.age", "msg.txt"], { cwd: dir })).code).toBe(0);
  fs.mkdirSync(path.join(dir, "adir"));
});

const listing = (): string[] => fs.readdirSync(dir).sort();

/** Run, expect exactly one error line matching `error` and a hint, and nothing created. */
async function expectOutputError(args: string[], error: RegExp): Promise<void> {
  const before = listing();
  const r = await doormat(args, { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stdout.length).toBe(0);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines.filter((l) => l.startsWith("doormat: error: "))).toHaveLength(1);
  expect(lines[0]).toMatch(error);
  expect(lines.slice(1).every((l) => l.startsWith("doormat: hint: "))).toBe(true);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(listing()).toEqual(before);
}

/** Each command that writes a file, with its output at `o` (built when the test runs: `pub`). */
const writers = (o: string): [string, () => string[]][] => [
  ["decrypt -o", () => ["decrypt", "-i", "k.key", "-o", o, "msg.age"]],
  ["encrypt -o", () => ["encrypt", "-r", pub, "-o", o, "msg.txt"]],
  ["keygen -o", () => ["keygen", "-o", o]],
  ["demo --cast", () => ["demo", "leak", "--seed", "1", "--users", "3", "--messages", "2", "--cast", o]],
];

describe("output-path mistakes name the path and the cause", () => {
  for (const [name, args] of writers("nodir/x")) {
    it(`${name} into a missing directory names it`, async () => {
      await expectOutputError(args(), /^doormat: error: cannot (write output|create key file) "nodir\/x": the directory "nodir" does not exist$/);
    });
  }
  it("names the first missing directory of a deep path", async () => {
    await expectOutputError(["decrypt", "-i", "k.key", "-o", "adir/no/such/x", "msg.age"], /"adir\/no\/such\/x": the directory "adir\/no" does not exist$/);
    await expectOutputError(["encrypt", "-r", pub, "-o", path.join(dir, "gone", "x.age"), "msg.txt"], new RegExp(`the directory ${JSON.stringify(path.join(dir, "gone")).replace(/[/\\]/g, "\\$&")} does not exist$`));
  });
  for (const [name, args] of writers("msg.txt/x")) {
    it(`${name} under a regular file says it is not a directory`, async () => {
      await expectOutputError(args(), /"msg\.txt\/x": "msg\.txt" is not a directory$/);
    });
  }
  it("a directory as -o, with or without a trailing slash", async () => {
    await expectOutputError(["decrypt", "-i", "k.key", "-o", "adir", "msg.age"], /"adir": it is a directory$/);
    await expectOutputError(["encrypt", "-r", pub, "-o", "adir/", "msg.txt"], /"adir\/": it is a directory$/);
    await expectOutputError(["keygen", "-o", "adir"], /"adir": it is a directory$/);
  });
  it("a trailing slash naming a directory that does not exist", async () => {
    await expectOutputError(["decrypt", "-i", "k.key", "-o", "newdir/", "msg.age"], /"newdir\/": the directory "newdir" does not exist$/);
  });
  it("demo --out under a regular file", async () => {
    await expectOutputError(["demo", "leak", "--seed", "1", "--users", "3", "--messages", "2", "--out", "msg.txt/world"], /"msg\.txt\/world": "msg\.txt" is not a directory$/);
  });
  it("no permission to create files in the directory", async (ctx) => {
    if (!permissionBitsBind(dir)) {
      console.warn("SKIPPED: no-permission test: this process (root, or CAP_DAC_OVERRIDE) writes into chmod 555 directories anyway");
      ctx.skip();
      return;
    }
    const ro = path.join(dir, "ro");
    fs.mkdirSync(ro, { mode: 0o555 });
    try {
      await expectOutputError(["decrypt", "-i", "k.key", "-o", "ro/x", "msg.age"], /"ro\/x": permission denied \(no write permission for it or for the directory "ro"\)$/);
    } finally {
      fs.rmdirSync(ro);
    }
  });
});

describe("outputError: each cause of a failed create, as the system reports it", () => {
  const err = (code: string): Error => Object.assign(new Error(code), { code });
  it("permission and read-only file systems name the directory", () => {
    expect(outputError(err("EACCES"), path.join(dir, "adir", "x")).message).toBe(`cannot write output ${JSON.stringify(path.join(dir, "adir", "x"))}: permission denied (no write permission for it or for the directory ${JSON.stringify(path.join(dir, "adir"))})`);
    expect(outputError(err("EPERM"), "adir/x", "create key file").message).toMatch(/^cannot create key file "adir\/x": permission denied/);
    expect(outputError(err("EROFS"), "/mnt/cdrom/x.age").message).toBe(`cannot write output "/mnt/cdrom/x.age": the directory "/mnt/cdrom" is on a read-only file system`);
  });
  it("ENOENT with every directory present: the directory does not take new files (/proc)", () => {
    expect(outputError(err("ENOENT"), path.join(dir, "adir", "x")).message).toMatch(/: files cannot be created in the directory /);
  });
  it("other errors keep the plain description", () => {
    expect(outputError(err("ENOSPC"), "adir/x").message).toBe(`cannot write output "adir/x": no space left on device`);
    // A cause the user can act on comes with a hint (ENOSPC needs none: the message says it).
    for (const e of ["EACCES", "EROFS", "ENOENT", "EISDIR"]) expect(outputError(err(e), "adir/x").hints.length, e).toBeGreaterThan(0);
  });
});
