/**
 * Run the CLI in process with fake streams, or spawn the built command.
 */
import { PassThrough, Readable } from "node:stream";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { fileURLToPath } from "node:url";
import { run } from "../src/cli.js";
import type { Deps } from "../src/commands/context.js";
import { secureRandom, type RandomSource } from "../src/crypto/random.js";

export const BIN = fileURLToPath(new URL("../dist/cli/doormat.js", import.meta.url));

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
    random: o.random ?? secureRandom,
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

/** Spawn the built command. */
export function spawnDoormat(args: string[], o: { input?: Uint8Array | string; cwd?: string; env?: Record<string, string> } = {}): SpawnSyncReturns<Buffer> {
  return spawnSync(process.execPath, [BIN, ...args], {
    input: o.input,
    cwd: o.cwd,
    env: { ...process.env, NO_COLOR: "1", ...o.env },
    maxBuffer: 1 << 30,
  });
}
