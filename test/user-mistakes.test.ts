/**
 * Errors that describe the user's mistake, not the parser (issue 7, item 6, the CLI side): key
 * files saved as UTF-16, SSH keys where age keys belong, and a newcomer's typos. Every case:
 * exactly one `doormat: error:` line, at least one `doormat: hint:` line saying the fix, a
 * non-zero exit, no stack trace, nothing on standard output and nothing written to disk.
 */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doormat, type RunOptions, type RunResult } from "./cli-harness.js";

const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-mistakes-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => path.join(dir, name);

let pub = "";
let secret = "";
const KEY = "alice.key";
const PUB = "alice.pub";
const MSG = "msg.txt";
const CT = "msg.age";

const SSH_ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN alice@laptop";
const SSH_RSA = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDxOVwWxTdPyC3cFSFLqzhdKlkDfJ7mJ7 bob@host";
const SK_ED25519 = "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIE carol@yubikey";
const ECDSA = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBE dave@host";
const SK_ECDSA = "sk-ecdsa-sha2-nistp256@openssh.com AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20 erin@key";
const OPENSSH_PRIVATE = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n";
const RSA_PRIVATE = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA8TlcFsU3T8gt3BUhS6s4XSpZA3ye5ie\n-----END RSA PRIVATE KEY-----\n";
const PKCS8_PRIVATE = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIBLbF2XGbnB9C0BYpZVuRg\n-----END PRIVATE KEY-----\n";

beforeAll(async () => {
  expect((await doormat(["keygen", "-o", at(KEY)])).code).toBe(0);
  pub = (await doormat(["pubkey", at(KEY)])).stdout.toString().trim();
  secret = (fs.readFileSync(at(KEY), "utf8").match(/^AGE-SECRET-KEY-1\S+$/m) as RegExpMatchArray)[0];
  fs.writeFileSync(at(PUB), `${pub}\n`);
  fs.writeFileSync(at(MSG), "hello\n");
  expect((await doormat(["encrypt", "-r", pub, "-o", at(CT), at(MSG)])).code).toBe(0);
});

/** Every file in the directory with its bytes. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir)) out[f] = fs.readFileSync(at(f)).toString("base64");
  return out;
}

/** Run in the scratch directory; insist on one error line, a hint, exit ≠ 0, nothing written. */
async function mistake(args: string[], error: RegExp, hint: RegExp, o: RunOptions = {}): Promise<RunResult> {
  const before = snapshot();
  const r = await doormat(args, { cwd: dir, ...o });
  const ctx = `doormat ${args.join(" ")}\n${r.stderr}`;
  expect(r.code, ctx).not.toBe(0);
  expect(r.stderr, ctx).not.toMatch(/^\s+at /m);
  expect(r.stderr, ctx).not.toContain("unexpected failure");
  const lines = r.stderr.split("\n").filter((l) => l !== "");
  expect(lines.filter((l) => l.startsWith("doormat: error: ")), ctx).toHaveLength(1);
  expect(lines[0], ctx).toMatch(/^doormat: error: /);
  expect(lines.length, ctx).toBeGreaterThan(1);
  for (const l of lines.slice(1)) expect(l, ctx).toMatch(/^doormat: hint: /);
  expect(lines[0], ctx).toMatch(error);
  expect(lines.slice(1).join("\n"), ctx).toMatch(hint);
  expect(r.stdout.length, ctx).toBe(0);
  expect(snapshot(), `files changed by: ${ctx}`).toEqual(before);
  if (process.env["SHOW_ERRORS"]) console.log(`$ doormat ${args.join(" ")}\n${r.stderr}`);
  return r;
}

// ---------------------------------------------------------------------------------------------

