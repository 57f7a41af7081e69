/**
 * HPKE (RFC 9180) base mode, single-shot, with the one suite age uses for post-quantum
 * recipients: KEM MLKEM768-X25519 (X-Wing, 0x647a), KDF HKDF-SHA256 (0x0001), AEAD
 * ChaCha20Poly1305 (0x0003). Written out from age-spec.md §4.3 over our own HMAC-SHA-256 and
 * ChaCha20-Poly1305; the KEM is `@noble/post-quantum`'s, through {@link xwing}.
 *
 * Pinned end to end by the CCTV `hybrid*` vectors (test/cctv.test.ts) and by interop with
 * typage (test/pq.test.ts).
 *
 * @module
 */
import { concat, utf8 } from "../bytes.js";
import { primitives, xwing } from "../primitives.js";
import type { RandomSource } from "../random.js";

/** `"HPKE" ‖ kem_id ‖ kdf_id ‖ aead_id` (RFC 9180 §5.1). */
const SUITE_ID = concat(utf8("HPKE"), Uint8Array.of(0x64, 0x7a, 0x00, 0x01, 0x00, 0x03));
const HPKE_V1 = utf8("HPKE-v1");
const EMPTY = new Uint8Array(0);
/** HKDF-Extract with an empty salt uses HashLen zero bytes (RFC 5869 §2.2). */
const ZERO_SALT = new Uint8Array(32);

/** Size of `enc` for X-Wing: ct_ML-KEM (1088) ‖ ct_X25519 (32). */
export const XWING_ENC_SIZE = 1120;

/** RFC 9180 §4: LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, "HPKE-v1" ‖ suite_id ‖ label ‖ ikm). */
function labeledExtract(salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  return primitives.hmac(salt.length === 0 ? ZERO_SALT : salt, concat(HPKE_V1, SUITE_ID, utf8(label), ikm));
}

/** RFC 9180 §4: LabeledExpand(prk, label, info, L), for L ≤ 32 (one HKDF-Expand block). */
function labeledExpand(prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array {
  if (length > 32) throw new RangeError("labeledExpand: at most 32 bytes here");
  const labeledInfo = concat(Uint8Array.of(0, length), HPKE_V1, SUITE_ID, utf8(label), info);
  return primitives.hmac(prk, concat(labeledInfo, Uint8Array.of(1))).subarray(0, length);
}

/** RFC 9180 §5.1 KeySchedule for mode_base (no PSK): the AEAD key (32 bytes) and base nonce (12). */
function keySchedule(sharedSecret: Uint8Array, info: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const pskIdHash = labeledExtract(EMPTY, "psk_id_hash", EMPTY);
  const infoHash = labeledExtract(EMPTY, "info_hash", info);
  const context = concat(Uint8Array.of(0x00), pskIdHash, infoHash);
  const secret = labeledExtract(sharedSecret, "secret", EMPTY);
  return { key: labeledExpand(secret, "key", context, 32), nonce: labeledExpand(secret, "base_nonce", context, 12) };
}

/**
 * HPKE SealBase(pkR, info, aad = "", pt) for one message (sequence number 0).
 * @param publicKey - 1216-byte X-Wing encapsulation key
 * @param random - 64 bytes are drawn for the encapsulation
 * @returns `enc` (1120 bytes) and the ciphertext (pt ‖ 16-byte tag)
 * @throws LowOrderPointError, RangeError (see {@link XWing.encapsulate})
 */
export function hpkeSealBase(publicKey: Uint8Array, info: Uint8Array, plaintext: Uint8Array, random: RandomSource): { enc: Uint8Array; ciphertext: Uint8Array } {
  const { sharedSecret, enc } = xwing().encapsulate(publicKey, random(64));
  const { key, nonce } = keySchedule(sharedSecret, info);
  return { enc, ciphertext: primitives.seal(key, nonce, plaintext) };
}

/**
 * HPKE OpenBase(enc, skR, info, aad = "", ct) for one message.
 * @param seed - the 32-byte X-Wing decapsulation key (seed)
 * @returns the plaintext, or `null` if it does not authenticate (not for this key; or a
 *   corrupted ML-KEM ciphertext, which decapsulates to an unrelated secret)
 * @throws LowOrderPointError if the X25519 half of `enc` is a low-order point
 */
export function hpkeOpenBase(seed: Uint8Array, enc: Uint8Array, info: Uint8Array, ciphertext: Uint8Array): Uint8Array | null {
  const sharedSecret = xwing().decapsulate(seed, enc);
  const { key, nonce } = keySchedule(sharedSecret, info);
  return primitives.open(key, nonce, ciphertext);
}
