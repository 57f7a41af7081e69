/**
 * Signal safety numbers: libsignal's known answers (fingerprint_test_v1/v2 and the scannable
 * encoding test), on both backends, and the properties the ghost demo relies on: both phones
 * show the same number; a substituted key or identifier changes it; the QR codes only match
 * each other.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, toHex, utf8 } from "../src/crypto/bytes.js";
import { loadBackends, primitives } from "../src/crypto/primitives.js";
import {
  FINGERPRINT_KATS,
  FingerprintError,
  LIBSIGNAL_FINGERPRINT_V1 as V,
  combineDisplay,
  displayDigits,
  fingerprintHash,
  formatSafetyNumber,
  parseScannable,
  safetyNumber,
  scannableEncoding,
  scannedMatches,
  serializeIdentityKey,
} from "../src/crypto/signal/fingerprint.js";

const backends = await loadBackends();

// libsignal rust/protocol/src/fingerprint.rs (signalapp/libsignal 572ba1e): ALICE/BOB_SCANNABLE_FINGERPRINT_V2.
const ALICE_SCANNABLE_V2 = "080212220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df1a220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d";
const BOB_SCANNABLE_V2 = "080212220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d1a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df";

const alice = (version: number, p = primitives) =>
  safetyNumber({ version, iterations: V.iterations, localId: utf8(V.aliceId), localKey: fromHex(V.aliceKey), remoteId: utf8(V.bobId), remoteKey: fromHex(V.bobKey) }, p);
const bob = (version: number, p = primitives) =>
  safetyNumber({ version, iterations: V.iterations, localId: utf8(V.bobId), localKey: fromHex(V.bobKey), remoteId: utf8(V.aliceId), remoteKey: fromHex(V.aliceKey) }, p);

describe("libsignal known answers", () => {
  it.each(backends.map((p) => [p.name, p] as const))("fingerprint_test_v1 on %s", (_n, p) => {
    expect(alice(1, p).display).toBe("300354477692869396892869876765458257569162576843440918079131");
    expect(bob(1, p).display).toBe("300354477692869396892869876765458257569162576843440918079131");
    expect(toHex(alice(1, p).scannable)).toBe(V.aliceScannable);
    expect(toHex(bob(1, p).scannable)).toBe(V.bobScannable);
  });

  it("fingerprint_test_v2: the same digits, another QR version", () => {
    expect(alice(2).display).toBe(V.display);
    expect(toHex(alice(2).scannable)).toBe(ALICE_SCANNABLE_V2);
    expect(toHex(bob(2).scannable)).toBe(BOB_SCANNABLE_V2);
  });

  it("fingerprint_encodings: version 2, local 0x12 x 32, remote 0xBA x 32", () => {
    const enc = scannableEncoding(2, new Uint8Array(32).fill(0x12), new Uint8Array(32).fill(0xba));
    expect(toHex(enc)).toBe("080212220a20" + "12".repeat(32) + "1a220a20" + "ba".repeat(32));
  });

  it("the selftest entry passes on both backends", () => {
    for (const p of backends) for (const k of FINGERPRINT_KATS) expect(() => k.run(p)).not.toThrow();
  });

  it("the selftest entry fails when the answer is wrong (one iteration fewer)", () => {
    const shortBy1 = { ...primitives, sha512: (() => {
      let calls = 0;
      return (m: Uint8Array) => (++calls % 5200 === 0 ? m.slice(0, 64) : primitives.sha512(m));
    })() };
    expect(() => (FINGERPRINT_KATS[0] as (typeof FINGERPRINT_KATS)[number]).run(shortBy1)).toThrow(/expected/);
  });
});

describe("display", () => {
  it("12 groups of 5 digits", () => {
    expect(formatSafetyNumber(V.display)).toEqual(["30035", "44776", "92869", "39689", "28698", "76765", "45825", "75691", "62576", "84344", "09180", "79131"]);
    expect(() => formatSafetyNumber("1234")).toThrow(RangeError);
  });

  it("each 5-byte chunk is a big-endian 40-bit number mod 100,000, zero-padded", () => {
    const h = new Uint8Array(30);
    h.set([0x00, 0x00, 0x00, 0x00, 0x07], 0); // 7 -> 00007
    h.set([0xff, 0xff, 0xff, 0xff, 0xff], 5); // 2^40 - 1 = 1099511627775 -> 27775
    expect(displayDigits(h)).toBe("00007" + "27775" + "00000".repeat(4));
  });

  it("the lexicographically smaller half comes first", () => {
    expect(combineDisplay("2".repeat(30), "1".repeat(30))).toBe("1".repeat(30) + "2".repeat(30));
    expect(combineDisplay("1".repeat(30), "2".repeat(30))).toBe("1".repeat(30) + "2".repeat(30));
  });
});

const key33 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(serializeIdentityKey);
const id = fc.string({ minLength: 1, maxLength: 20 }).map(utf8);
const FAST = 2; // the minimum libsignal accepts: the properties do not depend on the count

describe("properties (random keys; 2 iterations for speed)", () => {
  it("both phones show the same number, and each QR code matches the other's, not its own", () => {
    fc.assert(
      fc.property(key33, key33, id, id, (ka, kb, ia, ib) => {
        const a = safetyNumber({ iterations: FAST, localId: ia, localKey: ka, remoteId: ib, remoteKey: kb });
        const b = safetyNumber({ iterations: FAST, localId: ib, localKey: kb, remoteId: ia, remoteKey: ka });
        expect(a.display).toBe(b.display);
        expect(a.display).toMatch(/^[0-9]{60}$/);
        expect(scannedMatches(a.scannable, b.scannable)).toBe(true);
        expect(scannedMatches(b.scannable, a.scannable)).toBe(true);
        if (toHex(ka) !== toHex(kb) || toHex(ia) !== toHex(ib)) expect(scannedMatches(a.scannable, a.scannable)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("a substituted key (the ghost) changes the number and the QR codes stop matching", () => {
    fc.assert(
      fc.property(key33, key33, key33, id, id, (ka, kb, km, ia, ib) => {
        fc.pre(toHex(kb) !== toHex(km));
        const aliceSees = safetyNumber({ iterations: FAST, localId: ia, localKey: ka, remoteId: ib, remoteKey: km });
        const bobSees = safetyNumber({ iterations: FAST, localId: ib, localKey: kb, remoteId: ia, remoteKey: ka });
        expect(aliceSees.display).not.toBe(bobSees.display);
        expect(scannedMatches(aliceSees.scannable, bobSees.scannable)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("another stable identifier changes the number (fingerprint_mismatching_identifiers)", () => {
    const k = serializeIdentityKey(new Uint8Array(32).fill(1));
    expect(displayDigits(fingerprintHash(utf8("+141512222222"), k, FAST))).not.toBe(displayDigits(fingerprintHash(utf8(V.aliceId), k, FAST)));
  });
});

describe("malformed input", () => {
  const k = fromHex(V.aliceKey);
  it("iterations outside 2..1,000,000 are refused (libsignal's limits)", () => {
    for (const n of [0, 1, 1_000_001, 2.5, Number.NaN]) expect(() => fingerprintHash(utf8("x"), k, n)).toThrow(FingerprintError);
    expect(() => fingerprintHash(utf8("x"), k, 2)).not.toThrow();
  });

  it("the identity key must be 0x05 followed by 32 bytes", () => {
    expect(() => fingerprintHash(utf8("x"), k.subarray(1), 2)).toThrow(FingerprintError);
    const wrongType = k.slice();
    wrongType[0] = 0x06;
    expect(() => fingerprintHash(utf8("x"), wrongType, 2)).toThrow(FingerprintError);
    expect(() => serializeIdentityKey(new Uint8Array(33))).toThrow(RangeError);
  });

  it("a scanned code of another version or another shape is an error, not a match", () => {
    expect(() => scannedMatches(alice(1).scannable, bob(2).scannable)).toThrow(/version/);
    expect(() => scannedMatches(alice(1).scannable, bob(1).scannable.subarray(1))).toThrow(FingerprintError);
    const wrongTag = bob(1).scannable.slice();
    wrongTag[2] = 0x1a;
    expect(parseScannable(wrongTag)).toBeNull();
  });
});
