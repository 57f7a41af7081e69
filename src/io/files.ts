/**
 * Files and streams: reading inputs and key files, atomic no-clobber outputs, 0600 key files.
 * Every failure becomes a one-line CliError naming the path and the problem.
 *
 * @module
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import type { Readable, Writable } from "node:stream";
import { CliError } from "../errors.js";
import { copyBytes } from "../crypto/bytes.js";

/** Largest key or recipients file doormat reads (as Go's age). */
export const MAX_KEY_FILE = 16 << 20;
/**
 * Files at least this large go through the read-ahead/write-behind pipeline
 * (parallel-files.ts, loaded only then).
 */
export const PARALLEL_MIN_SIZE = 16 << 20;

/** Read size for inputs: big reads keep the pipeline busy. */
export const READ_SIZE = 1 << 20;

/** Turn a Node file-system error into a one-line CliError about `file`. */
export function fsError(e: unknown, file: string, doing: string): CliError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const q = JSON.stringify(file);
  switch (code) {
    case "ENOENT": return new CliError(`cannot ${doing} ${q}: no such file or directory`);
    case "EACCES":
    case "EPERM": return new CliError(`cannot ${doing} ${q}: permission denied`);
    case "EISDIR": return new CliError(`cannot ${doing} ${q}: it is a directory`);
    case "ENOTDIR": return new CliError(`cannot ${doing} ${q}: a component of the path is not a directory`);
    case "EEXIST": return new CliError(`cannot ${doing} ${q}: the file already exists`, { hints: ["use --force to overwrite it, or choose another name"] });
    case "ENOSPC": return new CliError(`cannot ${doing} ${q}: no space left on device`);
    case "ENAMETOOLONG": return new CliError(`cannot ${doing} ${q}: the name is too long`);
    case "EROFS": return new CliError(`cannot ${doing} ${q}: read-only file system`);
    case "ELOOP": return new CliError(`cannot ${doing} ${q}: too many levels of symbolic links (a symbolic link loop)`);
    default: return new CliError(`cannot ${doing} ${q}: ${(e as Error | undefined)?.message ?? String(e)}`);
  }
}

/**
 * The first directory on the way to `target` (as the user spelled it) that is missing or is
 * not a directory: `-o reports/2026/x.age` with no "reports" names "reports".
 */
function firstBadDirectory(target: string): { dir: string; missing: boolean } | null {
  const dirs: string[] = [];
  for (let d = path.dirname(target); ; d = path.dirname(d)) {
    dirs.unshift(d);
    if (d === "." || d === path.dirname(d)) break;
  }
  for (const d of dirs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { dir: d, missing: true };
      if (code === "ENOTDIR") return { dir: d, missing: false };
      return null;
    }
    if (!st.isDirectory()) return { dir: d, missing: false };
  }
  return null;
}

/**
 * Turn an error creating or writing the output `target` (`-o`, a key file, a cast) into a
 * one-line CliError that names the path and the cause the user can act on: the directory that
 * is missing or is not a directory, a directory given as the output, no permission to create
 * files in its directory, a read-only file system. Other errors as {@link fsError}.
 * @param doing - what failed, for the message ("write output", "create key file")
 */
