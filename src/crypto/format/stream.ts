/**
 * The age payload: STREAM over ChaCha20-Poly1305 in 64 KiB chunks (age-spec §5).
 *
 * Both directions are push-based state machines: feed bytes in any slices, get whole chunks
 * out. Nothing here does I/O. The decryptor only ever returns plaintext of a chunk whose tag
 * verified; a caller must still treat the output as untrusted until `finish()` succeeds.
 *
 * @module
 */
import { primitives } from "../primitives.js";
import { PayloadError } from "../errors.js";
import { concat, copyBytes, utf8 } from "../bytes.js";

/** Plaintext bytes per chunk. */
export const CHUNK_SIZE = 65536;
/** Poly1305 tag size. */
export const TAG_SIZE = 16;
/** Bytes per full chunk on the wire. */
export const ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
/** Size of the random payload nonce that follows the header. */
export const NONCE_SIZE = 16;

const PAYLOAD_INFO = utf8("payload");

/** payload key = HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload"). */
export function payloadKey(fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return primitives.hkdf(fileKey, nonce, PAYLOAD_INFO, 32);
}

/** The 12-byte chunk nonce: 11-byte big-endian counter ‖ last-chunk flag. */
export function chunkNonce(index: number, last: boolean): Uint8Array {
  const n = new Uint8Array(12);
  let i = index;
  for (let p = 10; p >= 0 && i > 0; p--) {
    n[p] = i % 256;
    i = Math.floor(i / 256);
  }
  n[11] = last ? 1 : 0;
  return n;
}

/**
 * Name chunk `index` (0-based counter) the way a person counts, with where it starts.
 * @returns e.g. "chunk 4 (counting from 1; it starts 196656 bytes into the encrypted payload, after the nonce)"
 */
export function chunkName(index: number): string {
  return `chunk ${index + 1} (counting from 1; it starts ${index * ENC_CHUNK_SIZE} bytes into the encrypted payload, after the nonce)`;
}

/** Ciphertext size for a plaintext of `n` bytes (payload only, without header and nonce). */
export function encryptedPayloadSize(n: number): number {
  return n + TAG_SIZE * Math.max(1, Math.ceil(n / CHUNK_SIZE));
}

/**
 * Seal consecutive chunks into one buffer (ciphertext ‖ tag for each, in order).
 * @param index - the counter of the first chunk
 * @param plaintext - whole 64 KiB chunks; with `final`, the last one may be shorter (or the
 *   whole plaintext empty: one empty final chunk)
 * @param final - whether the last chunk is the stream's final chunk
 * @param into - a buffer to reuse for the output (large enough); default: a new one
 * @returns the sealed chunks (a view of `into` when given)
 */
export function sealChunks(key: Uint8Array, index: number, plaintext: Uint8Array, final: boolean, into?: Uint8Array): Uint8Array {
  const n = final ? Math.max(1, Math.ceil(plaintext.length / CHUNK_SIZE)) : plaintext.length / CHUNK_SIZE;
  if (!Number.isInteger(n)) throw new RangeError("sealChunks: non-final data must be whole chunks");
  const size = plaintext.length + n * TAG_SIZE;
  const out = into ? into.subarray(0, size) : new Uint8Array(size);
  for (let i = 0; i < n; i++) {
    const pt = plaintext.subarray(i * CHUNK_SIZE, (i + 1) * CHUNK_SIZE);
    primitives.sealInto(key, chunkNonce(index + i, final && i === n - 1), pt, out, i * ENC_CHUNK_SIZE);
  }
  return out;
}

/**
 * Open consecutive whole chunks that are all known to be followed by more data.
 * A chunk that fails as non-final is tried as final, as Go's age does: if it opens, it is
 * released with an error about the trailing data.
 * @param into - a buffer to reuse for the output (large enough); default: a new one
 * @returns the plaintext of the chunks that authenticated, and the error that stopped it, if any
 */
export function openChunks(key: Uint8Array, index: number, ciphertext: Uint8Array, into?: Uint8Array): { plaintext: Uint8Array; error: PayloadError | null } {
  const n = ciphertext.length / ENC_CHUNK_SIZE;
  if (!Number.isInteger(n)) throw new RangeError("openChunks: data must be whole chunks");
  const out = into ? into.subarray(0, n * CHUNK_SIZE) : new Uint8Array(n * CHUNK_SIZE);
  for (let i = 0; i < n; i++) {
    const chunk = ciphertext.subarray(i * ENC_CHUNK_SIZE, (i + 1) * ENC_CHUNK_SIZE);
    if (primitives.openInto(key, chunkNonce(index + i, false), chunk, out, i * CHUNK_SIZE)) continue;
    const finalOk = primitives.openInto(key, chunkNonce(index + i, true), chunk, out, i * CHUNK_SIZE);
    return {
      plaintext: out.subarray(0, (i + (finalOk ? 1 : 0)) * CHUNK_SIZE),
      error: new PayloadError(finalOk ? "data after the final chunk (trailing garbage)" : `${chunkName(index + i)} failed to authenticate: the file is corrupted or was tampered with`),
    };
  }
  return { plaintext: out, error: null };
}

