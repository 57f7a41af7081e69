/**
 * The Dual EC trapdoor attack (Shumow–Ferguson 2007; the shape Checkoway et al. describe for
 * Juniper's 32-byte IKE nonces), split by candidate range so that a caller can spread it over
 * threads.
 *
 * Setting: one generate call returned `output` (at least 32 bytes, the Juniper nonce size):
 * its first 30 bytes are the low 240 bits of r₁ = x(s₁·Q); the next bytes come from
 * r₂ = x(s₂·Q) with s₂ = x(s₁·P). With the trapdoor d (P = d·Q):
 *
 * 1. for each of the 2^16 values `high` of the 16 dropped bits, X = high ‖ output[0..30) is
 *    the x of ±s₁·Q if it is on the curve (about half are not);
 * 2. x(d·(±s₁·Q)) = x(±s₁·P) = s₂, the next state (the sign does not matter);
 * 3. keep the candidate if the low 240 bits of x(s₂·Q) begin with output[30..]: with 2 bytes
 *    about 2^15 · 2^-16 = 0.5 wrong candidates survive a full search, so confirm with
 *    later output (the demo: the session key opens the recorded traffic);
 * 4. from s₂, replay the rest of that call and its final update: the state after the call,
 *    from which every later output follows.
 *
 * When Q = d⁻¹·P, step 3 uses s₂·Q = (s₂·d⁻¹ mod n)·G, a fixed-base multiplication. When the
 * trapdoor does not fit Q (Q was swapped), step 3 multiplies by Q itself: the search is the
 * same, it just finds nothing.
 *
 * @module
 */
import { equalBytes } from "../bytes.js";
import { primitives as defaultPrimitives, InvalidPointError, type Primitives } from "../primitives.js";
import { DUAL_EC_P, OUTLEN_BYTES, P256_N, invertModN, stateScalar, toBigInt, toBytes32, xOf } from "./params.js";
import { trapdoorFits } from "./backdoor.js";

/** Number of candidate values for the dropped bits: 2^16. */
export const CANDIDATES = 65536;

/** What an eavesdropper saw: the start of one generate call's output, and that call's Q. */
export interface Observation {
  /** The first bytes a generate call returned: 32 to 60 (30 + at least 2 to confirm). */
  readonly output: Uint8Array;
  /** How many bytes that generate call returned in all (default: `output.length`). */
  readonly callLength?: number;
  /** The Q of the generator (SEC 1; it is in the firmware). */
  readonly q: Uint8Array;
}

/** A candidate that passed the check. */
export interface Survivor {
  /** The 16 dropped bits that made it. */
  readonly high: number;
  /** The generator's state after the observed call, if this candidate is the right one (32 bytes). */
  readonly state: Uint8Array;
}

/** The outcome of searching one range of candidates. */
export interface SearchResult {
  /** Candidates tried: `to - from`. */
  readonly tried: number;
  /** Of those, x-coordinates that were on the curve (each cost the multiplications). */
  readonly onCurve: number;
  readonly survivors: readonly Survivor[];
  /** Whether the trapdoor satisfies P = d·Q for this Q. */
  readonly trapdoorFitsQ: boolean;
}

function checkObservation(obs: Observation): { check: Uint8Array; blocks: number } {
  const { output } = obs;
  const callLength = obs.callLength ?? output.length;
  if (output.length < OUTLEN_BYTES + 2 || output.length > 2 * OUTLEN_BYTES) throw new RangeError("the attack needs 32 to 60 bytes of one generate call's output");
  if (!Number.isInteger(callLength) || callLength < output.length) throw new RangeError("callLength must be at least the observed length");
  return { check: output.subarray(OUTLEN_BYTES), blocks: Math.ceil(callLength / OUTLEN_BYTES) };
}

/**
 * Try the candidates `from ≤ high < to` for the 16 bits Dual EC dropped from the first block.
 * @param trapdoor - d (32 bytes big-endian, 1 ≤ d < n)
 * @param onProgress - called with the number of candidates done so far, every 64 and at the end
 * @throws RangeError for an observation of the wrong size or a range outside [0, 65536]
 */
export function searchCandidates(
  obs: Observation,
  trapdoor: Uint8Array,
  from: number,
  to: number,
  options: { primitives?: Primitives; onProgress?: (done: number) => void } = {},
): SearchResult {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > CANDIDATES || from > to) throw new RangeError("candidate range must satisfy 0 ≤ from ≤ to ≤ 65536");
  const { check, blocks } = checkObservation(obs);
  const p = options.primitives ?? defaultPrimitives;
  const key = p.p256Key(trapdoor);
  const fits = trapdoorFits(trapdoor, obs.q, p);
  const dInv = fits ? invertModN(toBigInt(trapdoor)) : 0n;
  // r₂ = x(s₂·Q): fixed-base when Q = d⁻¹·G, by Q itself otherwise.
  const nextR = (s2: bigint): Uint8Array => (fits ? xOf(p.p256Base(stateScalar((s2 * dInv) % P256_N))) : p.p256Ecdh(stateScalar(s2), obs.q));
  const point = new Uint8Array(33);
  point[0] = 0x02;
  point.set(obs.output.subarray(0, OUTLEN_BYTES), 3);
  const survivors: Survivor[] = [];
  let onCurve = 0;
  for (let high = from; high < to; high++) {
    if (options.onProgress && (high - from) % 64 === 0 && high > from) options.onProgress(high - from);
    point[1] = high >>> 8;
    point[2] = high & 0xff;
    let s2: bigint;
    try {
      s2 = toBigInt(key.ecdh(point));
    } catch (e) {
      if (e instanceof InvalidPointError) continue; // no point has this x
      throw e;
    }
    onCurve++;
    const r2 = nextR(s2);
    if (!equalBytes(r2.subarray(32 - OUTLEN_BYTES, 32 - OUTLEN_BYTES + check.length), check)) continue;
    survivors.push({ high, state: stateAfterCall(s2, blocks, p) });
  }
  options.onProgress?.(to - from);
  return { tried: to - from, onCurve, survivors, trapdoorFitsQ: fits };
}

/** From s₂ (the state that made block 2), the state after a call of `blocks` blocks. */
function stateAfterCall(s2: bigint, blocks: number, p: Primitives): Uint8Array {
  let s = toBytes32(s2);
  for (let b = 2; b < blocks; b++) s = p.p256Ecdh(stateScalar(toBigInt(s)), DUAL_EC_P);
  return p.p256Ecdh(stateScalar(toBigInt(s)), DUAL_EC_P);
}

/** Merge the results of searches over disjoint ranges (e.g. one per thread), survivors in order. */
export function mergeResults(parts: readonly SearchResult[]): SearchResult {
  return {
    tried: parts.reduce((n, r) => n + r.tried, 0),
    onCurve: parts.reduce((n, r) => n + r.onCurve, 0),
    survivors: parts.flatMap((r) => r.survivors).sort((a, b) => a.high - b.high),
    trapdoorFitsQ: parts.length > 0 && parts.every((r) => r.trapdoorFitsQ),
  };
}
