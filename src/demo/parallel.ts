/**
 * Spreads a demo's bulk encryption and decryption over worker threads, one per core, with
 * keys imported once per thread. Small jobs run in this thread (a worker costs tens of
 * milliseconds to start).
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { encryptJobs, openJobs, type EncryptJob, type OpenJob } from "./jobs.js";
import type { WorkerReply, WorkerRequest } from "./worker.js";
import type { FsJob, FsResult } from "./forward-secrecy-jobs.js";
import { mergeResults, searchCandidates, type Observation, type SearchResult } from "../crypto/dualec/attack.js";

/** Bulk crypto for scenarios; `done()` reports progress while a call is running. */
export interface BulkCrypto {
  /** Threads the work is spread over (1 = this thread only). */
  readonly threads: number;
  encrypt(jobs: readonly EncryptJob[], seed: string | undefined): Promise<Uint8Array[]>;
  open(secretKey: Uint8Array, jobs: readonly OpenJob[]): Promise<Uint8Array>;
  /**
   * forward-secrecy demo: whole conversations (simulations, then attacks), results in job order.
   * Jobs are dealt round-robin so that each thread gets a share of the heavy ones.
   */
  forwardSecrecy(jobs: readonly FsJob[]): Promise<FsResult[]>;
  /**
   * Dual EC trapdoor search over candidates [from, to), split into one contiguous range per
   * thread (demo kleptography). Survivors come back in candidate order.
   */
  dualEcSearch(obs: Observation, trapdoor: Uint8Array, from: number, to: number): Promise<SearchResult & { readonly threads: number }>;
  /** Items finished by the running call so far. */
  done(): number;
  close(): Promise<void>;
}

/**
 * Rough relative cost of a forward-secrecy job (a conversation's escrowed ratchet = 1), from a
 * profile of the default run: the plain ratchet costs about as much, static-key age files
 * (two X25519 stanzas each, then a decryption) about one and a half.
 */
function fsJobWeight(job: FsJob): number {
  if (job.kind === "simulate") return 1 + (job.schemes.ratchet ? 1 : 0) + (job.schemes.static ? 1.5 : 0);
  return 1 + (job.ratchet ? 1 : 0) + (job.static ? 1.5 : 0);
}

/** Below this many items, threads cost more than they save. */
const MIN_PARALLEL = 400;
/** Dual EC candidates cost ~0.2 ms each: below this many, one thread is as fast. */
const MIN_PARALLEL_CANDIDATES = 512;

function workerUrl(): URL {
  // Under the test runner this file is TypeScript; its worker is the built JavaScript.
  return import.meta.url.endsWith(".ts") ? new URL("../../dist/demo/worker.js", import.meta.url) : new URL("./worker.js", import.meta.url);
}

/**
 * Bulk crypto over `threads` workers (default: one per core).
 * @param threads - 1 keeps everything in this thread
 */