export function outputError(e: unknown, target: string, doing = "write output"): CliError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const q = JSON.stringify(target);
  // `-o newdir/` names a directory, not a file in one: check the path up to and including it.
  const slash = /[\\/]$/.test(target);
  const dir = slash ? target.replace(/[\\/]+$/, "") || "/" : path.dirname(target);
  const dq = JSON.stringify(dir);
  if (slash && !fs.existsSync(target)) {
    const bad = firstBadDirectory(path.join(dir, "NAME"));
    if (bad !== null && !bad.missing) return new CliError(`cannot ${doing} ${q}: ${JSON.stringify(bad.dir)} is not a directory`, { hints: ["choose another path"] });
    return new CliError(`cannot ${doing} ${q}: the directory ${JSON.stringify(bad?.dir ?? dir)} does not exist`, { hints: [`give a file name, not a directory; or create the directory first (mkdir -p ${dq})`] });
  }
  switch (code) {
    case "ENOENT":
    case "ENOTDIR": {
      const bad = firstBadDirectory(target);
      if (bad?.missing) {
        return new CliError(`cannot ${doing} ${q}: the directory ${JSON.stringify(bad.dir)} does not exist`, { hints: [`create it first (mkdir -p ${JSON.stringify(dir)}), or choose another path`] });
      }
      if (bad) return new CliError(`cannot ${doing} ${q}: ${JSON.stringify(bad.dir)} is not a directory`, { hints: ["choose another path"] });
      if (code === "ENOENT") return new CliError(`cannot ${doing} ${q}: files cannot be created in the directory ${dq}`, { hints: ["choose another path"] });
      break;
    }
    case "EISDIR":
      return new CliError(`cannot ${doing} ${q}: it is a directory`, { hints: [`give a file name, e.g. ${JSON.stringify(path.join(target, "NAME"))}`] });
    case "EACCES":
    case "EPERM":
      return new CliError(`cannot ${doing} ${q}: permission denied (no write permission for it or for the directory ${dq})`, { hints: ["choose a path you can write, e.g. in your home directory"] });
    case "EROFS":
      return new CliError(`cannot ${doing} ${q}: the directory ${dq} is on a read-only file system`, { hints: ["choose a path on a writable file system"] });
  }
  return fsError(e, target, doing);
}

/** Read all of a readable stream (stdin), up to `limit` bytes. */
export async function readAll(stream: Readable, limit = Number.MAX_SAFE_INTEGER, what = "standard input"): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    n += b.length;
    if (n > limit) throw new CliError(`${what} is too large`);
    parts.push(b);
  }
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Read a key or recipients file's bytes: at most 16 MiB.
 * @param file - a path, or "-" for stdin
 * @throws CliError if it is missing, unreadable, a directory or too large
 */
export async function readKeyFileBytes(file: string, what: string, stdin: Readable): Promise<Uint8Array> {
  if (file === "-") return readAll(stdin, MAX_KEY_FILE, `${what} on standard input`);
  const tooLarge = (): CliError => new CliError(`${what} ${JSON.stringify(file)} is too large to be a key file`);
  try {
    const st = await fsp.stat(file);
    if (st.isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
    if (st.size > MAX_KEY_FILE) throw tooLarge();
    // Read at most the limit whatever stat said: a device (-R /dev/zero) or a pipe has size 0
    // and no end, and readFile would take gigabytes before failing; a file may also grow.
    const fh = await fsp.open(file, "r");
    try {
      const parts: Buffer[] = [];
      let n = 0;
      for (;;) {
        const buf = Buffer.allocUnsafe(1 << 16);
        const { bytesRead } = await fh.read(buf, 0, buf.length, null);
        if (bytesRead === 0) break;
        n += bytesRead;
        if (n > MAX_KEY_FILE) throw tooLarge();
        parts.push(buf.subarray(0, bytesRead));
      }
      return new Uint8Array(Buffer.concat(parts, n));
    } finally {
      await fh.close();
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw fsError(e, file, `read ${what}`);
  }
}

/** Whether `bytes` start like an age file, binary or armored (leading whitespace allowed). */
export function looksLikeAgeFile(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 64)).toString("latin1");
  return head.startsWith("age-encryption.org/") || head.trimStart().startsWith("-----BEGIN AGE ENCRYPTED FILE-----");
}

/**
 * Whether `bytes` look like UTF-16 text: a byte-order mark (FF FE or FE FF), or ASCII with a
 * NUL in every other byte (UTF-16 without a BOM), as PowerShell's `>` and Out-File write.
 */
