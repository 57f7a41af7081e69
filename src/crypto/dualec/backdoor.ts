/**
 * A backdoored Dual EC Q: pick a secret d, publish Q = d⁻¹·P. Then P = d·Q, and whoever holds
 * d turns any r = x(s·Q) the generator reveals into its next state x(s·P) (Shumow and
 * Ferguson, 2007). Nothing about Q shows whether such a d exists: it is just a point.
 *
 * @module
 */
import { equalBytes } from "../bytes.js";
import { primitives as defaultPrimitives, type Primitives } from "../primitives.js";
import type { RandomSource } from "../random.js";
import { P_X } from "./drbg.js";
import { P256_N, invertModN, toBigInt, toBytes32 } from "./params.js";

/** A Q with its trapdoor. */
export interface BackdooredQ {
  /** Q = d⁻¹·P, SEC 1 compressed (33 bytes). */
  readonly q: Uint8Array;
  /** The trapdoor d (32 bytes big-endian, 1 ≤ d < n), with P = d·Q. */
  readonly trapdoor: Uint8Array;
}

/**
 * Make a Q whose trapdoor the caller keeps.
 * @param random - where d comes from (rejection-sampled into [1, n-1])
 */
export function backdooredQ(random: RandomSource, p: Primitives = defaultPrimitives): BackdooredQ {
  let d = 0n;
  while (d === 0n || d >= P256_N) d = toBigInt(random(32));
  const q = p.p256Base(toBytes32(invertModN(d)));
  return { q, trapdoor: toBytes32(d) };
}

/**
 * Whether `trapdoor` opens generators that use `q`: x(d·Q) = x(P). (One multiplication; the
 * demo still runs the full search, to show what a key that does not fit finds.)
 */
export function trapdoorFits(trapdoor: Uint8Array, q: Uint8Array, p: Primitives = defaultPrimitives): boolean {
  return equalBytes(p.p256Ecdh(trapdoor, q), P_X);
}
