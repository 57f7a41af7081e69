/**
 * Run the CLI in process with fake streams, or spawn the built command.
 */
import { PassThrough, Readable } from "node:stream";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createCipheriv, createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { run } from "../src/cli.js";
import type { Deps } from "../src/commands/context.js";
import { seededRandom, type RandomSource } from "../src/crypto/random.js";

export const BIN = fileURLToPath(new URL("../dist/cli/doormat.js", import.meta.url));

/**
 * The randomness in-process runs get unless a test passes its own: a seeded stream per test
 * (file, test name), so that keys, nonces and ciphertexts are the same on every run and a rare
 * value cannot make CI fail at random. Each call continues the test's stream, so two keys made
 * in one test still differ. Hooks (beforeAll) draw from the file's own stream. Real secure
 * randomness is still exercised by the spawned-CLI tests and by `testRandom` opt-outs.
 */
const streams = new Map<string, RandomSource>();
export function testRandom(): RandomSource {
  const { testPath, currentTestName } = expect.getState();
  const key = `${testPath ?? "?"} > ${currentTestName ?? "(hooks)"}`;
  let s = streams.get(key);
  if (s === undefined) {
    s = seededRandom(`doormat test: ${key.slice(key.lastIndexOf("/test/") + 1)}`);
    streams.set(key, s);
  }
  return s;
}

/**
 * Deterministic pseudo-random test data (plaintexts, junk), from a ChaCha20 keystream keyed by
 * `label`: the same bytes on every run, fast enough for tens of MiB. Each call continues the
 * stream. Test data only; not a RandomSource for keys.
 */
export function pseudoRandomStream(label: string): (n: number) => Buffer {
  const key = createHash("sha256").update(`doormat test data: ${label}`).digest();
  const cipher = createCipheriv("chacha20", key, Buffer.alloc(16));
  return (n) => cipher.update(Buffer.alloc(n));
}

export interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export interface RunOptions {
  stdin?: Uint8Array | string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  tty?: Partial<Deps["isTTY"]>;
  passphrases?: string[];
  random?: RandomSource;
  scryptWorkFactor?: number;
  /** A fake terminal for demo shows (keys); absent: there is no terminal. */
  openShowTerminal?: Deps["openShowTerminal"];
  /** The terminal's width, as if stdout were one. */
  columns?: number;
  /** Demo pacing's sleep (default: returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /** Called with each chunk of stdout as it arrives (to order it against prompts and sleeps). */
  onStdout?: (chunk: Buffer) => void;
}

/** Run `doormat ARGS…` in this process. */
export async function doormat(args: string[], o: RunOptions = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (d: Buffer) => {
    out.push(d);
    o.onStdout?.(d);
  });
  stderr.on("data", (d: Buffer) => err.push(d));
  const passphrases = [...(o.passphrases ?? [])];
  const deps: Deps = {
    stdin: Readable.from(o.stdin === undefined ? [] : [Buffer.from(o.stdin)]),
    stdout,
    stderr,
    env: o.env ?? {},
    isTTY: { stdin: false, stdout: false, stderr: false, ...o.tty },
    cwd: o.cwd ?? process.cwd(),
    readPassphrase: async () => {
      const p = passphrases.shift();
      if (p === undefined) throw new Error("test: no passphrase left");
      return p;
    },
    waitForEnter: async () => {},
    random: o.random ?? testRandom(),
    now: () => new Date("2026-01-02T03:04:05Z"),
    scryptWorkFactor: o.scryptWorkFactor ?? 10,
    sleep: o.sleep ?? (async () => {}),
    ...(o.openShowTerminal ? { openShowTerminal: o.openShowTerminal } : {}),
    ...(o.columns !== undefined ? { columns: o.columns } : {}),
  };
  const cwd = process.cwd();
  if (o.cwd) process.chdir(o.cwd);
  try {
    const code = await run(args, deps);
    return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") };
  } finally {
    if (o.cwd) process.chdir(cwd);
  }
}

/**
 * Variables doormat or the example scripts read. A spawned test process must not inherit them
 * from whoever runs the tests (a CI runner's FORCE_COLOR, COLUMNS, REPORT_DIR or
 * GITHUB_STEP_SUMMARY would change the output, or write into the real job summary).
 */
const READ_BY_DOORMAT = ["NO_COLOR", "FORCE_COLOR", "COLORTERM", "COLUMNS", "LINES", "GITHUB_STEP_SUMMARY", "DOORMAT_DEBUG", "DOORMAT", "DOORMAT_REPO", "REPORT_DIR", "STEP"];

/** The environment for a spawned doormat (or example script): this one without READ_BY_DOORMAT, NO_COLOR=1, then `extra`. */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !READ_BY_DOORMAT.includes(k)) env[k] = v;
  return { ...env, NO_COLOR: "1", ...extra };
}

/** Spawn the built command. */
export function spawnDoormat(args: string[], o: { input?: Uint8Array | string; cwd?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<Buffer> {
  return spawnSync(process.execPath, [BIN, ...args], {
    input: o.input,
    cwd: o.cwd,
    env: cliEnv(o.env),
    maxBuffer: 1 << 30,
  });
}