export function looksLikeUtf16(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const n = Math.min(bytes.length, 512) & ~1;
  if (n < 4) return false;
  let le = 0;
  let be = 0;
  for (let i = 0; i < n; i += 2) {
    const a = bytes[i] as number;
    const b = bytes[i + 1] as number;
    if (a !== 0 && b === 0) le++;
    else if (a === 0 && b !== 0) be++;
  }
  return Math.max(le, be) >= 0.9 * (n / 2);
}

/**
 * Turn a key or recipients file's bytes into text: UTF-8, no NUL bytes, not an age file.
 * UTF-16 gets a message that says how to re-save the file.
 * @param name - the file's name for messages (already quoted), or "standard input"
 */
export function keyFileText(bytes: Uint8Array, what: string, name: string): string {
  if (looksLikeAgeFile(bytes)) {
    throw new CliError(`${what} ${name} is an encrypted age file, not a key file`, { hints: ["key files hold AGE-SECRET-KEY-1… (identities) or age1… (recipients) lines; make one with \"doormat keygen\""] });
  }
  if (looksLikeUtf16(bytes)) {
    throw new CliError(`${what} ${name} is saved as UTF-16 text (as PowerShell's ">" and Out-File write it), not UTF-8`, {
      hints: ["re-save it as UTF-8 or ASCII: in PowerShell, \"Get-Content OLD | Set-Content -Encoding ascii NEW\"; elsewhere, \"iconv -f UTF-16 -t UTF-8 OLD > NEW\""],
    });
  }
  if (bytes.includes(0)) throw new CliError(`${what} ${name} is a binary file, not a text key file`);
  try {
    // A UTF-8 byte-order mark (Notepad) is dropped by the decoder, as before.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`${what} ${name} is not valid UTF-8 text`);
  }
}

/**
 * Read a key or recipients file as text: at most 16 MiB, UTF-8, no NUL bytes.
 * @param file - a path, or "-" for stdin
 */
export async function readKeyFile(file: string, what: string, stdin: Readable): Promise<string> {
  const bytes = await readKeyFileBytes(file, what, stdin);
  return keyFileText(bytes, what, file === "-" ? "standard input" : JSON.stringify(file));
}

/**
 * A handle on `file` when it is a regular file large enough for the read-ahead pipeline
 * (parallel-files.ts), else `null`. Errors also give `null`: openInput reports them.
 */
export async function openIfLarge(file: string | undefined): Promise<fsp.FileHandle | null> {
  if (file === undefined || file === "-") return null;
  const st = await fsp.stat(file).catch(() => null);
  if (!st?.isFile() || st.size < PARALLEL_MIN_SIZE) return null;
  return fsp.open(file, "r").catch(() => null);
}

/**
 * Open an input for streaming: a path, or stdin for undefined / "-". Errors surface on read.
 * @param options.regularOnly - refuse anything but a regular file, without blocking: the file is
 *   opened non-blocking (a FIFO with no writer would otherwise hang the open) and checked
 *   before any read (for files found by walking a directory, which may change under us)
 * @param options.fsPath - the path's bytes, opened instead of `file` (then only its name for
 *   messages) when a name on it is not valid UTF-8 (see io/walk.ts)
 */
export function openInput(file: string | undefined, stdin: Readable, options: { regularOnly?: boolean; fsPath?: Buffer } = {}): AsyncIterable<Uint8Array> {
  if (file === undefined || file === "-") return stdin as AsyncIterable<Uint8Array>;
  return (async function* () {
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(options.fsPath ?? file, options.regularOnly ? fs.constants.O_RDONLY | fs.constants.O_NONBLOCK : "r");
    } catch (e) {
      throw fsError(e, file, "open input");
    }
    if (options.regularOnly) {
      const st = await handle.stat().catch(() => null);
      if (st !== null && !st.isFile()) {
        await handle.close();
        throw new CliError(`cannot open input ${JSON.stringify(file)}: it is not a regular file (a FIFO, socket or device)`);
      }
    }
    try {
      for (;;) {
        // A fresh buffer per read: consumers may keep what we yield, and no copy is needed.
        const buf = Buffer.allocUnsafe(READ_SIZE);
        let n: number;
        try {
          ({ bytesRead: n } = await handle.read(buf, 0, READ_SIZE, null));
        } catch (e) {
          throw fsError(e, file, "read input");
        }
        if (n === 0) return;
        yield new Uint8Array(buf.buffer, buf.byteOffset, n);
      }
    } finally {
      await handle.close();
    }
  })();
}

