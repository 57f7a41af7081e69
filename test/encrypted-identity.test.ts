/**
 * Passphrase-protected identity files (issue 7, item 5): an age file whose only stanza is
 * scrypt and whose plaintext is a key file, binary or armored, as `age -p` makes over a key
 * file (`age -d -i key.age` asks for its passphrase). doormat asks on the terminal, decrypts,
 * then reads the identities. Made here with stock age (under a pty from `script -qec`, since
 * age reads passphrases from /dev/tty only) and with doormat's library.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encrypt } from "../src/crypto/age.js";
import { ScryptRecipient } from "../src/crypto/recipients/scrypt.js";
import { X25519Recipient } from "../src/crypto/recipients/x25519.js";
import { decodeRecipient } from "../src/crypto/keys.js";
import { BIN, cliEnv, doormat } from "./cli-harness.js";
import { onPath } from "./helpers.js";

const AGE = onPath("age");
const SCRIPT = onPath("script");
const SETSID = onPath("setsid");
const PASS = "correct horse battery staple";
const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-encid-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (n: string): string => path.join(dir, n);

let keyText = "";
let pub = "";
const PLAIN = "opened with a passphrase-protected key\n";

beforeAll(async () => {
  expect((await doormat(["keygen", "-o", at("plain.key")])).code).toBe(0);
  keyText = fs.readFileSync(at("plain.key"), "utf8");
  pub = (await doormat(["pubkey", at("plain.key")])).stdout.toString().trim();
  fs.writeFileSync(at("msg.txt"), PLAIN);
  expect((await doormat(["encrypt", "-r", pub, "-o", at("msg.age"), at("msg.txt")])).code).toBe(0);
  // With the library: binary and armored, a low work factor to keep the test quick.
  fs.writeFileSync(at("lib.key.age"), encrypt(new TextEncoder().encode(keyText), [new ScryptRecipient(PASS, 10)]));
  fs.writeFileSync(at("lib.key.asc"), encrypt(new TextEncoder().encode(keyText), [new ScryptRecipient(PASS, 10)], { armor: true }));
});

const oneErrorLine = (stderr: string): string => {
  const lines = stderr.split("\n").filter((l) => l !== "");
  expect(lines.filter((l) => l.startsWith("doormat: error: ")), stderr).toHaveLength(1);
  for (const l of lines.slice(1)) expect(l).toMatch(/^doormat: hint: /);
  expect(stderr).not.toMatch(/^\s+at /m);
  return lines[0] as string;
};

describe("made with the library", () => {
  for (const file of ["lib.key.age", "lib.key.asc"]) {
    it(`decrypt -i ${file} asks for the passphrase and decrypts`, async () => {
      const r = await doormat(["decrypt", "-i", at(file), at("msg.age")], { passphrases: [PASS] });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.toString()).toBe(PLAIN);
    });

    it(`pubkey ${file} prints the recipient inside`, async () => {
      const r = await doormat(["pubkey", at(file)], { passphrases: [PASS] });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.toString().trim()).toBe(pub);
    });

    it(`${file}: a wrong passphrase is one clear error, and no output file appears`, async () => {
      const r = await doormat(["decrypt", "-i", at(file), "-o", at("out.txt"), at("msg.age")], { passphrases: ["wrong"] });
      expect(r.code).toBe(1);
      expect(oneErrorLine(r.stderr)).toMatch(/incorrect passphrase for identity file ".*lib\.key\.(age|asc)"/);
      expect(fs.existsSync(at("out.txt"))).toBe(false);
    });
  }

  it("next to a plain identity file, and from standard input", async () => {
    const other = at("other.key");
    await doormat(["keygen", "-o", other]);
    let r = await doormat(["decrypt", "-i", other, "-i", at("lib.key.age"), at("msg.age")], { passphrases: [PASS] });
    expect(r.stdout.toString()).toBe(PLAIN);
    r = await doormat(["decrypt", "-i", "-", at("msg.age")], { stdin: fs.readFileSync(at("lib.key.asc")), passphrases: [PASS] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toBe(PLAIN);
  });

  it("an identity file encrypted to a key (not a passphrase) is refused with a hint", async () => {
    fs.writeFileSync(at("tokey.age"), encrypt(new TextEncoder().encode(keyText), [new X25519Recipient(decodeRecipient(pub))]));
    const r = await doormat(["decrypt", "-i", at("tokey.age"), at("msg.age")], { passphrases: [PASS] });
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/is an encrypted age file, not a key file/);
    expect(r.stderr).toMatch(/hint: .*passphrase/);
  });

  it("a passphrase-protected file that is not a key file inside says what is wrong", async () => {
    fs.writeFileSync(at("notkey.age"), encrypt(new TextEncoder().encode("just a note\n"), [new ScryptRecipient(PASS, 10)]));
    const r = await doormat(["decrypt", "-i", at("notkey.age"), at("msg.age")], { passphrases: [PASS] });
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/identity file ".*notkey\.age": malformed identity at line 1/);
  });

  it("a damaged passphrase-protected key file is one error line", async () => {
    const bytes = fs.readFileSync(at("lib.key.age"));
    fs.writeFileSync(at("cut.key.age"), bytes.subarray(0, bytes.length - 5));
    const r = await doormat(["decrypt", "-i", at("cut.key.age"), at("msg.age")], { passphrases: [PASS] });
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/identity file ".*cut\.key\.age" is an encrypted age file that cannot be read/);
  });

  it("-R with a passphrase-protected file still says it is an encrypted age file", async () => {
    const r = await doormat(["encrypt", "-R", at("lib.key.age"), at("msg.txt")]);
    expect(r.code).toBe(1);
    expect(oneErrorLine(r.stderr)).toMatch(/recipients file .* is an encrypted age file, not a key file/);
  });
});

/** Run argv on a pseudo-terminal, typing `lines` into it. */
function onTerminal(argv: string[], lines: string[]): SpawnSyncReturns<Buffer> {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const r = spawnSync(SCRIPT as string, ["-qec", argv.map(q).join(" "), "/dev/null"], {
    input: lines.map((l) => `${l}\n`).join(""),
    timeout: 240_000,
    env: cliEnv(),
  });
  if (r.error) throw r.error;
  return r;
}

