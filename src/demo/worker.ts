/**
 * A worker thread for demo bulk work: runs jobs.ts functions on the messages it is sent.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { encryptJobs, openJobs, type EncryptJob, type OpenJob } from "./jobs.js";
import type { FsJob, FsResult } from "./forward-secrecy-jobs.js";
import { searchCandidates, type Observation, type SearchResult } from "../crypto/dualec/attack.js";

export type WorkerRequest =
  | { readonly kind: "encrypt"; readonly jobs: EncryptJob[]; readonly first: number; readonly seed: string | undefined }
  | { readonly kind: "open"; readonly secretKey: Uint8Array; readonly jobs: OpenJob[] }
  | { readonly kind: "fs"; readonly jobs: FsJob[] }
  /** Dual EC trapdoor search over candidates [from, to) (demo kleptography). */
  | { readonly kind: "dualec-search"; readonly obs: Observation; readonly trapdoor: Uint8Array; readonly from: number; readonly to: number };

export type WorkerReply =
  | { readonly kind: "progress"; readonly done: number }
  | { readonly kind: "encrypted"; readonly ciphertexts: Uint8Array[] }
  | { readonly kind: "opened"; readonly result: Uint8Array }
  | { readonly kind: "fs-done"; readonly results: FsResult[] }
  | { readonly kind: "dualec-searched"; readonly result: SearchResult }
  | { readonly kind: "error"; readonly message: string };

const port = parentPort;
if (port) {
  port.on("message", (req: WorkerRequest) => {
    const progress = (done: number): void => port.postMessage({ kind: "progress", done } satisfies WorkerReply);
    if (req.kind === "fs") {
      // forward-secrecy conversations (async: identity keys load noble's curve conversion)
      void (async () => {
        const { runFsJob } = await import("./forward-secrecy-jobs.js"); // only this demo needs the Signal code
        const results: FsResult[] = [];
        for (const job of req.jobs) {
          results.push(await runFsJob(job));
          progress(results.length);
        }
        return results;
      })().then(
        (results) => port.postMessage({ kind: "fs-done", results } satisfies WorkerReply),
        (e: unknown) => port.postMessage({ kind: "error", message: (e as Error).message } satisfies WorkerReply),
      );
      return;
    }
    try {
      if (req.kind === "dualec-search") {
        port.postMessage({ kind: "dualec-searched", result: searchCandidates(req.obs, req.trapdoor, req.from, req.to, { onProgress: progress }) } satisfies WorkerReply);
      } else if (req.kind === "encrypt") {
        port.postMessage({ kind: "encrypted", ciphertexts: encryptJobs(req.jobs, req.first, req.seed, progress) } satisfies WorkerReply);
      } else {
        const result = openJobs(req.secretKey, req.jobs, progress);
        port.postMessage({ kind: "opened", result } satisfies WorkerReply, [result.buffer as ArrayBuffer]);
      }
    } catch (e) {
      port.postMessage({ kind: "error", message: (e as Error).message } satisfies WorkerReply);
    }
  });
}