/** Encrypts a plaintext stream, sealing whole chunks as soon as more data follows them. */
export class StreamEncryptor {
  readonly #key: Uint8Array;
  #index = 0;
  #pending: Uint8Array[] = [];
  #buffered = 0;
  #done = false;
  constructor(key: Uint8Array) {
    this.#key = key;
  }
  /** Add plaintext; returns the sealed chunks now known not to be the last (maybe empty). */
  push(data: Uint8Array): Uint8Array {
    if (this.#done) throw new Error("StreamEncryptor: push after finish");
    this.#pending.push(data);
    this.#buffered += data.length;
    // A chunk is sealed as non-final only once at least one more byte is known to follow.
    const n = Math.floor((this.#buffered - 1) / CHUNK_SIZE);
    if (n <= 0) return new Uint8Array(0);
    const all = this.#pending.length === 1 ? data : concat(...this.#pending);
    const out = sealChunks(this.#key, this.#index, all.subarray(0, n * CHUNK_SIZE), false);
    this.#index += n;
    const rest = copyBytes(all, n * CHUNK_SIZE); // the caller may reuse its buffer
    this.#pending = [rest];
    this.#buffered = rest.length;
    return out;
  }
  /** Seal and return the final chunk (which may be empty only if the whole stream is). */
  finish(): Uint8Array {
    if (this.#done) throw new Error("StreamEncryptor: finish called twice");
    this.#done = true;
    return sealChunks(this.#key, this.#index++, concat(...this.#pending), true);
  }
}

/**
 * Decrypts a STREAM payload chunk by chunk, releasing only authenticated plaintext.
 *
 * A full-size chunk may be the last one; like Go's age, it is tried as non-final first, then
 * as final. When an error is found after some chunks of the same call authenticated, those
 * chunks travel on the error as `released` (authentic, but the file as a whole is not).
 */
export class StreamDecryptor {
  readonly #key: Uint8Array;
  #index = 0;
  #parts: Uint8Array[] = [];
  #buffered = 0;
  #sawLast = false;
  #finished = false;
  /** @param firstIndex - counter of the first chunk this decryptor sees (0 for a whole payload) */
  constructor(key: Uint8Array, firstIndex = 0) {
    this.#index = firstIndex;
    this.#key = key;
  }

  #open(chunk: Uint8Array, last: boolean): Uint8Array | null {
    return primitives.open(this.#key, chunkNonce(this.#index, last), chunk);
  }

  /** Authenticate one chunk; `more` says whether any byte follows it. */
  #chunk(chunk: Uint8Array, more: boolean, out: Uint8Array[]): void {
    if (this.#sawLast) throw new PayloadError("data after the final chunk (trailing garbage)");
    if (chunk.length < TAG_SIZE) throw new PayloadError("the last chunk is shorter than a tag (truncated)");
    let pt = chunk.length === ENC_CHUNK_SIZE ? this.#open(chunk, false) : null;
    if (pt === null) {
      pt = this.#open(chunk, true);
      if (pt === null) throw new PayloadError(`${chunkName(this.#index)} failed to authenticate: the file is corrupted, truncated or was tampered with`);
      if (pt.length === 0 && this.#index > 0) throw new PayloadError("the final chunk is empty, which only an empty file may have");
      this.#sawLast = true;
    }
    out.push(pt);
    this.#index++;
    if (this.#sawLast && more) throw new PayloadError("data after the final chunk (trailing garbage)");
  }

  /** Add ciphertext; returns the plaintext of every chunk that authenticated (maybe none). */
  push(data: Uint8Array): Uint8Array[] {
    if (this.#finished) throw new Error("StreamDecryptor: push after finish");
    this.#parts.push(data);
    this.#buffered += data.length;
    // Chunks followed by at least one more byte cannot be the last: open them in one batch.
    const n = Math.floor((this.#buffered - 1) / ENC_CHUNK_SIZE);
    if (n <= 0) return [];
    const all = this.#parts.length === 1 ? data : concat(...this.#parts);
    const { plaintext, error } = openChunks(this.#key, this.#index, all.subarray(0, n * ENC_CHUNK_SIZE));
    if (error) throw this.#fail(error, plaintext.length > 0 ? [plaintext] : []);
    this.#index += n;
    const rest = copyBytes(all, n * ENC_CHUNK_SIZE); // the caller may reuse its buffer
    this.#parts = rest.length === 0 ? [] : [rest];
    this.#buffered = rest.length;
    return [plaintext];
  }

  #fail(e: PayloadError, released: Uint8Array[]): PayloadError {
    this.#finished = true;
    e.released = released;
    return e;
  }

  /**
   * End of input: authenticate what is left.
   * @returns the remaining plaintext (possibly one empty chunk)
   * @throws PayloadError if the stream is truncated, has trailing data or fails to authenticate
   */
  finish(): Uint8Array[] {
    if (this.#finished) throw new Error("StreamDecryptor: finish called twice");
    this.#finished = true;
    const out: Uint8Array[] = [];
    if (this.#buffered > 0) this.#chunk(concat(...this.#parts), false, out);
    this.#parts = [];
    this.#buffered = 0;
    if (!this.#sawLast) {
      const e = new PayloadError(this.#index === 0 ? "the file ends before the encrypted payload (truncated)" : "the payload ends without a final chunk (truncated)");
      e.released = out;
      throw e;
    }
    return out;
  }
}
