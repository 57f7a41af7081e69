/**
 * The post-quantum hybrid recipient type `mlkem768x25519` (`age1pq1…` /
 * `AGE-SECRET-KEY-PQ-1…`), exactly as age-encryption.org/v1 specifies it (age-spec.md §4.3;
 * C2SP age.md, "The MLKEM768-X25519 hybrid post-quantum recipient type"): HPKE base mode with
 * the X-Wing KEM, `info = "age-encryption.org/mlkem768x25519"`.
 *
 *     -> mlkem768x25519 <base64(enc): 1120 bytes, 1494 characters on one line>
 *     <base64(body): the 32-byte HPKE ciphertext of the 16-byte file key>
 *
 * X-Wing stays secure if either ML-KEM-768 or X25519 does. A file is only as strong as its
 * weakest stanza, so a post-quantum file must not also carry classic stanzas: see
 * {@link Recipient.postQuantum} and `checkRecipientMix` in src/crypto/age.ts.
 *
 * Needs the X-Wing module loaded (`await loadXWing()` from src/crypto/primitives.ts).
 *
 * @module
 */
import { HeaderError } from "../errors.js";
import { utf8 } from "../bytes.js";
import { decodeB64, encodeB64 } from "../format/base64.js";
import type { Stanza } from "../format/header.js";
import { PQ_PUBLIC_KEY_SIZE, pqPublicKey } from "../keys.js";
import { LowOrderPointError } from "../primitives.js";
import type { RandomSource } from "../random.js";
import { XWING_ENC_SIZE, hpkeOpenBase, hpkeSealBase } from "./hpke.js";
import type { Identity, Recipient } from "./types.js";

export const MLKEM768X25519_TYPE = "mlkem768x25519";
/** The HPKE `info` of the native post-quantum stanza. */
export const MLKEM768X25519_INFO = utf8("age-encryption.org/mlkem768x25519");

/**
 * Wrap a file key to a 1216-byte X-Wing public key with HPKE SealBase. Shared by the
 * `mlkem768x25519` and post-quantum lawful-access stanzas, which differ only in `info`.
 * @returns `enc` (1120 bytes) and the body (32 bytes)
 */
export function hpkeWrap(fileKey: Uint8Array, publicKey: Uint8Array, info: Uint8Array, random: RandomSource): { enc: Uint8Array; body: Uint8Array } {
  const { enc, ciphertext } = hpkeSealBase(publicKey, info, fileKey, random);
  return { enc, body: ciphertext };
}

/**
 * Unwrap what {@link hpkeWrap} made.
 * @returns the file key, or `null` if the body does not authenticate (not for us)
 * @throws HeaderError if the X25519 half of `enc` is a low-order point
 */
export function hpkeUnwrap(seed: Uint8Array, enc: Uint8Array, body: Uint8Array, info: Uint8Array, what: string): Uint8Array | null {
  try {
    return hpkeOpenBase(seed, enc, info, body);
  } catch (e) {
    if (e instanceof LowOrderPointError) throw new HeaderError(`invalid ${what} stanza: the X25519 part of enc is a low-order point`);
    throw e;
  }
}

/**
 * Check an HPKE stanza as the spec requires before any decryption: exact argument count,
 * `enc` canonical base64 of exactly 1120 bytes, body exactly 32 bytes (a longer body would
 * make a partitioning oracle).
 * @throws HeaderError
 */
export function decodeEncStanza(stanza: Stanza, what: string, argCount: number, encIndex: number): { enc: Uint8Array; body: Uint8Array } {
  if (stanza.args.length !== argCount) throw new HeaderError(`invalid ${what} stanza: wrong number of arguments`);
  const enc = decodeB64(stanza.args[encIndex] as string);
  if (enc === null || enc.length !== XWING_ENC_SIZE) throw new HeaderError(`invalid ${what} stanza: enc is not ${XWING_ENC_SIZE} bytes of canonical base64`);
  if (stanza.body.length !== 32) throw new HeaderError(`invalid ${what} stanza: body is not 32 bytes`);
  return { enc, body: stanza.body };
}

/** An `age1pq1…` recipient. */
export class MlKem768X25519Recipient implements Recipient {
  readonly publicKey: Uint8Array;
  readonly postQuantum = true;
  /** @param publicKey - 1216 bytes (ML-KEM-768 ek ‖ X25519 public key) */
  constructor(publicKey: Uint8Array) {
    if (publicKey.length !== PQ_PUBLIC_KEY_SIZE) throw new RangeError(`mlkem768x25519 public key must be ${PQ_PUBLIC_KEY_SIZE} bytes`);
    this.publicKey = publicKey;
  }
  wrapFileKey(fileKey: Uint8Array, random: RandomSource): Stanza[] {
    const { enc, body } = hpkeWrap(fileKey, this.publicKey, MLKEM768X25519_INFO, random);
    return [{ type: MLKEM768X25519_TYPE, args: [encodeB64(enc)], body }];
  }
}

/** An `AGE-SECRET-KEY-PQ-1…` identity: opens `mlkem768x25519` stanzas. */
export class MlKem768X25519Identity implements Identity {
  /** The 32-byte X-Wing seed. */
  readonly seed: Uint8Array;
  /** The 1216-byte public key. */
  readonly publicKey: Uint8Array;
  /** @throws Error if the X-Wing module is not loaded and no public key is given */
  constructor(seed: Uint8Array, publicKey: Uint8Array = pqPublicKey(seed)) {
    if (seed.length !== 32) throw new RangeError("mlkem768x25519 identity seed must be 32 bytes");
    this.seed = seed;
    this.publicKey = publicKey;
  }
  unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null {
    for (const stanza of stanzas) {
      if (stanza.type !== MLKEM768X25519_TYPE) continue;
      const { enc, body } = decodeEncStanza(stanza, MLKEM768X25519_TYPE, 1, 0);
      const fileKey = hpkeUnwrap(this.seed, enc, body, MLKEM768X25519_INFO, MLKEM768X25519_TYPE);
      if (fileKey !== null) return fileKey;
    }
    return null;
  }
}
