/**
 * `demo --out DIR`: a directory the demo writes its world into.
 *
 * @module
 */
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { CliError } from "../errors.js";
import { fsError } from "./files.js";

/** Where `--out DIR` writes the world; absent when not asked. */
export interface WorldWriter {
  /** Write a file under the output directory; `secret` files get mode 0600. */
  write(relativePath: string, data: Uint8Array | string, options?: { secret?: boolean }): Promise<void>;
}

/**
 * Prepare `dir` (created if missing; must be empty unless `force`) and return a writer.
 * @throws CliError if it is a file, or not empty without `force`
 */
export async function openWorldDir(dir: string, force: boolean): Promise<WorldWriter> {
  try {
    const entries = await fsp.readdir(dir);
    if (entries.length > 0 && !force) {
      throw new CliError(`output directory ${JSON.stringify(dir)} is not empty`, { hints: ["choose a new directory, or use --force to write into it anyway"] });
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") throw new CliError(`--out ${JSON.stringify(dir)} is a file, not a directory`);
    if (code !== "ENOENT") throw fsError(e, dir, "use output directory");
    try {
      await fsp.mkdir(dir, { recursive: true });
    } catch (e2) {
      throw fsError(e2, dir, "create output directory");
    }
  }
  const made = new Set<string>();
  return {
    async write(rel, data, options) {
      const file = path.join(dir, rel);
      const parent = path.dirname(file);
      try {
        if (!made.has(parent)) {
          await fsp.mkdir(parent, { recursive: true });
          made.add(parent);
        }
        await fsp.writeFile(file, data, { mode: options?.secret ? 0o600 : 0o644 });
        if (options?.secret) await fsp.chmod(file, 0o600);
      } catch (e) {
        throw fsError(e, file, "write");
      }
    },
  };
}
