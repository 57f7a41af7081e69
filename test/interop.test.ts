/**
 * Interoperability with the reference implementations:
 *
 * - stock `age` / `age-keygen` (Go, Debian package age 1.1.1), spawned;
 * - `age-encryption` (typage, the reference TypeScript implementation), in process.
 *
 * Both directions, for plaintexts around the 64 KiB STREAM chunk boundaries, with one and
 * several recipients, armor and passphrases, plus the lawful-access escrow stanza: stock age
 * and typage must ignore it, and only doormat opens it with the authority's key.
 *
 * Stock age reads passphrases from /dev/tty only, so it runs under `script(1)`, which gives it
 * a pseudo-terminal fed from our stdin.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test } from "vitest";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Decrypter, Encrypter, armor, generateIdentity, identityToRecipient } from "age-encryption";
import { BIN, cliEnv, doormat, pseudoRandomStream, spawnDoormat, type RunOptions, type RunResult } from "./cli-harness.js";
import { onPath } from "./helpers.js";

// ---------------------------------------------------------------------------------------------
// Tools


const AGE = onPath("age");
const AGE_KEYGEN = onPath("age-keygen");
const SCRIPT = onPath("script");
const missing = [AGE ? null : "age", AGE_KEYGEN ? null : "age-keygen", SCRIPT ? null : "script"].filter((x): x is string => x !== null);
const haveStockAge = missing.length === 0;
const inCI = (process.env["CI"] ?? "") !== "";
const whyMissing = `stock age interop tests need ${missing.join(", ")} on PATH (Debian: apt-get install age bsdutils; .ci/run installs them)`;
if (!haveStockAge && !inCI) console.warn(`interop.test.ts: skipping the stock age tests: ${whyMissing}`);

test("stock age, age-keygen and script are available (required in CI)", (ctx) => {
  if (haveStockAge) return;
  if (inCI) throw new Error(`CI is set but ${whyMissing}`);
  console.warn(`skipped: ${whyMissing}`);
  ctx.skip();
});

// ---------------------------------------------------------------------------------------------
// Data

/** Around the 64 KiB chunk size: empty, one byte, chunk ± 1, two chunks (+1), and ~5 MiB. */
const SIZES = [0, 1, 65535, 65536, 65537, 131072, 131073, 5 * 1024 * 1024 + 7];
/** scrypt costs ~1 s per stock-age operation: only a couple of sizes (and armor once). */
const PASSPHRASE_CASES: [number, boolean][] = [[1, false], [65537, true]];
const PASSPHRASE = "correct horse battery staple";

const plaintexts = new Map<number, Buffer>();
/** Seeded: every run sees the same bytes (see pseudoRandomStream). */
const testBytes = pseudoRandomStream("interop.test");
function plaintext(size: number): Buffer {
  let p = plaintexts.get(size);
  if (p === undefined) {
    p = testBytes(size);
    plaintexts.set(size, p);
  }
  return p;
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/** Compare without dumping megabytes into the failure message. */
function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length);
  expect(sha256(actual)).toBe(sha256(expected));
}

// ---------------------------------------------------------------------------------------------
// Running things

const TIMEOUT_MS = 240_000; // a hang detector, not a speed check: CI is a loaded 2-core machine

function exec(cmd: string, args: string[], input?: Uint8Array | string): SpawnSyncReturns<Buffer> {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 30, timeout: TIMEOUT_MS, env: cliEnv() });
  if (r.error) throw r.error;
  return r;
}

function describeRun(what: string, r: SpawnSyncReturns<Buffer>): string {
  return `${what} exited with status ${r.status}${r.signal ? ` (signal ${r.signal})` : ""}: ${r.stderr.toString("utf8")}`;
}

/** Spawn and insist on success. */
function ok(cmd: string, args: string[], input?: Uint8Array | string): SpawnSyncReturns<Buffer> {
  const r = exec(cmd, args, input);
  if (r.status !== 0) throw new Error(describeRun(`${path.basename(cmd)} ${args.join(" ")}`, r));
  return r;
}