describe.skipIf(!AGE || !SCRIPT)(`made with stock age -p${!AGE || !SCRIPT ? " (skipped: needs age and script on PATH)" : ""}`, () => {
  for (const armored of [false, true]) {
    it(`age -p${armored ? " -a" : ""} over a key file; doormat asks on the terminal (/dev/tty)`, () => {
      const enc = at(armored ? "age.key.asc" : "age.key.age");
      const made = onTerminal([AGE as string, "-p", ...(armored ? ["-a"] : []), "-o", enc, at("plain.key")], [PASS, PASS]);
      expect(made.status, made.stdout.toString()).toBe(0);
      // doormat, spawned on a terminal: the prompt goes to /dev/tty and names the file.
      const out2 = at(`doormat-out-${armored}`);
      const r = onTerminal([process.execPath, BIN, "decrypt", "-i", enc, "-o", out2, at("msg.age")], [PASS]);
      expect(r.status, r.stdout.toString()).toBe(0);
      expect(r.stdout.toString()).toMatch(/Enter passphrase for identity file ".*age\.key\.(age|asc)"/);
      expect(fs.readFileSync(out2, "utf8")).toBe(PLAIN);
      if (armored) return; // scrypt at age's work factor costs seconds here: once is enough
      // A wrong passphrase, on the terminal.
      const bad = onTerminal([process.execPath, BIN, "decrypt", "-i", enc, at("msg.age")], ["not it"]);
      expect(bad.status).toBe(1);
      expect(bad.stdout.toString()).toMatch(/doormat: error: incorrect passphrase for identity file/);
    });
  }

  it.skipIf(!SETSID)("without a terminal (setsid: no controlling tty), the error says there is none to ask on", () => {
    const enc = at("age.key.age");
    if (!fs.existsSync(enc)) onTerminal([AGE as string, "-p", "-o", enc, at("plain.key")], [PASS, PASS]);
    const r = spawnSync(SETSID as string, ["-w", process.execPath, BIN, "decrypt", "-i", enc, at("msg.age")], { input: `${PASS}\n`, env: cliEnv() });
    expect(r.status).toBe(1);
    const err = r.stderr.toString();
    expect(oneErrorLine(err)).toMatch(/identity file ".*age\.key\.age" is protected by a passphrase, and there is no terminal to ask for it/);
    expect(err).toMatch(/hint: .*\/dev\/tty/);
    expect(r.stdout.length).toBe(0);
  });
});
