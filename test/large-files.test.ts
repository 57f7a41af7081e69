/**
 * Large files: the pipeline of src/io/parallel-files.ts (used by `encrypt`/`decrypt` for
 * unarmored regular files of at least 16 MiB), in both of its forms: the crypto in this thread
 * with read-ahead / write-behind in reused ring buffers (threads = 0, the default on <= 4 cores)
 * and batches of 32 chunks in worker threads (threads = 2, dist/io/payload-worker.js, built by
 * the vitest globalSetup).
 *
 * 1. Round trips at the size boundaries (16 MiB ± 1, a multiple of the 2 MiB batch ± 1, a
 *    multiple of 64 KiB, ~33 MiB with a short last chunk, plus tiny sizes) against the
 *    sequential crypto API, both ways, and one size against stock `age`.
 * 2. Through the CLI (in process): encrypt -o / decrypt -o of a 20 MiB file, and stock age.
 * 3. Damaged files, for both pipelines, with and without releasing partial output: always a
 *    PayloadError, and only ever a prefix of the plaintext ending on a chunk boundary; through
 *    the CLI, exit 1 with one error line, and with -o no output and no temporary file.
 *
 * Memory use is deliberately not tested here (no timing or memory assertions).
 *
 * Regressions these tests caught and now guard: the last batch's authenticated chunks dropped
 * when a failure is found at its end; released chunks written twice on stdout; a failed write
 * becoming an unhandled rejection; ring buffers reused while a stdout Writable still held them.
 *
 * The random data is made once (~34 MiB) and every file is a slice of it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { doormat, pseudoRandomStream, spawnDoormat, type RunResult } from "./cli-harness.js";

/** Seeded test data and keys: every run sees the same bytes (see pseudoRandomStream). */
const testBytes = pseudoRandomStream("large-files.test");
const random = seededRandom("large-files.test");
import { onPath } from "./helpers.js";
import { Decrypter, beginEncryption, decrypt, encrypt, openHeader } from "../src/crypto/age.js";
import { PayloadError } from "../src/crypto/errors.js";
import { CHUNK_SIZE, ENC_CHUNK_SIZE, encryptedPayloadSize, sealChunks } from "../src/crypto/format/stream.js";
import { encodeIdentity, encodeRecipient, generateKeyPair } from "../src/crypto/keys.js";
import { seededRandom } from "../src/crypto/random.js";
import { X25519Identity, X25519Recipient } from "../src/crypto/recipients/x25519.js";
import { fileOutput, type Output } from "../src/io/files.js";
import { PARALLEL_MIN_SIZE, decryptFileParallel, defaultThreads, encryptFileParallel } from "../src/io/parallel-files.js";

// ---------------------------------------------------------------------------------------------
// Constants, tools and data

const KiB = 1024;
const MiB = 1024 * KiB;

// 32 chunks: a whole number of the pipeline's batches (16 chunks, 1 MiB), so every boundary below is a
// batch boundary too. Checked against the source so a change of batch size is noticed.
const BATCH_CHUNKS = 32;
const BATCH = BATCH_CHUNKS * CHUNK_SIZE;
/** Both pipelines: the crypto in this thread, and two worker threads. */
const THREADS = [0, 2] as const;

const AGE = onPath("age");
const inCI = (process.env["CI"] ?? "") !== "";
const NO_AGE = "stock `age` is not on PATH (Debian: apt-get install age): skipping the stock age cross-checks of large files";
if (AGE === null) console.warn(`large-files.test.ts: ${NO_AGE}`);

/** Skip (loudly) without stock age; fail in CI, where it is required. */
function needAge(ctx: { skip: () => void }): void {
  if (AGE !== null) return;
  if (inCI) throw new Error(`CI is set but ${NO_AGE}`);
  console.warn(`skipped: ${NO_AGE}`);
  ctx.skip();
}

