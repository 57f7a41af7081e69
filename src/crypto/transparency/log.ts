/**
 * An append-only Merkle log (RFC 9162 tree) that keeps its entries, answers for any past size
 * (roots, inclusion and consistency proofs) and signs tree heads. Pure and in memory.
 *
 * @module
 */
import { copyBytes } from "../bytes.js";
import { primitives, type Primitives } from "../primitives.js";
import { consistencyProof, inclusionProof, leafHash, rootHash } from "./merkle.js";
import { signTreeHead, type SignedTreeHead } from "./sth.js";

export class MerkleLog {
  readonly #entries: Uint8Array[] = [];
  readonly #leaves: Uint8Array[] = [];
  readonly #p: Primitives;

  constructor(p: Primitives = primitives) {
    this.#p = p;
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.length;
  }

  /** Append one entry; returns its 0-based index. */
  append(entry: Uint8Array): number {
    this.#entries.push(copyBytes(entry));
    this.#leaves.push(leafHash(entry, this.#p));
    return this.#entries.length - 1;
  }

  /** A copy of entry `index`. @throws RangeError if there is none */
  entry(index: number): Uint8Array {
    const e = this.#entries[index];
    if (e === undefined) throw new RangeError(`no entry ${index} in a log of ${this.size}`);
    return copyBytes(e);
  }

  /** The root of the tree of the first `size` entries. */
  root(size: number = this.size): Uint8Array {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) throw new RangeError(`tree size must be 0 to ${this.size}`);
    return rootHash(this.#leaves.slice(0, size), this.#p);
  }

  /** Inclusion proof of entry `index` in the tree of the first `size` entries. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    return inclusionProof(this.#leaves, index, size, this.#p);
  }

  /** Consistency proof from the tree of `oldSize` entries to the tree of `newSize`. */
  consistencyProof(oldSize: number, newSize: number = this.size): Uint8Array[] {
    return consistencyProof(this.#leaves, oldSize, newSize, this.#p);
  }

  /** A signed tree head over the current size and root. */
  signedHead(logSeed: Uint8Array, timestamp: number): SignedTreeHead {
    return signTreeHead(logSeed, { size: this.size, timestamp, root: this.root() }, this.#p);
  }

  /** An independent copy: what a provider needs to show two people two different histories. */
  fork(): MerkleLog {
    const copy = new MerkleLog(this.#p);
    for (const e of this.#entries) copy.append(e);
    return copy;
  }
}
