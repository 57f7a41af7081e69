/**
 * Every malformed input we could think of. Each must give a non-zero exit, exactly one
 * `doormat: error:` line (plus optional `doormat: hint:` lines), no stack trace, and lose
 * nothing: no output file appears, existing files are unchanged, and standard output only
 * ever carries plaintext that authenticated (a prefix of the real plaintext, whole chunks).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { doormat, pseudoRandomStream, spawnDoormat, type RunOptions, type RunResult } from "./cli-harness.js";

/** Test data: seeded, so every run sees the same bytes (see pseudoRandomStream). */
const testBytes = pseudoRandomStream("bad-input.test");
import { findHeaderEnd } from "../src/crypto/format/header.js";
import { permissionBitsBind } from "./helpers.js";

const CHUNK = 65536;
const ENC_CHUNK = CHUNK + 16;
const NONCE = 16;

let dir: string;
let inDir: string;
let outDir: string;
const EXISTING = "existing.txt";
const EXISTING_TEXT = "do not lose me\n";

interface Key {
  file: string;
  pub: string;
  secret: string;
}
let alice: Key;
let bob: Key;

/** Plaintexts and their ciphertexts (to alice). */
let small: Buffer; // < 1 chunk
let big: Buffer; // 2 full chunks + 1000 bytes: 3 chunks
let boundary: Buffer; // exactly 2 full chunks
let smallCt: Buffer;
let bigCt: Buffer;
let boundaryCt: Buffer;
let armoredCt: Buffer; // armored encryption of `small`
let armoredBigCt: Buffer; // armored encryption of `big`
let H: number; // header length of bigCt
let N: number; // start of bigCt's first chunk

// ---------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------

/** Every file under `d`: relative path → mode and SHA-256 of the contents. */
function snapshot(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const e of fs.readdirSync(path.join(d, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      const full = path.join(d, r);
      const st = fs.lstatSync(full);
      if (e.isDirectory()) {
        out[r + "/"] = `dir ${(st.mode & 0o7777).toString(8)}`;
        if (st.mode & 0o400) walk(r);
      } else {
        let h = "(unreadable)";
        try {
          h = createHash("sha256").update(fs.readFileSync(full)).digest("hex");
        } catch {
          /* chmod 000 as non-root */
        }
        out[r] = `${(st.mode & 0o7777).toString(8)} ${h}`;
      }
    }
  };
  walk(".");
  return out;
}

/** Stderr lines without the final empty one. */
const lines = (s: string): string[] => s.split("\n").filter((l, i, a) => !(l === "" && i === a.length - 1));

/**
 * Run doormat and check that it failed cleanly and touched nothing on disk.
 * @returns the result, for more specific checks
 */
async function expectRejected(args: string[], o: RunOptions = {}, message?: RegExp): Promise<RunResult> {
  const before = snapshot(dir);
  const r = await doormat(args, o);
  const ctx = `doormat ${args.join(" ")}\n${r.stderr}`;
  expect(r.code, ctx).not.toBe(0);
  expect(r.stderr, ctx).not.toMatch(/^ {4}at /m);
  expect(r.stderr, ctx).not.toContain("unexpected failure");
  const ls = lines(r.stderr);
  expect(ls.filter((l) => l.startsWith("doormat: error: ")), ctx).toHaveLength(1);
  expect(ls[0], ctx).toMatch(/^doormat: error: /);
  for (const l of ls.slice(1)) expect(l, ctx).toMatch(/^doormat: hint: /);
  if (message) expect(r.stderr, ctx).toMatch(message);
  expect(snapshot(dir), `files changed by: ${ctx}`).toEqual(before);
  if (process.env["SHOW_ERRORS"]) console.log(`$ doormat ${args.map((a) => (a.length > 60 ? a.slice(0, 57) + "..." : a)).join(" ")}\n${r.stderr}`);
  return r;
}

/** Authenticated output only: a prefix of the plaintext, ending on a chunk boundary. */
function expectAuthenticatedPrefix(out: Buffer, plaintext: Buffer): void {
  expect(out.length).toBeLessThan(Math.max(plaintext.length, 1));
  expect(out.length % CHUNK).toBe(0);
  expect(Buffer.compare(out, plaintext.subarray(0, out.length))).toBe(0);
}

let cases = 0;
/** Write bytes to a new input file; returns its path. */
function inputFile(bytes: Uint8Array | string, name = `case${++cases}`): string {
  const f = path.join(inDir, name);
  fs.writeFileSync(f, bytes);
  return f;
}

/**
 * Decrypt bad ciphertext three ways, all of which must fail and lose nothing: to a new -o
 * file (which must not appear), over an existing file with --force (which must not change),
 * and to standard output from standard input (which may only carry authenticated chunks).
 */
