/**
 * Option helpers shared by several commands.
 *
 * @module
 */
import { fileOutput, regularFileId, stdoutOutput, type FileId, type Output } from "../io/files.js";
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
  if (reads.filter((r) => isStdin(r.path)).length > 1) {
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

/** Open the output: `-o FILE` atomically, otherwise standard output. */
export async function openOutput(c: Context, output: string | undefined, force: boolean): Promise<Output> {
  if (output === undefined || output === "-") return stdoutOutput(c.stdout);
  return fileOutput(output, force, c.umask);
}
