/**
 * No output may be the same file as anything the command reads (issue 7, item 1): the input,
 * identity files, recipients files, escrow files — compared by device and inode, so every
 * spelling of the path counts (symlink, symlinked directory, hard link, relative or absolute,
 * /dev/stdout and /proc/self/fd/1 when standard output is one of them), with or without --force.
 * Every refusal is one error line naming both files, a non-zero exit, no stack trace, and the
 * file read is byte for byte unchanged.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cliEnv, doormat, type RunResult } from "./cli-harness.js";

const dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-same-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]): string => path.join(dir, ...p);

let key: string;
let pub: string;
let ct: string;
const PLAIN = "the only copy of the plaintext\n";

beforeAll(async () => {
  key = at("k.key");
  expect((await doormat(["keygen", "-o", key])).code).toBe(0);
  pub = (await doormat(["pubkey", key])).stdout.toString().trim();
  fs.writeFileSync(at("plain.txt"), PLAIN);
  fs.writeFileSync(at("recips.txt"), `${pub}\n`);
  fs.mkdirSync(at("sub"));
  fs.symlinkSync(dir, at("dirlink"));
  ct = at("msg.age");
  expect((await doormat(["encrypt", "-r", pub, "-o", ct, at("plain.txt")])).code).toBe(0);
});

const lines = (s: string): string[] => s.split("\n").filter((l) => l !== "");

/** One error line naming both files, hints only, non-zero exit, no stack trace. */
function expectRefused(r: { code: number | null; stderr: string }, names: RegExp[]): void {
  expect(r.code, r.stderr).not.toBe(0);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  const ls = lines(r.stderr);
  expect(ls.filter((l) => l.startsWith("doormat: error: ")), r.stderr).toHaveLength(1);
  expect(ls[0]).toMatch(/^doormat: error: .*is the same file as the /);
  for (const l of ls.slice(1)) expect(l).toMatch(/^doormat: hint: /);
  for (const n of names) expect(ls[0]).toMatch(n);
}

/** Snapshot of every regular file's bytes in the scratch directory (symlinks not followed). */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of [dir, at("sub")]) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isFile()) out[path.join(d, e.name)] = fs.readFileSync(path.join(d, e.name)).toString("base64");
    }
  }
  return out;
}

async function refusedInProcess(args: string[], names: RegExp[], cwd?: string): Promise<RunResult> {
  const before = snapshot();
  const r = await doormat(args, cwd === undefined ? {} : { cwd });
  expectRefused(r, names);
  expect(r.stdout.length).toBe(0);
  expect(snapshot()).toEqual(before);
  return r;
}

describe("an output reached by another spelling of the input is refused, with or without --force", () => {
  const spellings: Array<[string, () => string, string?]> = [
    ["the same path", () => at("plain.txt")],
    ["a symlink to the input", () => {
      const l = at("link-to-plain");
      if (!fs.existsSync(l)) fs.symlinkSync(at("plain.txt"), l);
      return l;
    }],
    ["a relative symlink in another directory", () => {
      const l = at("sub", "rel-link");
      if (!fs.existsSync(l)) fs.symlinkSync("../plain.txt", l);
      return l;
    }],
    ["a symlinked directory", () => at("dirlink", "plain.txt")],
    ["a hard link", () => {
      const l = at("sub", "hard");
      if (!fs.existsSync(l)) fs.linkSync(at("plain.txt"), l);
      return l;
    }],
    ["a relative path, with the input absolute", () => "plain.txt", dir],
    ["a path through ..", () => path.join("sub", "..", "plain.txt"), dir],
    ["/proc/self/cwd", () => "/proc/self/cwd/plain.txt", dir],
  ];
  for (const [name, out, cwd] of spellings) {
    for (const force of [false, true]) {
      it(`encrypt -o ${name}${force ? " --force" : ""}`, async () => {
        await refusedInProcess(["encrypt", "-r", pub, ...(force ? ["-f"] : []), "-o", out(), at("plain.txt")], [/output ".*"/, /the input ".*plain\.txt"/], cwd);
      });
    }
  }

  it("armored and passphrase encryption too (refused before any prompt)", async () => {
    await refusedInProcess(["encrypt", "-a", "-r", pub, "-f", "-o", at("dirlink", "plain.txt"), at("plain.txt")], [/input/]);
    await refusedInProcess(["encrypt", "-p", "-f", "-o", at("dirlink", "plain.txt"), at("plain.txt")], [/input/]);
  });

  it("decrypt -o over its ciphertext, through a symlinked directory or a hard link", async () => {
    fs.linkSync(ct, at("sub", "ct-hard"));
    await refusedInProcess(["decrypt", "-i", key, "-f", "-o", at("dirlink", "msg.age"), ct], [/the input ".*msg\.age"/]);
    await refusedInProcess(["decrypt", "-i", key, "-f", "-o", at("sub", "ct-hard"), ct], [/ct-hard/, /msg\.age/]);
  });
});

