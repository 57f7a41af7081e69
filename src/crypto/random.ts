/**
 * Injected randomness. Secure by default; a seeded generator exists only for reproducible
 * demos and must never be used for keys that are written to disk for real use.
 *
 * @module
 */
import { primitives } from "./primitives.js";
import { utf8 } from "./bytes.js";

/** A source of random bytes: returns `n` fresh bytes per call. */
export type RandomSource = (n: number) => Uint8Array;

/** The operating system's CSPRNG (`crypto.getRandomValues`). */
export const secureRandom: RandomSource = (n) => {
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let o = 0; o < n; o += 65536) globalThis.crypto.getRandomValues(out.subarray(o, Math.min(n, o + 65536)));
  return out;
};

/**
 * A deterministic generator for reproducible demos: HMAC-SHA-256 in counter mode, keyed by
 * SHA-256 of the seed. Same seed, same bytes, on every machine and backend.
 *
 * NOT for real keys: anyone who knows the seed knows every key it made.
 * @param seed - any string, e.g. `"42"`
 */
export function seededRandom(seed: string): RandomSource {
  const key = primitives.sha256(utf8(`doormat demo seed v1:${seed}`));
  let counter = 0;
  let pool: Uint8Array = new Uint8Array(0);
  let pos = 0;
  const block = new Uint8Array(8);
  const view = new DataView(block.buffer);
  return (n) => {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      if (pos === pool.length) {
        view.setBigUint64(0, BigInt(counter++));
        pool = primitives.hmac(key, block);
        pos = 0;
      }
      const take = Math.min(n - o, pool.length - pos);
      out.set(pool.subarray(pos, pos + take), o);
      o += take;
      pos += take;
    }
    return out;
  };
}
