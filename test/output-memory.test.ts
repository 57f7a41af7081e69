/**
 * Peak memory of `decrypt` on every kind of output (issue 7, item 3): a 300 MB text file
 * decrypted to a terminal (a pty from `script -qec`), a pipe, a FIFO, a device (/dev/null) and
 * a regular file must each stay at or under 100 MiB of peak RSS, measured by GNU time (%M) on
 * the doormat process itself. Slow (a 300 MB file, and a pty relays ~10 MB/s here), so it runs
 * only with SLOW=1; the numbers are printed and recorded in docs/PERFORMANCE.md.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./cli-harness.js";
import { onPath } from "./helpers.js";

const SLOW = Boolean(process.env["SLOW"]);
const SCRIPT = onPath("script");
const GNU_TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const why = !SLOW ? "needs SLOW=1 (300 MB of I/O)" : !SCRIPT || !GNU_TIME ? "needs script(1) and GNU time at /usr/bin/time" : "";
const LIMIT_KIB = 100 * 1024;
const SIZE = 300_000_000;

const sh = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(why !== "")(`decrypting a 300 MB text file stays under 100 MiB on every output${why ? ` (skipped: ${why})` : ""}`, () => {
  let dir = "";
  let key = "";
  let ct = "";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(fs.existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "doormat-mem-"));
    key = path.join(dir, "k.key");
    const run = (args: string[]): void => {
      const r = spawnSync(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
      if (r.status !== 0) throw new Error(r.stderr.toString());
    };
    run(["keygen", "-o", key]);
    const line = "The quick brown fox jumps over the lazy dog, 0123456789 times.\n";
    const block = Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length)));
    const plain = path.join(dir, "p.txt");
    const fd = fs.openSync(plain, "w");
    for (let n = 0; n < SIZE; n += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, SIZE - n));
    fs.closeSync(fd);
    const pub = spawnSync(process.execPath, [BIN, "pubkey", key]).stdout.toString().trim();
    ct = path.join(dir, "p.age");
    run(["encrypt", "-r", pub, "-o", ct, plain]);
    fs.rmSync(plain);
  }, 300_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Run `decrypt … OUTPUT-PART` under GNU time in a shell line; returns peak RSS in KiB. */
  function peak(shellTail: string, onPty: boolean): number {
    const rss = path.join(dir, "rss");
    const cmd = `${GNU_TIME} -o ${sh(rss)} -f %M ${sh(process.execPath)} ${sh(BIN)} decrypt -i ${sh(key)} ${sh(ct)} ${shellTail}`;
    const r = onPty
      ? spawnSync(SCRIPT as string, ["-qec", `test -t 1 || exit 99; ${cmd}`, "/dev/null"], { stdio: ["ignore", "ignore", "pipe"], timeout: 900_000 })
      : spawnSync("/bin/sh", ["-c", cmd], { stdio: ["ignore", "ignore", "pipe"], timeout: 900_000 });
    expect(r.status, r.stderr.toString()).toBe(0);
    const kib = Number(fs.readFileSync(rss, "utf8").trim().split("\n").pop());
    expect(Number.isFinite(kib)).toBe(true);
    return kib;
  }

  const report: string[] = [];
  afterAll(() => console.log(`peak RSS decrypting ${SIZE} bytes:\n${report.join("\n")}`));

  it("to a terminal (pty)", () => {
    const kib = peak("", true);
    report.push(`  terminal (pty): ${(kib / 1024).toFixed(1)} MiB`);
    expect(kib).toBeLessThanOrEqual(LIMIT_KIB);
  }, 900_000);

  it("to a pipe", () => {
    const kib = peak("| cat > /dev/null", false);
    report.push(`  pipe: ${(kib / 1024).toFixed(1)} MiB`);
    expect(kib).toBeLessThanOrEqual(LIMIT_KIB);
  }, 900_000);

  it("to a FIFO (-o FIFO)", () => {
    const fifo = path.join(dir, "fifo");
    spawnSync("mkfifo", [fifo]);
    const kib = peak(`-o ${sh(fifo)} & cat ${sh(fifo)} > /dev/null; wait $!`, false);
    report.push(`  FIFO: ${(kib / 1024).toFixed(1)} MiB`);
    expect(kib).toBeLessThanOrEqual(LIMIT_KIB);
  }, 900_000);

  it("to a device (-o /dev/null)", () => {
    const kib = peak("-o /dev/null", false);
    report.push(`  device (/dev/null): ${(kib / 1024).toFixed(1)} MiB`);
    expect(kib).toBeLessThanOrEqual(LIMIT_KIB);
  }, 900_000);

  it("to a regular file (-o FILE)", () => {
    const out = path.join(dir, "out.txt");
    const kib = peak(`-o ${sh(out)}`, false);
    expect(fs.statSync(out).size).toBe(SIZE);
    fs.rmSync(out);
    report.push(`  file: ${(kib / 1024).toFixed(1)} MiB`);
    expect(kib).toBeLessThanOrEqual(LIMIT_KIB);
  }, 900_000);
});