describe("key files are inputs too", () => {
  it("encrypt -o the recipients file (symlink, hard link, same path)", async () => {
    fs.symlinkSync(at("recips.txt"), at("recips-link"));
    for (const o of [at("recips.txt"), at("recips-link"), at("dirlink", "recips.txt")]) {
      await refusedInProcess(["encrypt", "-R", at("recips.txt"), "-f", "-o", o, at("plain.txt")], [/the recipients file ".*recips\.txt"/]);
    }
  });

  it("encrypt -o the escrow file", async () => {
    await refusedInProcess(["encrypt", "-r", pub, "--escrow-file", at("recips.txt"), "-f", "-o", at("dirlink", "recips.txt"), at("plain.txt")], [/the escrow file ".*recips\.txt"/]);
  });

  it("decrypt -o the identity file: the only copy of the key survives", async () => {
    fs.symlinkSync(key, at("key-link"));
    for (const o of [key, at("key-link"), at("dirlink", "k.key")]) {
      await refusedInProcess(["decrypt", "-i", key, "-f", "-o", o, ct], [/the identity file ".*k\.key"/]);
    }
  });

  it("the second of several identity files counts too", async () => {
    const other = at("other.key");
    await doormat(["keygen", "-o", other]);
    await refusedInProcess(["decrypt", "-i", other, "-i", key, "-f", "-o", at("dirlink", "k.key"), ct], [/the identity file ".*k\.key"/]);
  });

  it("different files with the same name in different directories are fine", async () => {
    const r = await doormat(["decrypt", "-i", key, "-o", at("sub", "plain.txt"), ct]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(at("sub", "plain.txt"), "utf8")).toBe(PLAIN);
  });
});

describe("keygen -o never replaces anything", () => {
  it("an existing file, a symlink to one, a dangling symlink: refused, unchanged", async () => {
    fs.symlinkSync(at("plain.txt"), at("kg-link"));
    fs.symlinkSync(at("nowhere"), at("kg-dangling"));
    for (const o of [at("plain.txt"), at("kg-link"), at("dirlink", "plain.txt"), at("kg-dangling")]) {
      const before = snapshot();
      const r = await doormat(["keygen", "-o", o]);
      expect(r.code).toBe(1);
      expect(lines(r.stderr).filter((l) => l.startsWith("doormat: error: "))).toHaveLength(1);
      expect(snapshot()).toEqual(before);
      expect(fs.existsSync(at("nowhere"))).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Standard input and output redirected onto files: the built command, spawned.

/** Spawn doormat with stdin/stdout on the given files (stdout opened for appending: no truncation). */
function spawnOn(args: string[], o: { stdinFile?: string; stdoutFile?: string; cwd?: string }): { code: number | null; stderr: string } {
  const inFd = o.stdinFile === undefined ? "ignore" : fs.openSync(o.stdinFile, "r");
  const outFd = o.stdoutFile === undefined ? "pipe" : fs.openSync(o.stdoutFile, "a");
  try {
    const r = spawnSync(process.execPath, [BIN, ...args], { stdio: [inFd, outFd, "pipe"], cwd: o.cwd ?? dir, env: cliEnv() });
    if (r.error) throw r.error;
    return { code: r.status, stderr: r.stderr.toString("utf8") };
  } finally {
    if (typeof inFd === "number") fs.closeSync(inFd);
    if (typeof outFd === "number") fs.closeSync(outFd);
  }
}

function refusedSpawned(args: string[], o: Parameters<typeof spawnOn>[1], names: RegExp[]): void {
  const before = snapshot();
  expectRefused(spawnOn(args, o), names);
  expect(snapshot()).toEqual(before);
}

describe("standard input and output are files too", () => {
  it("-o /dev/stdout and /proc/self/fd/1 when standard output is the input", () => {
    for (const o of ["/dev/stdout", "/proc/self/fd/1"]) {
      for (const force of [[], ["-f"]]) {
        refusedSpawned(["encrypt", "-r", pub, ...force, "-o", o, at("plain.txt")], { stdoutFile: at("plain.txt") }, [/output "\/(dev|proc)/, /plain\.txt/]);
        refusedSpawned(["decrypt", "-i", key, ...force, "-o", o, ct], { stdoutFile: ct }, [/msg\.age/]);
        refusedSpawned(["decrypt", "-i", key, ...force, "-o", o, ct], { stdoutFile: key }, [/identity file/]);
      }
    }
  });

  it("standard output appending to the input (no -o), or to a key file", () => {
    refusedSpawned(["encrypt", "-r", pub, "plain.txt"], { stdoutFile: at("plain.txt") }, [/^doormat: error: standard output is the same file as the input "plain\.txt"/]);
    refusedSpawned(["encrypt", "-r", pub, "-o", "-", "plain.txt"], { stdoutFile: at("dirlink", "plain.txt") }, [/standard output/]);
    refusedSpawned(["encrypt", "-R", "recips.txt", "plain.txt"], { stdoutFile: at("recips.txt") }, [/recipients file "recips\.txt"/]);
    refusedSpawned(["decrypt", "-i", "k.key", "msg.age"], { stdoutFile: at("k.key") }, [/identity file "k\.key"/]);
    refusedSpawned(["pubkey", "k.key"], { stdoutFile: at("k.key") }, [/identity file "k\.key"/]);
    refusedSpawned(["inspect", "msg.age"], { stdoutFile: at("msg.age") }, [/input "msg\.age"/]);
  });

  it("standard input redirected from the file -o names (or from the file standard output appends to)", () => {
    refusedSpawned(["encrypt", "-r", pub, "-f", "-o", at("dirlink", "plain.txt")], { stdinFile: at("plain.txt") }, [/the input \(standard input\)/]);
    refusedSpawned(["decrypt", "-i", key, "-f", "-o", at("sub", "..", "msg.age")], { stdinFile: ct }, [/standard input/]);
    refusedSpawned(["encrypt", "-r", pub], { stdinFile: at("plain.txt"), stdoutFile: at("plain.txt") }, [/standard output is the same file as the input \(standard input\)/]);
    refusedSpawned(["pubkey"], { stdinFile: key, stdoutFile: key }, [/standard output/]);
  });

  it("standard input and output on different files work", () => {
    const out = at("sub", "out.age");
    fs.writeFileSync(out, "");
    const r = spawnOn(["encrypt", "-r", pub], { stdinFile: at("plain.txt"), stdoutFile: out });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(PLAIN.length);
  });
});