/**
 * A regular file's identity, "device:inode": the same for every spelling of its path (relative
 * or absolute, through symlinks or symlinked directories, a hard link, /dev/stdout,
 * /proc/self/fd/N). Inodes are read as bigints: they may exceed 2^53.
 */
export type FileId = string;

function fileIdOfStats(st: fs.BigIntStats): FileId | null {
  return st.isFile() ? `${st.dev}:${st.ino}` : null;
}

/**
 * The identity of the regular file `file` opens (symlinks followed, as open() does), or null
 * when it does not exist or is not a regular file (a terminal, pipe or device cannot be
 * overwritten by renaming a file over it).
 */
export async function regularFileId(file: string): Promise<FileId | null> {
  const st = await fsp.stat(file, { bigint: true }).catch(() => null);
  return st === null ? null : fileIdOfStats(st);
}

/** The identity of the regular file open on descriptor `fd` (standard input or output), or null. */
export function regularFileIdOfFd(fd: number): FileId | null {
  try {
    return fileIdOfStats(fs.fstatSync(fd, { bigint: true }));
  } catch {
    return null;
  }
}

/**
 * Write to a Writable (standard output), waiting for drain when it asks us to. Errors become
 * one-line CliErrors, except EPIPE (the reader went away), which the caller treats as the end.
 */
export async function writeTo(stream: Writable, data: Uint8Array): Promise<void> {
  if (data.length === 0) return;
  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      stream.once("error", onError);
      const ok = stream.write(data, (e) => {
        if (e) reject(e);
      });
      if (ok) {
        stream.off("error", onError);
        resolve();
      } else {
        stream.once("drain", () => {
          stream.off("error", onError);
          resolve();
        });
      }
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EPIPE") throw e;
    throw fsError(e, "standard output", "write to");
  }
}

/** Temporary files being written right now: removed by {@link removeTemporaryFiles} on a signal. */
const liveTemporaryFiles = new Set<string>();

/**
 * Remove every temporary output file still being written (synchronously: for signal handlers,
 * which then exit). A Ctrl-C during `decrypt -o` must not leave partial plaintext behind.
 */
export function removeTemporaryFiles(): void {
  for (const f of liveTemporaryFiles) {
    // recursive: a temporary directory (demo --out), whose in-flight writes may race the removal.
    // rmSync lists a directory once: a file that a write already in libuv's thread pool creates
    // after the listing makes the final rmdir fail (ENOTEMPTY) however often it retries, and the
    // half-written world stayed (seen under load). So remove again, listing afresh, until it
    // is gone; once it is, nothing in flight can make it again (world.ts never mkdirs recursively).
    for (let pass = 0; pass < 20; pass++) {
      try {
        fs.rmSync(f, { force: true, recursive: true, maxRetries: 5, retryDelay: 20 });
        if (!fs.existsSync(f)) break;
      } catch {
        /* a write landed meanwhile: list again */
      }
    }
  }
  liveTemporaryFiles.clear();
}

/**
 * Register (or, with `live` false, release) a temporary path that a signal must remove: a
 * directory being filled before it is renamed into place (demo --out).
 */
export function trackTemporaryPath(p: string, live: boolean): void {
  if (live) liveTemporaryFiles.add(p);
  else liveTemporaryFiles.delete(p);
}