function stockAge(args: string[], input?: Uint8Array): SpawnSyncReturns<Buffer> {
  const r = spawnSync(AGE as string, args, { input, maxBuffer: 1 << 30, timeout: 240_000 });
  if (r.error) throw r.error;
  return r;
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Compare without dumping megabytes into a failure message. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = "bytes"): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  if (sha256(actual) !== sha256(expected)) {
    let i = 0;
    while (i < actual.length && actual[i] === expected[i]) i++;
    expect.fail(`${what}: first difference at byte ${i} (chunk ${Math.floor(i / CHUNK_SIZE)})`);
  }
}

/** `written` is exactly the first `chunks` whole chunks of `plaintext` (or all of it, if fewer). */
function expectChunkPrefix(written: Uint8Array, plaintext: Uint8Array, chunks: number, what: string): void {
  const n = Math.min(chunks * CHUNK_SIZE, plaintext.length);
  expectSameBytes(written, plaintext.subarray(0, n), what);
}

/** Lines of stderr, without the final empty one. */
const lines = (stderr: string): string[] => stderr.split("\n").filter((l, i, a) => !(l === "" && i === a.length - 1));

/** A clean CLI failure: exit 1, exactly one `doormat: error:` line (first), then only hints. */
function expectCliFailure(code: number | null, stderr: string): void {
  expect(code, stderr).toBe(1);
  const ls = lines(stderr);
  expect(ls.length, stderr).toBeGreaterThanOrEqual(1);
  expect(ls[0], stderr).toMatch(/^doormat: error: /);
  expect(ls.filter((l) => l.startsWith("doormat: error:")), stderr).toHaveLength(1);
  for (const l of ls.slice(1)) expect(l, stderr).toMatch(/^doormat: hint: /);
  expect(stderr).not.toMatch(/^ {4}at /m);
  expect(stderr).not.toContain("unexpected failure");
}

