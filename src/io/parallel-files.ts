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

export { PARALLEL_MIN_SIZE } from "./files.js";
/** Chunks per batch (exported for tests). */
export { BATCH_CHUNKS };
/** Chunks per batch: 1 MiB of plaintext. */
const BATCH_CHUNKS = 16;

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

function ring(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, () => Buffer.allocUnsafe(size));
}

/**
 * The file from `position` in `size`-byte blocks, each with whether it is the last (nothing
 * follows it). Block k+2 is being read while the caller works on block k. With `reuse`, three
 * buffers cycle (no page faults; the caller must be done with a block when it asks for the
 * next); without, every block is fresh (it may be sent to a worker).
 */
async function* blocks(handle: FileHandle, position: number, size: number, reuse: boolean): AsyncGenerator<{ block: Uint8Array; last: boolean }> {
  const buffers = reuse ? ring(3, size) : [];
  const read = (k: number): Promise<Uint8Array> => {
    const at = position;
    position += size;
    return readBlock(handle, at, size, buffers[k % 3]);
  };
  let current = await read(0);
  let ahead: Promise<Uint8Array> | null = current.length === size ? read(1) : null;
  for (let k = 0; ; k++) {
    const next = ahead ? await ahead : new Uint8Array(0);
    ahead = next.length === size ? read(k + 2) : null;
    yield { block: current, last: next.length === 0 };
    if (next.length === 0) return;
    current = next;
  }
}

/**
 * Mark a promise as handled now: it is awaited later, after other awaits, and a failure in
 * between must not become an unhandled rejection (a crash). Awaiting it still throws.
 */
function observed<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** The last batch holds the final chunk: the sequential path's StreamDecryptor decides. */
async function decryptTail(data: Uint8Array, index: number, payloadKey: Uint8Array, out: Output, releasePartial: boolean): Promise<void> {
  const tail = new StreamDecryptor(payloadKey, index);
  try {
    // Write what push() authenticated before finish() can fail: nothing good is dropped.
    for (const p of tail.push(data)) await out.write(p);
    for (const p of tail.finish()) await out.write(p);
  } catch (e) {
    if (e instanceof PayloadError) {
      if (releasePartial) for (const p of e.released) await out.write(p);
      e.released = []; // delivered (or deliberately withheld): nobody must write them again
    }
    throw e;
  }
}

/**
 * Encrypt the rest of a file (from `position`) as STREAM chunks, after `head` (header ‖ nonce).
 * @param threads - worker threads; 0 seals in this thread (see the module comment)
 */
export async function encryptFileParallel(handle: FileHandle, position: number, head: Uint8Array, payloadKey: Uint8Array, out: Output, threads = defaultThreads()): Promise<void> {
  await out.write(head);
  const pool = threads > 0 ? new Pool(threads) : null;
  const outs = ring(pool ? 0 : 2, BATCH_CHUNKS * ENC_CHUNK_SIZE);
  // Sealed batches not yet written, in order: up to two per worker, one in this thread.
  const pending: Promise<Uint8Array>[] = [];
  let writing: Promise<void> = Promise.resolve();
  let index = 0;
  try {
    for await (const { block, last } of blocks(handle, position, BATCH_CHUNKS * CHUNK_SIZE, pool === null)) {
      // A batch is sealed as non-final only when at least one more byte follows it.
      pending.push(observed(pool
        ? pool.run({ op: "seal", key: payloadKey, index, data: block, final: last }).then((r) => r.data)
        : Promise.resolve(sealChunks(payloadKey, index, block, last, outs[(index / BATCH_CHUNKS) % 2]))));
      index += BATCH_CHUNKS;
      while (pending.length > (pool ? 2 * threads - 1 : 0) || (last && pending.length > 0)) {
        const sealed = await (pending.shift() as Promise<Uint8Array>);
        await writing; // the previous write is done: its buffer may be reused
        writing = observed(out.write(sealed));
      }
    }
    await writing;
  } finally {
    await pool?.close();
  }
}

/**
 * Decrypt a file's payload (from `position`, just after the nonce). Writes only authenticated
 * plaintext, in order.
 * @param releasePartial - on failure, write the chunks that authenticated before it (as the
 *   sequential path does on standard output)
 * @param threads - worker threads; 0 opens in this thread (see the module comment)
 * @throws PayloadError at the first chunk that fails
 */
export async function decryptFileParallel(handle: FileHandle, position: number, payloadKey: Uint8Array, out: Output, releasePartial: boolean, threads = defaultThreads()): Promise<void> {
  const pool = threads > 0 ? new Pool(threads) : null;
  const outs = ring(pool ? 0 : 2, BATCH_CHUNKS * CHUNK_SIZE);
  const pending: Promise<{ data: Uint8Array; error: string | null }>[] = [];
  let writing: Promise<void> = Promise.resolve();
  let index = 0;
  const drain = async (): Promise<void> => {
    const { data, error } = await (pending.shift() as Promise<{ data: Uint8Array; error: string | null }>);
    await writing;
    if (error !== null) {
      if (releasePartial && data.length > 0) await out.write(data);
      throw new PayloadError(error);
    }
    writing = observed(out.write(data));
  };
  try {
    for await (const { block, last } of blocks(handle, position, BATCH_CHUNKS * ENC_CHUNK_SIZE, pool === null)) {
      if (last) {
        while (pending.length > 0) await drain();
        await writing;
        await decryptTail(block, index, payloadKey, out, releasePartial);
        return;
      }
      // Every chunk of a batch that is not the last is followed by more data: non-final.
      if (pool) {
        pending.push(observed(pool.run({ op: "open", key: payloadKey, index, data: block })));
      } else {
        const { plaintext, error } = openChunks(payloadKey, index, block, outs[(index / BATCH_CHUNKS) % 2]);
        pending.push(Promise.resolve({ data: plaintext, error: error?.message ?? null }));
      }
      index += BATCH_CHUNKS;
      while (pending.length > (pool ? 2 * threads - 1 : 0)) await drain();
    }
  } finally {
    await pool?.close();
  }
}
