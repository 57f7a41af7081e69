/**
 * The Signal protocol's key derivations, byte for byte as libsignal does them
 * (`rust/protocol/src/ratchet.rs` and `rust/protocol/src/ratchet/keys.rs`):
 *
 * - X3DH's output: HKDF-SHA-256(salt = none, IKM = 32 × 0xFF ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4],
 *   info "WhisperText") → 64 bytes = root key ‖ first chain key (libsignal's
 *   `derive_keys`; the X3DH spec's single SK becomes both, see docs/PROTOCOLS.md);
 * - KDF_RK (Double Ratchet §5.2): HKDF-SHA-256(salt = root key, IKM = DH output, info
 *   "WhisperRatchet") → 64 bytes = new root key ‖ chain key (libsignal's `RootKey::create_chain`);
 * - KDF_CK: message-key seed = HMAC-SHA-256(ck, 0x01), next chain key = HMAC-SHA-256(ck, 0x02);
 * - message keys: HKDF-SHA-256(salt = none, IKM = seed, info "WhisperMessageKeys") → 80 bytes =
 *   AES-256 key (32) ‖ HMAC-SHA-256 key (32) ‖ AES-CBC IV (16).
 *
 * Pure: bytes in, bytes out. Every function takes the backend, so `selftest` can pin both.
 *
 * @module
 */
import { utf8 } from "../bytes.js";
import { primitives as defaultPrimitives, type Primitives } from "../primitives.js";

/** HKDF info of the X3DH output (libsignal, pre-Kyber sessions). */
export const INFO_X3DH = utf8("WhisperText");
/** HKDF info of KDF_RK. */
export const INFO_RATCHET = utf8("WhisperRatchet");
/** HKDF info of the message keys. */
export const INFO_MESSAGE_KEYS = utf8("WhisperMessageKeys");
/** X3DH's F: 32 bytes of 0xFF before the DH outputs (X3DH §2.2, domain separation from signatures). */
export const X3DH_PREFIX = new Uint8Array(32).fill(0xff);

const NO_SALT = new Uint8Array(0);
const MESSAGE_KEY_SEED = Uint8Array.of(0x01);
const CHAIN_KEY_SEED = Uint8Array.of(0x02);

/** A root key and a chain key, each 32 bytes. */
export interface RootAndChain {
  readonly rootKey: Uint8Array;
  readonly chainKey: Uint8Array;
}

/** The three keys of one message (libsignal's `MessageKeys`). */
export interface MessageKeys {
  /** AES-256-CBC key, 32 bytes. */
  readonly cipherKey: Uint8Array;
  /** HMAC-SHA-256 key, 32 bytes. */
  readonly macKey: Uint8Array;
  /** AES-CBC IV, 16 bytes. */
  readonly iv: Uint8Array;
}

function split64(okm: Uint8Array): RootAndChain {
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) };
}

/**
 * X3DH's key derivation as libsignal does it: root key and first chain key from the DH outputs.
 * @param dhOutputs - DH1 ‖ DH2 ‖ DH3 [‖ DH4], 96 or 128 bytes (without the 0xFF prefix)
 */
export function deriveInitialKeys(dhOutputs: Uint8Array, p: Primitives = defaultPrimitives): RootAndChain {
  const ikm = new Uint8Array(32 + dhOutputs.length);
  ikm.set(X3DH_PREFIX, 0);
  ikm.set(dhOutputs, 32);
  const okm = p.hkdf(ikm, NO_SALT, INFO_X3DH, 64);
  ikm.fill(0);
  return split64(okm);
}

/**
 * KDF_RK (Double Ratchet §3.1 and §5.2; libsignal `RootKey::create_chain`).
 * @param rootKey - 32 bytes
 * @param dhOutput - the 32-byte X25519 output of the ratchet step
 */
export function kdfRk(rootKey: Uint8Array, dhOutput: Uint8Array, p: Primitives = defaultPrimitives): RootAndChain {
  return split64(p.hkdf(dhOutput, rootKey, INFO_RATCHET, 64));
}

/** KDF_CK, message half: the 32-byte message-key seed HMAC-SHA-256(ck, 0x01). */
export function messageKeySeed(chainKey: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array {
  return p.hmac(chainKey, MESSAGE_KEY_SEED);
}

/** KDF_CK, chain half: the next 32-byte chain key HMAC-SHA-256(ck, 0x02). */
export function nextChainKey(chainKey: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array {
  return p.hmac(chainKey, CHAIN_KEY_SEED);
}

/** Expands a message-key seed into the cipher key, MAC key and IV (libsignal `MessageKeys::derive_keys`, no PQ salt). */
export function deriveMessageKeys(seed: Uint8Array, p: Primitives = defaultPrimitives): MessageKeys {
  const okm = p.hkdf(seed, NO_SALT, INFO_MESSAGE_KEYS, 80);
  return { cipherKey: okm.slice(0, 32), macKey: okm.slice(32, 64), iv: okm.slice(64, 80) };
}