async function expectDecryptRejected(ct: Uint8Array | string, plaintext: Buffer, message?: RegExp, identity = alice.file): Promise<RunResult> {
  const f = inputFile(ct);
  await expectRejected(["decrypt", "-i", identity, "-o", path.join(outDir, "new.out"), f], {}, message);
  await expectRejected(["decrypt", "-i", identity, "--force", "-o", path.join(outDir, EXISTING), f], {}, message);
  const r = await expectRejected(["decrypt", "-i", identity], { stdin: ct }, message);
  expectAuthenticatedPrefix(r.stdout, plaintext);
  // And from the file to standard output.
  const r2 = await expectRejected(["decrypt", "-i", identity, f], {}, message);
  expectAuthenticatedPrefix(r2.stdout, plaintext);
  fs.rmSync(f);
  return r;
}

async function makeKey(name: string): Promise<Key> {
  const file = path.join(dir, name);
  const r = await doormat(["keygen", "-o", file]);
  expect(r.code).toBe(0);
  const text = fs.readFileSync(file, "utf8");
  return { file, pub: /^# public key: (age1[0-9a-z]+)$/m.exec(text)?.[1] as string, secret: /^(AGE-SECRET-KEY-1[0-9A-Z]+)$/m.exec(text)?.[1] as string };
}

async function encryptTo(pt: Uint8Array, args: string[]): Promise<Buffer> {
  const r = await doormat(["encrypt", ...args], { stdin: pt });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

function flip(ct: Buffer, pos: number, bit = 0x01): Buffer {
  const b = Buffer.from(ct);
  b.writeUInt8(b.readUInt8(pos) ^ bit, pos);
  return b;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "doormat-bad-"));
  inDir = path.join(dir, "in");
  outDir = path.join(dir, "out");
  fs.mkdirSync(inDir);
  fs.mkdirSync(outDir);
  fs.writeFileSync(path.join(outDir, EXISTING), EXISTING_TEXT);
  alice = await makeKey("alice.key");
  bob = await makeKey("bob.key");
  small = Buffer.from("a short secret message\n".repeat(10));
  big = testBytes(2 * CHUNK + 1000);
  boundary = testBytes(2 * CHUNK);
  smallCt = await encryptTo(small, ["-r", alice.pub]);
  bigCt = await encryptTo(big, ["-r", alice.pub]);
  boundaryCt = await encryptTo(boundary, ["-r", alice.pub]);
  armoredCt = await encryptTo(small, ["-a", "-r", alice.pub]);
  armoredBigCt = await encryptTo(big, ["-a", "-r", alice.pub]);
  H = findHeaderEnd(bigCt) as number;
  N = H + NONCE;
  // Sanity: the fixtures decrypt.
  expect((await doormat(["decrypt", "-i", alice.file], { stdin: bigCt })).stdout.equals(big)).toBe(true);
  expect(bigCt.length).toBe(N + 2 * ENC_CHUNK + 1000 + 16);
});

