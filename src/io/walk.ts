/**
 * Expanding `inspect`'s arguments into files: explicit files as given, directories walked
 * recursively for `*.age` files. Problems (a missing path, an unreadable directory) become
 * entries with an error, so that one bad path does not hide the others.
 *
 * @module
 */
import type { Dirent } from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { CliError } from "../errors.js";
import { fsError } from "./files.js";

/** One input found: a path to read (or "-" for standard input), or why it cannot be read. */
export interface InputEntry {
  readonly path: string;
  readonly error?: CliError;
}

/** The suffix of files picked up inside directories. */
export const AGE_SUFFIX = ".age";

/** The result of {@link expandInputs}. */
export interface ExpandedInputs {
  readonly entries: InputEntry[];
  /** Whether any argument was a directory (the caller then reports per file). */
  readonly sawDirectory: boolean;
  /** Directories that held no `*.age` file at all. */
  readonly emptyDirectories: string[];
}

/**
 * Expand paths: a directory gives every `*.age` file below it (recursively, sorted by name,
 * symbolic links to files followed, to directories not, so no loop is possible); any other
 * path is taken as given, whatever its name. A file reached twice is listed once.
 *
 * @param args - paths relative to the process's working directory, or "-" for standard input
 * @returns the entries in argument order; never throws for a bad path (it becomes an entry with an error)
 */
export async function expandInputs(args: readonly string[]): Promise<ExpandedInputs> {
  const entries: InputEntry[] = [];
  const emptyDirectories: string[] = [];
  const seen = new Set<string>();
  let sawDirectory = false;
  const add = (e: InputEntry): void => {
    const key = e.path === "-" ? "-" : path.resolve(e.path);
    if (e.error === undefined && seen.has(key)) return;
    seen.add(key);
    entries.push(e);
  };

  const walk = async (dir: string): Promise<number> => {
    let list: Dirent[];
    try {
      list = await fsp.readdir(dir, { withFileTypes: true });
    } catch (e) {
      add({ path: dir, error: fsError(e, dir, "read directory") });
      return 1;
    }
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let found = 0;
    for (const d of list) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) {
        found += await walk(p);
      } else if (d.name.endsWith(AGE_SUFFIX)) {
        if (d.isFile()) {
          add({ path: p });
          found++;
        } else if (d.isSymbolicLink()) {
          const st = await fsp.stat(p).catch(() => null);
          if (st?.isFile()) {
            add({ path: p });
            found++;
          } else if (st === null) {
            add({ path: p, error: fsError(Object.assign(new Error("dangling link"), { code: "ENOENT" }), p, "open input") });
            found++;
          }
        }
      }
    }
    return found;
  };

  for (const arg of args) {
    if (arg === "-") {
      add({ path: "-" });
      continue;
    }
    let isDir = false;
    try {
      isDir = (await fsp.stat(arg)).isDirectory();
    } catch (e) {
      add({ path: arg, error: fsError(e, arg, "open input") });
      continue;
    }
    if (!isDir) {
      add({ path: arg });
      continue;
    }
    sawDirectory = true;
    if ((await walk(arg)) === 0) emptyDirectories.push(arg);
  }
  return { entries, sawDirectory, emptyDirectories };
}
