/**
 * Regression tests for defects found by attacking doormat's parsers and file handling
 * (review/attack). Each test names the defect it pins.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { BIN, cliEnv, doormat, type RunResult } from "./cli-harness.js";

const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-attack-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const inDir = (args: string[], o: { stdin?: Uint8Array | string } = {}): Promise<RunResult> => doormat(args, { cwd: dir, ...o });
const at = (f: string): string => path.join(dir, f);

let ciphertext: Buffer;
beforeAll(async () => {
  expect((await inDir(["keygen", "-o", "a.key"])).code).toBe(0);
  const pub = (await inDir(["pubkey", "a.key"])).stdout.toString().trim();
  fs.writeFileSync(at("a.pub"), `${pub}\n`);
  const r = await inDir(["encrypt", "-r", pub], { stdin: "secret payload\n" });
  expect(r.code).toBe(0);
  ciphertext = r.stdout;
});

/** One error line (and hints), no stack trace. */
function oneError(r: RunResult, pattern: RegExp): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split("\n");
  expect(lines[0]).toMatch(pattern);
  expect(lines.slice(1).every((l) => l.startsWith("doormat: hint: "))).toBe(true);
}

describe("inspect -o never replaces a file it inspects", () => {
  // Defect: `inspect -o x.age --force x.age` replaced the age file with its own report.
  it("the same path, with --force", async () => {
    fs.writeFileSync(at("victim.age"), ciphertext);
    const r = await inDir(["inspect", "-o", "victim.age", "--force", "victim.age"]);
    oneError(r, /^doormat: error: output "victim\.age" is the same file as the input "victim\.age"$/);
    expect(fs.readFileSync(at("victim.age")).equals(ciphertext)).toBe(true);
  });

  it("a symlink or a hard link to an inspected file, and a file found in a directory", async () => {
    fs.mkdirSync(at("tree"));
    fs.writeFileSync(at("tree/one.age"), ciphertext);
    fs.writeFileSync(at("tree/two.age"), ciphertext);
    fs.symlinkSync("tree/one.age", at("link.sarif"));
    fs.linkSync(at("tree/two.age"), at("hard.sarif"));
    for (const [output, input] of [["link.sarif", "tree/one.age"], ["hard.sarif", "tree/two.age"], ["tree/two.age", "tree/two.age"]] as const) {
      const r = await inDir(["inspect", "--format", "sarif", "-o", output, "--force", "tree"]);
      oneError(r, new RegExp(`^doormat: error: output "${output.replace(".", "\\.")}" is the same file as the input "${input.replace(".", "\\.")}"$`));
    }
    expect(fs.readFileSync(at("tree/one.age")).equals(ciphertext)).toBe(true);
    expect(fs.readFileSync(at("tree/two.age")).equals(ciphertext)).toBe(true);
    // A new file, or an unrelated existing one with --force, is still fine.
    expect((await inDir(["inspect", "--format", "sarif", "-o", "report.sarif", "tree"])).code).toBe(0);
    expect((await inDir(["inspect", "--format", "sarif", "-o", "report.sarif", "--force", "tree"])).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(at("report.sarif"), "utf8")).version).toBe("2.1.0");
  });

  it("standard output appended to a file found under a directory argument", () => {
    fs.mkdirSync(at("out-tree"));
    fs.writeFileSync(at("out-tree/x.age"), ciphertext);
    const fd = fs.openSync(at("out-tree/x.age"), "a");
    try {
      const r = spawnSync(process.execPath, [BIN, "inspect", "out-tree"], { cwd: dir, stdio: ["ignore", fd, "pipe"], env: cliEnv() });
      expect(r.status).toBe(1);
      expect(r.stderr.toString()).toMatch(/^doormat: error: standard output is the same file as the input "out-tree\/x\.age"\n/);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(at("out-tree/x.age")).equals(ciphertext)).toBe(true);
  });
});

describe("a key with a space in it: the message says so", () => {
  // Defect: a trailing "# comment", two keys on one line or a stray space inside -r's value
  // gave "not valid Bech32 (bad character or checksum)" or "mixes upper and lower case".
  const spaceMessage = /has a space or tab in it: a key is one word; write one key per line, and put "#" comments on lines of their own/;

  it("recipients files: an inline comment, two keys on a line", async () => {
    const pub = (await inDir(["pubkey", "a.key"])).stdout.toString().trim();
    for (const [name, text] of [["comment.txt", `${pub} # alice\n`], ["two.txt", `${pub} ${pub}\n`], ["tab.txt", `${pub}\tbob\n`]] as const) {
      fs.writeFileSync(at(name), text);
      const r = await inDir(["encrypt", "-R", name], { stdin: "x" });
      oneError(r, /malformed recipient at line 1: recipient has a space or tab in it/);
      expect(r.stderr).toMatch(spaceMessage);
    }
    oneError(await inDir(["encrypt", "-r", `${pub} `], { stdin: "x" }), spaceMessage);
    oneError(await inDir(["encrypt", "-r", `${pub}\r`], { stdin: "x" }), /recipient has a carriage return \(CR, as Windows line endings leave\) in it/);
    oneError(await inDir(["encrypt", "-r", `${pub}\u00a0`], { stdin: "x" }), /recipient has an invisible space \(U\+00A0\) in it/);
  });

  it("identity files: an inline comment after the key, which is never echoed", async () => {
    const secret = fs.readFileSync(at("a.key"), "utf8").split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-1")) as string;
    fs.writeFileSync(at("commented.key"), `${secret} # my laptop\n`);
    const r = await inDir(["decrypt", "-i", "commented.key"], { stdin: ciphertext });
    oneError(r, /malformed identity at line 1: identity has a space or tab in it/);
    expect(r.stderr).not.toContain(secret.slice(20, 50));
  });
});

