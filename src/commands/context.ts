/**
 * What every command receives: the outside world, injected so that tests can run the whole
 * CLI in process, and the output helpers built from it.
 *
 * @module
 */
import type { Readable, Writable } from "node:stream";
import type { ChalkInstance } from "chalk";
import type { RandomSource } from "../crypto/random.js";
import type { ShowTerminal } from "../io/tty.js";
import { Messages } from "../ui/messages.js";
import { colorLevel, makeChalk } from "../ui/color.js";

/** The outside world. `main()` fills it from `process`; tests fill it with fakes. */
export interface Deps {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: { readonly stdin: boolean; readonly stdout: boolean; readonly stderr: boolean };
  readonly cwd: string;
  /** Prompt on the controlling terminal and read a secret without echo. */
  readPassphrase(prompt: string): Promise<string>;
  /** Wait for Enter on the controlling terminal. */
  waitForEnter(prompt: string): Promise<void>;
  /** Randomness for keys, file keys and nonces: the OS CSPRNG in production. */
  readonly random: RandomSource;
  /** The current time (keygen's `# created:` line). */
  now(): Date;
  /** scrypt work factor for new passphrase files; tests lower it. Default 18. */
  readonly scryptWorkFactor?: number;
  /** The file-creation mask, applied to new output files (default 0o022). */
  readonly umask?: number;
  /** Standard output's file mode, when it is a regular file (keygen warns if others can read it). */
  readonly stdoutFileMode?: number;
  /**
   * When standard input / output is a regular file, its identity ("device:inode", see
   * io/files.ts FileId): an output must never be a file the command reads.
   */
  readonly stdinFileId?: string;
  readonly stdoutFileId?: string;
  /** Sleep (demo pacing); tests make it instant. */
  sleep(ms: number): Promise<void>;
  /** Standard output's size when it is a terminal (the demo fits its width); absent otherwise. */
  readonly columns?: number;
  readonly rows?: number;
  /**
   * The terminal's width now (it changes when the window is resized): stdout's, else stderr's
   * when only stderr is a terminal (`doormat demo | tee talk.log`); absent when neither is.
   */
  currentColumns?(): number | undefined;
  /**
   * The controlling terminal for a demo show (raw mode, no echo, keys for `--step`), or null
   * when there is none. Absent: there is never one (tests inject a fake).
   */
  openShowTerminal?(): Promise<ShowTerminal | null>;
}

/** Per-run helpers derived from Deps and the global options. */
export interface Context extends Deps {
  /** Diagnostics on stderr. */
  readonly messages: Messages;
  /** Colour for stdout. */
  readonly chalk: ChalkInstance;
  /** `--color` (true), `--no-color` (false) or neither (undefined), for other outputs (demo --cast). */
  readonly colorFlag: boolean | undefined;
}

/** Build the context once the global `--color`/`--no-color` flag is known. */
export async function makeContext(deps: Deps, colorFlag: boolean | undefined): Promise<Context> {
  const [errChalk, outChalk] = await Promise.all([
    makeChalk(colorLevel(colorFlag, deps.env, deps.isTTY.stderr)),
    makeChalk(colorLevel(colorFlag, deps.env, deps.isTTY.stdout)),
  ]);
  return { ...deps, messages: new Messages(deps.stderr, errChalk), chalk: outChalk, colorFlag };
}
