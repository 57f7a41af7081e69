/**
 * Large files through both cores: the main thread reads and writes, worker threads seal or
 * open batches of 64 KiB STREAM chunks (chunks are independent). Order, the last-chunk rule
 * and "nothing unauthenticated is released" are kept: results are written strictly in order,
 * a batch is only released once every chunk in it authenticated, and the final chunk is
 * handled in this thread by the same StreamDecryptor as the sequential path.
 *
 * Used for regular files of at least {@link PARALLEL_MIN_SIZE} bytes, unarmored; everything
 * else streams through the sequential path.
 *
 * Threads: the default is 0, the crypto in this thread with the next read and the previous
 * write in flight in libuv's pool (two cores busy, one heap). Measured on the 2-core machine
 * this was written on, worker threads were no faster for 256 MiB (the disk and memory copies
 * bound it) and cost 30-60 MiB more memory each, over the 100 MiB budget; the worker path is
 * kept, tested, for machines with more cores.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import type { FileHandle } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { PayloadError } from "../crypto/errors.js";
import { CHUNK_SIZE, ENC_CHUNK_SIZE, StreamDecryptor, openChunks, sealChunks } from "../crypto/format/stream.js";
import type { Output } from "./files.js";
import type { PayloadJob, PayloadResult } from "./payload-worker.js";

/** Below this, starting workers costs more than it saves. */
export const PARALLEL_MIN_SIZE = 16 << 20;
/** Chunks per batch: 2 MiB of plaintext. */
const BATCH_CHUNKS = 32;

function workerUrl(): URL {
  // Under the test runner this file is TypeScript; its worker is the built JavaScript.
  return import.meta.url.endsWith(".ts") ? new URL("../../dist/io/payload-worker.js", import.meta.url) : new URL("./payload-worker.js", import.meta.url);
}

/** A fixed set of workers, each doing one job at a time; jobs run in submission order per worker. */
class Pool {
  readonly #workers: { worker: Worker; busy: Promise<unknown> }[];
  #next = 0;
  constructor(n: number) {
    this.#workers = Array.from({ length: n }, () => ({ worker: new Worker(workerUrl()), busy: Promise.resolve() }));
  }
  run(job: PayloadJob): Promise<PayloadResult> {
    const slot = this.#workers[this.#next++ % this.#workers.length] as { worker: Worker; busy: Promise<unknown> };
    const p = slot.busy.then(() => new Promise<PayloadResult>((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      slot.worker.once("error", onError);
      slot.worker.once("message", (r: PayloadResult) => {
        slot.worker.off("error", onError);
        if (r.crash !== undefined) reject(new Error(r.crash));
        else resolve(r);
      });
      slot.worker.postMessage(job, [job.data.buffer as ArrayBuffer]);
    }));
    slot.busy = p.catch(() => {});
    return p;
  }
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
  }
}

/**
 * Read exactly `length` bytes at `position` (fewer only at end of file).
 * @param into - a buffer to reuse; default: a fresh one (needed when it is sent to a worker)
 */
async function readBlock(handle: FileHandle, position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
  const buf = into ?? Buffer.allocUnsafe(length); // only the bytes read are handed on
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Worker threads to use: none up to 4 cores (see the module comment), else one per core. */
export function defaultThreads(): number {
  const cores = availableParallelism();
  return cores <= 4 ? 0 : cores;
}

/** Keep at most this many batches in flight: bounded memory whatever the file size. */
const inFlight = (threads: number): number => 2 * threads;

/** Three read buffers (current, next, in flight) and two output buffers, reused: no page faults. */
function ring(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, () => Buffer.allocUnsafe(size));
}

/** In this thread: seal batch k while batch k+2 is read and batch k-1 is written. */
async function encryptInThread(handle: FileHandle, position: number, payloadKey: Uint8Array, out: Output): Promise<void> {
  const size = BATCH_CHUNKS * CHUNK_SIZE;
  const reads = ring(3, size);
  const outs = ring(2, size + BATCH_CHUNKS * 16);
  let current = await readBlock(handle, position, size, reads[0]);
  position += current.length;
  let ahead: Promise<Uint8Array> | null = current.length === size ? readBlock(handle, position, size, reads[1]) : null;
  let writing: Promise<void> = Promise.resolve();
  for (let k = 0, index = 0; ; k++) {
    const next = ahead ? await ahead : new Uint8Array(0);
    position += next.length;
    const final = next.length === 0;
    ahead = !final && next.length === size ? readBlock(handle, position, size, reads[(k + 2) % 3]) : null;
    const sealed = sealChunks(payloadKey, index, current, final, outs[k % 2]);
    index += BATCH_CHUNKS;
    await writing; // the write of batch k-1 is done; its buffer is free again next round
    writing = out.write(sealed);
    if (final) return writing;
    current = next;
  }
}