const age = (args: string[], input?: Uint8Array | string): SpawnSyncReturns<Buffer> => ok(AGE as string, args, input);
const ageKeygen = (args: string[]): SpawnSyncReturns<Buffer> => ok(AGE_KEYGEN as string, args);

/** Run the doormat CLI in process and insist on success. */
async function dm(args: string[], o: RunOptions = {}): Promise<RunResult> {
  const r = await doormat(args, o);
  if (r.code !== 0) throw new Error(`doormat ${args.join(" ")} exited with status ${r.code}: ${r.stderr}`);
  return r;
}

/** Spawn the built doormat and insist on success. */
function dmSpawn(args: string[], input?: Uint8Array | string): Buffer {
  const r = spawnDoormat(args, input === undefined ? {} : { input });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(describeRun(`doormat ${args.join(" ")}`, r));
  return r.stdout;
}

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Run `argv` on a pseudo-terminal (`script -qec CMD /dev/null`), typing `lines` into it:
 * how to give stock age a passphrase, which it reads from /dev/tty only.
 */
function onTerminal(argv: string[], lines: string[]): SpawnSyncReturns<Buffer> {
  const r = spawnSync(SCRIPT as string, ["-qec", argv.map(shQuote).join(" "), "/dev/null"], {
    input: lines.map((l) => `${l}\n`).join(""),
    timeout: TIMEOUT_MS,
    maxBuffer: 1 << 30,
    env: cliEnv(),
  });
  if (r.error) throw r.error;
  // script passes the terminal's output (prompts, errors) through its stdout.
  if (r.status !== 0) throw new Error(`${argv.join(" ")} on a terminal exited with status ${r.status}: ${r.stdout.toString("utf8")}${r.stderr.toString("utf8")}`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Files

let tmp = "";
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "doormat-interop-"));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const inTmp = (name: string): string => path.join(tmp, name);
function writeTmp(name: string, data: Uint8Array | string): string {
  const p = inTmp(name);
  fs.writeFileSync(p, data);
  return p;
}
const read = (p: string): Buffer => fs.readFileSync(p);

const HEADER_INTRO = "age-encryption.org/v1\n";
const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----\n";
const ARMOR_END = "-----END AGE ENCRYPTED FILE-----\n";

/** The stanza lines (`-> …`) of a binary age file's header. */
function stanzaLines(file: Uint8Array): string[] {
  const b = Buffer.from(file);
  expect(b.subarray(0, HEADER_INTRO.length).toString("latin1")).toBe(HEADER_INTRO);
  const end = b.indexOf("\n---");
  expect(end).toBeGreaterThan(0);
  return b.subarray(0, end + 1).toString("latin1").split("\n").filter((l) => l.startsWith("-> "));
}

/** Armor as stock age and typage write it: 64-column base64 lines, LF, one trailing newline. */
function expectArmored(file: Uint8Array): string {
  const text = Buffer.from(file).toString("latin1");
  expect(text.startsWith(ARMOR_BEGIN)).toBe(true);
  expect(text.endsWith(ARMOR_END)).toBe(true);
  const body = text.slice(ARMOR_BEGIN.length, text.length - ARMOR_END.length).split("\n").slice(0, -1);
  // One assertion, not one per line: a 5 MiB file has over 100k lines.
  const bad = body.findIndex((line, i) => !/^[A-Za-z0-9+/=]*$/.test(line) || (i < body.length - 1 ? line.length !== 64 : line.length > 64 || line.length === 0));
  expect(bad, `armor line ${bad + 1}: ${JSON.stringify(body[bad])}`).toBe(-1);
  return text;
}

const keyDirs: string[] = [];
function newKeyDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "doormat-interop-keys-"));
  keyDirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of keyDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The one AGE-SECRET-KEY-1… line of a key file. */
