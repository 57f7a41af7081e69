/**
 * The bulk work of a demo, as plain functions over plain data, so that the same code runs in
 * the main thread or in a worker thread (see parallel.ts and worker.ts).
 *
 * @module
 */
import { decrypt, encrypt } from "../crypto/age.js";
import { NoMatchError } from "../crypto/errors.js";
import { equalBytes } from "../crypto/bytes.js";
import { primitives } from "../crypto/primitives.js";
import { secureRandom, seededRandom } from "../crypto/random.js";
import { AuthorityIdentity, EscrowRecipient } from "../crypto/recipients/escrow.js";
import { X25519Recipient } from "../crypto/recipients/x25519.js";

/** One message to encrypt: to X25519 recipients, plus escrow authorities. */
export interface EncryptJob {
  readonly plaintext: Uint8Array;
  readonly to: readonly Uint8Array[];
  readonly escrow: readonly Uint8Array[];
}

/** One recorded ciphertext and the hash of what was really sent. */
export interface OpenJob {
  readonly ciphertext: Uint8Array;
  readonly plaintextHash: Uint8Array;
}

/**
 * Encrypt jobs `first…first+jobs.length-1`. With a seed, each job's randomness derives from
 * (seed, job number), so output is the same whichever thread runs it.
 */
export function encryptJobs(jobs: readonly EncryptJob[], first: number, seed: string | undefined, onProgress?: (done: number) => void): Uint8Array[] {
  return jobs.map((job, i) => {
    const random = seed === undefined ? secureRandom : seededRandom(`${seed}:message:${first + i}`);
    const out = encrypt(job.plaintext, [...job.to.map((k) => new X25519Recipient(k)), ...job.escrow.map((k) => new EscrowRecipient(k))], { random });
    if (onProgress && (i + 1) % 128 === 0) onProgress(i + 1);
    return out;
  });
}

/**
 * Try one key, as an authority identity, on every ciphertext.
 * @returns 1 where it decrypted (to exactly the plaintext that was sent), 0 where it found no
 *   stanza it could open
 * @throws on anything other than "no match", or a plaintext that differs from what was sent
 *   (a corrupted archive is a bug, not a result)
 */
export function openJobs(secretKey: Uint8Array, jobs: readonly OpenJob[], onProgress?: (done: number) => void): Uint8Array {
  const identity = new AuthorityIdentity(secretKey);
  const result = new Uint8Array(jobs.length);
  jobs.forEach((job, i) => {
    if (onProgress && i % 256 === 0 && i > 0) onProgress(i);
    let plaintext: Uint8Array;
    try {
      plaintext = decrypt(job.ciphertext, [identity]);
    } catch (e) {
      if (e instanceof NoMatchError) return; // stayed closed
      throw e;
    }
    // Authenticated decryption to anything but what was sent would be a bug, not a result.
    if (!equalBytes(primitives.sha256(plaintext), job.plaintextHash)) throw new Error(`message ${i} decrypted to something other than what was sent`);
    result[i] = 1;
  });
  return result;
}
