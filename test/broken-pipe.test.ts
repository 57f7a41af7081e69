/**
 * A reader that goes away (`doormat … | head -1`): every command that writes to standard output
 * ends with status 141 (128 + SIGPIPE, what a shell shows for stock age and git), says nothing
 * (a closed pipe is not an error worth a message, and never a stack trace), and leaves no
 * partial output file or directory behind. The README's exit-status table says the same.
 *
 * The spawned command's pipe is closed by this process before the command can start writing
 * (Node takes far longer to start than the close takes), or — for outputs larger than a pipe's
 * buffer — after one byte has been read, as `head -c1` does: either way its write fails with
 * EPIPE, whatever the machine's speed.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, spawnDoormat } from "./cli-harness.js";
import { EXIT } from "../src/errors.js";

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Run the built command; close our end of its stdout at once, or after `readFirst` bytes. */
function runClosingStdout(args: string[], cwd: string, readFirst = 0): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    if (readFirst === 0) child.stdout.destroy();
    else {
      let got = 0;
      child.stdout.on("data", (d: Buffer) => {
        got += d.length;
        if (got >= readFirst) child.stdout.destroy();
      });
    }
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

const TIMEOUT = 120_000;

describe("a closed output pipe: status 141, no message, nothing left behind", () => {
  let dir = "";
  let recipient = "";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(tmpdir(), "doormat-pipe-"));
    const k = spawnDoormat(["keygen", "-o", "k.key"], { cwd: dir });
    if (k.status !== 0) throw new Error(k.stderr.toString());
    recipient = spawnDoormat(["pubkey", "k.key"], { cwd: dir }).stdout.toString().trim();
    // 1 MiB of text: far more than a pipe's buffer (64 KiB on Linux), so a reader that stops
    // after one byte leaves the writer blocked until the pipe closes.
    fs.writeFileSync(path.join(dir, "big.txt"), "all work and no play makes jack a dull boy\n".repeat(25_000));
    const e = spawnDoormat(["encrypt", "-r", recipient, "-o", "big.age", "big.txt"], { cwd: dir });
    if (e.status !== 0) throw new Error(e.stderr.toString());
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const expectCut = (r: Exit): void => {
    expect(r.signal).toBeNull();
    expect(r.code).toBe(EXIT.BROKEN_PIPE);
    expect(r.stderr).toBe("");
  };

  it("decrypt | head -c1", { timeout: TIMEOUT }, async () => {
    expectCut(await runClosingStdout(["decrypt", "-i", "k.key", "big.age"], dir, 1));
  });
  it("decrypt to a pipe closed before it starts", { timeout: TIMEOUT }, async () => {
    expectCut(await runClosingStdout(["decrypt", "-i", "k.key", "big.age"], dir));
  });
  it("encrypt -a | head -c1, and binary encrypt to a closed pipe", { timeout: TIMEOUT }, async () => {
    expectCut(await runClosingStdout(["encrypt", "-a", "-r", recipient, "big.txt"], dir, 1));
    expectCut(await runClosingStdout(["encrypt", "-r", recipient, "big.txt"], dir));
  });
  it("inspect, inspect --json, pubkey, keygen to a closed pipe", { timeout: TIMEOUT }, async () => {
    expectCut(await runClosingStdout(["inspect", "big.age"], dir));
    expectCut(await runClosingStdout(["inspect", "--json", "big.age"], dir));
    expectCut(await runClosingStdout(["pubkey", "k.key"], dir));
    const kg = await runClosingStdout(["keygen"], dir);
    expect(kg.code).toBe(EXIT.BROKEN_PIPE);
    // keygen tells stderr the public key when stdout is not a terminal; nothing else.
    expect(kg.stderr).toMatch(/^Public key: age1[a-z0-9]+\n$/);
  });
  it("selftest --json to a closed pipe", { timeout: TIMEOUT }, async () => {
    expectCut(await runClosingStdout(["selftest", "--json"], dir));
  });
  it("demo --json --out: cut short, and the world directory is not left half-written", { timeout: TIMEOUT }, async () => {
    expectCut(await runClosingStdout(["demo", "leak", "--json", "--seed", "1", "--out", "world"], dir));
    expect(fs.readdirSync(dir).filter((f) => f.includes("world"))).toEqual([]);
  });
  it("help into a closed pipe", { timeout: TIMEOUT }, async () => {
    expectCut(await runClosingStdout(["encrypt", "--help"], dir));
  });
  it("large files (the worker-thread pipeline, from 16 MiB) | head -c1", { timeout: TIMEOUT }, async () => {
    fs.writeFileSync(path.join(dir, "large.txt"), Buffer.alloc(17 << 20, "large file line\n"));
    const e = spawnDoormat(["encrypt", "-r", recipient, "-o", "large.age", "large.txt"], { cwd: dir });
    expect(e.status, e.stderr.toString()).toBe(0);
    expectCut(await runClosingStdout(["decrypt", "-i", "k.key", "large.age"], dir, 1));
    expectCut(await runClosingStdout(["encrypt", "-r", recipient, "large.txt"], dir, 1));
  });
  it("a successful run into a reader that reads everything still exits 0", { timeout: TIMEOUT }, async () => {
    const r = spawnDoormat(["decrypt", "-i", "k.key", "big.age"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout.equals(fs.readFileSync(path.join(dir, "big.txt")))).toBe(true);
  });
});
