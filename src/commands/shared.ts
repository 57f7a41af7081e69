/**
 * Option helpers shared by several commands.
 *
 * @module
 */
import { fileOutput, regularFileId, stdoutOutput, type FileId, type Output } from "../io/files.js";
import * as fs from "node:fs";
import { CliError } from "../ui/messages.js";
import type { Context } from "./context.js";

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A file a command reads: `path` undefined or "-" means standard input. */
export interface ReadFile {
  readonly path: string | undefined;
  /** What it is, for messages: "input", "identity file", "recipients file", "escrow file". */
  readonly what: string;
}

const isStdin = (p: string | undefined): boolean => p === undefined || p === "-";
/**
 * Whether reading `p` consumes standard input: "-" (or no path), or a name of descriptor 0.
 * `encrypt -R /dev/stdin < keys.txt` would otherwise read the keys, then encrypt an empty input.
 */
const readsStdin = (p: string | undefined): boolean => isStdin(p) || p === "/dev/stdin" || p === "/dev/fd/0" || p === "/proc/self/fd/0";

/**
 * Check what a command reads against its output and the single use of standard input.
 *
 * No output may be the same file as anything the command reads, with or without --force:
 * files are compared by device and inode (what open() reaches), so every spelling counts —
 * relative or absolute, symlinks, symlinked directories, hard links, /dev/stdout and
 * /proc/self/fd/1 — and so does standard output redirected onto (or appending to) an input.
 * @param output - the -o path; undefined or "-" means standard output
 * @throws CliError naming both files
 */
export async function checkPaths(c: Context, reads: readonly ReadFile[], output: string | undefined): Promise<void> {
  if (reads.filter((r) => readsStdin(r.path)).length > 1) {
    throw new CliError("standard input is used for multiple purposes", { hints: ["give the input as a file, or read the key file from a path instead of \"-\""] });
  }
  const toStdout = isStdin(output);
  const outId: FileId | null = toStdout ? (c.stdoutFileId ?? null) : await regularFileId(output as string);
  if (outId === null) return;
  for (const r of reads) {
    const id = isStdin(r.path) ? (c.stdinFileId ?? null) : await regularFileId(r.path as string);
    if (id !== outId) continue;
    const inName = isStdin(r.path) ? "(standard input)" : JSON.stringify(r.path);
    if (toStdout) {
      throw new CliError(`standard output is the same file as the ${r.what} ${inName}`, {
        hints: ["doormat never writes over a file it reads; redirect standard output to another file, or use -o NEWFILE"],
      });
    }
    throw new CliError(`output ${JSON.stringify(output)} is the same file as the ${r.what} ${inName}`, {
      hints: ["doormat never writes over a file it reads, even with --force; write the output to a new file"],
    });
  }
}

/**
 * Names of standard output itself. `-o /dev/stdout` with standard output redirected to a file
 * must write where the shell pointed it (appending for `>>`), as `-o -` does: not be refused as
 * an existing file, nor (with --force) replace that file and what it held.
 */
const STDOUT_NAMES: ReadonlySet<string> = new Set(["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]);

/** Open the output: `-o FILE` atomically, otherwise standard output. */
export async function openOutput(c: Context, output: string | undefined, force: boolean): Promise<Output> {
  if (output === undefined || output === "-" || STDOUT_NAMES.has(output)) return stdoutOutput(c.stdout);
  return fileOutput(output, force, c.umask);
}

/**
 * An option whose value looks like another option: commander took the next flag as the value
 * (`encrypt -r -o out.age msg.txt` makes "-o" the recipient). Say which value is missing.
 * @param values - [flag as shown, what its value is, the values given]
 * @throws CliError naming the option whose value is missing
 */
export function checkOptionValues(command: string, values: ReadonlyArray<readonly [string, string, readonly string[]]>): void {
  for (const [flag, what, given] of values) {
    const v = given.find((x) => /^-[A-Za-z-]/.test(x));
    if (v === undefined) continue;
    throw new CliError(`${/^[aeiou]/.test(what) ? "an" : "a"} ${what} is missing after ${flag}: ${JSON.stringify(v)} was taken as the ${what}`, {
      hints: [`put the ${what} right after ${flag.split("/")[0] as string}, e.g. "doormat ${command} ${flag.split("/")[0] as string} ${what === "recipient" || what === "authority recipient" ? "age1…" : "FILE"} …"`],
    });
  }
}

/** Whether the start of a file looks like an age key file: secret keys, or recipients only. */
export function keyFileKind(head: Uint8Array): "identity" | "recipients" | null {
  const t = Buffer.from(head.subarray(0, 4096)).toString("latin1");
  if (/^\s*AGE-SECRET-KEY-(PQ-)?1/im.test(t)) return "identity";
  if (/^\s*age1[02-9ac-hj-np-z]{50,}\s*$/m.test(t) && !/^age-encryption\.org\//.test(t)) return "recipients";
  return null;
}

/** The first bytes of a file (up to 4 KiB), or null if it cannot be read. */
export function fileHead(file: string): Uint8Array | null {
  try {
    const fd = fs.openSync(file, "r");
    try {
      const buf = Buffer.alloc(4096);
      return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

/**
 * More operands than the command takes (commander is told to allow them, so that the message
 * can say what is missing). `decrypt alice.key msg.age`: the first is a key file, -i is missing.
 * @throws CliError if there is more than one operand
 */
export function checkOperands(command: "encrypt" | "decrypt", operands: readonly string[]): void {
  if (operands.length <= 1) return;
  // The operand that is a key file, if one is (any position), and the rest.
  let keyAt = -1;
  let kind: ReturnType<typeof keyFileKind> = null;
  for (let i = 0; i < operands.length && kind === null; i++) {
    kind = keyFileKind(fileHead(operands[i] as string) ?? new Uint8Array(0));
    if (kind !== null) keyAt = i;
  }
  const key = operands[keyAt] as string;
  const rest = operands.filter((_o, i) => i !== keyAt).join(" ");
  if (command === "decrypt" && kind === "identity") {
    throw new CliError(`-i is missing: ${JSON.stringify(key)} is a key file, not a file to decrypt`, {
      hints: [`give identity files with -i: doormat decrypt -i ${key} ${rest}`],
    });
  }
  if (command === "encrypt" && kind !== null) {
    throw new CliError(`too many arguments: ${JSON.stringify(key)} is a key file, not a file to encrypt`, {
      hints: [kind === "identity" ? `encrypt to its public key: doormat encrypt -r "$(doormat pubkey ${key})" ${rest}` : `give recipients files with -R: doormat encrypt -R ${key} ${rest}`],
    });
  }
  throw new CliError(`too many arguments: ${command} takes one INPUT file, and was given ${operands.length}`, {
    hints: [command === "encrypt" ? "encrypt one file at a time, or several as one archive: tar c FILES | doormat encrypt …" : "decrypt one file at a time"],
  });
}
