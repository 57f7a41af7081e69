/**
 * Dual_EC_DRBG parameters for P-256 and the integer helpers the generator and the attack share.
 *
 * The curve constants are FIPS 186-4 §D.1.2.3 (P-256). The generator's P is the curve's base
 * point G and its Q is the one SP 800-90A (January 2012) gives for P-256 in its appendix of constants; both are also
 * quoted, digit for digit, by BouncyCastle's `DualECSP800DRBG.java` (bcgit/bc-java), and the
 * test suite checks that each is a point of the curve (with both backends).
 *
 * @module
 */
import { fromHex } from "../bytes.js";

/** P-256 field prime p. */
export const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
/** P-256 group order n. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Bytes of one Dual EC output block on P-256: outlen = 240 bits (the top 16 bits of x are dropped). */
export const OUTLEN_BYTES = 30;
/** Bytes of state: seedlen = 256 bits. */
export const SEEDLEN_BYTES = 32;

/** P = G, SEC 1 uncompressed (x = 6b17d1f2…c296, y = 4fe342e2…51f5). */
export const DUAL_EC_P = fromHex(
  "04" +
    "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296" +
    "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
);

/** The standard's Q for P-256 (SP 800-90A, 2012), SEC 1 uncompressed. */
export const DUAL_EC_NIST_Q = fromHex(
  "04" +
    "c97445f45cdef9f0d3e05e1e585fc297235b82b5be8ff3efca67c59852018192" +
    "b28ef557ba31dfcbdd21ac46e2a91e3c304f44cb87058ada2cb815151e610046",
);

/** Big-endian bytes → integer. */
export function toBigInt(bytes: Uint8Array): bigint {
  let x = 0n;
  for (const b of bytes) x = (x << 8n) | BigInt(b);
  return x;
}

/** Integer in [0, 2^256) → 32 bytes big-endian. */
export function toBytes32(x: bigint): Uint8Array {
  if (x < 0n || x >= 1n << 256n) throw new RangeError("integer does not fit in 32 bytes");
  const out = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

/** a^e mod m, square-and-multiply (public inputs only: the attack runs on the attacker's own key). */
function modPow(a: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  a %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * a) % m;
    a = (a * a) % m;
    e >>= 1n;
  }
  return r;
}

/**
 * a⁻¹ mod n (Fermat: n is prime).
 * @throws RangeError if a ≡ 0 mod n
 */
export function invertModN(a: bigint): bigint {
  const r = a % P256_N;
  if (r === 0n) throw new RangeError("0 has no inverse mod n");
  return modPow(r, P256_N - 2n, P256_N);
}

/**
 * A 256-bit Dual EC state s as a P-256 scalar: s·P = (s mod n)·P.
 * @throws RangeError if s ≡ 0 mod n (s·P would be the point at infinity: probability 2^-256)
 */
export function stateScalar(s: bigint): Uint8Array {
  const r = s % P256_N;
  if (r === 0n) throw new RangeError("Dual EC state is a multiple of n (point at infinity)");
  return toBytes32(r);
}

/** The x-coordinate (32 bytes) of a SEC 1 compressed or uncompressed point. */
export function xOf(point: Uint8Array): Uint8Array {
  return point.subarray(1, 33);
}