afterAll(() => {
  // Undo any chmod 000 so that the directory can be removed.
  for (const f of fs.readdirSync(inDir)) fs.chmodSync(path.join(inDir, f), 0o700);
  fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------
// truncation and extension
// ---------------------------------------------------------------------------------------

describe("truncated files", () => {
  const cuts: Array<[string, () => number]> = [
    ["empty", () => 0],
    ["1 byte", () => 1],
    ["inside the version line", () => 10],
    ["version line without its LF", () => 21],
    ["after the version line", () => 22],
    ["inside the stanza line", () => 30],
    ["inside the stanza body", () => H - 60],
    ["at the start of the MAC line", () => H - 48],
    ["inside the MAC line", () => H - 20],
    ["before the MAC line's LF", () => H - 1],
    ["right after the MAC line", () => H],
    ["inside the nonce", () => H + 8],
    ["one byte short of the nonce", () => N - 1],
    ["right after the nonce", () => N],
    ["1 byte into the payload", () => N + 1],
    ["shorter than a tag", () => N + 15],
    ["mid first chunk", () => N + 1000],
    ["one byte short of the first chunk", () => N + ENC_CHUNK - 1],
    ["at the first chunk boundary", () => N + ENC_CHUNK],
    ["one byte into the second chunk", () => N + ENC_CHUNK + 1],
    ["mid second chunk", () => N + ENC_CHUNK + 30_000],
    ["at the second chunk boundary", () => N + 2 * ENC_CHUNK],
    ["mid last chunk", () => N + 2 * ENC_CHUNK + 500],
    ["missing the last tag", () => bigCt.length - 16],
    ["one byte short", () => bigCt.length - 1],
  ];
  it.each(cuts)("a 3-chunk file cut %s", async (_name, at) => {
    const n = at();
    expect(n).toBeLessThan(bigCt.length);
    await expectDecryptRejected(bigCt.subarray(0, n), big);
  });

  it.each([
    ["at the chunk boundary (the full final chunk missing)", () => N + ENC_CHUNK],
    ["one byte short", () => boundaryCt.length - 1],
    ["missing the final chunk's tag", () => boundaryCt.length - 16],
  ] as Array<[string, () => number]>)("a file of exactly 2 full chunks, cut %s", async (_name, at) => {
    await expectDecryptRejected(boundaryCt.subarray(0, at()), boundary);
  });

  it("a small file cut in every byte of its header, nonce and payload", async () => {
    // Quick in-process check of every cut (stdout only), then the full treatment of a sample.
    for (let n = 0; n < smallCt.length; n++) {
      const r = await doormat(["decrypt", "-i", alice.file], { stdin: smallCt.subarray(0, n) });
      expect(r.code, `cut at ${n}`).toBe(1);
      expect(r.stdout.length, `cut at ${n}`).toBe(0);
      expect(r.stderr).not.toMatch(/^ {4}at /m);
      expect(lines(r.stderr).filter((l) => l.startsWith("doormat: error: ")), r.stderr).toHaveLength(1);
    }
  });

  it.each([
    ["the header message says it is incomplete", () => H - 1, /header is incomplete|truncated/],
    ["the nonce", () => H + 8, /nonce|truncated/],
    ["the payload", () => N + 1000, /chunk|truncated/],
  ] as Array<[string, () => number, RegExp]>)("messages: %s", async (_name, at, re) => {
    await expectRejected(["decrypt", "-i", alice.file], { stdin: bigCt.subarray(0, at()) }, re);
  });
});

describe("extended files", () => {
  it.each([
    ["one trailing byte", () => Buffer.concat([bigCt, Buffer.from("x")])],
    ["a trailing newline", () => Buffer.concat([smallCt, Buffer.from("\n")])],
    ["16 trailing zero bytes", () => Buffer.concat([bigCt, Buffer.alloc(16)])],
    ["a whole trailing chunk's worth of zeros", () => Buffer.concat([bigCt, Buffer.alloc(ENC_CHUNK)])],
    ["two files concatenated", () => Buffer.concat([smallCt, smallCt])],
  ] as Array<[string, () => Buffer]>)("%s", async (_name, make) => {
    const ct = make();
    const pt = ct.length > bigCt.length - 1 && ct.subarray(0, bigCt.length).equals(bigCt) ? big : small;
    await expectDecryptRejected(ct, pt, /trailing|after the final chunk|authenticate/);
  });
});

// ---------------------------------------------------------------------------------------
// bit flips
// ---------------------------------------------------------------------------------------

describe("bit flips", () => {
  const headerPos = (needle: string, offset = 0): number => {
    const i = bigCt.subarray(0, H).toString("latin1").indexOf(needle);
    if (i < 0) throw new Error(`no ${needle} in header`);
    return i + offset;
  };
  const flips: Array<[string, () => number, number]> = [
    ["version line", () => 3, 0x01],
    ["version number", () => 20, 0x02],
    ["version line LF", () => 21, 0x01],
    ["stanza arrow", () => headerPos("-> "), 0x01],
    ["stanza type", () => headerPos("X25519", 1), 0x20],
    ["stanza share (first char)", () => headerPos("X25519 ", 7), 0x01],
    ["stanza share (last char)", () => headerPos("X25519 ", 7 + 42), 0x01],
    ["stanza share, high bit", () => headerPos("X25519 ", 20), 0x80],
    ["stanza body", () => headerPos("\n---", -20), 0x04],
    ["stanza body's LF", () => headerPos("\n---"), 0x01],
    ["MAC line dashes", () => headerPos("\n---", 2), 0x01],
    ["MAC line space", () => headerPos("\n--- ", 4), 0x01],
    ["MAC, first char", () => H - 44, 0x01],
    ["MAC, middle", () => H - 20, 0x08],
    ["MAC, last char", () => H - 2, 0x01],
    ["MAC line's LF", () => H - 1, 0x01],
    ["nonce, first byte", () => H, 0x01],
    ["nonce, last byte", () => N - 1, 0x80],
    ["first chunk, first byte", () => N, 0x01],
    ["first chunk, middle", () => N + 30_000, 0x10],
    ["first chunk tag", () => N + ENC_CHUNK - 1, 0x01],
    ["second chunk", () => N + ENC_CHUNK + 5, 0x01],
    ["second chunk tag", () => N + 2 * ENC_CHUNK - 16, 0x40],
    ["last chunk", () => N + 2 * ENC_CHUNK + 10, 0x01],
    ["last byte (last tag)", () => bigCt.length - 1, 0x80],
  ];
  it.each(flips)("%s", async (_name, pos, bit) => {
    await expectDecryptRejected(flip(bigCt, pos(), bit), big);
  });

  it("a flip in the MAC says the header was modified", async () => {
    await expectRejected(["decrypt", "-i", alice.file], { stdin: flip(bigCt, H - 20, 0x08) }, /MAC|header/);
  });

  it("every single-bit flip of a small file's header fails (stdout, nothing released)", async () => {
    const h = findHeaderEnd(smallCt) as number;
    for (let pos = 0; pos < h + NONCE; pos++) {
      for (const bit of [0x01, 0x80]) {
        const r = await doormat(["decrypt", "-i", alice.file], { stdin: flip(smallCt, pos, bit) });
        expect(r.code, `flip ${bit} at ${pos}`).toBe(1);
        expect(r.stdout.length, `flip ${bit} at ${pos}`).toBe(0);
        expect(r.stderr).not.toMatch(/^ {4}at /m);
      }
    }
  });

  it("a flipped passphrase file fails too", async () => {
    const e = await doormat(["encrypt", "-p"], { stdin: small, passphrases: ["pw", "pw"] });
    expect(e.code).toBe(0);
    const h = findHeaderEnd(e.stdout) as number;
    for (const pos of [15, 30, h - 10, h + 3, h + NONCE + 4, e.stdout.length - 1]) {
      const f = inputFile(flip(e.stdout, pos));
      await expectRejected(["decrypt", "-o", path.join(outDir, "pw.out"), f], { passphrases: ["pw"] });
    }
  });
});

// ---------------------------------------------------------------------------------------
// the wrong key, and things that are not age files
// ---------------------------------------------------------------------------------------

describe("wrong key and not age files", () => {
  it("the wrong key: no match, with a hint about -i", async () => {
    const r = await expectDecryptRejected(bigCt, big, /no identity matched/, bob.file);
    expect(r.stderr).toMatch(/^doormat: hint: .*-i\/--identity/m);
  });

  it("the wrong key, armored", async () => {
    await expectDecryptRejected(armoredCt, small, /no identity matched/, bob.file);
  });

  const notAge: Array<[string, () => Uint8Array | string]> = [
    ["empty", () => ""],
    ["a text file", () => "Dear diary,\ntoday I encrypted nothing.\n"],
    ["one newline", () => "\n"],
    ["only whitespace", () => " \n\t\r\n   \n"],
    ["lots of whitespace", () => " ".repeat(5000)],
    ["random bytes", () => testBytes(1000)],
    ["random bytes, 200 KiB", () => testBytes(200 * 1024)],
    ["NUL bytes", () => Buffer.alloc(100)],
    ["an identity file", () => fs.readFileSync(alice.file)],
    ["a version line only", () => "age-encryption.org/v1\n"],
    ["a version line without LF", () => "age-encryption.org/v1"],
    ["a future version", () => Buffer.concat([Buffer.from("age-encryption.org/v2"), smallCt.subarray(21)])],
    ["a CRLF header", () => smallCt.toString("latin1").replace(/\n/g, "\r\n").slice(0, 200)],
    ["no stanzas", () => Buffer.concat([Buffer.from("age-encryption.org/v1\n--- "), Buffer.from(smallCt.subarray(H - 44))])],
    ["a header line that never ends", () => "age-encryption.org/v1\n-> X25519 " + "A".repeat(300_000)],
    ["a PGP message", () => "-----BEGIN PGP MESSAGE-----\n\nhQEMA5xyz\n-----END PGP MESSAGE-----\n"],
    ["a lone dash", () => "-"],
    ["UTF-8 BOM then the file", () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), smallCt])],
    ["leading newline then a binary file", () => Buffer.concat([Buffer.from("\n"), smallCt])],
  ];
  it.each(notAge)("decrypt: %s", async (_name, make) => {
    await expectDecryptRejected(make(), small);
  });

  it.each(notAge)("inspect: %s", async (_name, make) => {
    const f = inputFile(make());
    await expectRejected(["inspect", f]);
    await expectRejected(["inspect", "--json", "--deny-escrow"], { stdin: make() });
  });

  it("an empty input says so, with a hint", async () => {
    const r = await expectRejected(["decrypt", "-i", alice.file], { stdin: "" }, /empty/);
    expect(r.stderr).toMatch(/^doormat: hint: /m);
    await expectRejected(["decrypt", "-i", alice.file, inputFile("")], {}, /empty/);
  });

  it("a text file says it is not an age file", async () => {
    await expectRejected(["decrypt", "-i", alice.file], { stdin: "hello\n" }, /not an age file/);
  });
});