/**
 * An output file written atomically: bytes go to a temporary file beside the target, which
 * is renamed over it only on {@link commit}. {@link abort} removes the temporary file, so a
 * failed run leaves nothing behind. Without `force`, an existing target is never replaced.
 */
export class AtomicFile {
  /** Where the output goes: the path given, or the regular file a symlink there points to. */
  target: string;
  readonly #force: boolean;
  #mode: number;
  /** Replacing an existing file keeps its mode (a private file stays private). */
  #keepMode = false;
  #tmp: string | null = null;
  #fd: fsp.FileHandle | null = null;

  readonly #umask: number;

  /** @param options.umask - the process umask, applied to `mode` on commit (default 0o022) */
  constructor(target: string, options: { force?: boolean; mode?: number; umask?: number } = {}) {
    this.target = target;
    this.#force = options.force ?? false;
    this.#mode = options.mode ?? 0o666;
    this.#umask = options.umask ?? 0o022;
  }

  /** Fail early if the target exists (without --force) or its directory is missing. */
  async check(): Promise<void> {
    const dir = path.dirname(path.resolve(this.target));
    try {
      const st = await fsp.stat(dir);
      if (!st.isDirectory()) throw Object.assign(new Error(""), { code: "ENOTDIR" });
    } catch (e) {
      throw outputError(e, this.target);
    }
    let st: fs.Stats | null = null;
    try {
      st = await fsp.stat(this.target);
    } catch {
      /* does not exist: fine */
    }
    if (st?.isDirectory()) throw outputError(Object.assign(new Error("directory"), { code: "EISDIR" }), this.target);
    if (st && !st.isFile()) return; // a device, FIFO or socket: see isSpecial()
    if (st && !this.#force) {
      throw new CliError(`output file ${JSON.stringify(this.target)} already exists`, { hints: ["use --force to overwrite it"] });
    }
    if (st) {
      // Replace what a symlink points to, not the link; keep the file's mode.
      this.target = await fsp.realpath(this.target);
      this.#mode = st.mode & 0o7777;
      this.#keepMode = true;
    }
  }

  /** Whether the target exists and is not a regular file (written in place, as age does). */
  static async isSpecial(target: string): Promise<boolean> {
    try {
      const st = await fsp.stat(target);
      return !st.isFile() && !st.isDirectory();
    } catch {
      return false;
    }
  }

  async #open(): Promise<fsp.FileHandle> {
    if (this.#fd !== null) return this.#fd;
    const dir = path.dirname(path.resolve(this.target));
    const base = path.basename(this.target);
    for (let attempt = 0; ; attempt++) {
      // Short enough for NAME_MAX (255) even when the output's own name is that long.
      const tmp = path.join(dir, `.${base.slice(0, 200)}.${Math.random().toString(36).slice(2, 12)}.tmp`);
      try {
        // Private while it is incomplete (it may hold plaintext); its real mode is set on commit.
        this.#fd = await fsp.open(tmp, "wx", 0o600);
        this.#tmp = tmp;
        liveTemporaryFiles.add(tmp);
        return this.#fd;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST" && attempt < 5) continue;
        throw outputError(e, this.target);
      }
    }
  }

  /** Append bytes to the temporary file (created on first use). */
  async write(data: Uint8Array): Promise<void> {
    const fd = await this.#open();
    let off = 0;
    while (off < data.length) {
      try {
        const { bytesWritten } = await fd.write(data, off, data.length - off);
        off += bytesWritten;
      } catch (e) {
        throw outputError(e, this.target);
      }
    }
  }

