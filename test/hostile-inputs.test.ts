/**
 * Regressions from an attack on doormat's inputs (review/attack2): each test pins one input that
 * used to take gigabytes, print a Node warning, write an invalid recording or misreport a file.
 * All deterministic; the exhaustive mutation tests of files and key files are in property.test.ts.
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doormat } from "./cli-harness.js";

const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-hostile-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => path.join(dir, name);

let pub = "";
let authority = "";
beforeAll(async () => {
  expect((await doormat(["keygen", "-o", at("alice.key")])).code).toBe(0);
  expect((await doormat(["keygen", "--authority", "Gov", "-o", at("gov.key")])).code).toBe(0);
  pub = (await doormat(["pubkey", at("alice.key")])).stdout.toString().trim();
  authority = (await doormat(["pubkey", at("gov.key")])).stdout.toString().trim();
  fs.writeFileSync(at("msg.txt"), "hello\n");
  expect((await doormat(["encrypt", "-r", pub, "-o", at("msg.age"), at("msg.txt")])).code).toBe(0);
  expect((await doormat(["encrypt", "-r", pub, "--escrow", authority, "-o", at("escrowed.age"), at("msg.txt")])).code).toBe(0);
});

/** One error line, no stack trace, no "unexpected failure". */
function expectCleanError(stderr: string, message: RegExp): void {
  expect(stderr).toMatch(message);
  expect(stderr).not.toMatch(/unexpected failure|\n\s+at |Warning/);
}

describe.skipIf(!fs.existsSync("/dev/zero"))("key files that never end", () => {
  // stat gives a device (or a pipe) size 0, and readFile then read /dev/zero until Node's 2 GiB
  // buffer limit: `encrypt -R /dev/zero` reached 5 GB of memory and was still running at 60 s.
  it.each([
    ["encrypt -R", () => ["encrypt", "-R", "/dev/zero", "-o", at("out1.age"), at("msg.txt")], /recipients file "\/dev\/zero" is too large to be a key file/],
    ["encrypt --escrow-file", () => ["encrypt", "-r", pub, "--escrow-file", "/dev/zero", "-o", at("out2.age"), at("msg.txt")], /escrow file "\/dev\/zero" is too large to be a key file/],
    ["decrypt -i", () => ["decrypt", "-i", "/dev/zero", at("msg.age")], /identity file "\/dev\/zero" is too large to be a key file/],
    ["pubkey", () => ["pubkey", "/dev/zero"], /identity file "\/dev\/zero" is too large to be a key file/],
  ])("%s /dev/zero stops at the 16 MiB key-file limit", async (_name, args, message) => {
    const r = await doormat(args());
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expectCleanError(r.stderr, message);
  });

  it("a key file exactly at the limit is still read, one byte more is refused", async () => {
    const line = `${pub}\n`;
    const limit = 16 << 20;
    const body = "#".repeat(limit - line.length - 1) + "\n" + line;
    fs.writeFileSync(at("big.txt"), body);
    expect((await doormat(["encrypt", "-R", at("big.txt"), "-o", at("big.age"), at("msg.txt")])).code).toBe(0);
    fs.appendFileSync(at("big.txt"), "\n");
    const r = await doormat(["encrypt", "-R", at("big.txt"), "-o", at("big2.age"), at("msg.txt")]);
    expect(r.code).toBe(1);
    expectCleanError(r.stderr, /too large to be a key file/);
  });
});

describe("demo numbers beyond what the show can use", () => {
  it("--pace above an hour is refused (Node's timers turn over 2^31 - 1 ms into 1 ms, with a warning)", async () => {
    for (const v of ["2147483648", "99999999999", "9".repeat(400), "3600001"]) {
      const r = await doormat(["demo", "ghost", "--pace", v]);
      expect(r.code, v).toBe(1);
      expectCleanError(r.stderr, /--pace must be a whole number from 0 to 3600000/);
    }
  });

  it("--pace 3600000 (the limit) is accepted", async () => {
    const slept: number[] = [];
    const r = await doormat(["demo", "ghost", "--messages", "3", "--pace", "3600000"], { sleep: async (ms) => void slept.push(ms) });
    expect(r.code).toBe(0);
    expect(slept).toContain(3600000);
  });

  it("a COLUMNS too large for --width is ignored: the recording's width stays a number", async () => {
    for (const [columns, i] of [["9".repeat(400), 1], ["99999999", 2], ["1001", 3]] as const) {
      const cast = at(`wide${i}.cast`);
      const r = await doormat(["demo", "ghost", "--messages", "3", "--cast", cast], { env: { COLUMNS: columns } });
      expect(r.code).toBe(0);
      const header = JSON.parse(fs.readFileSync(cast, "utf8").split("\n")[0] as string) as { width: unknown };
      // A COLUMNS of 400 nines is Infinity, which JSON writes as null: not an asciicast.
      expect(Number.isInteger(header.width), columns).toBe(true);
      expect(header.width as number).toBeLessThanOrEqual(1000);
    }
  });
});

/** Create a file whose name is `prefix` + raw bytes + `suffix`; false if the file system refuses such names. */
function writeRawName(parent: string, name: Buffer, data: Uint8Array | string): boolean {
  try {
    fs.writeFileSync(Buffer.concat([Buffer.from(parent + path.sep), name]), data);
    return true;
  } catch {
    return false;
  }
}

describe("inspect DIR: names that are not valid UTF-8, symbolic link loops", () => {
  const tree = at("tree");
  let rawNames = false;
  beforeAll(() => {
    fs.mkdirSync(tree);
    fs.copyFileSync(at("msg.age"), path.join(tree, "ok.age"));
    // Linux file systems take any bytes; APFS refuses invalid UTF-8 (then the test is skipped).
    rawNames = writeRawName(tree, Buffer.from([0x65, 0x73, 0x63, 0xff, 0x2e, 0x61, 0x67, 0x65]), fs.readFileSync(at("escrowed.age")));
    if (rawNames) {
      const sub = Buffer.concat([Buffer.from(tree + path.sep + "dir"), Buffer.from([0xfe])]);
      fs.mkdirSync(sub);
      fs.copyFileSync(at("msg.age"), Buffer.concat([sub, Buffer.from(path.sep + "in.age")]));
    }
    fs.symlinkSync("loop.age", path.join(tree, "loop.age"));
  });

  it("a file whose name is not UTF-8 is read by its bytes: its escrow is found, not reported as missing", async (t) => {
    if (!rawNames) t.skip();
    const r = await doormat(["inspect", "--deny-escrow", "--json", tree]);
    const lines = r.stdout.toString().trim().split("\n").map((l) => JSON.parse(l) as { file: string; error?: string; lawful_access?: boolean });
    const esc = lines.find((l) => l.file.startsWith(path.join(tree, "esc")));
    expect(esc?.error).toBeUndefined();
    expect(esc?.lawful_access).toBe(true);
    const inner = lines.find((l) => l.file.endsWith(`${path.sep}in.age`));
    expect(inner?.error).toBeUndefined();
    expect(inner?.lawful_access).toBe(false);
    // Escrow found outranks the unreadable loop: exit 3, as the README's table says.
    expect(r.code).toBe(3);
  });

  it("a symbolic link loop is named as one, not as a missing file", async () => {
    const r = await doormat(["inspect", "--json", tree]);
    const loop = r.stdout.toString().trim().split("\n").map((l) => JSON.parse(l) as { file: string; error?: string }).find((l) => l.file.endsWith("loop.age"));
    expect(loop?.error).toMatch(/symbolic link loop/);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toMatch(/unexpected failure/);
  });
});
