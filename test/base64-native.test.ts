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

/** The portable referee: scure decodes, and only the canonical encoding round-trips. */
function reference(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*$/.test(s)) return null;
  try {
    const b = base64nopad.decode(s);
    return base64nopad.encode(b) === s ? b : null;
  } catch {
    return null;
  }
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
  it("returns bytes that own their buffer (not a view into Node's shared pool)", () => {
    const b = decodeB64("AAAA") as Uint8Array;
    expect(b.byteOffset).toBe(0);
    expect(b.buffer.byteLength).toBe(3);
  });
});
