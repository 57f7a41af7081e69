/**
 * decodeB64 takes Node's native decoder when Buffer exists (hostile headers hold tens of
 * thousands of stanzas). It must accept and reject exactly what the portable canonical
 * decoder (@scure/base, the path without Buffer) does: same bytes, same refusals of
 * non-canonical trailing bits, of lengths ≡ 1 (mod 4), of padding and of foreign characters.
 */
import { base64nopad } from "@scure/base";
import { fc, test as fcTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { decodeB64, encodeB64 } from "../src/crypto/format/base64.js";

/**
 * The referee: decodeB64 as it was before the native path (commit eaabcb0), line for line:
 * the same alphabet and length checks, scure decodes, only the canonical encoding round-trips.
 */
function reference(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) return null;
  let bytes: Uint8Array;
  try {
    bytes = base64nopad.decode(s);
  } catch {
    return null;
  }
  return base64nopad.encode(bytes) === s ? bytes : null;
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

describe("decodeB64 (native path) agrees with the portable canonical decoder", () => {
  fcTest.prop([fc.uint8Array({ maxLength: 80 })])("round trip of any bytes", (b) => {
    expect(decodeB64(encodeB64(b))).toEqual(b);
  });
  fcTest.prop([fc.string({ unit: fc.constantFrom(...ALPHABET, "=", "-", "_", " ", "\n"), maxLength: 48 })])("any string: same verdict, same bytes", (s) => {
    expect(decodeB64(s)).toEqual(reference(s));
  });
  it("known refusals", () => {
    for (const s of ["A", "AB=", "AAAAB", "AB", "AAB", "AAAA=", "AA-A", "AA_A", "AA A"]) expect(decodeB64(s), s).toEqual(reference(s));
    expect(decodeB64("AB")).toBeNull(); // unused bits not zero
    expect(decodeB64("AA")).toEqual(new Uint8Array([0]));
    expect(decodeB64("")).toEqual(new Uint8Array(0));
  });
  it("every string of up to 3 characters of the alphabet: same verdict, same bytes", () => {
    // Canonicality is decided by the last, partial group: lengths 0 to 3 cover every way a
    // final group can end (2 or 4 unused bits, or none). The property above samples longer ones.
    const differ: string[] = [];
    let accepted = 0;
    const check = (s: string): void => {
      const want = reference(s);
      const got = decodeB64(s);
      if (want !== null) accepted++;
      if ((want === null) !== (got === null) || (want !== null && Buffer.compare(want, got as Uint8Array) !== 0)) differ.push(s);
    };
    check("");
    for (const a of ALPHABET) {
      check(a);
      for (const b of ALPHABET) {
        check(a + b);
        for (const c of ALPHABET) check(a + b + c);
      }
    }
    expect(differ).toEqual([]);
    // The empty string, 64 × 4 two-character strings (4 unused bits zero), 64² × 16
    // three-character ones (2 unused bits zero); no one-character string.
    expect(accepted).toBe(1 + 64 * 4 + 64 * 64 * 16);
  });
  it("returns bytes that own their buffer (not a view into Node's shared pool)", () => {
    const b = decodeB64("AAAA") as Uint8Array;
    expect(b.byteOffset).toBe(0);
    expect(b.buffer.byteLength).toBe(3);
  });
});