// ---------------------------------------------------------------------------------------
// key files
// ---------------------------------------------------------------------------------------

describe("key files", () => {
  const binary = (): Buffer => Buffer.concat([Buffer.from("AGE-SECRET-KEY-1"), Buffer.from([0, 1, 2, 0xff]), testBytes(200)]);
  const notUtf8 = (): Buffer => Buffer.from([0x41, 0x47, 0x45, 0xff, 0xfe, 0xc3, 0x28, 0x0a]);

  it.each([
    ["a binary file", binary, /binary/],
    ["invalid UTF-8", notUtf8, /UTF-8/],
    ["an encrypted file", () => bigCt, /encrypted age file/],
    ["an armored encrypted file", () => armoredCt, /encrypted age file/],
    ["an empty file", () => "", /no identities/],
    ["only comments", () => "# nothing here\n\n# still nothing\n", /no identities/],
    ["a malformed identity", () => "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n", /line 1/],
    ["garbage after a good key", () => `${fs.readFileSync(alice.file, "utf8")}\nnot a key\n`, /line \d+/],
  ] as Array<[string, () => Uint8Array | string, RegExp]>)("-i: %s", async (_name, make, re) => {
    const f = inputFile(make());
    await expectRejected(["decrypt", "-i", f, "-o", path.join(outDir, "x.out")], { stdin: smallCt }, re);
    await expectRejected(["decrypt", "-i", f], { stdin: smallCt }, re);
    await expectRejected(["pubkey", f], {}, re);
  });

  it.each([
    ["a binary file", binary, /binary/],
    ["invalid UTF-8", notUtf8, /UTF-8/],
    ["an encrypted file", () => bigCt, /encrypted age file/],
    ["an armored encrypted file", () => armoredCt, /encrypted age file/],
    ["an empty file", () => "", /no recipients/],
    ["a malformed recipient", () => "age1qqqqqqqqqqqqqqqqqq\n", /line 1/],
  ] as Array<[string, () => Uint8Array | string, RegExp]>)("-R and --escrow-file: %s", async (_name, make, re) => {
    const f = inputFile(make());
    await expectRejected(["encrypt", "-R", f, "-o", path.join(outDir, "x.age")], { stdin: small }, re);
    await expectRejected(["encrypt", "-R", f], { stdin: small }, re);
    await expectRejected(["encrypt", "-r", alice.pub, "--escrow-file", f], { stdin: small }, re);
  });

  it("a recipients file passed to -i: the hint says use -r", async () => {
    const f = inputFile(`# recipients\n${alice.pub}\n`);
    const r = await expectRejected(["decrypt", "-i", f, "-o", path.join(outDir, "x.out")], { stdin: smallCt }, /recipient/);
    expect(r.stderr).toMatch(/^doormat: hint: .*-r\/--recipient/m);
    // pubkey has no -i or -r: its hint names only what pubkey does.
    const p = await expectRejected(["pubkey", f], {}, /recipient/);
    expect(p.stderr).toMatch(/^doormat: hint: pubkey reads a secret key file/m);
    expect(p.stderr).not.toMatch(/ -r\b| -i\b|--recipient|--identity/);
  });

  it("an identity passed to -r or --escrow is refused without echoing the secret key", async () => {
    for (const flag of ["-r", "--escrow"]) {
      const args = flag === "-r" ? ["encrypt", "-r", alice.secret] : ["encrypt", "-r", bob.pub, "--escrow", alice.secret];
      const r = await expectRejected([...args, "-o", path.join(outDir, "x.age")], { stdin: small }, /secret key/);
      expect(r.stderr).not.toContain(alice.secret);
      expect(r.stderr).not.toContain(alice.secret.slice(20, 50));
      expect(r.stderr).toMatch(/^doormat: hint: .*pubkey/m);
    }
  });

  it("an identity file passed to -R is refused without echoing the secret key", async () => {
    const r = await expectRejected(["encrypt", "-R", alice.file], { stdin: small }, /identity|secret/);
    expect(r.stderr).not.toContain(alice.secret.slice(20, 50));
  });

  it("a malformed identity file never echoes its lines", async () => {
    const bad = alice.secret.slice(0, -1) + (alice.secret.endsWith("Q") ? "P" : "Q"); // checksum broken
    const f = inputFile(`# key\n${bad}\n`);
    const r = await expectRejected(["decrypt", "-i", f], { stdin: smallCt }, /line 2/);
    expect(r.stderr).not.toContain(bad.slice(20, 50));
  });

  // A secret key in any case (Bech32 is case-insensitive) or with stray spaces is never echoed.
  it("a lower-case identity passed to -r is not echoed", async () => {
    const lower = alice.secret.toLowerCase();
    const r = await expectRejected(["encrypt", "-r", lower], { stdin: small });
    expect(r.stderr.toLowerCase()).not.toContain(lower.slice(20, 50));
  });

  it("an identity with a stray leading space passed to -r is not echoed", async () => {
    const r = await expectRejected(["encrypt", "-r", ` ${alice.secret}`], { stdin: small });
    expect(r.stderr).not.toContain(alice.secret.slice(20, 50));
  });

  it.each([
    ["a bogus recipient", "age1bogus", /invalid recipient/],
    ["an SSH key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHt", /SSH|invalid recipient/],
    ["a truncated post-quantum recipient", "age1pq1qqqqqqqqqqq", /invalid recipient.*post-quantum recipient is not valid Bech32/],
    ["a tagged (hardware-key) recipient", "age1tag1qqqqqqqqqqq", /tagged \(hardware-key\) recipients are not supported/],
    ["an empty string", "", /invalid recipient|recipient/],
    ["a recipient with a broken checksum", "", /Bech32|checksum/],
  ] as Array<[string, string, RegExp]>)("-r: %s", async (name, value, re) => {
    const v = name.includes("checksum") ? alice.pub.slice(0, -1) + (alice.pub.endsWith("q") ? "p" : "q") : value;
    await expectRejected(["encrypt", "-r", v, "-o", path.join(outDir, "x.age")], { stdin: small }, re);
  });
});

