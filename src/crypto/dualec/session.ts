/**
 * A toy VPN session keyed by a Dual EC generator: what `doormat demo kleptography` records and
 * then opens. It keeps the part of ScreenOS's IKE that matters for the attack — the box sends a
 * 32-byte nonce straight from the generator, then draws its Diffie-Hellman secret from the
 * same generator — and replaces the rest with modern parts:
 *
 * - handshake: nonce = generate(32) in the clear; dh = generate(32) as an X25519 scalar
 *   (RFC 7748); the peer's X25519 key is its own (not from the generator);
 * - session key = HKDF-SHA-256(X25519(dh, peer), salt = nonce, info = {@link SESSION_INFO}, 32);
 * - records: ChaCha20-Poly1305 (RFC 8439), 12-byte nonce = 4 zero bytes ‖ record index (64-bit
 *   big-endian).
 *
 * @module
 */
import { utf8 } from "../bytes.js";
import { primitives as defaultPrimitives, type Primitives } from "../primitives.js";
import type { DualEcDrbg } from "./drbg.js";

/** HKDF info string of the toy session. */
export const SESSION_INFO = utf8("doormat demo kleptography session v1");

/** The box's side of one handshake. */
export interface BoxHandshake {
  /** Sent in the clear: the generator's first 32 bytes of this handshake. */
  readonly nonce: Uint8Array;
  /** The box's X25519 public key (sent in the clear). */
  readonly boxPublic: Uint8Array;
  /** The box's X25519 secret: the generator's next 32 bytes. */
  readonly dhSecret: Uint8Array;
  /** The 32-byte session key. */
  readonly sessionKey: Uint8Array;
}

/**
 * The session key from the box's DH secret, the peer's public key and the nonce.
 * @throws LowOrderPointError for a low-order peer key
 */
export function sessionKey(dhSecret: Uint8Array, peerPublic: Uint8Array, nonce: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array {
  return p.hkdf(p.x25519(dhSecret, peerPublic), nonce, SESSION_INFO, 32);
}

/** The box runs one handshake with a peer: two generate calls of 32 bytes (nonce, then DH secret). */
export function boxHandshake(drbg: DualEcDrbg, peerPublic: Uint8Array, p: Primitives = defaultPrimitives): BoxHandshake {
  const nonce = drbg.generate(32);
  const dhSecret = drbg.generate(32);
  return { nonce, boxPublic: p.x25519Base(dhSecret), dhSecret, sessionKey: sessionKey(dhSecret, peerPublic, nonce, p) };
}

function recordNonce(index: number): Uint8Array {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError("record index must be a non-negative integer");
  const n = new Uint8Array(12);
  new DataView(n.buffer).setBigUint64(4, BigInt(index));
  return n;
}

/** Encrypt record `index` of a session (ciphertext ‖ 16-byte tag). */
export function sealRecord(key: Uint8Array, index: number, plaintext: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array {
  return p.seal(key, recordNonce(index), plaintext);
}

/** Decrypt record `index`; `null` if the key is wrong or the record was altered. */
export function openRecord(key: Uint8Array, index: number, sealed: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array | null {
  return p.open(key, recordNonce(index), sealed);
}