/** In this thread: open batch k while batch k+2 is read and batch k-1 is written. */
async function decryptInThread(handle: FileHandle, position: number, payloadKey: Uint8Array, out: Output, releasePartial: boolean): Promise<void> {
  const size = BATCH_CHUNKS * ENC_CHUNK_SIZE;
  const reads = ring(3, size);
  const outs = ring(2, BATCH_CHUNKS * CHUNK_SIZE);
  let current = await readBlock(handle, position, size, reads[0]);
  position += current.length;
  let ahead: Promise<Uint8Array> | null = current.length === size ? readBlock(handle, position, size, reads[1]) : null;
  let writing: Promise<void> = Promise.resolve();
  for (let k = 0, index = 0; ; k++) {
    const next = ahead ? await ahead : new Uint8Array(0);
    position += next.length;
    if (next.length === 0) {
      await writing;
      await decryptTail(current, index, payloadKey, out, releasePartial);
      return;
    }
    ahead = next.length === size ? readBlock(handle, position, size, reads[(k + 2) % 3]) : null;
    const { plaintext, error } = openChunks(payloadKey, index, current, outs[k % 2]);
    index += BATCH_CHUNKS;
    await writing;
    if (error) {
      if (releasePartial && plaintext.length > 0) await out.write(plaintext);
      throw error;
    }
    writing = out.write(plaintext);
    current = next;
  }
}

/** The last batch holds the final chunk: the sequential path's StreamDecryptor decides. */
async function decryptTail(data: Uint8Array, index: number, payloadKey: Uint8Array, out: Output, releasePartial: boolean): Promise<void> {
  const tail = new StreamDecryptor(payloadKey, index);
  try {
    for (const p of [...tail.push(data), ...tail.finish()]) await out.write(p);
  } catch (e) {
    if (e instanceof PayloadError && releasePartial) for (const p of e.released) await out.write(p);
    throw e;
  }
}

/**
 * Encrypt the rest of a file (from `position`) as STREAM chunks, after `head` (header ‖ nonce).
 * @param threads - worker threads; 0 runs the crypto in this thread (see the module comment)
 */
export async function encryptFileParallel(handle: FileHandle, position: number, head: Uint8Array, payloadKey: Uint8Array, out: Output, threads = defaultThreads()): Promise<void> {
  if (threads === 0) {
    await out.write(head);
    return encryptInThread(handle, position, payloadKey, out);
  }
  const pool = new Pool(threads);
  try {
    await out.write(head);
    const size = BATCH_CHUNKS * CHUNK_SIZE;
    const queue: Promise<PayloadResult>[] = [];
    let index = 0;
    let current = await readBlock(handle, position, size);
    position += current.length;
    for (;;) {
      // A batch is non-final only if at least one more byte follows it.
      const next = current.length === size ? await readBlock(handle, position, size) : new Uint8Array(0);
      position += next.length;
      const final = next.length === 0;
      queue.push(pool.run({ op: "seal", key: payloadKey, index, data: current, final }));
      index += Math.max(1, Math.ceil(current.length / CHUNK_SIZE));
      while (queue.length >= inFlight(threads) || (final && queue.length > 0)) {
        await out.write((await (queue.shift() as Promise<PayloadResult>)).data);
      }
      if (final) return;
      current = next;
    }
  } finally {
    await pool.close();
  }
}

/**
 * Decrypt a file's payload (from `position`, just after the nonce). Writes only authenticated
 * plaintext, in order.
 * @throws PayloadError at the first chunk that fails (after writing the ones before it if
 *   `releasePartial`, as the sequential path does on standard output)
 */
export async function decryptFileParallel(handle: FileHandle, position: number, payloadKey: Uint8Array, out: Output, releasePartial: boolean, threads = defaultThreads()): Promise<void> {
  if (threads === 0) return decryptInThread(handle, position, payloadKey, out, releasePartial);
  const pool = new Pool(threads);
  try {
    const size = BATCH_CHUNKS * ENC_CHUNK_SIZE;
    const queue: Promise<PayloadResult>[] = [];
    const drain = async (): Promise<void> => {
      const r = await (queue.shift() as Promise<PayloadResult>);
      if (r.error !== null) {
        if (releasePartial && r.data.length > 0) await out.write(r.data);
        throw new PayloadError(r.error);
      }
      await out.write(r.data);
    };
    let index = 0;
    let current = await readBlock(handle, position, size);
    position += current.length;
    for (;;) {
      const next = current.length === size ? await readBlock(handle, position, size) : new Uint8Array(0);
      position += next.length;
      if (next.length === 0) {
        while (queue.length > 0) await drain();
        await decryptTail(current, index, payloadKey, out, releasePartial);
        return;
      }
      queue.push(pool.run({ op: "open", key: payloadKey, index, data: current }));
      index += BATCH_CHUNKS;
      while (queue.length >= inFlight(threads)) await drain();
      current = next;
    }
  } finally {
    await pool.close();
  }
}