// ---------------------------------------------------------------------------------------
// paths
// ---------------------------------------------------------------------------------------

describe("paths", () => {
  it("unreadable paths (chmod 000)", async (ctx) => {
    if (!permissionBitsBind(dir)) {
      console.warn("SKIPPED: unreadable-path tests: this process (root, or CAP_DAC_OVERRIDE) reads chmod 000 files anyway");
      ctx.skip();
      return;
    }
    const ct = inputFile(smallCt, "unreadable.age");
    const key = inputFile(fs.readFileSync(alice.file), "unreadable.key");
    const rec = inputFile(`${alice.pub}\n`, "unreadable.txt");
    const pt = inputFile(small, "unreadable.plain");
    for (const f of [ct, key, rec, pt]) fs.chmodSync(f, 0o000);
    await expectRejected(["decrypt", "-i", alice.file, "-o", path.join(outDir, "x.out"), ct], {}, /permission denied/);
    await expectRejected(["decrypt", "-i", key], { stdin: smallCt }, /permission denied/);
    await expectRejected(["encrypt", "-R", rec], { stdin: small }, /permission denied/);
    await expectRejected(["encrypt", "-r", alice.pub, "-o", path.join(outDir, "x.age"), pt], {}, /permission denied/);
    await expectRejected(["inspect", ct], {}, /permission denied/);
    await expectRejected(["pubkey", key], {}, /permission denied/);
  });

  it("an unwritable output directory", async (ctx) => {
    if (!permissionBitsBind(dir)) {
      console.warn("SKIPPED: unwritable-directory test: this process (root, or CAP_DAC_OVERRIDE) writes into chmod 555 directories anyway");
      ctx.skip();
      return;
    }
    const ro = path.join(dir, "readonly");
    fs.mkdirSync(ro, { mode: 0o555 });
    try {
      await expectRejected(["encrypt", "-r", alice.pub, "-o", path.join(ro, "x.age")], { stdin: small }, /permission denied/);
      await expectRejected(["keygen", "-o", path.join(ro, "x.key")], {}, /permission denied/);
    } finally {
      fs.chmodSync(ro, 0o755);
      fs.rmSync(ro, { recursive: true });
    }
  });

  it("nonexistent paths", async () => {
    const missing = path.join(dir, "no-such-file");
    await expectRejected(["decrypt", "-i", alice.file, missing], {}, /no such file/);
    await expectRejected(["decrypt", "-i", alice.file, "-o", path.join(outDir, "x.out"), missing], {}, /no such file/);
    await expectRejected(["encrypt", "-r", alice.pub, missing], {}, /no such file/);
    await expectRejected(["encrypt", "-r", alice.pub, "-o", path.join(outDir, "x.age"), missing], {}, /no such file/);
    await expectRejected(["decrypt", "-i", missing], { stdin: smallCt }, /no such file/);
    await expectRejected(["encrypt", "-R", missing], { stdin: small }, /no such file/);
    await expectRejected(["encrypt", "-r", alice.pub, "--escrow-file", missing], { stdin: small }, /no such file/);
    await expectRejected(["inspect", missing], {}, /no such file/);
    await expectRejected(["pubkey", missing], {}, /no such file/);
  });

  it("a directory as input", async () => {
    await expectRejected(["decrypt", "-i", alice.file, inDir], {}, /directory/);
    await expectRejected(["decrypt", "-i", alice.file, "-o", path.join(outDir, "x.out"), inDir], {}, /directory/);
    await expectRejected(["encrypt", "-r", alice.pub, inDir], {}, /directory/);
    await expectRejected(["encrypt", "-r", alice.pub, "-o", path.join(outDir, "x.age"), inDir], {}, /directory/);
    // inspect walks a directory for *.age files: a report, not a usage error.
    const walked = await doormat(["inspect", inDir]);
    expect(walked.stderr).not.toMatch(/unexpected failure|^ {4}at /m);
    expect(walked.stdout.toString()).toMatch(/^\d+ files?: \d+ escrowed, \d+ unreadable/m);
    await expectRejected(["decrypt", "-i", inDir], { stdin: smallCt }, /directory/);
    await expectRejected(["encrypt", "-R", inDir], { stdin: small }, /directory/);
    await expectRejected(["pubkey", inDir], {}, /directory/);
  });

  it("a directory as output", async () => {
    const f = inputFile(smallCt);
    await expectRejected(["decrypt", "-i", alice.file, "-o", outDir, f], {}, /directory/);
    await expectRejected(["decrypt", "-i", alice.file, "--force", "-o", outDir, f], {}, /directory/);
    await expectRejected(["encrypt", "-r", alice.pub, "-o", outDir], { stdin: small }, /directory/);
    await expectRejected(["encrypt", "-r", alice.pub, "-f", "-o", outDir + "/"], { stdin: small }, /directory/);
    await expectRejected(["keygen", "-o", outDir]);
  });

  it("an output in a nonexistent directory", async () => {
    const f = inputFile(smallCt);
    const target = path.join(dir, "no-such-dir", "x");
    // The message names the directory that is missing (test/output-paths.test.ts has the rest).
    const missing = /the directory ".*no-such-dir" does not exist/;
    await expectRejected(["decrypt", "-i", alice.file, "-o", target, f], {}, missing);
    await expectRejected(["encrypt", "-r", alice.pub, "-o", target], { stdin: small }, missing);
    await expectRejected(["keygen", "-o", target], {}, missing);
    expect(fs.existsSync(path.join(dir, "no-such-dir"))).toBe(false);
  });

  it("an output below a regular file", async () => {
    const f = inputFile(small);
    const target = path.join(f, "x");
    await expectRejected(["encrypt", "-r", alice.pub, "-o", target], { stdin: small }, /not a directory|directory/);
    await expectRejected(["keygen", "-o", target]);
  });

  it("an existing output without --force, with good input: nothing replaced", async () => {
    const f = inputFile(smallCt);
    await expectRejected(["decrypt", "-i", alice.file, "-o", path.join(outDir, EXISTING), f], {}, /already exists/);
    await expectRejected(["encrypt", "-r", alice.pub, "-o", path.join(outDir, EXISTING)], { stdin: small }, /already exists/);
    expect(fs.readFileSync(path.join(outDir, EXISTING), "utf8")).toBe(EXISTING_TEXT);
  });
});

