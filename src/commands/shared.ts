/**
 * Option helpers shared by several commands.
 *
 * @module
 */
import { fileOutput, samePath, stdoutOutput, type Output } from "../io/files.js";
import { CliError } from "../ui/messages.js";
import type { Context } from "./context.js";

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Check the inputs (data, key files) against the output and the single use of stdin.
 * @param inputs - every path read, `"-"` or undefined meaning stdin for the data input
 */
export function checkPaths(c: Context, dataInput: string | undefined, keyFiles: readonly string[], output: string | undefined): void {
  const stdinUses = [dataInput === undefined || dataInput === "-", ...keyFiles.map((f) => f === "-")].filter(Boolean).length;
  if (stdinUses > 1) {
    throw new CliError("standard input is used for multiple purposes", { hints: ["give the input as a file, or read the key file from a path instead of \"-\""] });
  }
  if (output === undefined || output === "-") return;
  for (const f of [dataInput, ...keyFiles]) {
    if (f !== undefined && f !== "-" && samePath(f, output, c.cwd)) {
      throw new CliError(`input and output file are the same: ${JSON.stringify(output)}`, { hints: ["write the output to a new file; doormat never overwrites its own input"] });
    }
  }
}

/** Open the output: `-o FILE` atomically, otherwise standard output. */
export async function openOutput(c: Context, output: string | undefined, force: boolean): Promise<Output> {
  if (output === undefined || output === "-") return stdoutOutput(c.stdout);
  return fileOutput(output, force, c.umask);
}