function expectCliOk(r: RunResult): void {
  expect(r.code, r.stderr).toBe(0);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A collecting Output that also watches the pipeline's manners: it copies each write when it
 * is made, completes it a turn of the event loop later, and records whether the caller changed
 * the buffer in the meantime (the ring buffers must not be reused while a write is in flight),
 * whether writes overlapped (AtomicFile appends at the file position: they must not), and
 * whether anything was written after the pipeline's promise settled.
 */
class Collector implements Output {
  readonly isStdout = false;
  readonly atomic = true;
  readonly parts: Buffer[] = [];
  writes = 0;
  inFlight = 0;
  maxInFlight = 0;
  changedWhileInFlight = 0;
  writesAfterSettle = 0;
  settled = false;
  commits = 0;
  aborts = 0;

  async write(data: Uint8Array): Promise<void> {
    if (this.settled) this.writesAfterSettle++;
    this.writes++;
    const copy = Buffer.from(data);
    this.parts.push(copy);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setImmediate(r));
    if (!copy.equals(data)) this.changedWhileInFlight++;
    this.inFlight--;
  }
  async commit(): Promise<void> {
    this.commits++;
  }
  async abort(): Promise<void> {
    this.aborts++;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
  /** Run a pipeline against this output; remember when it settled. */
  async run(p: Promise<void>): Promise<unknown> {
    try {
      await p;
      return null;
    } catch (e) {
      return e;
    } finally {
      this.settled = true;
    }
  }
  /** After settling (and a short pause for any stray write): the manners above. */
  async expectWellBehaved(): Promise<void> {
    await sleep(20);
    expect(this.writesAfterSettle, "writes after the pipeline settled").toBe(0);
    expect(this.inFlight, "writes still in flight after the pipeline settled").toBe(0);
    expect(this.maxInFlight, "overlapping writes").toBeLessThanOrEqual(1);
    expect(this.changedWhileInFlight, "buffers changed while their write was in flight").toBe(0);
    expect(this.commits + this.aborts, "the pipeline must leave commit/abort to its caller").toBe(0);
  }
}

let dir: string;
const p = (...parts: string[]): string => path.join(dir, ...parts);
let subdirs = 0;
/** A fresh empty directory in the scratch directory. */
function freshDir(): string {
  const d = p(`d${subdirs++}`);
  fs.mkdirSync(d);
  return d;
}

/** ~34 MiB of random bytes, made in a few calls; every plaintext here is a slice of it. */
const SOURCE_SIZE = 34 * MiB;
let SOURCE: Buffer;
/** SOURCE as a file: plaintexts of size s are read from position SOURCE_SIZE - s. */
let sourceFile: string;
let sourceHandle: fsp.FileHandle;

const keys = generateKeyPair(random);
const recipient = new X25519Recipient(keys.publicKey);
const identity = new X25519Identity(keys.secretKey);
const RECIPIENT = encodeRecipient(keys.publicKey);
let keyFile: string;

beforeAll(async () => {
  const base = fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
  dir = fs.mkdtempSync(path.join(base, "doormat-large-"));
  SOURCE = Buffer.concat(Array.from({ length: 4 }, () => testBytes(SOURCE_SIZE / 4)));
  sourceFile = p("source");
  fs.writeFileSync(sourceFile, SOURCE);
  sourceHandle = await fsp.open(sourceFile, "r");
  keyFile = p("key.txt");
  fs.writeFileSync(keyFile, `# test key\n${encodeIdentity(keys.secretKey)}\n`, { mode: 0o600 });
});

afterAll(async () => {
  await sourceHandle?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The last `size` bytes of SOURCE (what the pipeline reads from position SOURCE_SIZE - size). */
const tail = (size: number): Buffer => SOURCE.subarray(SOURCE_SIZE - size);

/** Open an age file's header with our identity: the payload key and where the payload starts. */
async function openFile(file: string): Promise<{ handle: fsp.FileHandle; payloadStart: number; payloadKey: Uint8Array }> {
  const handle = await fsp.open(file, "r");
  const { buffer, bytesRead } = await handle.read(Buffer.alloc(64 * KiB), 0, 64 * KiB, 0);
  const opened = openHeader([identity], buffer.subarray(0, bytesRead));
  if (opened === null) throw new Error(`${file}: header and nonce not found in the first 64 KiB`);
  return { handle, payloadStart: opened.payloadStart, payloadKey: opened.payloadKey };
}

/** Decrypt a file through the pipeline into a Collector. */
async function pipelineDecrypt(file: string, threads: number, releasePartial: boolean): Promise<{ out: Collector; error: unknown }> {
  const { handle, payloadStart, payloadKey } = await openFile(file);
  const out = new Collector();
  try {
    const error = await out.run(decryptFileParallel(handle, payloadStart, payloadKey, out, releasePartial, threads));
    return { out, error };
  } finally {
    await handle.close();
  }
}

/**
 * The sequential reference: the Decrypter fed 1 MiB slices, as the CLI's sequential path does.
 * @returns everything it released (including `PayloadError.released`) and the error, if any
 */
function sequentialDecrypt(ct: Uint8Array): { released: Buffer; error: unknown } {
  const d = new Decrypter([identity]);
  const parts: Uint8Array[] = [];
  try {
    for (let off = 0; off < ct.length; off += MiB) parts.push(...d.push(ct.subarray(off, off + MiB)));
    parts.push(...d.finish());
    return { released: Buffer.concat(parts), error: null };
  } catch (e) {
    if (e instanceof PayloadError) parts.push(...e.released);
    return { released: Buffer.concat(parts), error: e };
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Round trips at the boundaries, both pipelines, against the sequential API

const SIZES: { name: string; size: number }[] = [
  { name: "empty", size: 0 },
  { name: "1 byte", size: 1 },
  { name: "64 KiB (one full final chunk)", size: CHUNK_SIZE },
  { name: "2 MiB (one full batch)", size: BATCH },
  { name: "2 MiB + 1", size: BATCH + 1 },
  { name: "16 MiB - 1", size: PARALLEL_MIN_SIZE - 1 },
  { name: "16 MiB", size: PARALLEL_MIN_SIZE },
  { name: "16 MiB + 1", size: PARALLEL_MIN_SIZE + 1 },
  { name: "9 batches (18 MiB) - 1", size: 9 * BATCH - 1 },
  { name: "9 batches (18 MiB)", size: 9 * BATCH },
  { name: "9 batches (18 MiB) + 1", size: 9 * BATCH + 1 },
  { name: "16 MiB + 37 chunks (a multiple of 64 KiB, not of the batch)", size: PARALLEL_MIN_SIZE + 37 * CHUNK_SIZE },
  { name: "33 MiB + 12345 (short last chunk)", size: 33 * MiB + 12345 },
];

/** Encrypt the last `size` bytes of the source file through the pipeline into `target`. */
async function pipelineEncrypt(size: number, threads: number, target: string): Promise<{ head: Uint8Array }> {
  const { head, payloadKey } = beginEncryption([recipient], random);
  const out = await fileOutput(target, true);
  try {
    await encryptFileParallel(sourceHandle, SOURCE_SIZE - size, head, payloadKey, out, threads);
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  return { head };
}

describe.each(THREADS)("round trips, threads = %i", (threads) => {
  it.each(SIZES)("pipeline encrypt → sequential decrypt: $name", async ({ size }) => {
    const d = freshDir();
    const target = path.join(d, "out.age");
    const { head } = await pipelineEncrypt(size, threads, target);
    const ct = fs.readFileSync(target);
    expect(ct.length).toBe(head.length + encryptedPayloadSize(size));
    expectSameBytes(ct.subarray(0, head.length), head, "header and nonce");
    expectSameBytes(decrypt(ct, [identity]), tail(size), "plaintext");
    expect(fs.readdirSync(d), "no temporary file left").toEqual(["out.age"]);
  });

  it.each(SIZES)("sequential encrypt → pipeline decrypt: $name", async ({ size }) => {
    const file = path.join(freshDir(), "in.age");
    fs.writeFileSync(file, encrypt(tail(size), [recipient]));
    const { out, error } = await pipelineDecrypt(file, threads, false);
    expect(error).toBeNull();
    expectSameBytes(out.bytes(), tail(size), "plaintext");
    await out.expectWellBehaved();
  });

  it("stock age decrypts the pipeline's output (33 MiB + 12345)", async (ctx) => {
    needAge(ctx);
    const size = 33 * MiB + 12345;
    const d = freshDir();
    await pipelineEncrypt(size, threads, path.join(d, "out.age"));
    const r = stockAge(["-d", "-i", keyFile, path.join(d, "out.age")]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expectSameBytes(r.stdout, tail(size), "stock age's plaintext");
  });

  it("the pipeline decrypts stock age's output (16 MiB + 1)", async (ctx) => {
    needAge(ctx);
    const size = PARALLEL_MIN_SIZE + 1;
    const file = path.join(freshDir(), "age.age");
    const r = stockAge(["-e", "-r", RECIPIENT, "-o", file], tail(size));
    expect(r.status, r.stderr.toString()).toBe(0);
    const { out, error } = await pipelineDecrypt(file, threads, false);
    expect(error).toBeNull();
    expectSameBytes(out.bytes(), tail(size), "plaintext");
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Through the CLI

describe("CLI, a 20 MiB file", () => {
  const SIZE = 20 * MiB;
  let d: string;
  let big: string;
  beforeAll(() => {
    d = freshDir();
    big = path.join(d, "big");
    fs.writeFileSync(big, tail(SIZE));
  });

  it("encrypt -o then decrypt -o round trip; nothing else left behind", async () => {
    const d2 = freshDir();
    const enc = path.join(d2, "big.age");
    const dec = path.join(d2, "big.out");
    expectCliOk(await doormat(["encrypt", "-r", RECIPIENT, "-o", enc, big]));
    const ct = fs.readFileSync(enc);
    expect(ct.subarray(0, 22).toString("latin1")).toBe("age-encryption.org/v1\n");
    expect(ct.length).toBeGreaterThan(encryptedPayloadSize(SIZE));
    expectSameBytes(decrypt(ct, [identity]), tail(SIZE), "sequential API's plaintext");
    expectCliOk(await doormat(["decrypt", "-i", keyFile, "-o", dec, enc]));
    expectSameBytes(fs.readFileSync(dec), tail(SIZE), "doormat's plaintext");
    expect(fs.readdirSync(d2).sort()).toEqual(["big.age", "big.out"]);
  });

  it("stock age decrypts doormat's encrypt -o output", async (ctx) => {
    needAge(ctx);
    const enc = path.join(freshDir(), "big.age");
    expectCliOk(await doormat(["encrypt", "-r", RECIPIENT, "-o", enc, big]));
    const r = stockAge(["-d", "-i", keyFile, enc]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expectSameBytes(r.stdout, tail(SIZE), "stock age's plaintext");
  });

  it("decrypt -o of stock age's 20 MiB output", async (ctx) => {
    needAge(ctx);
    const e = path.join(freshDir(), "age.age");
    const r = stockAge(["-e", "-r", RECIPIENT, "-o", e, big]);
    expect(r.status, r.stderr.toString()).toBe(0);
    const out = path.join(freshDir(), "plain");
    expectCliOk(await doormat(["decrypt", "-i", keyFile, "-o", out, e]));
    expectSameBytes(fs.readFileSync(out), tail(SIZE), "plaintext");
  });

  it("the built command, standard output (a real pipe): encrypt | decrypt", () => {
    const e = spawnDoormat(["encrypt", "-r", RECIPIENT, big]);
    expect(e.status, e.stderr.toString()).toBe(0);
    const file = path.join(freshDir(), "spawned.age");
    fs.writeFileSync(file, e.stdout);
    expectSameBytes(decrypt(e.stdout, [identity]), tail(SIZE), "encrypted to stdout");
    const r = spawnDoormat(["decrypt", "-i", keyFile, file]);
    expect(r.status, r.stderr.toString()).toBe(0);
    expectSameBytes(r.stdout, tail(SIZE), "decrypted to stdout");
  });

  // BUG 4 (src/io/parallel-files.ts threads = 0, with stdoutOutput from src/io/files.ts): the
  // in-thread pipeline reuses its ring buffers once out.write() resolves, but stdoutOutput's
  // write (writeTo) resolves as soon as stream.write() returns true, and a Writable may keep
  // the chunk: a PassThrough hands that very buffer to its reader (the in-process harness, or
  // anyone embedding run() with such a stdout). Later batches overwrite what was "written":
  // exit 0 and wrong bytes. (A real stdout pipe is fine: see the built-command test above.)
  // Expected: the ring buffers are not reused until the stream is done with them (or copied).
  // The CLI uses the in-thread pipeline only when defaultThreads() is 0 (<= 4 cores).
  it(`in process, encrypt of a large file to standard output is a valid age file`, async () => {
    const r = await doormat(["encrypt", "-r", RECIPIENT, big]);
    expectCliOk(r);
    expectSameBytes(decrypt(r.stdout, [identity]), tail(SIZE), "plaintext");
  });

  it(`in process, decrypt of a large file to standard output gives the plaintext`, async () => {
    const file = path.join(freshDir(), "seq.age");
    fs.writeFileSync(file, encrypt(tail(SIZE), [recipient]));
    const r = await doormat(["decrypt", "-i", keyFile, file]);
    expectCliOk(r);
    expectSameBytes(r.stdout, tail(SIZE), "plaintext");
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Damaged files

/** A: 33 MiB + 12345 bytes, 529 chunks (0..528), 16 full batches then 17 chunks, the last short. */
const A_SIZE = 33 * MiB + 12345;
const A_CHUNKS = Math.ceil(A_SIZE / CHUNK_SIZE);
/** B: 24 MiB, 384 chunks, 12 full batches: the final chunk is full and ends a batch. */
const B_SIZE = 24 * MiB;
const B_CHUNKS = B_SIZE / CHUNK_SIZE;

interface Base {
  plaintext: Buffer;
  ct: Buffer;
  payloadStart: number;
  payloadKey: Uint8Array;
}
const bases = new Map<"A" | "B", Base>();
function base(which: "A" | "B"): Base {
  let b = bases.get(which);
  if (b === undefined) {
    const plaintext = SOURCE.subarray(0, which === "A" ? A_SIZE : B_SIZE);
    const { head, payloadKey } = beginEncryption([recipient], random);
    const ct = Buffer.concat([head, sealChunks(payloadKey, 0, plaintext, true)]);
    b = { plaintext, ct, payloadStart: head.length, payloadKey };
    bases.set(which, b);
  }
  return b;
}

function flip(ct: Buffer, at: number): Buffer {
  const c = Buffer.from(ct);
  c[at] = (c[at] as number) ^ 0x10;
  return c;
}
const E = ENC_CHUNK_SIZE;

interface Damage {
  name: string;
  base: "A" | "B";
  make: (b: Base) => Buffer;
  /** How many leading chunks authenticate before the failure (what may be released). */
  released: number;
  /** The damaged file is under 16 MiB: the CLI takes the sequential path for it. */
  small?: true;
  /**
   * The failure is found by `tail.finish()` in decryptTail after `tail.push()` returned chunks:
   * hits BUG 1 (and BUG 2 on the CLI's standard output), see below.
   */
  tailBug?: true;
}

const DAMAGES: Damage[] = [
  { name: "truncated at a chunk boundary inside the 1st batch", base: "A", make: (b) => b.ct.subarray(0, b.payloadStart + 5 * E), released: 5, small: true, tailBug: true },
  { name: "truncated exactly at the 1st batch boundary", base: "A", make: (b) => b.ct.subarray(0, b.payloadStart + BATCH_CHUNKS * E), released: 32, small: true, tailBug: true },
  { name: "truncated exactly at the 9th batch boundary (still over 16 MiB)", base: "A", make: (b) => b.ct.subarray(0, b.payloadStart + 9 * BATCH_CHUNKS * E), released: 288, tailBug: true },
  { name: "truncated in the middle of the last chunk", base: "A", make: (b) => b.ct.subarray(0, b.payloadStart + (A_CHUNKS - 1) * E + 6000), released: A_CHUNKS - 1, tailBug: true },
  { name: "truncated right after the nonce", base: "A", make: (b) => b.ct.subarray(0, b.payloadStart), released: 0, small: true },
  { name: "a bit flipped in the 1st chunk", base: "A", make: (b) => flip(b.ct, b.payloadStart + 1000), released: 0 },
  { name: "a bit flipped in the tag of the 1st batch's last chunk", base: "A", make: (b) => flip(b.ct, b.payloadStart + 32 * E - 1), released: 31 },
  { name: "a bit flipped in the 1st chunk of the 2nd batch", base: "A", make: (b) => flip(b.ct, b.payloadStart + 32 * E), released: 32 },
  { name: "a bit flipped in a chunk in the middle of the 2nd batch", base: "A", make: (b) => flip(b.ct, b.payloadStart + 40 * E + 777), released: 40 },
  { name: "a bit flipped in the (short) final chunk", base: "A", make: (b) => flip(b.ct, b.payloadStart + (A_CHUNKS - 1) * E + 5), released: A_CHUNKS - 1, tailBug: true },
  { name: "a bit flipped in the (full, batch-ending) final chunk", base: "B", make: (b) => flip(b.ct, b.payloadStart + (B_CHUNKS - 1) * E + 5), released: B_CHUNKS - 1, tailBug: true },
  { name: "16 extra trailing bytes after a short final chunk", base: "A", make: (b) => Buffer.concat([b.ct, testBytes(16)]), released: A_CHUNKS - 1, tailBug: true },
  // The full final chunk authenticates (as final) but is followed by data: it is released, as
  // Go's age does, and the error is about trailing data.
  { name: "16 extra trailing bytes after a full final chunk at a batch end", base: "B", make: (b) => Buffer.concat([b.ct, testBytes(16)]), released: B_CHUNKS },
  {
    name: "a second final chunk: chunk 40 (2nd batch) sealed as final, the rest following",
    base: "A",
    make: (b) => {
      const c = Buffer.from(b.ct);
      c.set(sealChunks(b.payloadKey, 40, b.plaintext.subarray(40 * CHUNK_SIZE, 41 * CHUNK_SIZE), true), b.payloadStart + 40 * E);
      return c;
    },
    released: 41,
  },
  {
    name: "a second final chunk appended after the real one",
    base: "B",
    make: (b) => Buffer.concat([b.ct, sealChunks(b.payloadKey, B_CHUNKS, testBytes(1000), true)]),
    released: B_CHUNKS,
  },
];

// BUG 1 (src/io/parallel-files.ts, decryptTail, both pipelines): the last batch is decrypted
// with `for (const p of [...tail.push(data), ...tail.finish()]) await out.write(p)`. The array
// is built before anything is written, so when finish() throws, the chunks push() had already
// authenticated (up to 31) are dropped, and only `e.released` is written. With releasePartial
// (the CLI on standard output) the output is then not a prefix of the plaintext: e.g. a 20 MiB
// file truncated exactly after chunk 287 (the 9th batch boundary) writes chunks 0..255 then
// chunk 287 (256..286 missing, 287 at the offset of 256); truncated after chunk 31 (1st batch
// boundary), it writes chunk 31 alone at offset 0. When finish() fails on a chunk that does
// not authenticate (flipped bit, cut inside the final chunk, trailing bytes after a short final
// chunk) the chunks of the last batch before it are simply missing. Expected: every chunk
// before the bad one, in order (what the sequential Decrypter releases).
//
// BUG 2 (src/commands/decrypt.ts, decryptStream, with the pipeline on standard output):
// decryptTail has already written `e.released` (releasePartial = out.isStdout), then the catch in
// decryptStream emits `e.released` again: in the example above, chunk 287 appears twice.
describe.each(DAMAGES)("damaged: $name", (damage) => {
  let file: string;
  let plaintext: Buffer;
  beforeAll(() => {
    const b = base(damage.base);
    plaintext = b.plaintext;
    file = path.join(freshDir(), "damaged.age");
    fs.writeFileSync(file, damage.make(b));
  });
  afterAll(() => {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("the sequential reference agrees on what authenticates; the file size is as labelled", () => {
    const ct = fs.readFileSync(file);
    expect(ct.length < PARALLEL_MIN_SIZE, "damage.small").toBe(damage.small === true);
    const { released, error } = sequentialDecrypt(ct);
    expect(error).toBeInstanceOf(PayloadError);
    expectChunkPrefix(released, plaintext, damage.released, "released by the sequential Decrypter");
  });

  for (const threads of THREADS) {
    // BUG 1 where damage.tailBug: see above.
    it(`threads = ${threads}, releasePartial: exactly the chunks before the bad one`, async () => {
      const { out, error } = await pipelineDecrypt(file, threads, true);
      expect(error).toBeInstanceOf(PayloadError);
      expectChunkPrefix(out.bytes(), plaintext, damage.released, "written");
      await out.expectWellBehaved();
    });

    it(`threads = ${threads}, no releasePartial: a chunk-aligned prefix, never past the bad chunk`, async () => {
      const { out, error } = await pipelineDecrypt(file, threads, false);
      expect(error).toBeInstanceOf(PayloadError);
      const written = out.bytes();
      expect(written.length % CHUNK_SIZE === 0 || written.length === plaintext.length, `${written.length} bytes`).toBe(true);
      expect(written.length).toBeLessThanOrEqual(Math.min(damage.released * CHUNK_SIZE, plaintext.length));
      expectSameBytes(written, plaintext.subarray(0, written.length), "written");
      await out.expectWellBehaved();
    });
  }

  it("CLI decrypt -o: exit 1, one error line, no output file and no temporary file", async () => {
    const outDir = freshDir();
    const r = await doormat(["decrypt", "-i", keyFile, "-o", path.join(outDir, "plain"), file]);
    expectCliFailure(r.code, r.stderr);
    expect(r.stderr).toMatch(/truncated|authenticate|trailing|final chunk/);
    expect(r.stdout.length).toBe(0);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  // Standard output through the built command (a real pipe: the in-process harness's
  // PassThrough would hit the ring-buffer bug above). Files under 16 MiB take the sequential path.
  it(`built command, standard output: exit 1, one error line, only the authenticated chunks`, () => {
    const r = spawnDoormat(["decrypt", "-i", keyFile, file]);
    expectCliFailure(r.status, r.stderr.toString());
    expectChunkPrefix(r.stdout, plaintext, damage.released, "standard output");
  });
});

// ---------------------------------------------------------------------------------------------
// A failing write in the in-thread pipeline

// BUG 3 (src/io/parallel-files.ts, encryptFileParallel and decryptFileParallel, both
// pipelines as of commit 47f4398): a write is started (`writing = out.write(...)`) and only
// awaited in a later round, and in between the pipeline awaits its next read (the `blocks()`
// read-ahead). A write that fails (ENOSPC, EIO, EFBIG, an error on standard output) while that
// read is pending is an unhandled rejection: under Node's default --unhandled-rejections=throw
// the CLI dies with a stack trace instead of one error line, and out.abort() never removes the
// temporary file. A slow input (a handle whose reads take 20 ms, as on a slow disk) makes it
// deterministic. Expected: the promise rejects with the write's error, and nothing else.
// Run in a child process (on the built dist/) so that the rejection cannot fail the test run.
describe("a write that fails while the read-ahead is pending", () => {
  let encrypted: string;
  beforeAll(() => {
    encrypted = path.join(freshDir(), "good.age");
    fs.writeFileSync(encrypted, base("A").ct);
  });

  function runChild(op: "encrypt" | "decrypt", threads: number): string {
    const mod = new URL("../dist/io/parallel-files.js", import.meta.url).href;
    const b = base("A");
    const input = op === "encrypt" ? sourceFile : encrypted;
    const call = op === "encrypt"
      ? `encryptFileParallel(slow, 0, new Uint8Array(8), new Uint8Array(32), out, ${threads})`
      : `decryptFileParallel(slow, ${b.payloadStart}, Buffer.from(${JSON.stringify(Buffer.from(b.payloadKey).toString("hex"))}, "hex"), out, false, ${threads})`;
    const script = `
      import * as fsp from "node:fs/promises";
      const { encryptFileParallel, decryptFileParallel } = await import(${JSON.stringify(mod)});
      process.on("unhandledRejection", (e) => console.log("UNHANDLED " + e.message));
      const real = await fsp.open(${JSON.stringify(input)}, "r");
      const slow = { read: async (...a) => { await new Promise((r) => setTimeout(r, 20)); return real.read(...a); } };
      let n = 0;
      const out = { isStdout: false, atomic: true, commit: async () => {}, abort: async () => {},
        write: async () => { if (++n === ${op === "encrypt" ? 2 : 1}) throw new Error("no space left on device"); } };
      try {
        await ${call};
        console.log("RESOLVED");
      } catch (e) { console.log("REJECTED " + e.message); }
      await new Promise((r) => setTimeout(r, 100));
      await real.close();
    `;
    // A file, not --input-type/-e: the worker threads would inherit --input-type and fail.
    const scriptFile = path.join(dir, `child-${op}-${threads}.mjs`);
    fs.writeFileSync(scriptFile, script);
    const r = spawnSync(process.execPath, [scriptFile], { timeout: 240_000 });
    return r.stdout.toString() + r.stderr.toString();
  }

  for (const op of ["encrypt", "decrypt"] as const) {
    for (const threads of THREADS) {
      it(`${op}, threads = ${threads}: rejects with the write's error, no unhandled rejection`, () => {
        const out = runChild(op, threads);
        expect(out).toContain("REJECTED no space left on device");
        expect(out).not.toContain("UNHANDLED");
      });
    }
  }
});

describe("batch size", () => {
  it("the boundaries tested above are batch boundaries of the pipeline", async () => {
    const { BATCH_CHUNKS: pipelineBatch } = await import("../src/io/parallel-files.js");
    expect(BATCH_CHUNKS % pipelineBatch).toBe(0);
  });
});
