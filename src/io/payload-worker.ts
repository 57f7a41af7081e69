/**
 * A worker thread that seals or opens batches of STREAM chunks (see parallel-files.ts).
 * It only runs the pure functions of src/crypto/format/stream.ts on the bytes it is sent.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import { openChunks, sealChunks } from "../crypto/format/stream.js";

export type PayloadJob =
  | { readonly op: "seal"; readonly key: Uint8Array; readonly index: number; readonly data: Uint8Array; readonly final: boolean }
  | { readonly op: "open"; readonly key: Uint8Array; readonly index: number; readonly data: Uint8Array };

export interface PayloadResult {
  readonly data: Uint8Array;
  /** For "open": why it stopped early; `data` then holds the chunks that authenticated. */
  readonly error: string | null;
  /** An unexpected exception (a bug), not a verdict on the data. */
  readonly crash?: string;
}

const port = parentPort;
if (port) {
  port.on("message", (job: PayloadJob) => {
    let result: PayloadResult;
    try {
      if (job.op === "seal") {
        result = { data: sealChunks(job.key, job.index, job.data, job.final), error: null };
      } else {
        const { plaintext, error } = openChunks(job.key, job.index, job.data);
        result = { data: plaintext, error: error?.message ?? null };
      }
    } catch (e) {
      result = { data: new Uint8Array(0), error: null, crash: (e as Error).message };
    }
    port.postMessage(result, [result.data.buffer as ArrayBuffer]);
  });
}
