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
  /**
   * Why a `*.age` name found under a directory is not read at all: it is a FIFO, socket or
   * device (opening a FIFO would block until someone writes to it; a device may never end),
   * or a symbolic link to a directory (not followed). Never set for paths given as arguments.
   */
  readonly skipped?: string;
  /** Found by walking a directory (then only a regular file may be read: see openInput). */
  readonly found?: true;
  /**
   * The path's bytes, when a name on it is not valid UTF-8: `path` then shows each bad byte as
   * U+FFFD and names no file, so the file must be opened by these bytes.
   */
  readonly fsPath?: Buffer;
}

/** What a file that is not a regular file or directory is, for a note. */
export function specialFileKind(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isDirectory()) return "a directory";
  return "not a regular file";
}

/** The suffix of files picked up inside directories. */
export const AGE_SUFFIX = ".age";

/** `{ fsPath: raw }` when the displayed path `shown` does not spell the bytes `raw`, else nothing. */
function bytesIfNeeded(shown: string, raw: Buffer): { fsPath?: Buffer } {
  return Buffer.from(shown).equals(raw) ? {} : { fsPath: raw };
}

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
 * path is taken as given, whatever its name. A file reached twice is listed once. A `*.age`
 * name below a directory that is a FIFO, socket or device (or a link to one, or to a
 * directory) is listed as skipped, with why, and never opened.
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

  // Names are read as bytes: one that is not valid UTF-8 (a file from another system, or a
  // hostile one) would otherwise be shown and opened as a name with U+FFFD in it, which names
  // no file ("no such file"), and its escrow would go unreported.
  const walk = async (dir: string, rawDir: Buffer): Promise<number> => {
    let list: Dirent<Buffer>[];
    try {
      list = await fsp.readdir(rawDir, { withFileTypes: true, encoding: "buffer" });
    } catch (e) {
      add({ path: dir, error: fsError(e, dir, "read directory"), ...bytesIfNeeded(dir, rawDir) });
      return 1;
    }
    const named = list.map((d) => ({ d, name: d.name.toString("utf8") }));
    named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : Buffer.compare(a.d.name, b.d.name)));
    let found = 0;
    for (const { d, name } of named) {
      const p = path.join(dir, name);
      const raw = Buffer.concat([rawDir, Buffer.from(path.sep), d.name]);
      const fsPath = bytesIfNeeded(p, raw);
      if (d.isDirectory()) {
        found += await walk(p, raw);
      } else if (name.endsWith(AGE_SUFFIX)) {
        if (d.isFile()) {
          add({ path: p, found: true, ...fsPath });
          found++;
        } else if (d.isSymbolicLink()) {
          let statError: unknown;
          const st = await fsp.stat(raw).catch((e: unknown) => {
            statError = e;
            return null;
          });
          if (st?.isFile()) {
            add({ path: p, found: true, ...fsPath });
            found++;
          } else if (st === null) {
            // Dangling (ENOENT), a loop (ELOOP), or a target we may not see (EACCES).
            add({ path: p, error: fsError(statError, p, "open input") });
            found++;
          } else {
            add({ path: p, skipped: `a symbolic link to ${specialFileKind(st)}${st.isDirectory() ? " (not followed)" : ""}, not a regular file` });
            found++;
          }
        } else {
          // Never opened: a FIFO would block until a writer came, a device may never end.
          add({ path: p, skipped: `${specialFileKind(d)}, not a regular file` });
          found++;
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
    if ((await walk(arg, Buffer.from(arg))) === 0) emptyDirectories.push(arg);
  }
  return { entries, sawDirectory, emptyDirectories };
}
