/**
 * "Exceptional access" for the ratchet, as a mandate would have to build it: every new sending
 * chain key is wrapped to one static escrow X25519 key, and the wrapped key (a LEAF-like
 * field) travels with every message of that chain. All the ratchet machinery stays; the escrow
 * holder derives every message key of the chain from the chain key with KDF_CK.
 *
 * Wrapping (our own construction, in the style of age's X25519 stanza): an ephemeral X25519 key
 * e, shared = X25519(e, E), key = HKDF-SHA-256(IKM = shared, salt = e_pub ‖ E,
 * info = "doormat signal escrow v1" ‖ ratchet key), then ChaCha20-Poly1305 with a zero nonce
 * (the key is used once) over the 32-byte chain key.
 *
 * @module
 */
import { concat, utf8 } from "../bytes.js";
import { LowOrderPointError, primitives as defaultPrimitives, type Primitives, type X25519Key } from "../primitives.js";
import type { RandomSource } from "../random.js";

/** Bytes of one escrow field: ephemeral public key (32) ‖ sealed chain key (32 + 16). */
export const ESCROW_FIELD_LENGTH = 32 + 48;

const INFO = utf8("doormat signal escrow v1");
const ZERO_NONCE = new Uint8Array(12);

function wrapKey(shared: Uint8Array, ephemeralPublic: Uint8Array, escrowPublic: Uint8Array, ratchetKey: Uint8Array, p: Primitives): Uint8Array {
  return p.hkdf(shared, concat(ephemeralPublic, escrowPublic), concat(INFO, ratchetKey), 32);
}

/**
 * Wraps a chain key to the escrow key.
 * @param escrowPublic - the escrow X25519 public key, 32 bytes
 * @param ratchetKey - the sending ratchet public key the chain belongs to, 32 bytes (bound in)
 * @param chainKey - the chain key at index 0, 32 bytes
 * @returns the {@link ESCROW_FIELD_LENGTH}-byte field
 */
export function wrapChainKey(escrowPublic: Uint8Array, ratchetKey: Uint8Array, chainKey: Uint8Array, random: RandomSource, p: Primitives = defaultPrimitives): Uint8Array {
  const e = p.x25519Key(random(32));
  const ephemeralPublic = e.publicKey();
  const shared = e.ecdh(escrowPublic);
  const key = wrapKey(shared, ephemeralPublic, escrowPublic, ratchetKey, p);
  shared.fill(0);
  const out = concat(ephemeralPublic, p.seal(key, ZERO_NONCE, chainKey));
  key.fill(0);
  return out;
}

/**
 * Unwraps a chain key with the escrow secret key (32 bytes, or imported once with
 * {@link Primitives.x25519Key} for many fields).
 * @returns the 32-byte chain key, or `null` if the field is not for this key (or was altered)
 */
export function unwrapChainKey(escrowSecret: Uint8Array | X25519Key, escrowPublic: Uint8Array, ratchetKey: Uint8Array, field: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array | null {
  if (field.length !== ESCROW_FIELD_LENGTH) return null;
  const ephemeralPublic = field.subarray(0, 32);
  let shared: Uint8Array;
  try {
    shared = escrowSecret instanceof Uint8Array ? p.x25519(escrowSecret, ephemeralPublic) : escrowSecret.ecdh(ephemeralPublic);
  } catch (e) {
    if (e instanceof LowOrderPointError) return null;
    throw e;
  }
  const key = wrapKey(shared, ephemeralPublic, escrowPublic, ratchetKey, p);
  shared.fill(0);
  const out = p.open(key, ZERO_NONCE, field.subarray(32));
  key.fill(0);
  return out;
}