describe("-o /dev/stdout is standard output, wherever the shell pointed it", () => {
  // Defect: with standard output redirected to a file, "-o /dev/stdout" was refused as "output
  // file already exists" (stock age writes there), and with --force the file was replaced:
  // `decrypt -o /dev/stdout --force f.age >> log.txt` lost everything log.txt held.
  const runTo = (file: string, args: string[]): ReturnType<typeof spawnSync> => {
    const fd = fs.openSync(at(file), "a");
    try {
      return spawnSync(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", fd, "pipe"], env: cliEnv() });
    } finally {
      fs.closeSync(fd);
    }
  };

  it("decrypt appends to the redirected file, with or without --force", () => {
    fs.writeFileSync(at("ct.age"), ciphertext);
    fs.writeFileSync(at("log.txt"), "kept\n");
    for (const name of ["/dev/stdout", "/proc/self/fd/1"]) {
      const r = runTo("log.txt", ["decrypt", "-i", "a.key", "-o", name, "ct.age"]);
      expect(r.stderr.toString()).toBe("");
      expect(r.status).toBe(0);
    }
    expect(runTo("log.txt", ["decrypt", "-i", "a.key", "-o", "/dev/stdout", "--force", "ct.age"]).status).toBe(0);
    expect(fs.readFileSync(at("log.txt"), "utf8")).toBe("kept\n" + "secret payload\n".repeat(3));
  });

  it("encrypt writes there too, and an input is still never written over", () => {
    fs.writeFileSync(at("plain.txt"), "more\n");
    fs.writeFileSync(at("new.age"), "");
    const r = runTo("new.age", ["encrypt", "-R", "a.pub", "-o", "/dev/stdout", "plain.txt"]);
    expect(r.stderr.toString()).toBe("");
    expect(r.status).toBe(0);
    expect(spawnSync(process.execPath, [BIN, "decrypt", "-i", "a.key", "new.age"], { cwd: dir }).stdout.toString()).toBe("more\n");
    const same = runTo("ct.age", ["decrypt", "-i", "a.key", "-o", "/dev/stdout", "--force", "ct.age"]);
    expect(same.status).toBe(1);
    expect(same.stderr.toString()).toMatch(/same file as the input "ct\.age"/);
    expect(fs.readFileSync(at("ct.age")).equals(ciphertext)).toBe(true);
  });
});

describe("stanza errors name the stanza", () => {
  // Defect: a lawful-access stanza whose ephemeral share is a low-order point (all zeros) was
  // reported as "invalid X25519 stanza".
  it("a low-order share in a lawful-access stanza", async () => {
    expect((await inDir(["keygen", "--authority", "gov", "-o", "gov.key"])).code).toBe(0);
    const gov = (await inDir(["pubkey", "gov.key"])).stdout.toString().trim();
    const pub = fs.readFileSync(at("a.pub"), "utf8").trim();
    const escrowed = (await inDir(["encrypt", "-r", pub, "--escrow", gov], { stdin: "x" })).stdout.toString("latin1");
    const zeroShare = escrowed.replace(/^(-> doormat\.example\/lawful-access \S+) \S+$/m, `$1 ${"A".repeat(43)}`);
    expect(zeroShare).not.toBe(escrowed);
    const r = await inDir(["decrypt", "-i", "gov.key"], { stdin: Buffer.from(zeroShare, "latin1") });
    oneError(r, /invalid lawful-access stanza: low-order ephemeral share/);
  });
});

describe("inspect shows hostile file names escaped", () => {
  // Defect: a file named "\x1b[2J….age" (or with a newline) in a scanned directory was printed
  // raw by the text report: the name could clear or retitle the terminal and forge lines.
  it("control characters in names found in a directory, in the text report", async () => {
    fs.mkdirSync(at("names"));
    fs.writeFileSync(at("names/\x1b[2Jclear.age"), ciphertext);
    fs.writeFileSync(at("names/two\nlines\x9b.age"), "junk");
    // (GitHub, SARIF and JSON carry the real path, escaped as their formats require.)
    for (const format of ["text"]) {
      const r = await inDir(["inspect", "--format", format, "names"]);
      expect(r.code).toBe(1); // the junk file is unreadable
      const out = r.stdout.toString();
      expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/); // no control character but LF
      expect(out.split("\n").filter((l) => l.includes("lines")).length).toBe(1); // no forged line
      if (format === "text") {
        expect(out).toContain('"names/\\u001b[2Jclear.age"');
        expect(out).toContain('"names/two\\nlines\\u009b.age"');
      }
    }
    const one = await inDir(["inspect", "names/\x1b[2Jclear.age"]);
    expect(one.code).toBe(0);
    expect(one.stdout.toString()).toMatch(/^"names\/\\u001b\[2Jclear\.age": age-encryption\.org\/v1/);
  });
});

describe("/dev/stdin counts as standard input", () => {
  // Defect: `encrypt -R /dev/stdin -o x.age < keys.txt` (no input file) read the keys from
  // standard input, then encrypted the empty rest of it, and exited 0 (stock age does too).
  it("a key file named /dev/stdin and data on standard input are refused", async () => {
    for (const name of ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]) {
      oneError(await inDir(["encrypt", "-R", name, "-o", "never.age"], { stdin: "x" }), /^doormat: error: standard input is used for multiple purposes$/);
      oneError(await inDir(["decrypt", "-i", name], { stdin: ciphertext }), /^doormat: error: standard input is used for multiple purposes$/);
    }
    expect(fs.existsSync(at("never.age"))).toBe(false);
  });
});