// ---------------------------------------------------------------------------------------
// armor
// ---------------------------------------------------------------------------------------

describe("armored files", () => {
  const armorLines = (): string[] => armoredBigCt.toString("latin1").split("\n");
  const edit = (f: (ls: string[]) => string[]): string => f(armorLines()).join("\n");
  const setChar = (l: string, i: number, c: string): string => l.slice(0, i) + c + l.slice(i + 1);
  // Counted once: the edits call mid() for every line, and splitting the whole ~180 KB file
  // each time made "two lines swapped" quadratic (11 s under moderate load, 136 s on a loaded
  // one). armoredBigCt is made in beforeAll and never changes.
  let midLine: number | undefined;
  const mid = (): number => (midLine ??= Math.floor(armorLines().length / 2));

  const damaged: Array<[string, () => string]> = [
    ["an invalid character in a line", () => edit((ls) => ls.map((l, i) => (i === mid() ? setChar(l, 10, "!") : l)))],
    ["a changed base64 character", () => edit((ls) => ls.map((l, i) => (i === mid() ? setChar(l, 10, l[10] === "A" ? "B" : "A") : l)))],
    ["a character changed in the header part", () => edit((ls) => ls.map((l, i) => (i === 2 ? setChar(l, 5, l[5] === "A" ? "B" : "A") : l)))],
    ["a short line in the middle", () => edit((ls) => ls.map((l, i) => (i === mid() ? l.slice(0, 60) : l)))],
    ["a long line", () => edit((ls) => ls.map((l, i) => (i === mid() ? l + "AAAA" : l)))],
    ["a deleted line", () => edit((ls) => ls.filter((_l, i) => i !== mid()))],
    ["two lines swapped", () => edit((ls) => ls.map((l, i) => (i === mid() ? (ls[i + 1] as string) : i === mid() + 1 ? (ls[i - 1] as string) : l)))],
    ["a blank line inside", () => edit((ls) => [...ls.slice(0, mid()), "", ...ls.slice(mid())])],
    ["padding in the middle", () => edit((ls) => ls.map((l, i) => (i === mid() ? l.slice(0, 60) + "AA==" : l)))],
    ["missing END line", () => edit((ls) => ls.filter((l) => !l.startsWith("-----END")))],
    ["a damaged END line", () => edit((ls) => ls.map((l) => (l.startsWith("-----END") ? "-----END AGE ENCRYPTED FILE----" : l)))],
    ["the wrong END label", () => edit((ls) => ls.map((l) => (l.startsWith("-----END") ? "-----END PGP MESSAGE-----" : l)))],
    ["the wrong BEGIN label", () => edit((ls) => ls.map((l) => (l.startsWith("-----BEGIN") ? "-----BEGIN AGE ENCRYPTED FILES-----" : l)))],
    ["a lower-case BEGIN line", () => edit((ls) => ls.map((l) => (l.startsWith("-----BEGIN") ? l.toLowerCase() : l)))],
    ["truncated mid-line", () => armoredBigCt.toString("latin1").slice(0, Math.floor(armoredBigCt.length / 2))],
    ["truncated after a full line", () => armorLines().slice(0, mid()).join("\n") + "\n"],
    ["only the BEGIN line", () => armorLines()[0] + "\n"],
    ["BEGIN and END with nothing between", () => `${armorLines()[0]}\n-----END AGE ENCRYPTED FILE-----\n`],
    ["garbage after END", () => armoredBigCt.toString("latin1") + "trailing garbage\n"],
    ["garbage before BEGIN", () => "Subject: hi\n\n" + armoredBigCt.toString("latin1")],
    ["a second armored file after the first", () => armoredBigCt.toString("latin1") + armoredCt.toString("latin1")],
    ["a last line that is not canonical", () => edit((ls) => ls.map((l, i) => (i === ls.length - 3 ? l.replace(/=+$/, "") : l)))],
  ];
  it.each(damaged)("%s", async (_name, make) => {
    const text = make();
    expect(text).not.toBe(armoredBigCt.toString("latin1"));
    await expectDecryptRejected(text, big);
  });

  it("armor errors come with a hint about the armor", async () => {
    const r = await expectRejected(["decrypt", "-i", alice.file], { stdin: edit((ls) => ls.filter((l) => !l.startsWith("-----END"))) }, /END|armor/);
    expect(r.stderr).toMatch(/^doormat: hint: .*armor/m);
  });

  it("inspect rejects damaged armor too", async () => {
    await expectRejected(["inspect"], { stdin: edit((ls) => ls.map((l, i) => (i === 1 ? setChar(l, 10, "!") : l))) }, /armor/);
    await expectRejected(["inspect", inputFile(armorLines().slice(0, 3).join("\n") + "\n")], {}, /armor|END|truncated/);
  });
});

