/**
 * Signed tree heads (STH): a log's signature over its size and root at a moment, so that a
 * client can hold the log to what it showed (RFC 9162 §4.10).
 *
 * The signed bytes are RFC 9162's `TreeHeadDataToBeSigned` in TLS encoding:
 *   uint64 timestamp (ms since the epoch) ‖ uint64 tree_size ‖ opaque root_hash<32..2^8-1>
 *   (a 1-byte length, 32, then the root) ‖ Extension sth_extensions<0..2^16-1> (empty: 0x0000)
 * signed with Ed25519 (RFC 8032), one of RFC 9162's two signature algorithms. Pure.
 *
 * @module
 */
import { concat } from "../bytes.js";
import { primitives, type Primitives } from "../primitives.js";
import { HASH_SIZE } from "./merkle.js";

/** A tree head and the log's signature over it. */
export interface SignedTreeHead {
  /** Number of leaves. */
  readonly size: number;
  /** Milliseconds since 1970-01-01 UTC (the log's clock; demo runs use a fixed epoch). */
  readonly timestamp: number;
  /** The Merkle tree hash of the first `size` leaves (32 bytes). */
  readonly root: Uint8Array;
  /** Ed25519 signature over {@link treeHeadMessage} (64 bytes). */
  readonly signature: Uint8Array;
}

function uint64(x: number): Uint8Array {
  if (!Number.isSafeInteger(x) || x < 0) throw new RangeError(`not a uint64 this code can hold: ${x}`);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(x));
  return out;
}

/**
 * The bytes an STH signs: RFC 9162 `TreeHeadDataToBeSigned` with no extensions (51 bytes).
 * @throws RangeError for a negative or unsafe size or timestamp, or a root that is not 32 bytes
 */
export function treeHeadMessage(size: number, timestamp: number, root: Uint8Array): Uint8Array {
  if (root.length !== HASH_SIZE) throw new RangeError("root hash must be 32 bytes");
  return concat(uint64(timestamp), uint64(size), Uint8Array.of(HASH_SIZE), root, Uint8Array.of(0, 0));
}

/**
 * Sign a tree head with the log's Ed25519 key.
 * @param logSeed - the log's 32-byte Ed25519 secret key
 */
export function signTreeHead(logSeed: Uint8Array, head: { size: number; timestamp: number; root: Uint8Array }, p: Primitives = primitives): SignedTreeHead {
  const signature = p.ed25519Sign(logSeed, treeHeadMessage(head.size, head.timestamp, head.root));
  return { size: head.size, timestamp: head.timestamp, root: head.root, signature };
}

/** True only if `sth` carries a valid signature by the log key `logPublicKey`. Never throws. */
export function verifyTreeHead(logPublicKey: Uint8Array, sth: SignedTreeHead, p: Primitives = primitives): boolean {
  let message: Uint8Array;
  try {
    message = treeHeadMessage(sth.size, sth.timestamp, sth.root);
  } catch {
    return false;
  }
  return p.ed25519Verify(logPublicKey, message, sth.signature);
}