function secretKeyLine(file: string): string {
  const line = fs.readFileSync(file, "utf8").split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1"));
  if (line === undefined) throw new Error(`no secret key in ${file}`);
  return line;
}

interface Key {
  file: string;
  recipient: string;
}

async function doormatKey(dir: string, name: string, authority?: string): Promise<Key> {
  const file = path.join(dir, name);
  await dm(["keygen", "-o", file, ...(authority === undefined ? [] : ["--authority", authority])]);
  return { file, recipient: (await dm(["pubkey", file])).stdout.toString("utf8").trim() };
}

// =============================================================================================
// Stock age (Go)

describe.skipIf(!haveStockAge)("stock age interop", () => {
  /** Made by age-keygen: age encrypts to them, doormat decrypts with them. */
  const ageKeys: Key[] = [];
  /** Made by doormat keygen: doormat encrypts to them, age decrypts with them. */
  const dmKeys: Key[] = [];
  let authority: Key;
  let keyDir = "";

  beforeAll(async () => {
    keyDir = newKeyDir();
    for (const i of [1, 2, 3]) {
      const file = path.join(keyDir, `age${i}.key`);
      ageKeygen(["-o", file]);
      ageKeys.push({ file, recipient: ageKeygen(["-y", file]).stdout.toString("utf8").trim() });
      dmKeys.push(await doormatKey(keyDir, `doormat${i}.key`));
    }
    authority = await doormatKey(keyDir, "authority.key", "Interop Test Authority");
  });

  describe("keys", () => {
    it("age-keygen -y doormat.key equals doormat pubkey doormat.key (spawned keygen, mode 0600, no overwrite)", () => {
      const key = inTmp("doormat.key");
      const r = spawnDoormat(["keygen", "-o", key]);
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(fs.statSync(key).mode & 0o777).toBe(0o600);
      const text = fs.readFileSync(key, "utf8");
      const fromDoormat = dmSpawn(["pubkey", key]).toString("utf8");
      const fromAge = ageKeygen(["-y", key]).stdout.toString("utf8");
      expect(fromDoormat).toMatch(/^age1[02-9ac-hj-np-z]{58}\n$/);
      expect(fromDoormat).toBe(fromAge);
      expect(text).toContain(`# public key: ${fromAge.trim()}\n`);
      expect(r.stderr.toString()).toContain(fromAge.trim());
      // never overwrites
      const again = spawnDoormat(["keygen", "-o", key]);
      expect(again.status).not.toBe(0);
      expect(fs.readFileSync(key, "utf8")).toBe(text);
    });

    it("age-keygen -y agrees with doormat pubkey on every key, authority keys included", async () => {
      for (const k of [...dmKeys, authority, ...ageKeys]) {
        const fromAge = ageKeygen(["-y", k.file]).stdout.toString("utf8");
        expect(fromAge).toBe(`${k.recipient}\n`);
        expect((await dm(["pubkey", k.file])).stdout.toString("utf8")).toBe(fromAge);
      }
      expect(fs.readFileSync(authority.file, "utf8")).toMatch(/^# authority id: [0-9a-f]{8}$/m);
    });
  });

  describe("doormat → age", () => {
    it.each(SIZES)("one recipient, %i bytes", async (size) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-r", dmKeys[0]!.recipient, "-o", ct, input]);
      const stanzas = stanzaLines(read(ct));
      expect(stanzas).toHaveLength(1);
      expect(stanzas[0]).toMatch(/^-> X25519 [A-Za-z0-9+/]{43}$/);
      // Standard output, not -o: age 1.1.1 opens -o lazily and creates no file for an empty plaintext.
      expectSameBytes(age(["-d", "-i", dmKeys[0]!.file, ct]).stdout, data);
    });

    it.each(SIZES)("three recipients (-r and -R, spawned, through pipes), age decrypts with the 2nd key, %i bytes", (size) => {
      const data = plaintext(size);
      const rfile = writeTmp("recipients.txt", `# two of them\n${dmKeys[1]!.recipient}\n\n${dmKeys[2]!.recipient}\n`);
      const ct = dmSpawn(["encrypt", "-r", dmKeys[0]!.recipient, "-R", rfile], data);
      expect(stanzaLines(ct).filter((l) => l.startsWith("-> X25519 "))).toHaveLength(3);
      const file = writeTmp("msg.age", ct);
      expectSameBytes(age(["-d", "-i", dmKeys[1]!.file, file]).stdout, data);
    });

    it.each(SIZES)("armored (-a), %i bytes", async (size) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-a", "-r", dmKeys[0]!.recipient, "-o", ct, input]);
      expectArmored(read(ct));
      expectSameBytes(age(["-d", "-i", dmKeys[0]!.file, ct]).stdout, data);
    });

    it.each(PASSPHRASE_CASES)("passphrase (-p), %i bytes, armor %s", async (size, armored) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-p", ...(armored ? ["-a"] : []), "-o", ct, input], { passphrases: [PASSPHRASE, PASSPHRASE], scryptWorkFactor: 10 });
      if (armored) {
        expectArmored(read(ct));
      } else {
        const stanzas = stanzaLines(read(ct));
        expect(stanzas).toHaveLength(1);
        expect(stanzas[0]).toMatch(/^-> scrypt [A-Za-z0-9+/]{22} 10$/);
      }
      const out = inTmp("out");
      onTerminal([AGE as string, "-d", "-o", out, ct], [PASSPHRASE]);
      expectSameBytes(read(out), data);
    });
  });

  describe("age → doormat", () => {
    it.each(SIZES)("one recipient (age-keygen key), %i bytes", async (size) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      age(["-r", ageKeys[0]!.recipient, "-o", ct, input]);
      const out = inTmp("out");
      await dm(["decrypt", "-i", ageKeys[0]!.file, "-o", out, ct]);
      expectSameBytes(read(out), data);
    });

    it.each(SIZES)("three recipients (-r and -R), spawned doormat decrypts stdin with the 2nd key, %i bytes", (size) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const rfile = writeTmp("recipients.txt", `${ageKeys[1]!.recipient}\n${ageKeys[2]!.recipient}\n`);
      const ct = age(["-r", ageKeys[0]!.recipient, "-R", rfile, input]).stdout;
      expect(stanzaLines(ct).filter((l) => l.startsWith("-> X25519 "))).toHaveLength(3);
      expectSameBytes(dmSpawn(["decrypt", "-i", ageKeys[1]!.file], ct), data);
    });

    it.each(SIZES)("armored (age -a), armor detected, %i bytes", async (size) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      age(["-a", "-r", ageKeys[0]!.recipient, "-o", ct, input]);
      expectArmored(read(ct));
      const out = inTmp("out");
      await dm(["decrypt", "-i", ageKeys[0]!.file, "-o", out, ct]);
      expectSameBytes(read(out), data);
    });

    it.each(PASSPHRASE_CASES)("passphrase (age -p on a terminal), %i bytes, armor %s", async (size, armored) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      onTerminal([AGE as string, "-p", ...(armored ? ["-a"] : []), "-o", ct, input], [PASSPHRASE, PASSPHRASE]);
      if (armored) expectArmored(read(ct));
      else expect(stanzaLines(read(ct))[0]).toMatch(/^-> scrypt [A-Za-z0-9+/]{22} 18$/);
      // in process
      const out = inTmp("out");
      await dm(["decrypt", "-o", out, ct], { passphrases: [PASSPHRASE] });
      expectSameBytes(read(out), data);
      // spawned: the passphrase prompt on a real (pseudo-)terminal
      const out2 = inTmp("out2");
      onTerminal([process.execPath, BIN, "decrypt", "-o", out2, ct], [PASSPHRASE]);
      expectSameBytes(read(out2), data);
    });

    it("a wrong passphrase fails in doormat and writes nothing", async () => {
      const input = writeTmp("plain", "x");
      const ct = inTmp("msg.age");
      onTerminal([AGE as string, "-p", "-o", ct, input], [PASSPHRASE, PASSPHRASE]);
      const out = inTmp("out");
      const r = await doormat(["decrypt", "-o", out, ct], { passphrases: ["not it"] });
      expect(r.code).toBe(1);
      expect(fs.existsSync(out)).toBe(false);
    });
  });

  describe("lawful-access escrow", () => {
    const SIZE = 65537;

    it("--escrow: stock age decrypts with alice's key, ignoring the stanza; only doormat opens it with the authority's key", async () => {
      const data = plaintext(SIZE);
      const input = writeTmp("plain", data);
      const alice = ageKeys[0]!;
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-r", alice.recipient, "--escrow", authority.recipient, "-o", ct, input]);
      const stanzas = stanzaLines(read(ct));
      expect(stanzas).toHaveLength(2);
      expect(stanzas.filter((l) => l.startsWith("-> X25519 "))).toHaveLength(1);
      const escrow = stanzas.find((l) => l.startsWith("-> doormat.example/lawful-access "));
      expect(escrow).toMatch(/^-> doormat\.example\/lawful-access [0-9a-f]{8} [A-Za-z0-9+/]{43}$/);
      const authorityId = /^# authority id: ([0-9a-f]{8})$/m.exec(fs.readFileSync(authority.file, "utf8"))?.[1];
      expect(escrow?.split(" ")[2]).toBe(authorityId);

      // alice, with stock age
      const fromAge = inTmp("alice.out");
      age(["-d", "-i", alice.file, "-o", fromAge, ct]);
      expectSameBytes(read(fromAge), data);

      // the authority, with doormat (in process and spawned)
      const fromDoormat = inTmp("authority.out");
      await dm(["decrypt", "-i", authority.file, "-o", fromDoormat, ct]);
      expectSameBytes(read(fromDoormat), data);
      expectSameBytes(dmSpawn(["decrypt", "-i", authority.file, ct]), data);

      // the authority's key with stock age: age does not know the lawful-access stanza
      const refused = inTmp("refused.out");
      const r = exec(AGE as string, ["-d", "-i", authority.file, "-o", refused, ct]);
      expect(r.status).not.toBe(0);
      expect(r.stderr.toString("utf8")).toMatch(/no identity matched/);
      expect(fs.existsSync(refused)).toBe(false);

      // and doormat's inspect sees it
      const report = JSON.parse((await dm(["inspect", "--json", ct])).stdout.toString("utf8")) as Record<string, unknown>;
      expect(report["lawful_access"]).toBe(true);
      expect(report["escrow_authorities"]).toEqual([authorityId]);
    });

    it("--escrow with armor and several recipients: every recipient opens it with stock age", async () => {
      const data = plaintext(SIZE);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-a", "-r", ageKeys[0]!.recipient, "-r", ageKeys[1]!.recipient, "--escrow", authority.recipient, "-o", ct, input]);
      expectArmored(read(ct));
      for (const k of [ageKeys[0]!, ageKeys[1]!]) expectSameBytes(age(["-d", "-i", k.file, ct]).stdout, data);
      expect(exec(AGE as string, ["-d", "-i", ageKeys[2]!.file, ct]).status).not.toBe(0);
      expect(exec(AGE as string, ["-d", "-i", authority.file, ct]).status).not.toBe(0);
      expectSameBytes((await dm(["decrypt", "-i", authority.file, ct])).stdout, data);
    });

    it("--escrow-covert: a plain X25519 stanza, so stock age opens it with the authority's key", async () => {
      const data = plaintext(SIZE);
      const input = writeTmp("plain", data);
      const alice = ageKeys[0]!;
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-r", alice.recipient, "--escrow-covert", authority.recipient, "-o", ct, input]);
      const stanzas = stanzaLines(read(ct));
      expect(stanzas).toHaveLength(2);
      for (const s of stanzas) expect(s).toMatch(/^-> X25519 [A-Za-z0-9+/]{43}$/);

      const byAuthority = inTmp("authority.out");
      age(["-d", "-i", authority.file, "-o", byAuthority, ct]);
      expectSameBytes(read(byAuthority), data);
      const byAlice = inTmp("alice.out");
      age(["-d", "-i", alice.file, "-o", byAlice, ct]);
      expectSameBytes(read(byAlice), data);

      // indistinguishable from two ordinary recipients
      const report = JSON.parse((await dm(["inspect", "--json", ct])).stdout.toString("utf8")) as Record<string, unknown>;
      expect(report["lawful_access"]).toBe(false);
      expect(report["possible_covert_escrow"]).toBe(true);
    });
  });

  describe("inspect", () => {
    it("inspect --json on a stock age file with 2 recipients: 2 X25519 stanzas, possible covert escrow, no lawful access", async () => {
      const input = writeTmp("plain", plaintext(65537));
      const ct = inTmp("msg.age");
      age(["-r", ageKeys[0]!.recipient, "-r", ageKeys[1]!.recipient, "-o", ct, input]);
      const r = await dm(["inspect", "--json", ct]);
      const report = JSON.parse(r.stdout.toString("utf8")) as {
        version: unknown;
        armored: unknown;
        header_size: unknown;
        payload_size: unknown;
        plaintext_size: unknown;
        lawful_access: unknown;
        escrow_authorities: unknown;
        x25519_stanzas: unknown;
        possible_covert_escrow: unknown;
        stanzas: { type: string }[];
      };
      expect(report.x25519_stanzas).toBe(2);
      expect(report.stanzas.map((s) => s.type)).toEqual(["X25519", "X25519"]);
      expect(report.possible_covert_escrow).toBe(true);
      expect(report.lawful_access).toBe(false);
      expect(report.escrow_authorities).toEqual([]);
      expect(report.armored).toBe(false);
      expect(report.plaintext_size).toBe(65537);
      expect((report.header_size as number) + (report.payload_size as number)).toBe(fs.statSync(ct).size);
    });
  });
});

