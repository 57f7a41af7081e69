/**
 * All 143 C2SP CCTV age vectors (npm `cctv-age`) through the spawned, built CLI: `doormat
 * decrypt -i KEYFILE VECTOR`, as a user runs it. None is skipped: the post-quantum
 * (`mlkem768x25519`) ones use `AGE-SECRET-KEY-PQ-1…` key files, and the passphrase ones are
 * typed into a pseudo-terminal made by `script(1)` (doormat reads passphrases from the
 * terminal only, like age).
 *
 * What a CLI can show: the exit status, the plaintext it released on standard output (the
 * vector's `payload` hash, also for payload failures, whose authenticated chunks are released
 * as Go's age does), and the error class in its one-line message ("no identity matched" for
 * no match, "header MAC" for an HMAC failure). The armor auto-detection of the CLI may report
 * an armor vector's failure as a header failure, so other failure classes are only checked to
 * fail. test/cctv.test.ts checks every class exactly through the library.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BIN, cliEnv } from "./cli-harness.js";
import { loadVectors, onPath, sha256hex, type Vector } from "./helpers.js";

const vectors = loadVectors();
const SCRIPT = onPath("script");
const EMPTY_SHA256 = sha256hex(new Uint8Array(0));

let tmp = "";
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "doormat-cctv-cli-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Spawn asynchronously (the vectors run a few at a time) and collect everything. */
function exec(cmd: string, args: string[], input: string): Promise<{ code: number | null; stdout: Buffer; stderr: Buffer }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: cliEnv() });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) }));
    child.stdin.end(input);
  });
}

async function runVector(v: Vector): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(tmp, `${v.name}-`));
  const file = path.join(dir, "file.age");
  fs.writeFileSync(file, v.body);
  const args = [BIN, "decrypt"];
  if (v.identities.length > 0) {
    const keyFile = path.join(dir, "key.txt");
    fs.writeFileSync(keyFile, v.identities.join("\n") + "\n", { mode: 0o600 });
    args.push("-i", keyFile);
  }
  if (v.passphrases.length === 0) {
    const r = await exec(process.execPath, [...args, file], "");
    return { code: r.code, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
  }
  // Passphrase vectors: the passphrases are typed into script's pseudo-terminal; the plaintext
  // goes to a file (a terminal would mangle bytes), and the messages come back through script.
  if (SCRIPT === null) throw new Error("the passphrase vectors need script(1) on PATH (Debian: bsdutils)");
  const out = path.join(dir, "plain");
  const cmd = [process.execPath, ...args, "-o", out, file].map(shQuote).join(" ");
  const r = await exec(SCRIPT, ["-qec", cmd, "/dev/null"], v.passphrases.map((p) => `${p}\n`).join(""));
  const stdout = fs.existsSync(out) ? fs.readFileSync(out) : Buffer.alloc(0);
  return { code: r.code, stdout, stderr: r.stdout.toString("utf8") + r.stderr.toString("utf8") };
}

// Concurrently (vitest runs up to 5 at once): each spawn mostly waits on Node's start-up.
describe.concurrent("CCTV age vectors through the spawned CLI", () => {
  it("runs all 143, none skipped (19 of them post-quantum)", () => {
    expect(vectors).toHaveLength(143);
    expect(vectors.filter((v) => v.identities.some((i) => i.startsWith("AGE-SECRET-KEY-PQ-1")))).toHaveLength(19);
  });

  it.each(vectors.map((v) => [v.name, v] as const))("%s", async (_name, v) => {
    const r = await runVector(v);
    if (v.expect === "success") {
      expect(r.code, r.stderr).toBe(0);
      expect(sha256hex(r.stdout)).toBe(v.payload);
      return;
    }
    expect(r.code, `${v.name} must fail`).toBe(1);
    expect(r.stderr).toMatch(/doormat: error: /);
    // ("no identity given": a file whose only stanza is an unknown type, e.g. "Scrypt", and no -i.)
    expect(/no identity matched|incorrect passphrase|no identity given/.test(r.stderr), r.stderr).toBe(v.expect === "no match");
    expect(/header MAC does not verify/.test(r.stderr), r.stderr).toBe(v.expect === "HMAC failure");
    // Released plaintext: exactly the authenticated chunks for a payload failure, else nothing.
    expect(sha256hex(r.stdout)).toBe(v.expect === "payload failure" ? v.payload : EMPTY_SHA256);
  });
});