// ---------------------------------------------------------------------------------------
// partial output on standard output
// ---------------------------------------------------------------------------------------

describe("a corrupted second chunk", () => {
  let bad: Buffer;
  beforeAll(() => {
    bad = flip(bigCt, N + ENC_CHUNK + 100, 0x01);
  });

  it("on standard output: the first chunk may be written (it authenticated), the exit is non-zero", async () => {
    const f = inputFile(bad);
    for (const [args, o] of [
      [["decrypt", "-i", alice.file, f], {}],
      [["decrypt", "-i", alice.file], { stdin: bad }],
    ] as Array<[string[], RunOptions]>) {
      const r = await expectRejected(args, o, /chunk 1|authenticate/);
      expect(r.code).toBe(1);
      expect(r.stdout.length).toBeLessThanOrEqual(CHUNK);
      expectAuthenticatedPrefix(r.stdout, big);
      // As documented (and as Go's age does): the authenticated first chunk is written.
      expect(r.stdout.length).toBe(CHUNK);
      expect(r.stderr).toMatch(/^doormat: hint: .*incomplete/m);
    }
  });

  it("spawned, through a pipe (and truncated in the 2nd chunk): one chunk out, exit 1, one error line", () => {
    for (const input of [bad, bigCt.subarray(0, N + ENC_CHUNK + 100)]) {
      const r = spawnDoormat(["decrypt", "-i", alice.file], { input });
      expect(r.status).toBe(1);
      const err = r.stderr.toString();
      expect(err).not.toMatch(/^ {4}at /m);
      expect(lines(err).filter((l) => l.startsWith("doormat: error: "))).toHaveLength(1);
      expectAuthenticatedPrefix(r.stdout, big);
      expect(r.stdout.length).toBe(CHUNK);
    }
  });

  it("to a terminal, binary plaintext: nothing at all is written (the first chunk is refused)", async () => {
    const r = await expectRejected(["decrypt", "-i", alice.file], { stdin: bad, tty: { stdout: true } });
    expect(r.stdout.length).toBe(0);
  });

  it("with -o: no file, even with --force over an existing one", async () => {
    const f = inputFile(bad);
    await expectRejected(["decrypt", "-i", alice.file, "-o", path.join(outDir, "partial.out"), f]);
    await expectRejected(["decrypt", "-i", alice.file, "-f", "-o", path.join(outDir, EXISTING), f]);
    expect(fs.readFileSync(path.join(outDir, EXISTING), "utf8")).toBe(EXISTING_TEXT);
    expect(fs.readdirSync(outDir)).toEqual([EXISTING]);
  });
});