describe("a key file saved as UTF-16 says so, and how to re-save it", () => {
  const encodings: Array<[string, (s: string) => Buffer]> = [
    ["UTF-16LE with a BOM (PowerShell 5's >)", (s) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, "utf16le")])],
    ["UTF-16BE with a BOM", (s) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, "utf16le").swap16()])],
    ["UTF-16LE without a BOM", (s) => Buffer.from(s, "utf16le")],
    ["UTF-16BE without a BOM", (s) => Buffer.from(s, "utf16le").swap16()],
  ];
  for (const [name, encode] of encodings) {
    it(name, async () => {
      fs.writeFileSync(at("k16.key"), encode(fs.readFileSync(at(KEY), "utf8")));
      fs.writeFileSync(at("r16.txt"), encode(`${pub}\n`));
      const utf16 = /saved as UTF-16/;
      const fix = /UTF-8 or ASCII.*(iconv|Set-Content)/;
      await mistake(["decrypt", "-i", "k16.key", CT], utf16, fix);
      await mistake(["pubkey", "k16.key"], utf16, fix);
      await mistake(["encrypt", "-R", "r16.txt", MSG], utf16, fix);
      await mistake(["encrypt", "-r", pub, "--escrow-file", "r16.txt", MSG], utf16, fix);
      await mistake(["decrypt", "-i", "-", CT], utf16, fix, { stdin: encode(fs.readFileSync(at(KEY), "utf8")) });
      fs.rmSync(at("k16.key"));
      fs.rmSync(at("r16.txt"));
    });
  }

  it("a binary file with NULs that is not UTF-16 is still called binary", async () => {
    fs.writeFileSync(at("bin.key"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]));
    const r = await doormat(["decrypt", "-i", "bin.key", CT], { cwd: dir });
    expect(r.stderr).toMatch(/binary file/);
    expect(r.stderr).not.toMatch(/UTF-16/);
    fs.rmSync(at("bin.key"));
  });

  it("a UTF-8 key file with a byte-order mark (Notepad) still works", async () => {
    fs.writeFileSync(at("bom.key"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(at(KEY))]));
    const r = await doormat(["decrypt", "-i", "bom.key", CT], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.toString()).toBe("hello\n");
    fs.rmSync(at("bom.key"));
  });
});

