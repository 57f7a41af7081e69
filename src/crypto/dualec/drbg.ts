/**
 * Dual_EC_DRBG on P-256, as NIST SP 800-90A (January 2012) §10.3.1 specifies it, with the
 * choices listed in docs/PROTOCOLS.md ("Dual EC"):
 *
 * - curve P-256: seedlen = 256 bits, outlen = 240 bits (30 bytes), P = G, Q = the standard's
 *   Q ({@link DUAL_EC_NIST_Q}) unless another Q is given (a vendor's, or a backdoored one);
 * - instantiate: s = Hash_df(entropy_input ‖ nonce ‖ personalization_string, 256) with
 *   SHA-256 (§10.4.1), the "[P-256, SHA-256]" configuration;
 * - generate, with no additional input: for each 30-byte block, s = φ(x(s·P)), then
 *   r = φ(x(s·Q)), output the rightmost 240 bits of r; blocks are concatenated and truncated
 *   to the request; then, at the end of every generate call, one more update s = φ(x(s·P))
 *   (present since the March 2007 revision of SP 800-90, absent from the 2006 text);
 * - not modelled: additional input, reseeding, prediction resistance, the reseed counter and
 *   per-request limits (a demo and test generator, not a product).
 *
 * Pinned by the two P-256/SHA-256 known answers of BouncyCastle's test suite, one of whose
 * inputs comes from NIST's CAVP drbgtestvectors.zip (see ./kats.ts).
 *
 * @module
 */
import { concat, copyBytes } from "../bytes.js";
import { primitives as defaultPrimitives, type Primitives } from "../primitives.js";
import { DUAL_EC_NIST_Q, DUAL_EC_P, OUTLEN_BYTES, SEEDLEN_BYTES, stateScalar, toBigInt, xOf } from "./params.js";

/** Which Q, and which primitives backend, a generator uses. */
export interface DualEcOptions {
  /** Q as a SEC 1 point (33 or 65 bytes); default: the standard's P-256 Q. */
  readonly q?: Uint8Array;
  /** Backend for the point multiplications and SHA-256; default: the node backend. */
  readonly primitives?: Primitives;
}

/** Everything one generate call computed: what a test or a demo's ground truth needs. */
export interface GenerateTrace {
  /** The returned bytes. */
  readonly output: Uint8Array;
  /** Per block: the full 32-byte x-coordinate r, whose first 2 bytes were dropped. */
  readonly r: readonly Uint8Array[];
  /** The state after the call (after the final update). */
  readonly state: Uint8Array;
}

/**
 * Hash_df (SP 800-90A §10.4.1) with SHA-256 for 256 output bits: one block,
 * SHA-256(0x01 ‖ 0x00000100 ‖ input).
 */
export function hashDf256(p: Primitives, input: Uint8Array): Uint8Array {
  return p.sha256(concat(Uint8Array.of(1, 0, 0, 1, 0), input));
}

/**
 * One generate call from state `s` (32 bytes): the pure core of {@link DualEcDrbg}.
 * @param length - bytes requested (≥ 0)
 * @throws RangeError for a negative or fractional length
 */
export function dualEcGenerate(s: Uint8Array, q: Uint8Array, length: number, p: Primitives = defaultPrimitives): GenerateTrace {
  if (!Number.isInteger(length) || length < 0) throw new RangeError("length must be a non-negative integer");
  if (s.length !== SEEDLEN_BYTES) throw new RangeError("Dual EC state must be 32 bytes");
  const blocks = Math.ceil(length / OUTLEN_BYTES);
  const out = new Uint8Array(blocks * OUTLEN_BYTES);
  const rs: Uint8Array[] = [];
  let state = s;
  for (let i = 0; i < blocks; i++) {
    state = p.p256Ecdh(stateScalar(toBigInt(state)), DUAL_EC_P); // s = φ(x(s·P))
    const r = p.p256Ecdh(stateScalar(toBigInt(state)), q); // r = φ(x(s·Q))
    rs.push(r);
    out.set(r.subarray(32 - OUTLEN_BYTES), i * OUTLEN_BYTES); // rightmost 240 bits
  }
  state = p.p256Ecdh(stateScalar(toBigInt(state)), DUAL_EC_P); // the update at the end of the call
  return { output: out.subarray(0, length), r: rs, state };
}

/** x(P) = x(G), the x-coordinate the trapdoor check compares against. */
export const P_X = xOf(DUAL_EC_P);

/**
 * A Dual_EC_DRBG instance (P-256, no additional input). Not for real use: it exists to show
 * its trapdoor.
 */
export class DualEcDrbg {
  readonly q: Uint8Array;
  private readonly p: Primitives;
  private s: Uint8Array;

  private constructor(state: Uint8Array, options: DualEcOptions) {
    this.q = copyBytes(options.q ?? DUAL_EC_NIST_Q);
    this.p = options.primitives ?? defaultPrimitives;
    this.s = copyBytes(state);
  }

  /**
   * Instantiate (SP 800-90A §10.3.1.1 with Hash_df over SHA-256).
   * @param entropy - entropy_input (at least 16 bytes for the 128-bit security strength)
   * @param nonce - the instantiation nonce
   * @param personalization - personalization_string (may be empty)
   * @throws RangeError for less than 16 bytes of entropy
   */
  static instantiate(entropy: Uint8Array, nonce: Uint8Array, personalization: Uint8Array = new Uint8Array(0), options: DualEcOptions = {}): DualEcDrbg {
    if (entropy.length < 16) throw new RangeError("Dual EC on P-256 needs at least 128 bits of entropy input");
    const p = options.primitives ?? defaultPrimitives;
    return new DualEcDrbg(hashDf256(p, concat(entropy, nonce, personalization)), options);
  }

  /**
   * A generator in a given internal state: what someone who recovered the state can build.
   * @param state - 32 bytes
   */
  static fromState(state: Uint8Array, options: DualEcOptions = {}): DualEcDrbg {
    if (state.length !== SEEDLEN_BYTES) throw new RangeError("Dual EC state must be 32 bytes");
    return new DualEcDrbg(state, options);
  }

  /** The current internal state s (a copy). */
  get state(): Uint8Array {
    return copyBytes(this.s);
  }

  /** One generate call of `length` bytes (no additional input). */
  generate(length: number): Uint8Array {
    return this.generateTrace(length).output;
  }

  /** One generate call, returning also the full r of each block and the new state. */
  generateTrace(length: number): GenerateTrace {
    const t = dualEcGenerate(this.s, this.q, length, this.p);
    this.s = t.state;
    return t;
  }
}