// ---------------------------------------------------------------------------------------
// file handles
// ---------------------------------------------------------------------------------------

/** File descriptors of this process open on `file` (Linux /proc). */
function fdsOpenOn(file: string): number {
  const real = fs.realpathSync(file);
  let n = 0;
  for (const fd of fs.readdirSync("/proc/self/fd")) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === real) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}
const haveProc = fs.existsSync("/proc/self/fd");

describe.skipIf(!haveProc)("file handles are closed after a failure", () => {
  it("inspect of a file that is not an age file", async () => {
    const f = inputFile("not an age file\n".repeat(100));
    await expectRejected(["inspect", f]);
    expect(fdsOpenOn(f)).toBe(0);
  });

  it("encrypt whose output cannot be written", async () => {
    const f = inputFile(small);
    await expectRejected(["encrypt", "-r", alice.pub, "-o", path.join(outDir, EXISTING), f]);
    expect(fdsOpenOn(f)).toBe(0);
  });

  it("decrypt that succeeds", async () => {
    const f = inputFile(bigCt);
    const r = await doormat(["decrypt", "-i", alice.file, f]);
    expect(r.code).toBe(0);
    expect(fdsOpenOn(f)).toBe(0);
  });

  // Regression: decrypt drives openInput's iterator by hand; on failure it must still
  // `return()` it so that the file is closed (HEAD 7af860d leaked one fd per failed decrypt,
  // "Closing file descriptor N on garbage collection").
  it.each([
    ["the wrong key", () => smallCt, "bob"],
    ["a corrupted payload", () => flip(bigCt, N + ENC_CHUNK + 100), "alice"],
    ["not an age file", () => Buffer.from("not an age file\n"), "alice"],
  ] as Array<[string, () => Buffer, "alice" | "bob"]>)("decrypt of a file that fails: %s", async (_name, make, who) => {
    const f = inputFile(make());
    await expectRejected(["decrypt", "-i", (who === "bob" ? bob : alice).file, f]);
    expect(fdsOpenOn(f)).toBe(0);
  });
});