describe("SSH keys where age keys belong: doormat takes age keys only; stock age reads ssh-ed25519/ssh-rsa", () => {
  const agesKinds: Array<[string, string]> = [["ssh-ed25519", SSH_ED25519], ["ssh-rsa", SSH_RSA]];
  const otherKinds: Array<[string, string]> = [["sk-ssh-ed25519@openssh.com", SK_ED25519], ["ecdsa-sha2-nistp256", ECDSA], ["sk-ecdsa-sha2-nistp256@openssh.com", SK_ECDSA]];
  const stockHint = (kind: string, ageReads: boolean): RegExp =>
    ageReads ? /age keys only[\s\S]*stock age (encrypts to|decrypts with) ssh-ed25519 and ssh-rsa/ : new RegExp(`age keys only[\\s\\S]*stock age reads ssh-ed25519 and ssh-rsa keys only, not ${kind.replace(/[.@]/g, "\\$&")}`);

  for (const [kind, line] of [...agesKinds, ...otherKinds]) {
    const ageReads = agesKinds.some(([k]) => k === kind);
    it(`${kind} as -r, --escrow, --escrow-covert, in -R and --escrow-file files, as -i`, async () => {
      const err = new RegExp(`SSH public key \\(${kind.replace(/[.@]/g, "\\$&")}\\)`);
      await mistake(["encrypt", "-r", line, MSG], err, stockHint(kind, ageReads));
      // Unquoted, the key's type is the recipient and its base64 an extra operand.
      await mistake(["encrypt", "-r", ...line.split(" ").slice(0, 2), MSG], err, stockHint(kind, ageReads));
      await mistake(["encrypt", "-r", pub, "--escrow", line, MSG], err, /age keys only/);
      await mistake(["encrypt", "-r", pub, "--escrow-covert", line, MSG], err, /age keys only/);
      fs.writeFileSync(at("ssh.pub"), `${line}\n`);
      await mistake(["encrypt", "-R", "ssh.pub", MSG], /recipients file "ssh\.pub": line 1 is an SSH public key/, stockHint(kind, ageReads));
      await mistake(["encrypt", "-r", pub, "--escrow-file", "ssh.pub", MSG], /escrow file "ssh\.pub": line 1 is an SSH public key/, /age keys only/);
      await mistake(["decrypt", "-i", "ssh.pub", CT], /identity file "ssh\.pub": line 1 is an SSH public key/, /age keys only/);
      fs.rmSync(at("ssh.pub"));
    });
  }

  it("a GitHub .keys file, and an SSH line after age recipients and comments: the line is named", async () => {
    fs.writeFileSync(at("gh.keys"), `${SSH_ED25519}\n${SSH_RSA}\n`);
    await mistake(["encrypt", "-R", "gh.keys", MSG], /line 1 is an SSH public key \(ssh-ed25519\)/, /age -R/);
    fs.writeFileSync(at("mixed.txt"), `# team\n${pub}\n\n${SSH_RSA}\n`);
    await mistake(["encrypt", "-R", "mixed.txt", MSG], /line 4 is an SSH public key \(ssh-rsa\)/, /ssh-rsa/);
    fs.rmSync(at("gh.keys"));
    fs.rmSync(at("mixed.txt"));
  });

  const privates: Array<[string, string, RegExp]> = [
    ["an OpenSSH private key", OPENSSH_PRIVATE, /SSH private key \(OpenSSH\)/],
    ["an RSA PEM private key", RSA_PRIVATE, /SSH private key \(PEM RSA\)/],
    ["a PKCS#8 private key", PKCS8_PRIVATE, /private key \(PEM PKCS#8\)/],
  ];
  for (const [name, text, err] of privates) {
    it(`${name} as -i, as pubkey's file, on standard input, after an age key`, async () => {
      fs.writeFileSync(at("id_x"), text, { mode: 0o600 });
      await mistake(["decrypt", "-i", "id_x", CT], err, /age keys only/);
      await mistake(["pubkey", "id_x"], err, /age keys only/);
      await mistake(["decrypt", "-i", "-", CT], err, /age keys only/, { stdin: text });
      fs.writeFileSync(at("id_x"), `${fs.readFileSync(at(KEY), "utf8")}\n${text}`);
      const r = await mistake(["decrypt", "-i", "id_x", CT], /line \d+ is an SSH private key/, /doormat keygen/);
      expect(r.stderr).not.toContain(secret);
      fs.rmSync(at("id_x"));
    });
  }
});

describe("a newcomer's typos say what is missing", () => {
  it("encrypt -r -o out.age msg.txt: a recipient is missing (commander took -o as the recipient)", async () => {
    await mistake(["encrypt", "-r", "-o", "out.age", MSG], /a recipient is missing after -r\/--recipient: "-o" was taken as the recipient/, /right after -r/);
    await mistake(["encrypt", "--recipient", "--armor", MSG], /a recipient is missing/, /age1/);
    await mistake(["encrypt", "-r", pub, "--escrow", "-o", "out.age", MSG], /an authority recipient is missing after --escrow/, /--escrow/);
    await mistake(["encrypt", "-R", "-o", "out.age", MSG], /a recipients file is missing after -R/, /-R FILE/);
    await mistake(["encrypt", "-r", pub, "--escrow-file", "-a", MSG], /an escrow file is missing/, /--escrow-file/);
    await mistake(["encrypt", "-r", pub, "-o", "-a", MSG], /an output file is missing after -o/, /-o FILE/);
    await mistake(["decrypt", "-i", "-o", "out.txt", CT], /an identity file is missing after -i/, /-i FILE/);
  });

  it("decrypt alice.key msg.age: -i is missing (the key file may come first or last)", async () => {
    await mistake(["decrypt", KEY, CT], /-i is missing: "alice\.key" is a key file, not a file to decrypt/, /doormat decrypt -i alice\.key msg\.age/);
    await mistake(["decrypt", CT, KEY], /-i is missing/, /doormat decrypt -i alice\.key msg\.age/);
    await mistake(["decrypt", "-o", "out.txt", KEY, CT], /-i is missing/, /-i alice\.key/);
  });

  it("decrypt alice.key (only the key): it is a key file, not an age file", async () => {
    await mistake(["decrypt", KEY], /"alice\.key" is an identity \(secret key\) file, not an age file to decrypt/, /doormat decrypt -i alice\.key/);
    await mistake(["decrypt", "-i", KEY, KEY], /identity \(secret key\) file/, /-i/);
    await mistake(["decrypt", "-i", KEY, PUB], /recipients \(public key\) file, not an age file/, /secret key file/);
  });

  it("too many operands otherwise: what the command takes", async () => {
    fs.writeFileSync(at("b.txt"), "b\n");
    await mistake(["encrypt", "-r", pub, MSG, "b.txt"], /too many arguments: encrypt takes one INPUT file, and was given 2/, /tar/);
    await mistake(["encrypt", "-r", pub, KEY, MSG], /"alice\.key" is a key file, not a file to encrypt/, /-r "\$\(doormat pubkey alice\.key\)" msg\.txt/);
    await mistake(["encrypt", PUB, MSG], /"alice\.pub" is a key file/, /-R alice\.pub msg\.txt/);
    await mistake(["decrypt", "-i", KEY, CT, "b.txt"], /decrypt takes one INPUT file/, /one file at a time/);
    fs.rmSync(at("b.txt"));
  });

  it("decrypt -i age1… / AGE-SECRET-KEY-1…: -i takes a file (the secret is never echoed)", async () => {
    await mistake(["decrypt", "-i", pub, CT], /-i\/--identity takes a key file's name, but was given a recipient \(public key\) itself/, /secret key file/);
    for (const s of [secret, secret.toLowerCase(), ` ${secret}`]) {
      const r = await mistake(["decrypt", "-i", s, CT], /takes a key file's name, but was given a secret key itself/, /save the key in a file/);
      expect(r.stderr.toUpperCase()).not.toContain(secret.slice(16, 40));
    }
    await mistake(["pubkey", secret], /pubkey takes a key file's name, but was given a secret key itself/, /save the key/);
    await mistake(["pubkey", pub], /pubkey takes a key file's name, but was given a recipient/, /nothing to derive/);
    await mistake(["encrypt", "-R", pub, MSG], /-R\/--recipients-file takes a file's name, but was given a recipient itself/, /use --recipient|use -r|-r age1/);
  });

  it("--escrow alice.key: the hint is --escrow-file (or the pubkey), not -R", async () => {
    const r = await mistake(["encrypt", "-r", pub, "--escrow", KEY, MSG], /--escrow takes a recipient \(age1…\), not a file name: "alice\.key"/, /secret key file: give its public key, --escrow "\$\(doormat pubkey alice\.key\)", or a file of public keys with --escrow-file/);
    expect(r.stderr).not.toMatch(/-R\b/);
    await mistake(["encrypt", "-r", pub, "--escrow", PUB, MSG], /--escrow takes a recipient/, /use --escrow-file alice\.pub/);
    await mistake(["encrypt", "-r", PUB, MSG], /-r\/--recipient takes a recipient \(age1…\), not a file name/, /use -R\/--recipients-file alice\.pub/);
    await mistake(["encrypt", "-r", KEY, MSG], /not a file name/, /-r "\$\(doormat pubkey alice\.key\)", or a file of public keys with -R/);
    await mistake(["encrypt", "-r", pub, "--escrow-covert", PUB, MSG], /--escrow-covert takes a recipient/, /no file form/);
  });

  it("pubkey alice.pub: the hint mentions only what pubkey has", async () => {
    const r = await mistake(["pubkey", PUB], /line 1 is a recipient \(public key\), not an identity/, /pubkey reads a secret key file .* already holds public keys/);
    expect(r.stderr).not.toMatch(/-r\b|-i\b|--recipient|--identity/);
  });

  // The range message itself came with main's per-scenario demo options; pinned here too.
  it("demo --messages -5 and other out-of-range demo numbers say the allowed range", async () => {
    await mistake(["demo", "--messages", "-5"], /--messages must be a whole number from 1 to \d+, not "-5"/, /demo leak --help/);
    await mistake(["demo", "leak", "--users", "-1"], /--users must be a whole number from 2 to \d+/, /demo leak --help/);
    await mistake(["demo", "leak", "--authorities", "x"], /--authorities must be a whole number from 1 to \d+/, /demo leak --help/);
  });
});
