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
import { concat, utf8 } from "../bytes.js";

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

/** Ciphertext size for a plaintext of `n` bytes (payload only, without header and nonce). */
export function encryptedPayloadSize(n: number): number {
  return n + TAG_SIZE * Math.max(1, Math.ceil(n / CHUNK_SIZE));
}

/** Encrypts a plaintext stream chunk by chunk. */
export class StreamEncryptor {
  readonly #key: Uint8Array;
  #index = 0;
  #buf: Uint8Array[] = [];
  #buffered = 0;
  #done = false;
  constructor(key: Uint8Array) {
    this.#key = key;
  }
  /** Add plaintext; returns the chunks that are now known not to be the last. */
  push(data: Uint8Array): Uint8Array[] {
    if (this.#done) throw new Error("StreamEncryptor: push after finish");
    const out: Uint8Array[] = [];
    if (data.length === 0) return out;
    this.#buf.push(data);
    this.#buffered += data.length;
    if (this.#buffered <= CHUNK_SIZE) return out;
    let all = this.#buf.length === 1 ? (this.#buf[0] as Uint8Array) : concat(...this.#buf);
    let off = 0;
    // A chunk is sealed as non-final only once at least one more byte is known to follow.
    while (all.length - off > CHUNK_SIZE) {
      out.push(primitives.seal(this.#key, chunkNonce(this.#index++, false), all.subarray(off, off + CHUNK_SIZE)));
      off += CHUNK_SIZE;
    }
    all = all.slice(off);
    this.#buf = [all];
    this.#buffered = all.length;
    return out;
  }
  /** Seal and return the final chunk (which may be empty only if the whole stream is). */
  finish(): Uint8Array {
    if (this.#done) throw new Error("StreamEncryptor: finish called twice");
    this.#done = true;
    const rest = concat(...this.#buf);
    return primitives.seal(this.#key, chunkNonce(this.#index++, true), rest);
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
  constructor(key: Uint8Array) {
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
      if (pt === null) throw new PayloadError(`chunk ${this.#index} failed to authenticate: the file is corrupted, truncated or was tampered with`);
      if (pt.length === 0 && this.#index > 0) throw new PayloadError("the final chunk is empty, which only an empty file may have");
      this.#sawLast = true;
    }
    out.push(pt);
    this.#index++;
    if (this.#sawLast && more) throw new PayloadError("data after the final chunk (trailing garbage)");
  }

  /** Add ciphertext; returns plaintext of every chunk that authenticated. */
  push(data: Uint8Array): Uint8Array[] {
    if (this.#finished) throw new Error("StreamDecryptor: push after finish");
    const out: Uint8Array[] = [];
    this.#parts.push(data);
    this.#buffered += data.length;
    // Join the pieces only once they hold more than a full chunk: linear even for tiny slices.
    if (this.#buffered <= ENC_CHUNK_SIZE) return out;
    const all = this.#parts.length === 1 ? data : concat(...this.#parts);
    let off = 0;
    try {
      // With more than one full chunk buffered, the first one is known to have a successor.
      while (all.length - off > ENC_CHUNK_SIZE) {
        this.#chunk(all.subarray(off, off + ENC_CHUNK_SIZE), true, out);
        off += ENC_CHUNK_SIZE;
      }
    } catch (e) {
      this.#finished = true;
      if (e instanceof PayloadError) e.released = out;
      throw e;
    }
    const rest = all.slice(off); // a copy: the caller may reuse its buffer
    this.#parts = rest.length === 0 ? [] : [rest];
    this.#buffered = rest.length;
    return out;
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