export function createBulkCrypto(threads = availableParallelism()): BulkCrypto {
  let workers: Worker[] | null = null;
  const progress: number[] = [];
  const getWorkers = (): Worker[] => (workers ??= Array.from({ length: threads }, () => new Worker(workerUrl())));

  function runOn<T>(w: Worker, slot: number, req: WorkerRequest, pick: (r: WorkerReply) => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onMessage = (r: WorkerReply): void => {
        if (r.kind === "progress") {
          progress[slot] = r.done;
          return;
        }
        w.off("message", onMessage);
        w.off("error", onError);
        if (r.kind === "error") reject(new Error(r.message));
        else resolve(pick(r) as T);
      };
      const onError = (e: Error): void => {
        w.off("message", onMessage);
        reject(e);
      };
      w.on("message", onMessage);
      w.once("error", onError);
      w.postMessage(req);
    });
  }

  function split<T>(items: readonly T[]): { start: number; part: T[] }[] {
    const n = Math.min(threads, items.length);
    const size = Math.ceil(items.length / n);
    return Array.from({ length: n }, (_, i) => ({ start: i * size, part: items.slice(i * size, (i + 1) * size) }));
  }

  const inThread = (n: number): boolean => threads <= 1 || n < MIN_PARALLEL;

  return {
    threads,
    async encrypt(jobs, seed) {
      progress.length = 0;
      if (inThread(jobs.length)) return encryptJobs(jobs, 0, seed, (d) => (progress[0] = d));
      const parts = split(jobs);
      const ws = getWorkers();
      const results = await Promise.all(parts.map(({ start, part }, i) =>
        runOn(ws[i] as Worker, i, { kind: "encrypt", jobs: part, first: start, seed }, (r) => (r.kind === "encrypted" ? r.ciphertexts : undefined))));
      return results.flat();
    },
    async open(secretKey, jobs) {
      progress.length = 0;
      if (inThread(jobs.length)) return openJobs(secretKey, jobs, (d) => (progress[0] = d));
      const parts = split(jobs);
      const ws = getWorkers();
      const results = await Promise.all(parts.map(({ part }, i) =>
        runOn(ws[i] as Worker, i, { kind: "open", secretKey, jobs: part }, (r) => (r.kind === "opened" ? r.result : undefined))));
      const out = new Uint8Array(jobs.length);
      let o = 0;
      for (const r of results) {
        out.set(r, o);
        o += r.length;
      }
      return out;
    },
    async forwardSecrecy(jobs) {
      progress.length = 0;
      if (threads <= 1 || jobs.length < 2) {
        const { runFsJob } = await import("./forward-secrecy-jobs.js");
        const out: FsResult[] = [];
        for (const job of jobs) {
          out.push(await runFsJob(job));
          progress[0] = out.length;
        }
        return out;
      }
      // Longest job first to the least loaded thread: Alice's conversation carries all three
      // schemes (about 3.5 times the work of another), so dealing round-robin left one thread
      // a conversation behind.
      const n = Math.min(threads, jobs.length);
      const order = jobs.map((job, j) => ({ j, w: fsJobWeight(job) })).sort((a, b) => b.w - a.w || a.j - b.j);
      const load = new Array<number>(n).fill(0);
      const assigned: number[][] = Array.from({ length: n }, () => []);
      for (const { j, w } of order) {
        const t = load.indexOf(Math.min(...load));
        assigned[t]?.push(j);
        load[t] = (load[t] as number) + w;
      }
      const ws = getWorkers();
      const results = await Promise.all(assigned.map((idx, i) =>
        runOn(ws[i] as Worker, i, { kind: "fs", jobs: idx.map((j) => jobs[j] as FsJob) }, (r) => (r.kind === "fs-done" ? r.results : undefined))));
      const out = new Array<FsResult>(jobs.length);
      assigned.forEach((idx, i) => idx.forEach((j, k) => (out[j] = (results[i] as FsResult[])[k] as FsResult)));
      return out;
    },
    async dualEcSearch(obs, trapdoor, from, to) {
      progress.length = 0;
      const n = to - from;
      if (threads <= 1 || n < MIN_PARALLEL_CANDIDATES) return { ...searchCandidates(obs, trapdoor, from, to, { onProgress: (d) => (progress[0] = d) }), threads: 1 };
      const size = Math.ceil(n / threads);
      const ws = getWorkers();
      const parts = await Promise.all(ws.map((w, i) => {
        const a = Math.min(to, from + i * size);
        const b = Math.min(to, a + size);
        return runOn(w, i, { kind: "dualec-search", obs, trapdoor, from: a, to: b }, (r) => (r.kind === "dualec-searched" ? r.result : undefined));
      }));
      return { ...mergeResults(parts), threads };
    },
    done: () => progress.reduce((a, b) => a + b, 0),
    async close() {
      await Promise.all((workers ?? []).map((w) => w.terminate()));
      workers = null;
    },
  };
}
