/**
 * The command-line program, end to end: mostly in process (test/cli-harness.ts), plus a few
 * smoke tests of the built command (dist/cli/doormat.js).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { doormat, pseudoRandomStream, spawnDoormat, type RunOptions, type RunResult } from "./cli-harness.js";

/** Test data: seeded, so every run sees the same bytes (see pseudoRandomStream). */
const testBytes = pseudoRandomStream("cli.test");
import { createProgram } from "../src/cli.js";
import type { Deps } from "../src/commands/context.js";
import { decodeRecipient } from "../src/crypto/keys.js";
import { secureRandom } from "../src/crypto/random.js";
import { PassThrough, Readable } from "node:stream";

const PKG_VERSION = (JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
const ANSI = /\x1b\[/;
const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----\n";
const BIN_MAGIC = "age-encryption.org/v1\n";

let dir: string;
/** A path inside this file's scratch directory. */
const p = (...parts: string[]): string => path.join(dir, ...parts);

/** Lines of stderr, without the final empty one. */
function lines(stderr: string): string[] {
  return stderr.split("\n").filter((l, i, a) => !(l === "" && i === a.length - 1));
}

/** Never a stack trace on stderr, whatever happened. */
function expectNoStack(r: RunResult | { stderr: string }): void {
  expect(r.stderr).not.toMatch(/^ {4}at /m);
  expect(r.stderr).not.toContain("unexpected failure");
}

/**
 * A clean failure: the given exit code, exactly one `doormat: error:` line (first), then only
 * `doormat: hint:` lines, and no stack trace.
 */
function expectFailure(r: RunResult, message?: RegExp, code = 1): void {
  expect(r.code, r.stderr).toBe(code);
  expectNoStack(r);
  const ls = lines(r.stderr);
  expect(ls.length, r.stderr).toBeGreaterThanOrEqual(1);
  expect(ls[0], r.stderr).toMatch(/^doormat: error: /);
  for (const l of ls.slice(1)) expect(l, r.stderr).toMatch(/^doormat: hint: /);
  if (message) expect(r.stderr).toMatch(message);
}

function expectOk(r: RunResult): void {
  expect(r.code, r.stderr).toBe(0);
  expectNoStack(r);
}

/** Files in a directory (names only, sorted), to show nothing was left behind. */
const listing = (d: string): string[] => fs.readdirSync(d).sort();

/** A fresh empty directory under the scratch directory. */
let subdirs = 0;
function freshDir(): string {
  const d = p(`sub${++subdirs}`);
  fs.mkdirSync(d);
  return d;
}

interface Key {
  file: string;
  pub: string;
  secret: string;
}
const keys: Record<"alice" | "bob" | "carol" | "auth", Key> = {} as never;

async function makeKey(file: string, extra: string[] = []): Promise<Key> {
  const r = await doormat(["keygen", "-o", file, ...extra]);
  expectOk(r);
  const text = fs.readFileSync(file, "utf8");
  const pub = /^# public key: (age1[0-9a-z]+)$/m.exec(text)?.[1];
  const secret = /^(AGE-SECRET-KEY-1[0-9A-Z]+)$/m.exec(text)?.[1];
  if (!pub || !secret) throw new Error(`bad key file ${text}`);
  return { file, pub, secret };
}

async function encryptTo(plaintext: Uint8Array | string, args: string[], o: RunOptions = {}): Promise<Buffer> {
  const r = await doormat(["encrypt", ...args], { ...o, stdin: plaintext });
  expectOk(r);
  return r.stdout;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "doormat-cli-"));
  keys.alice = await makeKey(p("alice.key"));
  keys.bob = await makeKey(p("bob.key"));
  keys.carol = await makeKey(p("carol.key"));
  keys.auth = await makeKey(p("auth.key"), ["--authority", "Five Eyes lawful access"]);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------
// keygen and pubkey
// ---------------------------------------------------------------------------------------

describe("keygen", () => {
  it("writes a key file to stdout, and the public key to stderr when stdout is not a terminal", async () => {
    const r = await doormat(["keygen"]);
    expectOk(r);
    const text = r.stdout.toString("utf8");
    const m = /^# created: 2026-01-02T03:04:05Z\n# public key: (age1[0-9a-z]{58})\nAGE-SECRET-KEY-1[0-9A-Z]{58}\n$/.exec(text);
    expect(m, text).not.toBeNull();
    const pub = m?.[1] as string;
    expect(r.stderr).toBe(`Public key: ${pub}\n`);
    // The key file's own public key line is right.
    const pk = await doormat(["pubkey"], { stdin: text });
    expectOk(pk);
    expect(pk.stdout.toString()).toBe(`${pub}\n`);
  });

  it("prints nothing on stderr when stdout is a terminal", async () => {
    const r = await doormat(["keygen"], { tty: { stdout: true, stderr: true } });
    expectOk(r);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toMatch(/^AGE-SECRET-KEY-1/m);
  });

  it("\"-o -\" means standard output", async () => {
    const r = await doormat(["keygen", "-o", "-"]);
    expectOk(r);
    expect(r.stdout.toString()).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/m);
    expect(fs.existsSync(p("-"))).toBe(false);
  });

  it("two keys are different", async () => {
    const a = (await doormat(["keygen"])).stdout.toString();
    const b = (await doormat(["keygen"])).stdout.toString();
    expect(a).not.toBe(b);
  });

  it("-o writes a mode 0600 key file with created and public key lines", async () => {
    const f = p("k-o.key");
    const r = await doormat(["keygen", "-o", f]);
    expectOk(r);
    expect(r.stdout.length).toBe(0);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(f, "utf8");
    expect(text).toMatch(/^# created: 2026-01-02T03:04:05Z$/m);
    const pub = /^# public key: (age1[0-9a-z]{58})$/m.exec(text)?.[1];
    expect(pub).toBeDefined();
    expect(r.stderr).toBe(`Public key: ${pub}\n`);
    const pk = await doormat(["pubkey", f]);
    expectOk(pk);
    expect(pk.stdout.toString()).toBe(`${pub}\n`);
  });

  it("-o gives mode 0600 even with a permissive umask", async () => {
    const old = process.umask(0);
    try {
      const f = p("k-umask.key");
      expectOk(await doormat(["keygen", "-o", f]));
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it("refuses to overwrite an existing file and leaves it untouched", async () => {
    const f = p("precious.key");
    fs.writeFileSync(f, "precious contents\n", { mode: 0o644 });
    fs.chmodSync(f, 0o644);
    const r = await doormat(["keygen", "-o", f]);
    expectFailure(r, /already exists/);
    expect(fs.readFileSync(f, "utf8")).toBe("precious contents\n");
    expect(fs.statSync(f).mode & 0o777).toBe(0o644);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).not.toContain("AGE-SECRET-KEY");
  });

  it("refuses to overwrite an existing key file too (with a relative path)", async () => {
    const before = fs.readFileSync(keys.alice.file, "utf8");
    const r = await doormat(["keygen", "-o", "alice.key"], { cwd: dir });
    expectFailure(r, /already exists/);
    expect(fs.readFileSync(keys.alice.file, "utf8")).toBe(before);
  });

  it("--authority records the name and the authority id (sha256(pubkey)[:4] in hex)", async () => {
    const f = p("authority.key");
    const r = await doormat(["keygen", "--authority", "Five Eyes", "-o", f]);
    expectOk(r);
    const text = fs.readFileSync(f, "utf8");
    expect(text).toMatch(/^# authority: Five Eyes$/m);
    const pub = /^# public key: (age1[0-9a-z]+)$/m.exec(text)?.[1] as string;
    const id = createHash("sha256").update(decodeRecipient(pub)).digest("hex").slice(0, 8);
    expect(text).toMatch(new RegExp(`^# authority id: ${id}$`, "m"));
    expect(r.stderr).toContain(`Public key: ${pub}`);
    expect(r.stderr).toContain(id);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
  });

  it("--authority on stdout too", async () => {
    const r = await doormat(["keygen", "--authority", "GCHQ"]);
    expectOk(r);
    const text = r.stdout.toString();
    const pub = /^# public key: (age1[0-9a-z]+)$/m.exec(text)?.[1] as string;
    const id = createHash("sha256").update(decodeRecipient(pub)).digest("hex").slice(0, 8);
    expect(text).toContain("# authority: GCHQ\n");
    expect(text).toContain(`# authority id: ${id}\n`);
  });

  it.each([[""], ["x".repeat(101)], ["tab\there"], ["naïve"], ["new\nline"]])("--authority %j is refused", async (name) => {
    const f = p(`bad-authority-${testBytes(4).toString("hex")}.key`);
    const r = await doormat(["keygen", "--authority", name, "-o", f]);
    expectFailure(r, /--authority/);
    expect(fs.existsSync(f)).toBe(false);
  });
});

describe("pubkey", () => {
  it("prints the recipient of a key file", async () => {
    const r = await doormat(["pubkey", keys.alice.file]);
    expectOk(r);
    expect(r.stdout.toString()).toBe(`${keys.alice.pub}\n`);
  });

  it("reads standard input by default and with \"-\"", async () => {
    const text = fs.readFileSync(keys.bob.file);
    for (const args of [["pubkey"], ["pubkey", "-"]]) {
      const r = await doormat(args, { stdin: text });
      expectOk(r);
      expect(r.stdout.toString()).toBe(`${keys.bob.pub}\n`);
    }
  });

  it("prints one line per identity of a file with several keys, in order", async () => {
    const f = p("multi.key");
    fs.writeFileSync(f, [fs.readFileSync(keys.alice.file, "utf8"), "", "# another one", fs.readFileSync(keys.bob.file, "utf8")].join("\n"));
    const r = await doormat(["pubkey", f]);
    expectOk(r);
    expect(r.stdout.toString()).toBe(`${keys.alice.pub}\n${keys.bob.pub}\n`);
  });

  it("accepts CRLF line ends and surrounding whitespace", async () => {
    const r = await doormat(["pubkey"], { stdin: `# comment\r\n\r\n  ${keys.carol.secret}  \r\n` });
    expectOk(r);
    expect(r.stdout.toString()).toBe(`${keys.carol.pub}\n`);
  });
});

// ---------------------------------------------------------------------------------------
// encrypt and decrypt
// ---------------------------------------------------------------------------------------

describe("encrypt and decrypt round trips", () => {
  const plaintexts: Array<[string, Uint8Array]> = [
    ["empty", new Uint8Array(0)],
    ["short text", Buffer.from("hello, world\n")],
    ["one full chunk", testBytes(65536)],
    ["just over a chunk", testBytes(65537)],
    ["several chunks", testBytes(3 * 65536 + 123)],
  ];

  it.each(plaintexts)("stdin to stdout and back: %s", async (_name, pt) => {
    const ct = await encryptTo(pt, ["-r", keys.alice.pub]);
    expect(ct.subarray(0, BIN_MAGIC.length).toString("latin1")).toBe(BIN_MAGIC);
    const r = await doormat(["decrypt", "-i", keys.alice.file], { stdin: ct });
    expectOk(r);
    expect(r.stderr).toBe("");
    expect(Buffer.compare(r.stdout, Buffer.from(pt))).toBe(0);
  });

  it.each(plaintexts)("armored, stdin to stdout and back: %s", async (_name, pt) => {
    const ct = await encryptTo(pt, ["-a", "-r", keys.alice.pub]);
    const text = ct.toString("latin1");
    expect(text.startsWith(ARMOR_BEGIN)).toBe(true);
    expect(text.endsWith("-----END AGE ENCRYPTED FILE-----\n")).toBe(true);
    for (const l of text.split("\n")) expect(l.length).toBeLessThanOrEqual(64);
    const r = await doormat(["decrypt", "-i", keys.alice.file], { stdin: ct });
    expectOk(r);
    expect(Buffer.compare(r.stdout, Buffer.from(pt))).toBe(0);
  });

  it("\"-\" names standard input and standard output explicitly", async () => {
    const pt = Buffer.from("dash dash\n");
    const e = await doormat(["encrypt", "-r", keys.alice.pub, "-o", "-", "-"], { stdin: pt });
    expectOk(e);
    const d = await doormat(["decrypt", "-i", keys.alice.file, "-o", "-", "-"], { stdin: e.stdout });
    expectOk(d);
    expect(d.stdout.toString()).toBe("dash dash\n");
  });

  it("files: INPUT and -o, leaving no temporary files behind", async () => {
    const d = freshDir();
    const pt = testBytes(200_000);
    fs.writeFileSync(path.join(d, "plain.bin"), pt);
    const e = await doormat(["encrypt", "-r", keys.alice.pub, "-o", path.join(d, "plain.bin.age"), path.join(d, "plain.bin")]);
    expectOk(e);
    expect(e.stdout.length).toBe(0);
    expect(e.stderr).toBe("");
    const dd = await doormat(["decrypt", "-i", keys.alice.file, "-o", path.join(d, "out.bin"), path.join(d, "plain.bin.age")]);
    expectOk(dd);
    expect(dd.stdout.length).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(d, "out.bin")), pt)).toBe(0);
    expect(listing(d)).toEqual(["out.bin", "plain.bin", "plain.bin.age"]);
  });

  it("files with relative paths (cwd)", async () => {
    const d = freshDir();
    fs.writeFileSync(path.join(d, "msg.txt"), "relative\n");
    expectOk(await doormat(["encrypt", "-a", "-r", keys.bob.pub, "-o", "msg.txt.age", "msg.txt"], { cwd: d }));
    const r = await doormat(["decrypt", "-i", keys.bob.file, "msg.txt.age"], { cwd: d });
    expectOk(r);
    expect(r.stdout.toString()).toBe("relative\n");
  });

  it("an empty input file gives a valid empty encryption", async () => {
    const d = freshDir();
    fs.writeFileSync(path.join(d, "empty"), "");
    expectOk(await doormat(["encrypt", "-r", keys.alice.pub, "-o", path.join(d, "empty.age"), path.join(d, "empty")]));
    const r = await doormat(["decrypt", "-i", keys.alice.file, "-o", path.join(d, "empty.out"), path.join(d, "empty.age")]);
    expectOk(r);
    expect(fs.readFileSync(path.join(d, "empty.out")).length).toBe(0);
  });

  it("-R: recipients files with comments, blank lines, CRLF and several keys", async () => {
    const f = p("friends.txt");
    fs.writeFileSync(f, `# my friends\n\n${keys.alice.pub}\n   \n# bob:\r\n${keys.bob.pub}\r\n\n\t${keys.carol.pub}  \n# the end`);
    const pt = Buffer.from("to all my friends\n");
    const ct = await encryptTo(pt, ["-R", f]);
    for (const k of [keys.alice, keys.bob, keys.carol]) {
      const r = await doormat(["decrypt", "-i", k.file], { stdin: ct });
      expectOk(r);
      expect(r.stdout.toString()).toBe(pt.toString());
    }
    const j = await doormat(["inspect", "--json"], { stdin: ct });
    expectOk(j);
    expect((JSON.parse(j.stdout.toString()) as { x25519_stanzas: number }).x25519_stanzas).toBe(3);
    // The authority, not a recipient, cannot open it.
    const no = await doormat(["decrypt", "-i", keys.auth.file], { stdin: ct });
    expectFailure(no, /no identity matched/);
  });

  it("-r and -R combine, and several -R files add up", async () => {
    const f1 = p("r1.txt");
    const f2 = p("r2.txt");
    fs.writeFileSync(f1, `${keys.alice.pub}\n`);
    fs.writeFileSync(f2, `${keys.bob.pub}\n`);
    const ct = await encryptTo("x", ["-R", f1, "-R", f2, "-r", keys.carol.pub]);
    const j = JSON.parse((await doormat(["inspect", "--json"], { stdin: ct })).stdout.toString()) as { x25519_stanzas: number };
    expect(j.x25519_stanzas).toBe(3);
    for (const k of [keys.alice, keys.bob, keys.carol]) expectOk(await doormat(["decrypt", "-i", k.file], { stdin: ct }));
  });

  it("-R - reads recipients from standard input when the input is a file", async () => {
    const d = freshDir();
    fs.writeFileSync(path.join(d, "in.txt"), "recipients on stdin\n");
    const e = await doormat(["encrypt", "-R", "-", path.join(d, "in.txt")], { stdin: `# from stdin\n${keys.bob.pub}\n` });
    expectOk(e);
    const r = await doormat(["decrypt", "-i", keys.bob.file], { stdin: e.stdout });
    expectOk(r);
    expect(r.stdout.toString()).toBe("recipients on stdin\n");
  });

  it("-i: an identity file with several keys opens a file for any of them", async () => {
    const f = p("ids.key");
    fs.writeFileSync(f, `# several identities\n\n${fs.readFileSync(keys.alice.file, "utf8")}\n${fs.readFileSync(keys.carol.file, "utf8")}`);
    for (const k of [keys.alice, keys.carol]) {
      const ct = await encryptTo(`for ${k.pub}`, ["-r", k.pub]);
      const r = await doormat(["decrypt", "-i", f], { stdin: ct });
      expectOk(r);
      expect(r.stdout.toString()).toBe(`for ${k.pub}`);
    }
    const ct = await encryptTo("for bob", ["-r", keys.bob.pub]);
    expectFailure(await doormat(["decrypt", "-i", f], { stdin: ct }), /no identity matched/);
  });

  it("-i is repeatable", async () => {
    const ct = await encryptTo("second one", ["-r", keys.bob.pub]);
    const r = await doormat(["decrypt", "-i", keys.alice.file, "-i", keys.bob.file], { stdin: ct });
    expectOk(r);
    expect(r.stdout.toString()).toBe("second one");
  });

  it("-i - reads the identity from standard input when the input is a file", async () => {
    const d = freshDir();
    fs.writeFileSync(path.join(d, "m.age"), await encryptTo("id on stdin", ["-r", keys.carol.pub]));
    const r = await doormat(["decrypt", "-i", "-", path.join(d, "m.age")], { stdin: fs.readFileSync(keys.carol.file) });
    expectOk(r);
    expect(r.stdout.toString()).toBe("id on stdin");
  });

  it("--escrow: the recipient and the authority can both decrypt; nobody else", async () => {
    const ct = await encryptTo("escrowed\n", ["-r", keys.alice.pub, "--escrow", keys.auth.pub]);
    for (const k of [keys.alice, keys.auth]) {
      const r = await doormat(["decrypt", "-i", k.file], { stdin: ct });
      expectOk(r);
      expect(r.stdout.toString()).toBe("escrowed\n");
    }
    expectFailure(await doormat(["decrypt", "-i", keys.bob.file], { stdin: ct }), /no identity matched/);
  });

  it("--escrow-file and --escrow-covert", async () => {
    const f = p("authorities.txt");
    fs.writeFileSync(f, `# the authorities\n${keys.auth.pub}\n`);
    const ct = await encryptTo("file escrow", ["-r", keys.alice.pub, "--escrow-file", f]);
    const j = JSON.parse((await doormat(["inspect", "--json"], { stdin: ct })).stdout.toString()) as Record<string, unknown>;
    expect(j["lawful_access"]).toBe(true);
    expectOk(await doormat(["decrypt", "-i", keys.auth.file], { stdin: ct }));

    const covert = await encryptTo("covert", ["-r", keys.alice.pub, "--escrow-covert", keys.auth.pub]);
    const jc = JSON.parse((await doormat(["inspect", "--json"], { stdin: covert })).stdout.toString()) as Record<string, unknown>;
    expect(jc["lawful_access"]).toBe(false);
    expect(jc["x25519_stanzas"]).toBe(2);
    expect(jc["possible_covert_escrow"]).toBe(true);
    const r = await doormat(["decrypt", "-i", keys.auth.file], { stdin: covert });
    expectOk(r);
    expect(r.stdout.toString()).toBe("covert");
  });

  it("--escrow without any recipient is refused", async () => {
    expectFailure(await doormat(["encrypt", "--escrow", keys.auth.pub], { stdin: "x" }), /no recipients/);
  });

  it("no recipients at all: a hint names -r, -R and -p", async () => {
    const r = await doormat(["encrypt"], { stdin: "x" });
    expectFailure(r, /no recipients/);
    expect(r.stderr).toMatch(/-r\/--recipient/);
  });

  it("passphrase: -p round trip, armored and not", async () => {
    for (const armor of [[], ["-a"]]) {
      const e = await doormat(["encrypt", "-p", ...armor], { stdin: "secret notes\n", passphrases: ["correct horse", "correct horse"] });
      expectOk(e);
      const j = JSON.parse((await doormat(["inspect", "--json"], { stdin: e.stdout })).stdout.toString()) as { stanzas: Array<{ kind: string; args: string[] }> };
      expect(j.stanzas.map((s) => s.kind)).toEqual(["scrypt"]);
      expect(j.stanzas[0]?.args[1]).toBe("10"); // the harness's low work factor
      const d = await doormat(["decrypt"], { stdin: e.stdout, passphrases: ["correct horse"] });
      expectOk(d);
      expect(d.stdout.toString()).toBe("secret notes\n");
      const wrong = await doormat(["decrypt"], { stdin: e.stdout, passphrases: ["wrong"] });
      expectFailure(wrong);
      expect(wrong.stdout.length).toBe(0);
      // -i on a passphrase file: refused with a hint.
      expectFailure(await doormat(["decrypt", "-i", keys.alice.file], { stdin: e.stdout }), /passphrase/);
    }
  });

  it("passphrase: mismatched confirmation and empty passphrase are refused", async () => {
    const r = await doormat(["encrypt", "-p"], { stdin: "x", passphrases: ["one", "two"] });
    expectFailure(r, /didn't match/);
    expect(r.stdout.length).toBe(0);
    expectFailure(await doormat(["encrypt", "-p"], { stdin: "x", passphrases: [""] }), /empty passphrase/);
  });

  it("decrypting without -i a file encrypted to keys is refused with a hint", async () => {
    const ct = await encryptTo("x", ["-r", keys.alice.pub]);
    expectFailure(await doormat(["decrypt"], { stdin: ct }), /no identity given/);
  });
});

// ---------------------------------------------------------------------------------------
// terminals
// ---------------------------------------------------------------------------------------

describe("terminals", () => {
  it("refuses binary ciphertext to a terminal, with a hint about -a/--armor", async () => {
    const r = await doormat(["encrypt", "-r", keys.alice.pub], { stdin: "x", tty: { stdout: true } });
    expectFailure(r, /terminal/);
    expect(r.stderr).toMatch(/^doormat: hint: .*-a\/--armor/m);
    expect(r.stdout.length).toBe(0);
  });

  it("-a to a terminal works", async () => {
    const r = await doormat(["encrypt", "-a", "-r", keys.alice.pub], { stdin: "x", tty: { stdout: true } });
    expectOk(r);
    expect(r.stdout.toString().startsWith(ARMOR_BEGIN)).toBe(true);
  });

  it("\"-o -\" forces binary to a terminal; -o FILE is fine too", async () => {
    const r = await doormat(["encrypt", "-r", keys.alice.pub, "-o", "-"], { stdin: "x", tty: { stdout: true } });
    expectOk(r);
    expect(r.stdout.subarray(0, BIN_MAGIC.length).toString()).toBe(BIN_MAGIC);
    const f = path.join(freshDir(), "t.age");
    expectOk(await doormat(["encrypt", "-r", keys.alice.pub, "-o", f], { stdin: "x", tty: { stdout: true } }));
    expect(fs.existsSync(f)).toBe(true);
  });

  it("prints text plaintext to a terminal (tabs, CR and LF are fine)", async () => {
    const ct = await encryptTo("line one\tcol\r\nline two\n", ["-r", keys.alice.pub]);
    const r = await doormat(["decrypt", "-i", keys.alice.file], { stdin: ct, tty: { stdout: true } });
    expectOk(r);
    expect(r.stdout.toString()).toBe("line one\tcol\r\nline two\n");
  });

  it.each([
    ["an escape sequence", "harmless \x1b]0;pwned\x07 text"],
    ["a NUL byte", "a\x00b"],
    ["DEL", "a\x7fb"],
    ["binary", "\x01\x02\x03"],
  ])("refuses plaintext with control characters (%s) to a terminal", async (_name, text) => {
    const ct = await encryptTo(text, ["-r", keys.alice.pub]);
    const r = await doormat(["decrypt", "-i", keys.alice.file], { stdin: ct, tty: { stdout: true } });
    expectFailure(r, /terminal/);
    expect(r.stdout.length).toBe(0);
    // …but to a pipe, or to a file, it is written as is.
    const piped = await doormat(["decrypt", "-i", keys.alice.file], { stdin: ct });
    expectOk(piped);
    expect(piped.stdout.toString("latin1")).toBe(text);
    const f = path.join(freshDir(), "bin.out");
    expectOk(await doormat(["decrypt", "-i", keys.alice.file, "-o", f], { stdin: ct, tty: { stdout: true } }));
    expect(fs.readFileSync(f, "latin1")).toBe(text);
  });
});

// ---------------------------------------------------------------------------------------
// outputs: atomic, no-clobber, never the input
// ---------------------------------------------------------------------------------------

describe("output files", () => {
  it("a failed decrypt with -o leaves no file and no temporary file", async () => {
    const d = freshDir();
    const ct = await encryptTo(testBytes(150_000), ["-r", keys.alice.pub]);
    fs.writeFileSync(path.join(d, "m.age"), ct);
    // Wrong key.
    let r = await doormat(["decrypt", "-i", keys.bob.file, "-o", path.join(d, "out")], { stdin: ct });
    expectFailure(r, /no identity matched/);
    expect(listing(d)).toEqual(["m.age"]);
    // Right key, last chunk corrupted: the first chunks authenticate, but nothing may be kept.
    const bad = Buffer.from(ct);
    bad.writeUInt8(bad.readUInt8(bad.length - 3) ^ 0x01, bad.length - 3);
    fs.writeFileSync(path.join(d, "bad.age"), bad);
    r = await doormat(["decrypt", "-i", keys.alice.file, "-o", path.join(d, "out"), path.join(d, "bad.age")]);
    expectFailure(r);
    expect(listing(d)).toEqual(["bad.age", "m.age"]);
    expect(r.stdout.length).toBe(0);
  });

  it("an existing output is refused without --force and kept; --force replaces it", async () => {
    const d = freshDir();
    const out = path.join(d, "out.txt");
    fs.writeFileSync(out, "old contents\n");
    const ct = await encryptTo("new contents\n", ["-r", keys.alice.pub]);
    let r = await doormat(["decrypt", "-i", keys.alice.file, "-o", out], { stdin: ct });
    expectFailure(r, /already exists/);
    expect(r.stderr).toMatch(/--force/);
    expect(fs.readFileSync(out, "utf8")).toBe("old contents\n");
    r = await doormat(["encrypt", "-r", keys.alice.pub, "-o", out], { stdin: "x" });
    expectFailure(r, /already exists/);
    expect(fs.readFileSync(out, "utf8")).toBe("old contents\n");
    expect(listing(d)).toEqual(["out.txt"]);

    r = await doormat(["decrypt", "-i", keys.alice.file, "-o", out, "--force"], { stdin: ct });
    expectOk(r);
    expect(fs.readFileSync(out, "utf8")).toBe("new contents\n");
    r = await doormat(["encrypt", "-f", "-a", "-r", keys.alice.pub, "-o", out], { stdin: "again" });
    expectOk(r);
    expect(fs.readFileSync(out, "utf8").startsWith(ARMOR_BEGIN)).toBe(true);
    expect(listing(d)).toEqual(["out.txt"]);
  });

  it("--force does not replace an existing output when decryption fails", async () => {
    const d = freshDir();
    const out = path.join(d, "keep.txt");
    fs.writeFileSync(out, "keep me\n");
    const ct = await encryptTo("x", ["-r", keys.alice.pub]);
    expectFailure(await doormat(["decrypt", "-f", "-i", keys.bob.file, "-o", out], { stdin: ct }));
    expect(fs.readFileSync(out, "utf8")).toBe("keep me\n");
    expect(listing(d)).toEqual(["keep.txt"]);
  });

  it.each([
    ["x", "x"],
    ["./x", "x"],
    ["x", "./x"],
    ["dir/../x", "x"],
    ["x", "dir/../x"],
    // Files are compared by device and inode, as the kernel resolves the path (see
    // same-file.test.ts): "nonexistent/../x" names no file at all there.
    ["dir/../x", "./dir/../x"],
  ])("encrypt refuses input %j and output %j (the same file), even with --force", async (input, output) => {
    const d = freshDir();
    fs.mkdirSync(path.join(d, "dir"));
    fs.writeFileSync(path.join(d, "x"), "my only copy\n");
    for (const force of [[], ["--force"]]) {
      const r = await doormat(["encrypt", "-r", keys.alice.pub, ...force, "-o", output, input], { cwd: d });
      expectFailure(r, /same/);
      expect(fs.readFileSync(path.join(d, "x"), "utf8")).toBe("my only copy\n");
      expect(listing(d)).toEqual(["dir", "x"]);
    }
  });

  it("the same file given by absolute and relative path is refused", async () => {
    const d = freshDir();
    fs.writeFileSync(path.join(d, "x"), "my only copy\n");
    const r = await doormat(["encrypt", "-r", keys.alice.pub, "-f", "-o", path.join(d, "x"), "x"], { cwd: d });
    expectFailure(r, /same/);
    expect(fs.readFileSync(path.join(d, "x"), "utf8")).toBe("my only copy\n");
  });

  it("decrypt refuses the input, or an identity file, as its output", async () => {
    const d = freshDir();
    const ct = await encryptTo("x", ["-r", keys.alice.pub]);
    fs.writeFileSync(path.join(d, "m.age"), ct);
    fs.copyFileSync(keys.alice.file, path.join(d, "a.key"));
    let r = await doormat(["decrypt", "-f", "-i", "a.key", "-o", "./m.age", "m.age"], { cwd: d });
    expectFailure(r, /same/);
    r = await doormat(["decrypt", "-f", "-i", "a.key", "-o", "a.key", "m.age"], { cwd: d });
    expectFailure(r, /same/);
    expect(Buffer.compare(fs.readFileSync(path.join(d, "m.age")), ct)).toBe(0);
    expect(fs.readFileSync(path.join(d, "a.key"), "utf8")).toBe(fs.readFileSync(keys.alice.file, "utf8"));
  });

  it("encrypt refuses a recipients file as its output", async () => {
    const d = freshDir();
    fs.writeFileSync(path.join(d, "r.txt"), `${keys.alice.pub}\n`);
    fs.mkdirSync(path.join(d, "dir"));
    const r = await doormat(["encrypt", "-f", "-R", "r.txt", "-o", "dir/../r.txt"], { cwd: d, stdin: "x" });
    expectFailure(r, /same/);
    expect(fs.readFileSync(path.join(d, "r.txt"), "utf8")).toBe(`${keys.alice.pub}\n`);
  });

  it("standard input used twice is refused", async () => {
    let r = await doormat(["encrypt", "-R", "-"], { stdin: `${keys.alice.pub}\n` });
    expectFailure(r, /standard input/);
    r = await doormat(["encrypt", "-R", "-", "-"], { stdin: `${keys.alice.pub}\n` });
    expectFailure(r, /standard input/);
    r = await doormat(["encrypt", "-r", keys.alice.pub, "--escrow-file", "-"], { stdin: `${keys.auth.pub}\n` });
    expectFailure(r, /standard input/);
    r = await doormat(["decrypt", "-i", "-"], { stdin: fs.readFileSync(keys.alice.file) });
    expectFailure(r, /standard input/);
    r = await doormat(["decrypt", "-i", "-", "-i", "-", p("whatever.age")]);
    expectFailure(r, /standard input/);
    expect(r.stdout.length).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------
// misused options
// ---------------------------------------------------------------------------------------

describe("misused options", () => {
  it("-p with -r is refused", async () => {
    const r = await doormat(["encrypt", "-p", "-r", keys.alice.pub], { stdin: "x", passphrases: ["a", "a"] });
    expectFailure(r, /-p\/--passphrase/);
    expect(r.stdout.length).toBe(0);
  });

  it("-p with -R is refused", async () => {
    const f = p("p-with-R.txt");
    fs.writeFileSync(f, `${keys.alice.pub}\n`);
    expectFailure(await doormat(["encrypt", "-p", "-R", f], { stdin: "x", passphrases: ["a", "a"] }), /-p\/--passphrase/);
  });

  it("--escrow with -p is refused with an explanation mentioning scrypt", async () => {
    const r = await doormat(["encrypt", "-p", "--escrow", keys.auth.pub], { stdin: "x", passphrases: ["a", "a"] });
    expectFailure(r, /escrow/);
    expect(r.stderr).toMatch(/^doormat: hint: .*scrypt/m);
    expect(r.stdout.length).toBe(0);
  });

  it.each([["-r"], ["--recipient"], ["-R"], ["--recipients-file"]])("decrypt %s gives a hint mentioning -i/--identity", async (flag) => {
    const r = await doormat(["decrypt", flag, keys.alice.pub], { stdin: "x" });
    expectFailure(r, /not a decrypt option/);
    expect(r.stderr).toMatch(/^doormat: hint: .*-i\/--identity/m);
  });

  it.each([["-a"], ["--armor"]])("decrypt %s says armor is detected automatically", async (flag) => {
    const r = await doormat(["decrypt", flag, "-i", keys.alice.file], { stdin: "x" });
    expectFailure(r, /not a decrypt option/);
    expect(r.stderr).toMatch(/^doormat: hint: .*detected automatically/m);
  });

  it("decrypt -p says passphrases are detected automatically", async () => {
    const r = await doormat(["decrypt", "-p"], { stdin: "x" });
    expectFailure(r, /not a decrypt option/);
    expect(r.stderr).toMatch(/detected automatically/);
  });

  it("encrypt -i explains that -i is for decrypting", async () => {
    const r = await doormat(["encrypt", "-i", keys.alice.file], { stdin: "x" });
    expectFailure(r, /-i\/--identity is for decrypting/);
    expect(r.stderr).toMatch(/pubkey/);
  });

  it("a secret key given to -r is refused without echoing it", async () => {
    const r = await doormat(["encrypt", "-r", keys.alice.secret], { stdin: "x" });
    expectFailure(r, /secret key/);
    expect(r.stderr).not.toContain(keys.alice.secret);
    expect(r.stderr).not.toContain(keys.alice.secret.slice(16, 40));
  });

  it("--work-factor outside 1..22 is refused", async () => {
    expectFailure(await doormat(["encrypt", "-p", "--work-factor", "23"], { stdin: "x", passphrases: ["a", "a"] }), /work-factor/);
    expectFailure(await doormat(["encrypt", "-p", "--work-factor", "0x10"], { stdin: "x", passphrases: ["a", "a"] }), /work-factor/);
  });
});

// ---------------------------------------------------------------------------------------
// help, version, usage errors
// ---------------------------------------------------------------------------------------

function fakeDeps(): Deps {
  return {
    stdin: Readable.from([]),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    env: {},
    isTTY: { stdin: false, stdout: false, stderr: false },
    cwd: process.cwd(),
    readPassphrase: async () => "",
    waitForEnter: async () => {},
    random: secureRandom,
    now: () => new Date(0),
    sleep: async () => {},
  };
}
const SUBCOMMANDS = createProgram(fakeDeps()).commands.map((c) => c.name());

describe("help and version", () => {
  it("knows the expected subcommands", () => {
    expect(SUBCOMMANDS).toEqual(expect.arrayContaining(["keygen", "pubkey", "encrypt", "decrypt", "inspect", "selftest", "demo"]));
  });

  it("--help of the program exits 0 and contains Examples:", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const r = await doormat(args);
      expectOk(r);
      expect(r.stdout.toString()).toContain("Usage: doormat");
      expect(r.stdout.toString()).toContain("Examples:");
    }
  });

  it.each(SUBCOMMANDS.map((c) => [c]))("%s --help exits 0 and contains Examples:", async (cmd) => {
    for (const args of [[cmd, "--help"], [cmd, "-h"], ["help", cmd]]) {
      const r = await doormat(args);
      expectOk(r);
      const out = r.stdout.toString();
      expect(out).toContain(`Usage: doormat ${cmd}`);
      expect(out).toContain("Examples:");
      expect(out).toContain(`$ doormat ${cmd}`);
    }
  });

  it("keygen --help never shows a key file written by tee or >, which would not be mode 0600", async () => {
    const out = (await doormat(["keygen", "--help"])).stdout.toString();
    for (const l of out.split("\n").filter((x) => x.startsWith("  $ "))) expect(l, l).not.toMatch(/(tee|>)\s*\S*\.key\b/);
    expect(out).toContain("standard error when the key goes to a file or a pipe");
  });

  it("--version prints the package.json version", async () => {
    const r = await doormat(["--version"]);
    expectOk(r);
    expect(r.stdout.toString()).toBe(`${PKG_VERSION}\n`);
  });

  it("no arguments: usage on stderr, exit 1", async () => {
    const r = await doormat([]);
    expect(r.code).toBe(1);
    expectNoStack(r);
    expect(r.stderr).toContain("Usage: doormat");
    expect(r.stdout.length).toBe(0);
  });

  it.each([
    [["frobnicate"], /unknown command/],
    [["encryt"], /unknown command/],
    [["--frobnicate"], /unknown option/],
    [["encrypt", "--frobnicate"], /unknown option/],
    [["decrypt", "-z"], /unknown option/],
    [["keygen", "--authority"], /argument missing/],
    [["encrypt", "-r"], /argument missing/],
    [["decrypt", "-i"], /argument missing/],
    [["inspect", "--format", "xml"], /argument .xml. is invalid|Allowed choices/],
    [["inspect", "--json", "--format", "sarif"], /contradict/],
    [["keygen", "extra"], /too many arguments|excess|unknown/],
  ] as Array<[string[], RegExp]>)("usage error %j exits 1 with a doormat: error: line", async (args, re) => {
    const r = await doormat(args, { stdin: "" });
    expect(r.code).toBe(1);
    expectNoStack(r);
    const errs = lines(r.stderr).filter((l) => l.startsWith("doormat: error: "));
    expect(errs, r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(re);
    expect(r.stdout.length).toBe(0);
  });

  it("a misspelled command gets a suggestion", async () => {
    const r = await doormat(["encryt"]);
    expect(r.stderr).toMatch(/encrypt/);
  });
});

// ---------------------------------------------------------------------------------------
// inspect
// ---------------------------------------------------------------------------------------

interface InspectJson {
  file: string | null;
  version: string;
  armored: boolean;
  header_size: number;
  payload_size: number;
  plaintext_size: number | null;
  lawful_access: boolean;
  escrow_authorities: string[];
  x25519_stanzas: number;
  possible_covert_escrow: boolean;
  stanzas: Array<{ type: string; args: string[]; body_size: number; kind: string; description: string; authority_id?: string }>;
}

describe("inspect", () => {
  const authId = (): string => createHash("sha256").update(decodeRecipient(keys.auth.pub)).digest("hex").slice(0, 8);
  let plainFile: string;
  let escrowFile: string;
  let escrowArmored: string;
  const PT = testBytes(70_000);

  beforeAll(async () => {
    const d = freshDir();
    plainFile = path.join(d, "plain.age");
    escrowFile = path.join(d, "escrow.age");
    escrowArmored = path.join(d, "escrow.age.asc");
    fs.writeFileSync(plainFile, await encryptTo(PT, ["-r", keys.alice.pub]));
    fs.writeFileSync(escrowFile, await encryptTo(PT, ["-r", keys.alice.pub, "-r", keys.bob.pub, "--escrow", keys.auth.pub]));
    fs.writeFileSync(escrowArmored, await encryptTo(PT, ["-a", "-r", keys.alice.pub, "--escrow", keys.auth.pub]));
  });

  it("text: a plain file", async () => {
    const r = await doormat(["inspect", plainFile]);
    expectOk(r);
    const out = r.stdout.toString();
    expect(out).toContain("age-encryption.org/v1");
    expect(out).toContain("1 recipient stanza:");
    expect(out).toContain("X25519");
    expect(out).toContain(`(${PT.length} bytes of plaintext)`);
    expect(out).toMatch(/No escrow stanza/);
    expect(out).not.toMatch(/LAWFUL ACCESS/);
    expect(out).not.toMatch(ANSI);
  });

  it("text: an escrowed file names the authority", async () => {
    const r = await doormat(["inspect", escrowFile]);
    expectOk(r);
    const out = r.stdout.toString();
    expect(out).toContain("3 recipient stanzas:");
    expect(out).toContain("doormat.example/lawful-access");
    expect(out).toContain("LAWFUL ACCESS");
    expect(out).toContain(authId());
    expect(out).toMatch(/covert/);
  });

  it("text lines fit in 80 columns, as renderInspect documents", async () => {
    for (const f of [plainFile, escrowFile]) {
      const out = (await doormat(["inspect", f])).stdout.toString();
      for (const l of out.split("\n")) expect(l.length, l).toBeLessThanOrEqual(80);
    }
  });

  // The talk (examples/talk.sh) runs inspect on a 60-column screen: the terminal used to cut
  // "fro|m" and the key id "77|78dc9e" in half.
  it("text on a narrow terminal wraps between words, never through one", async () => {
    const words = (s: string): string[] => s.split(/\s+/).filter(Boolean);
    // Named relative to its folder: a file name longer than the line (the scratch path) is cut.
    for (const f of [plainFile, escrowFile]) {
      const cwd = path.dirname(f);
      const wide = (await doormat(["inspect", path.basename(f)], { cwd })).stdout.toString();
      for (const columns of [40, 60]) {
        const r = await doormat(["inspect", path.basename(f)], { cwd, columns });
        expectOk(r);
        const out = r.stdout.toString();
        for (const l of out.split("\n")) expect(l.length, l).toBeLessThanOrEqual(columns);
        expect(words(out)).toEqual(words(wide));
      }
    }
    // -o FILE is not the terminal: the report keeps its 80-column layout.
    const file = path.join(freshDir(), "report.txt");
    expectOk(await doormat(["inspect", "-o", file, escrowFile], { columns: 40 }));
    expect(fs.readFileSync(file, "utf8").split("\n").some((l) => l.length > 40)).toBe(true);
  });

  it("text: several authorities each hold a key (plural)", async () => {
    const f = path.join(freshDir(), "two.age");
    fs.writeFileSync(f, await encryptTo("x", ["-r", keys.alice.pub, "--escrow", keys.auth.pub, "--escrow", keys.carol.pub]));
    const out = (await doormat(["inspect", f])).stdout.toString().replace(/\s+/g, " ");
    expect(out).toMatch(/Authorities [0-9a-f]{8} and [0-9a-f]{8} each hold a key that opens it/);
    expect(out).toContain("a copy of any one of those keys.");
    expect((await doormat(["inspect", escrowFile])).stdout.toString().replace(/\s+/g, " ")).toContain(`Authority ${authId()} holds a key that opens it`);
  });

  it("--json: the documented snake_case document, for a plain binary file", async () => {
    const r = await doormat(["inspect", "--json", plainFile]);
    expectOk(r);
    const j = JSON.parse(r.stdout.toString()) as InspectJson;
    for (const k of Object.keys(j)) expect(k).toMatch(/^[a-z][a-z0-9_]*$/);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(["version", "armored", "header_size", "payload_size", "plaintext_size", "lawful_access", "escrow_authorities", "x25519_stanzas", "possible_covert_escrow", "stanzas"]));
    expect(j.file).toBe(plainFile);
    expect(j.version).toBe("age-encryption.org/v1");
    expect(j.armored).toBe(false);
    expect(j.header_size + j.payload_size).toBe(fs.statSync(plainFile).size);
    expect(j.payload_size).toBe(16 + PT.length + 2 * 16);
    expect(j.plaintext_size).toBe(PT.length);
    expect(j.lawful_access).toBe(false);
    expect(j.escrow_authorities).toEqual([]);
    expect(j.x25519_stanzas).toBe(1);
    expect(j.possible_covert_escrow).toBe(false);
    expect(j.stanzas).toHaveLength(1);
    const s = j.stanzas[0] as InspectJson["stanzas"][number];
    expect(Object.keys(s).sort()).toEqual(["args", "body_size", "description", "kind", "type"]);
    expect(s.type).toBe("X25519");
    expect(s.kind).toBe("x25519");
    expect(s.args).toHaveLength(1);
    expect(s.args[0]).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(s.body_size).toBe(32);
    expect(typeof s.description).toBe("string");
    expect(s.authority_id).toBeUndefined();
    // The header size is where the binary header really ends.
    const bytes = fs.readFileSync(plainFile);
    expect(bytes.subarray(j.header_size - 48, j.header_size).toString("latin1")).toMatch(/^--- [A-Za-z0-9+/]{43}\n$/);
  });

  it("--json: an escrowed file", async () => {
    const r = await doormat(["inspect", "--json", escrowFile]);
    expectOk(r);
    const j = JSON.parse(r.stdout.toString()) as InspectJson;
    expect(j.lawful_access).toBe(true);
    expect(j.escrow_authorities).toEqual([authId()]);
    expect(j.x25519_stanzas).toBe(2);
    expect(j.possible_covert_escrow).toBe(true);
    expect(j.stanzas.map((s) => s.kind)).toEqual(["x25519", "x25519", "lawful-access"]);
    const e = j.stanzas[2] as InspectJson["stanzas"][number];
    expect(e.type).toBe("doormat.example/lawful-access");
    expect(e.authority_id).toBe(authId());
    expect(e.args[0]).toBe(authId());
    expect(e.args[1]).toMatch(/^[A-Za-z0-9+/]{43}$/);
    expect(e.body_size).toBe(32);
    expect(e.description).toMatch(/LAWFUL ACCESS/);
    expect(j.plaintext_size).toBe(PT.length);
  });

  it("--json: an armored file, from standard input", async () => {
    const r = await doormat(["inspect", "--json"], { stdin: fs.readFileSync(escrowArmored) });
    expectOk(r);
    const j = JSON.parse(r.stdout.toString()) as InspectJson;
    expect(j.file).toBeNull();
    expect(j.armored).toBe(true);
    expect(j.plaintext_size).toBe(PT.length);
    expect(j.lawful_access).toBe(true);
    expect(j.x25519_stanzas).toBe(1);
    expect(j.possible_covert_escrow).toBe(false);
  });

  it("--json: a passphrase file", async () => {
    const e = await doormat(["encrypt", "-p"], { stdin: "", passphrases: ["pw", "pw"] });
    expectOk(e);
    const j = JSON.parse((await doormat(["inspect", "--json"], { stdin: e.stdout })).stdout.toString()) as InspectJson;
    expect(j.stanzas.map((s) => [s.type, s.kind])).toEqual([["scrypt", "scrypt"]]);
    expect(j.plaintext_size).toBe(0);
    expect(j.x25519_stanzas).toBe(0);
  });

  it("--deny-escrow exits 3 on an escrowed file (binary and armored), 0 on a plain one", async () => {
    for (const f of [escrowFile, escrowArmored]) {
      const r = await doormat(["inspect", "--deny-escrow", f]);
      expectFailure(r, /escrow/, 3);
      expect(r.stdout.toString()).toContain("LAWFUL ACCESS");
    }
    const j = await doormat(["inspect", "--deny-escrow", "--json", escrowFile]);
    expect(j.code).toBe(3);
    expect((JSON.parse(j.stdout.toString()) as InspectJson).lawful_access).toBe(true);
    expectOk(await doormat(["inspect", "--deny-escrow", plainFile]));
    expectOk(await doormat(["inspect", "--deny-escrow", "--json", plainFile]));
  });

  it("--deny-escrow does not see covert escrow (it cannot): exit 0", async () => {
    const ct = await encryptTo("x", ["-r", keys.alice.pub, "--escrow-covert", keys.auth.pub]);
    expectOk(await doormat(["inspect", "--deny-escrow"], { stdin: ct }));
  });

  it("a file that is not an age file: exit 1", async () => {
    expectFailure(await doormat(["inspect"], { stdin: "just some text\n" }), /not an age file/);
    expectFailure(await doormat(["inspect", "--deny-escrow"], { stdin: "" }), /empty/);
  });
});

// ---------------------------------------------------------------------------------------
// selftest
// ---------------------------------------------------------------------------------------

describe("selftest", () => {
  it("exits 0 (and NO_COLOR keeps a terminal's output plain)", async () => {
    const r = await doormat(["selftest"], { env: { NO_COLOR: "1", FORCE_COLOR: "1" }, tty: { stdout: true, stderr: true } });
    expectOk(r);
    expect(r.stdout.toString()).not.toMatch(ANSI);
    expect(r.stdout.toString()).toMatch(/\d+ passed, 0 failed, \d+ skipped\n$/);
    expect(r.stdout.toString()).not.toContain("FAIL");
  });

  it("--json parses, with failed === 0", async () => {
    const r = await doormat(["selftest", "--json"]);
    expectOk(r);
    const j = JSON.parse(r.stdout.toString()) as { passed: number; failed: number; results: Array<{ ok: boolean }> };
    expect(j.failed).toBe(0);
    expect(j.passed).toBeGreaterThan(0);
    expect(j.results).toHaveLength(j.passed);
    expect(j.results.every((x) => x.ok)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------
// colour
// ---------------------------------------------------------------------------------------

describe("colour", () => {
  let escrowed: Buffer;
  const TTY = { stdout: true, stderr: true };
  beforeAll(async () => {
    escrowed = await encryptTo("x", ["-r", keys.alice.pub, "--escrow", keys.auth.pub]);
  });

  it("FORCE_COLOR=1 on a terminal colours inspect's output and error lines (the control)", async () => {
    const r = await doormat(["inspect", "--deny-escrow"], { stdin: escrowed, env: { FORCE_COLOR: "1" }, tty: TTY });
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).toMatch(ANSI);
    expect(r.stderr).toMatch(ANSI);
  });

  it("a terminal without FORCE_COLOR is coloured too; a pipe is not", async () => {
    expect((await doormat(["inspect"], { stdin: escrowed, env: { TERM: "xterm" }, tty: TTY })).stdout.toString()).toMatch(ANSI);
    const piped = await doormat(["inspect", "--deny-escrow"], { stdin: escrowed, env: { TERM: "xterm" } });
    expect(piped.stdout.toString()).not.toMatch(ANSI);
    expect(piped.stderr).not.toMatch(ANSI);
  });

  it.each([
    ["NO_COLOR=1", [], { NO_COLOR: "1", FORCE_COLOR: "1" }],
    ["--no-color before the command", ["--no-color"], { FORCE_COLOR: "1" }],
  ] as Array<[string, string[], Record<string, string>]>)("%s leaves no ANSI escapes", async (_name, pre, env) => {
    const runs: RunResult[] = [
      await doormat([...pre, "inspect", "--deny-escrow"], { stdin: escrowed, env, tty: TTY }),
      await doormat([...pre, "inspect", p("does-not-exist.age")], { env, tty: TTY }),
      await doormat([...pre, "encrypt", "-r", keys.alice.pub], { stdin: "x", env, tty: TTY }),
      await doormat([...pre, "keygen"], { env, tty: { stderr: true } }),
    ];
    expect(runs.map((r) => r.code)).toEqual([3, 1, 1, 0]);
    for (const r of runs) {
      expect(r.stdout.toString("latin1")).not.toMatch(ANSI);
      expect(r.stderr).not.toMatch(ANSI);
    }
    expect(runs[0]?.stdout.toString()).toContain("LAWFUL ACCESS");
  });

  it("--no-color after the command leaves no ANSI escapes", async () => {
    const r = await doormat(["inspect", "--deny-escrow", "--no-color"], { stdin: escrowed, env: { FORCE_COLOR: "1" }, tty: TTY });
    expect(r.code).toBe(3);
    expect(r.stdout.toString()).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
  });
});

// ---------------------------------------------------------------------------------------
// the built command
// ---------------------------------------------------------------------------------------

describe("spawned dist/cli/doormat.js", () => {
  it("--version", () => {
    const r = spawnDoormat(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe(`${PKG_VERSION}\n`);
  });

  it("keygen to a pipe prints the public key on stderr", () => {
    const r = spawnDoormat(["keygen"]);
    expect(r.status).toBe(0);
    const pub = /^# public key: (age1[0-9a-z]+)$/m.exec(r.stdout.toString())?.[1];
    expect(r.stderr.toString()).toBe(`Public key: ${pub}\n`);
  });

  it("keygen -o, pubkey, encrypt and decrypt through pipes", () => {
    const d = freshDir();
    const key = path.join(d, "k.key");
    expect(spawnDoormat(["keygen", "-o", key]).status).toBe(0);
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    const pub = spawnDoormat(["pubkey", key]).stdout.toString().trim();
    expect(pub).toMatch(/^age1[0-9a-z]{58}$/);
    const pt = testBytes(200_000);
    const e = spawnDoormat(["encrypt", "-r", pub, "--escrow", keys.auth.pub], { input: pt });
    expect(e.status, e.stderr.toString()).toBe(0);
    for (const id of [key, keys.auth.file]) {
      const r = spawnDoormat(["decrypt", "-i", id], { input: e.stdout });
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(Buffer.compare(r.stdout, pt)).toBe(0);
    }
    const out = path.join(d, "out.bin");
    const a = spawnDoormat(["encrypt", "-a", "-r", pub, "-o", path.join(d, "m.asc")], { input: pt });
    expect(a.status).toBe(0);
    expect(spawnDoormat(["decrypt", "-i", key, "-o", out, path.join(d, "m.asc")]).status).toBe(0);
    expect(Buffer.compare(fs.readFileSync(out), pt)).toBe(0);
  });

  it("failures: exit status, one error line, no stack trace", () => {
    const r = spawnDoormat(["decrypt", "-i", keys.alice.file, p("no-such-file.age")]);
    expect(r.status).toBe(1);
    const err = r.stderr.toString();
    expect(err).toMatch(/^doormat: error: .*no such file/);
    expect(err).not.toMatch(/^ {4}at /m);
    expect(r.stdout.length).toBe(0);
    const u = spawnDoormat(["frobnicate"]);
    expect(u.status).toBe(1);
    expect(u.stderr.toString()).toMatch(/^doormat: error: unknown command/);
  });

  it("inspect --deny-escrow exits 3; colour only when forced", async () => {
    const ct = await encryptTo("x", ["-r", keys.alice.pub, "--escrow", keys.auth.pub]);
    const r = spawnDoormat(["inspect", "--deny-escrow"], { input: ct });
    expect(r.status).toBe(3);
    expect(r.stdout.toString()).toContain("LAWFUL ACCESS");
    expect(r.stdout.toString()).not.toMatch(ANSI);
    const c = spawnDoormat(["inspect"], { input: ct, env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(c.status).toBe(0);
    expect(c.stdout.toString()).toMatch(ANSI);
  });
});
