/**
 * The Merkle tree of an append-only log, exactly as RFC 9162 §2.1 (Certificate Transparency
 * v2; the same tree as RFC 6962 §2.1) defines it, over SHA-256:
 *
 *   MTH({})      = SHA-256()
 *   MTH({d})     = SHA-256(0x00 ‖ d)                          (leaf hash)
 *   MTH(D[n])    = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))  (k: largest power of 2 < n)
 *
 * plus inclusion proofs (§2.1.3) and consistency proofs (§2.1.4), both generated and
 * verified. The 0x00/0x01 prefixes keep a leaf from ever being read as an interior node.
 * Pinned by Certificate Transparency's 8-leaf reference vectors ({@link MERKLE_KATS} in
 * ./vectors.ts). Pure: bytes in, bytes out; sizes and indices are plain integers (< 2^53).
 *
 * @module
 */
import { concat, equalBytes } from "../bytes.js";
import { primitives, type Primitives } from "../primitives.js";

/** Size of every hash in the tree (SHA-256). */
export const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string: the root of the empty tree. */
export function emptyRoot(p: Primitives = primitives): Uint8Array {
  return p.sha256(new Uint8Array(0));
}

/** The leaf hash of entry `data`: SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array, p: Primitives = primitives): Uint8Array {
  return p.sha256(concat(Uint8Array.of(0x00), data));
}

/** An interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array, p: Primitives = primitives): Uint8Array {
  return p.sha256(concat(Uint8Array.of(0x01), left, right));
}

/** The largest power of two strictly below `n` (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of leaf hashes [lo, hi). */
function subtreeRoot(leaves: readonly Uint8Array[], lo: number, hi: number, p: Primitives): Uint8Array {
  const n = hi - lo;
  if (n === 0) return emptyRoot(p);
  if (n === 1) return leaves[lo] as Uint8Array;
  const k = split(n);
  return nodeHash(subtreeRoot(leaves, lo, lo + k, p), subtreeRoot(leaves, lo + k, hi, p), p);
}

/**
 * The Merkle tree hash of a list of leaf hashes (RFC 9162 §2.1.1).
 * @param leafHashes - {@link leafHash} of each entry, in log order
 */
export function rootHash(leafHashes: readonly Uint8Array[], p: Primitives = primitives): Uint8Array {
  return subtreeRoot(leafHashes, 0, leafHashes.length, p);
}

function checkSize(size: number, max: number, what: string): void {
  if (!Number.isSafeInteger(size) || size < 0 || size > max) throw new RangeError(`${what} must be a whole number from 0 to ${max}, not ${size}`);
}

/**
 * The inclusion proof ("audit path") of leaf `index` in the tree of the first `size` leaves:
 * PATH(m, D[n]) of RFC 9162 §2.1.3.1, from the leaf's sibling up to the root's child.
 * @throws RangeError unless 0 ≤ index < size ≤ leafHashes.length
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, size: number = leafHashes.length, p: Primitives = primitives): Uint8Array[] {
  checkSize(size, leafHashes.length, "tree size");
  checkSize(index, size - 1, "leaf index");
  const path: Uint8Array[] = [];
  const walk = (m: number, lo: number, hi: number): void => {
    const n = hi - lo;
    if (n <= 1) return;
    const k = split(n);
    if (m < k) {
      walk(m, lo, lo + k);
      path.push(subtreeRoot(leafHashes, lo + k, hi, p));
    } else {
      walk(m - k, lo + k, hi);
      path.push(subtreeRoot(leafHashes, lo, lo + k, p));
    }
  };
  walk(index, 0, size);
  return path;
}

/**
 * The consistency proof that the tree of the first `oldSize` leaves is a prefix of the tree
 * of the first `newSize`: PROOF(m, D[n]) = SUBPROOF(m, D[n], true), RFC 9162 §2.1.4.1.
 * Empty when oldSize is 0 or equals newSize.
 * @throws RangeError unless 0 ≤ oldSize ≤ newSize ≤ leafHashes.length
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], oldSize: number, newSize: number = leafHashes.length, p: Primitives = primitives): Uint8Array[] {
  checkSize(newSize, leafHashes.length, "new tree size");
  checkSize(oldSize, newSize, "old tree size");
  if (oldSize === 0 || oldSize === newSize) return [];
  const proof: Uint8Array[] = [];
  const sub = (m: number, lo: number, hi: number, complete: boolean): void => {
    const n = hi - lo;
    if (m === n) {
      if (!complete) proof.push(subtreeRoot(leafHashes, lo, hi, p));
      return;
    }
    const k = split(n);
    if (m <= k) {
      sub(m, lo, lo + k, complete);
      proof.push(subtreeRoot(leafHashes, lo + k, hi, p));
    } else {
      sub(m - k, lo + k, hi, false);
      proof.push(subtreeRoot(leafHashes, lo, lo + k, p));
    }
  };
  sub(oldSize, 0, newSize, true);
  return proof;
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);
const wellFormed = (hashes: readonly Uint8Array[]): boolean => hashes.every((h) => h.length === HASH_SIZE);

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2 without the final comparison), or
 * `null` if the proof cannot be a proof for this index and size (wrong length, index ≥ size,
 * a hash that is not 32 bytes).
 */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], p: Primitives = primitives): Uint8Array | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  if (leaf.length !== HASH_SIZE || !wellFormed(proof)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const step of proof) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(step, r, p);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, step, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/**
 * Verify an inclusion proof (RFC 9162 §2.1.3.2): true only if `leaf` (a leaf hash) is at
 * `index` in the tree of `size` leaves whose root is `root`. Never throws.
 *
 * The proof alone does not pin `size`: a path can also lead to the same root under another
 * claimed size (e.g. the last leaf of a complete subtree). Clients therefore take size and
 * root together from a signed tree head.
 */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array, p: Primitives = primitives): boolean {
  const r = rootFromInclusionProof(index, size, leaf, proof, p);
  return r !== null && root.length === HASH_SIZE && equalBytes(r, root);
}

/**
 * Verify a consistency proof (RFC 9162 §2.1.4.2): true only if the tree of `oldSize` leaves
 * with root `oldRoot` is a prefix of the tree of `newSize` leaves with root `newRoot`.
 * Conventions for the cases the RFC's algorithm leaves out (as transparency-dev/merkle):
 * equal sizes need an empty proof and equal roots; an old size of 0 needs an empty proof.
 * Never throws.
 */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[], p: Primitives = primitives): boolean {
  if (!Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize) || oldSize < 0 || oldSize > newSize) return false;
  if (!wellFormed(proof)) return false;
  if (oldSize === newSize) return proof.length === 0 && oldRoot.length === HASH_SIZE && equalBytes(oldRoot, newRoot);
  if (oldSize === 0) return proof.length === 0;
  if (proof.length === 0 || oldRoot.length !== HASH_SIZE || newRoot.length !== HASH_SIZE) return false;
  // Step 1: if the old size is an exact power of two, the old root is the first node.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = path[0] as Uint8Array;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr, p);
      sr = nodeHash(c, sr, p);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

function isPowerOfTwo(x: number): boolean {
  if (x < 1) return false;
  while (x % 2 === 0) x /= 2;
  return x === 1;
}