  /** Make the output visible under its name (an empty file if nothing was written). */
  async commit(): Promise<void> {
    const fd = await this.#open();
    const tmp = this.#tmp as string;
    try {
      await fd.chmod(this.#keepMode ? this.#mode : this.#mode & ~this.#umask);
      await fd.close();
      this.#fd = null;
      if (this.#force) {
        await fsp.rename(tmp, this.target);
      } else {
        // link() refuses to replace an existing file, unlike rename(): no race with a new file.
        await fsp.link(tmp, this.target);
        await fsp.unlink(tmp);
      }
      liveTemporaryFiles.delete(tmp);
      this.#tmp = null;
    } catch (e) {
      await this.abort();
      throw outputError(e, this.target);
    }
  }

  /** Remove the temporary file; the target is untouched. */
  async abort(): Promise<void> {
    try {
      await this.#fd?.close();
    } catch {
      /* already closed */
    }
    this.#fd = null;
    if (this.#tmp !== null) {
      await fsp.rm(this.#tmp, { force: true });
      liveTemporaryFiles.delete(this.#tmp);
      this.#tmp = null;
    }
  }
}

/**
 * Create a new file with mode 0600 that must not exist yet (for secret keys).
 * @throws CliError if it exists or cannot be created
 */
export async function writeNewSecretFile(file: string, content: string): Promise<void> {
  let fd: fsp.FileHandle;
  try {
    fd = await fsp.open(file, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      if ((await fsp.stat(file).catch(() => null))?.isDirectory()) throw new CliError(`cannot create key file ${JSON.stringify(file)}: it is a directory`);
      throw new CliError(`${JSON.stringify(file)} already exists: doormat never overwrites a key file`, { hints: ["choose another name, or remove the old key yourself if you are sure it is no longer needed"] });
    }
    throw outputError(e, file, "create key file");
  }
  try {
    await fd.writeFile(content);
    await fd.chmod(0o600); // in case a filesystem ignored the mode
  } catch (e) {
    await fd.close();
    await fsp.rm(file, { force: true }); // no half-written key file
    throw outputError(e, file, "write key file");
  }
  await fd.close();
}

/** Where a command's output goes: a file written atomically, or standard output. */
export interface Output {
  /** Write `data`; the caller may reuse its buffer once the promise resolves. */
  write(data: Uint8Array): Promise<void>;
  /** Success: make the output final. */
  commit(): Promise<void>;
  /** Failure: remove any partial file. */
  abort(): Promise<void>;
  /** Whether this output is standard output. */
  readonly isStdout: boolean;
  /** Whether nothing reaches the target before commit() (a regular file, written atomically). */
  readonly atomic: boolean;
}

function specialFileOutput(target: string): Output {
  let handle: fsp.FileHandle | null = null;
  return {
    isStdout: false,
    atomic: false,
    write: async (d) => {
      try {
        handle ??= await fsp.open(target, "w");
        await handle.write(d);
      } catch (e) {
        throw outputError(e, target);
      }
    },
    commit: async () => {
      handle ??= await fsp.open(target, "w").catch((e: unknown) => {
        throw outputError(e, target);
      });
      await handle.close();
    },
    abort: async () => {
      await handle?.close();
    },
  };
}

/** Standard output as an {@link Output}. */
export function stdoutOutput(stdout: Writable): Output {
  return {
    isStdout: true,
    atomic: false,
    // A stream may hold on to a buffer after write() returns (a pipe's queue, a PassThrough's
    // reader), and callers reuse theirs: hand the stream a copy.
    write: async (d) => writeTo(stdout, copyBytes(d)),
    commit: async () => {},
    abort: async () => {},
  };
}

/**
 * A file as an {@link Output}: atomic, created lazily, no-clobber unless `force`. An existing
 * device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) is written in place, as age
 * does: there is nothing to replace atomically.
 */
export async function fileOutput(target: string, force: boolean, umask?: number): Promise<Output> {
  if (await AtomicFile.isSpecial(target)) return specialFileOutput(target);
  const f = new AtomicFile(target, umask === undefined ? { force } : { force, umask });
  await f.check();
  return {
    isStdout: false,
    atomic: true,
    write: (d) => f.write(d),
    commit: () => f.commit(),
    abort: () => f.abort(),
  };
}
