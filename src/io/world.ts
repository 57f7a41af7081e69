/**
 * `demo --out DIR`: the world a demo writes (keys, ciphertexts, a manifest), whole or absent.
 *
 * Files go into a temporary sibling directory (`.DIR.doormat-….tmp`), renamed to DIR only when
 * the run has finished: a run stopped by an error, Ctrl-C or SIGTERM leaves nothing at DIR.
 * `--force` replaces an earlier world (a directory holding only what a world holds, with its
 * manifest) whole; it never replaces any other directory, so `--out . --force` cannot delete
 * a user's files.
 *
 * @module
 */
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { CliError } from "../errors.js";
import { fsError, outputError, trackTemporaryPath } from "./files.js";

/** The file every world has, naming the scenario that wrote it. */
export const WORLD_MANIFEST = "manifest.json";

/** What a world's top level may hold; anything else means the directory is not (only) a world. */
const WORLD_ENTRIES: ReadonlySet<string> = new Set([WORLD_MANIFEST, "README.txt", "keys", "archive"]);

/** Where `--out DIR` writes the world; absent when not asked. */
export interface WorldWriter {
  /** The directory as the user named it (for messages, and the README's `cd`). */
  readonly dir: string;
  /** The directory's own name (the last component of its path), for `cd NAME`. */
  readonly name: string;
  /** Write a file under the output directory; `secret` files get mode 0600. */
  write(relativePath: string, data: Uint8Array | string, options?: { secret?: boolean }): Promise<void>;
}

/** A world being written: {@link commit} puts it in place, {@link abort} removes it. */
export interface WorldDir extends WorldWriter {
  /** Rename the finished world to its name (replacing an earlier world with --force). */
  commit(): Promise<void>;
  /** Remove the temporary directory; the target is untouched. */
  abort(): Promise<void>;
}

/** Whether `dir` (non-empty) is a world an earlier run wrote: only world entries, and a manifest naming a scenario. */
async function isWorld(dir: string, entries: readonly string[]): Promise<boolean> {
  if (!entries.every((e) => WORLD_ENTRIES.has(e)) || !entries.includes(WORLD_MANIFEST)) return false;
  try {
    const manifest = JSON.parse(await fsp.readFile(path.join(dir, WORLD_MANIFEST), "utf8")) as unknown;
    return typeof manifest === "object" && manifest !== null && typeof (manifest as { scenario?: unknown }).scenario === "string";
  } catch {
    return false;
  }
}

/**
 * Check `dir` and start a world for it in a temporary sibling directory.
 *
 * @param cwd - the working directory (`dir` is relative to it; it is never replaced)
 * @throws CliError if `dir` is a file; not empty without `force`; with `force`, not an
 *   earlier world, or the working directory (or holds it)
 */
export async function openWorldDir(dir: string, force: boolean, cwd: string): Promise<WorldDir> {
  const target = path.resolve(cwd, dir);
  const q = JSON.stringify(dir);
  let existing: "none" | "empty" | "world" = "none";
  try {
    const st = await fsp.stat(target);
    if (!st.isDirectory()) throw new CliError(`--out ${q} is a file, not a directory`);
    const entries = await fsp.readdir(target);
    if (entries.length === 0) existing = "empty";
    else if (!force) {
      throw new CliError(`output directory ${q} is not empty`, { hints: ["choose a new directory; --force replaces an earlier demo world (one with its manifest.json), never other files"] });
    } else if (await isWorld(target, entries)) existing = "world";
    else {
      const other = entries.find((e) => !WORLD_ENTRIES.has(e)) ?? WORLD_MANIFEST;
      throw new CliError(`output directory ${q} is not a demo world (${JSON.stringify(other)} ${WORLD_ENTRIES.has(other) ? "is missing or not a demo manifest" : "is not part of one"}): --force replaces only an earlier world`, { hints: ["choose a new directory: doormat never deletes files it did not write"] });
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw outputError(e, dir, "use output directory");
  }
  const here = path.resolve(cwd);
  if (existing !== "none" && (here === target || here.startsWith(target + path.sep))) {
    throw new CliError(`--out ${q} is the working directory (or holds it): it cannot be replaced`, { hints: ["run from its parent directory, or choose a new directory"] });
  }
  const parent = path.dirname(target);
  const base = path.basename(target);
  try {
    await fsp.mkdir(parent, { recursive: true });
  } catch (e) {
    throw outputError(e, dir, "create output directory");
  }
  const suffix = (): string => Math.random().toString(36).slice(2, 10);
  const tmp = path.join(parent, `.${base.slice(0, 200)}.doormat-${suffix()}.tmp`);
  try {
    await fsp.mkdir(tmp, { mode: 0o755 });
  } catch (e) {
    throw outputError(e, dir, "create output directory");
  }
  trackTemporaryPath(tmp, true);
  const made = new Set<string>([tmp]);
  let open = true;
  const abort = async (): Promise<void> => {
    if (!open) return;
    open = false;
    await fsp.rm(tmp, { recursive: true, force: true });
    trackTemporaryPath(tmp, false);
  };
  return {
    dir,
    name: base,
    async write(rel, data, options) {
      const file = path.join(tmp, rel);
      const dirOf = path.dirname(file);
      try {
        if (!made.has(dirOf)) {
          // One level at a time, never `recursive`: a mkdir already in libuv's thread pool runs
          // even after a signal handler has removed the temporary directory, and a recursive
          // one would make it again (a half world beside the target). A plain mkdir under a
          // removed directory fails instead.
          let at = tmp;
          for (const part of path.relative(tmp, dirOf).split(path.sep)) {
            at = path.join(at, part);
            if (made.has(at)) continue;
            try {
              await fsp.mkdir(at, { mode: 0o755 });
            } catch (e) {
              if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            }
            made.add(at);
          }
        }
        await fsp.writeFile(file, data, { mode: options?.secret ? 0o600 : 0o644 });
        if (options?.secret) await fsp.chmod(file, 0o600);
      } catch (e) {
        throw fsError(e, path.join(dir, rel), "write");
      }
    },
    async commit() {
      try {
        if (existing === "world") {
          // Out of the way first, then the new world in, then the old one deleted: never mixed.
          const old = path.join(parent, `.${base.slice(0, 200)}.doormat-old-${suffix()}.tmp`);
          await fsp.rename(target, old);
          trackTemporaryPath(old, true);
          await fsp.rename(tmp, target);
          trackTemporaryPath(tmp, false);
          await fsp.rm(old, { recursive: true, force: true });
          trackTemporaryPath(old, false);
        } else {
          // rename() replaces an empty directory and refuses a non-empty one (made meanwhile).
          await fsp.rename(tmp, target);
          trackTemporaryPath(tmp, false);
        }
        open = false;
      } catch (e) {
        await abort();
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOTEMPTY" || code === "EEXIST") throw new CliError(`output directory ${q} was filled by something else during the run; nothing was written`);
        throw fsError(e, dir, "write output directory");
      }
    },
    abort,
  };
}