// =============================================================================================
// typage (age-encryption), in process

describe("age-encryption (typage) interop", () => {
  /** Made by typage: typage encrypts to them, doormat decrypts with them (and vice versa). */
  const tKeys: (Key & { identity: string })[] = [];
  let authority: Key;

  beforeAll(async () => {
    const dir = newKeyDir();
    for (const i of [1, 2, 3]) {
      const identity = await generateIdentity();
      const recipient = await identityToRecipient(identity);
      const file = path.join(dir, `typage${i}.key`);
      fs.writeFileSync(file, `# public key: ${recipient}\n${identity}\n`, { mode: 0o600 });
      tKeys.push({ file, recipient, identity });
    }
    authority = await doormatKey(dir, "authority.key", "Interop Test Authority");
  });

  async function typageEncrypt(data: Uint8Array, recipients: string[]): Promise<Uint8Array> {
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    return e.encrypt(data);
  }

  async function typageDecrypt(file: Uint8Array, identity: string): Promise<Uint8Array> {
    const d = new Decrypter();
    d.addIdentity(identity);
    return d.decrypt(file);
  }

  describe("typage → doormat", () => {
    it.each(SIZES)("one recipient, %i bytes", async (size) => {
      const data = plaintext(size);
      const ct = writeTmp("msg.age", await typageEncrypt(data, [tKeys[0]!.recipient]));
      const out = inTmp("out");
      await dm(["decrypt", "-i", tKeys[0]!.file, "-o", out, ct]);
      expectSameBytes(read(out), data);
    });

    it.each([0, 65537, 131073])("three recipients, decrypt with the 2nd, %i bytes", async (size) => {
      const data = plaintext(size);
      const ct = writeTmp("msg.age", await typageEncrypt(data, tKeys.map((k) => k.recipient)));
      const out = inTmp("out");
      await dm(["decrypt", "-i", tKeys[1]!.file, "-o", out, ct]);
      expectSameBytes(read(out), data);
    });

    it.each([1, 65536, 131073])("passphrase (work factor 10), %i bytes", async (size) => {
      const data = plaintext(size);
      const e = new Encrypter();
      e.setPassphrase(PASSPHRASE);
      e.setScryptWorkFactor(10);
      const ct = writeTmp("msg.age", await e.encrypt(data));
      expect(stanzaLines(read(ct))[0]).toMatch(/^-> scrypt [A-Za-z0-9+/]{22} 10$/);
      const out = inTmp("out");
      await dm(["decrypt", "-o", out, ct], { passphrases: [PASSPHRASE] });
      expectSameBytes(read(out), data);
    });

    it.each([0, 65535, 131072])("armored (armor.encode), %i bytes", async (size) => {
      const data = plaintext(size);
      const text = armor.encode(await typageEncrypt(data, [tKeys[0]!.recipient]));
      const ct = writeTmp("msg.age", text);
      const out = inTmp("out");
      await dm(["decrypt", "-i", tKeys[0]!.file, "-o", out, ct]);
      expectSameBytes(read(out), data);
    });
  });

  describe("doormat → typage", () => {
    it.each(SIZES)("one recipient, %i bytes", async (size) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-r", tKeys[0]!.recipient, "-o", ct, input]);
      expectSameBytes(await typageDecrypt(read(ct), tKeys[0]!.identity), data);
    });

    it.each([0, 65537, 131073])("three recipients (spawned), typage decrypts with the 2nd, %i bytes", async (size) => {
      const data = plaintext(size);
      const ct = dmSpawn(["encrypt", ...tKeys.flatMap((k) => ["-r", k.recipient])], data);
      expectSameBytes(await typageDecrypt(ct, tKeys[1]!.identity), data);
    });

    it.each([1, 65536, 131073])("passphrase (-p, work factor 10), %i bytes", async (size) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-p", "-o", ct, input], { passphrases: [PASSPHRASE, PASSPHRASE], scryptWorkFactor: 10 });
      const d = new Decrypter();
      d.addPassphrase(PASSPHRASE);
      expectSameBytes(await d.decrypt(read(ct)), data);
    });

    it.each([0, 65535, 131072])("armored (-a, armor.decode), %i bytes", async (size) => {
      const data = plaintext(size);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-a", "-r", tKeys[0]!.recipient, "-o", ct, input]);
      const text = expectArmored(read(ct));
      expectSameBytes(await typageDecrypt(armor.decode(text), tKeys[0]!.identity), data);
    });

    it("--escrow: typage ignores the lawful-access stanza for the recipient, and cannot use it with the authority's key", async () => {
      const data = plaintext(65537);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-r", tKeys[0]!.recipient, "--escrow", authority.recipient, "-o", ct, input]);
      expect(stanzaLines(read(ct)).some((l) => l.startsWith("-> doormat.example/lawful-access "))).toBe(true);
      expectSameBytes(await typageDecrypt(read(ct), tKeys[0]!.identity), data);
      await expect(typageDecrypt(read(ct), secretKeyLine(authority.file))).rejects.toThrow();
      const out = inTmp("out");
      await dm(["decrypt", "-i", authority.file, "-o", out, ct]);
      expectSameBytes(read(out), data);
    });

    it("--escrow-covert: typage opens it with the authority's key too", async () => {
      const data = plaintext(65537);
      const input = writeTmp("plain", data);
      const ct = inTmp("msg.age");
      await dm(["encrypt", "-r", tKeys[0]!.recipient, "--escrow-covert", authority.recipient, "-o", ct, input]);
      expectSameBytes(await typageDecrypt(read(ct), tKeys[0]!.identity), data);
      expectSameBytes(await typageDecrypt(read(ct), secretKeyLine(authority.file)), data);
    });
  });
});
