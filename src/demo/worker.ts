/**
 * A worker thread for demo bulk work: runs jobs.ts functions on the messages it is sent.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { encryptJobs, openJobs, type EncryptJob, type OpenJob } from "./jobs.js";
import { searchCandidates, type Observation, type SearchResult } from "../crypto/dualec/attack.js";

export type WorkerRequest =
  | { readonly kind: "encrypt"; readonly jobs: EncryptJob[]; readonly first: number; readonly seed: string | undefined }
  | { readonly kind: "open"; readonly secretKey: Uint8Array; readonly jobs: OpenJob[] }
  /** Dual EC trapdoor search over candidates [from, to) (demo kleptography). */
  | { readonly kind: "dualec-search"; readonly obs: Observation; readonly trapdoor: Uint8Array; readonly from: number; readonly to: number };

export type WorkerReply =
  | { readonly kind: "progress"; readonly done: number }
  | { readonly kind: "encrypted"; readonly ciphertexts: Uint8Array[] }
  | { readonly kind: "opened"; readonly result: Uint8Array }
  | { readonly kind: "dualec-searched"; readonly result: SearchResult }
  | { readonly kind: "error"; readonly message: string };

const port = parentPort;
if (port) {
  port.on("message", (req: WorkerRequest) => {
    const progress = (done: number): void => port.postMessage({ kind: "progress", done } satisfies WorkerReply);
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
