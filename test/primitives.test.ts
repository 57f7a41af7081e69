/**
 * The two primitive backends: known-answer tests (RFC vectors), differential tests
 * (node:crypto and @noble/* must agree byte for byte on random inputs), and low-order points.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { LowOrderPointError, loadBackends, loadNoblePrimitives, nodePrimitives as node, type Primitives } from "../src/crypto/primitives.js";

const noble = await loadNoblePrimitives();
const backends = await loadBackends();
import { runKnownAnswerTests, type SelftestResult } from "../src/crypto/selftest.js";
import { fromHex, toHex } from "../src/crypto/bytes.js";

/** fast-check runs per property: quick by default, thorough with SLOW=1. */
const NUM_RUNS = process.env["SLOW"] ? 1000 : 50;
const run = { numRuns: NUM_RUNS };

const bytes = (minLength: number, maxLength: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength, maxLength });
const bytes32 = bytes(32, 32);
const key32 = bytes32;
const nonce12 = bytes(12, 12);

// ---------------------------------------------------------------------------------------
// Known-answer tests
// ---------------------------------------------------------------------------------------

const GROUPS: Record<string, number> = {
  "X25519 (RFC 7748)": 8,
  "ChaCha20-Poly1305 (RFC 8439)": 7,
  "HKDF-SHA-256 (RFC 5869)": 3,
  "HMAC-SHA-256 (RFC 4231)": 6,
  "SHA-256 (FIPS 180-4)": 3,
  "scrypt (RFC 7914)": 2,
  "SHA-512 (FIPS 180-4)": 3,
  "Ed25519 (RFC 8032)": 3,
  "Signal safety number (libsignal)": 1,
  "Merkle log (RFC 9162, CT vectors)": 3,
  "P-256 ECDH (NIST CAVP)": 9,
  "Dual_EC_DRBG (SP 800-90A, P-256)": 3,
};
const EXPECTED_COUNT = 51;

// Run once per backend at collection time so each vector is its own test below.
const katResults: SelftestResult[] = backends.flatMap((b) => runKnownAnswerTests(b));

describe("known-answer tests", () => {
  it.each(katResults.map((r) => [`${r.backend}: ${r.group}, ${r.name}`, r] as const))("%s", (_title, r) => {
    expect(r.detail, "a passing result carries no detail").toBeUndefined();
    expect(r.ok, r.detail).toBe(true);
  });

  it.each(backends.map((b) => [b.name, b] as const))("%s: runs exactly the expected vectors", (_name, b) => {
    const results = katResults.filter((r) => r.backend === b.name);
    expect(results).toHaveLength(EXPECTED_COUNT);
    const perGroup: Record<string, number> = {};
    for (const r of results) perGroup[r.group] = (perGroup[r.group] ?? 0) + 1;
    expect(perGroup).toEqual(GROUPS);
    // Names are unique within a group, so a report can name each vector.
    expect(new Set(results.map((r) => `${r.group}/${r.name}`)).size).toBe(EXPECTED_COUNT);
  });

  it("iterations1000: false drops exactly the 1,000-iteration X25519 test", () => {
    const short = runKnownAnswerTests(node, { iterations1000: false });
    expect(short).toHaveLength(EXPECTED_COUNT - 1);
    const full = katResults.filter((r) => r.backend === "node");
    const missing = full.filter((r) => !short.some((s) => s.group === r.group && s.name === r.name));
    expect(missing.map((r) => r.name)).toEqual(["§5.2 iterated, 1,000 iterations"]);
    expect(short.every((r) => r.ok)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------
// The known-answer tests can fail: a backend that gets one primitive wrong must fail
// exactly the vectors of that primitive (and nothing else).
// ---------------------------------------------------------------------------------------

/** A copy of `b` with its first byte flipped (a wrong answer that is not an exception). */
function flip(b: Uint8Array): Uint8Array {
  const c = b.slice();
  c[0] = (c[0] ?? 0) ^ 0x01;
  return c;
}

/** ChaCha20-Poly1305 decryption that skips tag verification (decrypts with seal's keystream). */
function unauthenticatedOpen(p: Primitives): Primitives["open"] {
  return (key, nonce, sealed) => {
    if (sealed.length < 16) return null;
    const n = sealed.length - 16;
    const keystream = p.seal(key, nonce, new Uint8Array(n));
    return sealed.subarray(0, n).map((c, i) => c ^ (keystream[i] as number));
  };
}

const X = "X25519 (RFC 7748)";
const C = "ChaCha20-Poly1305 (RFC 8439)";
const isPublicKeyTest = (r: SelftestResult): boolean => r.group === X && r.name.includes("public key");
const isTamperTest = (r: SelftestResult): boolean => r.group === C && r.name.startsWith("tamper");

const corruptions: readonly {
  what: string;
  corrupt: (p: Primitives) => Partial<Primitives>;
  fails: (r: SelftestResult) => boolean;
}[] = [
  { what: "x25519 output", corrupt: (p) => ({ x25519: (k, u) => flip(p.x25519(k, u)) }), fails: (r) => r.group === X && !isPublicKeyTest(r) },
  { what: "x25519Base output", corrupt: (p) => ({ x25519Base: (k) => flip(p.x25519Base(k)) }), fails: isPublicKeyTest },
  { what: "seal output", corrupt: (p) => ({ seal: (k, n, m) => flip(p.seal(k, n, m)) }), fails: (r) => r.group === C && !isTamperTest(r) },
  { what: "open always failing", corrupt: () => ({ open: () => null }), fails: (r) => r.group === C && !isTamperTest(r) },
  { what: "open skipping the tag check", corrupt: (p) => ({ open: unauthenticatedOpen(p) }), fails: isTamperTest },
  { what: "hkdf output", corrupt: (p) => ({ hkdf: (i, s, n, l) => flip(p.hkdf(i, s, n, l)) }), fails: (r) => r.group === "HKDF-SHA-256 (RFC 5869)" },
  { what: "hmac output", corrupt: (p) => ({ hmac: (k, m) => flip(p.hmac(k, m)) }), fails: (r) => r.group === "HMAC-SHA-256 (RFC 4231)" },
  // The Merkle log hashes with SHA-256 too, and Dual EC's instantiate hashes its seed (Hash_df):
  // their known answers must fail with it.
  { what: "sha256 output", corrupt: (p) => ({ sha256: (m) => flip(p.sha256(m)) }), fails: (r) => r.group === "SHA-256 (FIPS 180-4)" || r.group === "Merkle log (RFC 9162, CT vectors)" || (r.group === "Dual_EC_DRBG (SP 800-90A, P-256)" && !r.name.startsWith("trapdoor")) },
  // SHA-512 (also under the safety number) and Ed25519.
  { what: "sha512 output", corrupt: (p) => ({ sha512: (m) => flip(p.sha512(m)) }), fails: (r) => r.group === "SHA-512 (FIPS 180-4)" || r.group === "Signal safety number (libsignal)" },
  { what: "ed25519PublicKey output", corrupt: (p) => ({ ed25519PublicKey: (s) => flip(p.ed25519PublicKey(s)) }), fails: (r) => r.group === "Ed25519 (RFC 8032)" },
  { what: "ed25519Sign output", corrupt: (p) => ({ ed25519Sign: (s, m) => flip(p.ed25519Sign(s, m)) }), fails: (r) => r.group === "Ed25519 (RFC 8032)" },
  { what: "ed25519Verify accepting anything", corrupt: () => ({ ed25519Verify: () => true }), fails: (r) => r.group === "Ed25519 (RFC 8032)" },
  {
    what: "scrypt output",
    corrupt: (p) => ({ scrypt: (pw, s, logN, dkLen, r, par) => flip(p.scrypt(pw, s, logN, dkLen, r, par)) }),
    fails: (r) => r.group === "scrypt (RFC 7914)",
  },
];

describe("known-answer tests detect a wrong backend", () => {
  it.each(corruptions.map((c) => [c.what, c] as const))("%s fails exactly its own vectors", (_what, { corrupt, fails }) => {
    const bad: Primitives = { ...node, ...corrupt(node) };
    const results = runKnownAnswerTests(bad, { iterations1000: false });
    const expectedFailures = results.filter(fails).map((r) => r.name);
    expect(expectedFailures.length).toBeGreaterThan(0);
    expect(results.filter((r) => !r.ok).map((r) => r.name)).toEqual(expectedFailures);
    for (const r of results.filter((x) => !x.ok)) expect(r.detail).toMatch(/^\w[^:]*: expected /);
  });

  it("a wrong expected value is reported with both outputs in detail", () => {
    const bad: Primitives = { ...node, sha256: () => fromHex("00".repeat(32)) };
    const abc = runKnownAnswerTests(bad, { iterations1000: false }).find((r) => r.group === "SHA-256 (FIPS 180-4)" && r.name.startsWith('"abc"'));
    expect(abc).toMatchObject({ backend: "node", ok: false });
    expect(abc?.detail).toBe(`SHA-256: expected ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad, got ${"00".repeat(32)}`);
  });

  it("exceptions become ok: false results instead of escaping", () => {
    const boom = (): never => {
      throw new TypeError("boom");
    };
    const throwing: Primitives = { name: "noble", x25519: boom, x25519Base: boom, x25519Key: boom, seal: boom, open: boom, sealInto: boom, openInto: boom, hkdf: boom, hmac: boom, sha256: boom, scrypt: boom, sha512: boom, ed25519PublicKey: boom, ed25519Sign: boom, ed25519Verify: boom, aes256CbcEncrypt: boom, aes256CbcDecrypt: boom, p256Base: boom, p256Ecdh: boom, p256Key: boom };
    const results = runKnownAnswerTests(throwing);
    expect(results).toHaveLength(EXPECTED_COUNT);
    for (const r of results) {
      expect(r).toMatchObject({ backend: "noble", ok: false, detail: "threw TypeError: boom" });
    }
  });
});

// ---------------------------------------------------------------------------------------
// Differential tests: node and noble agree on random inputs
// ---------------------------------------------------------------------------------------

type Outcome = { value: string } | { threw: string };

/** Runs `f`, recording either its output (as hex) or the class of what it threw. */
function outcome(f: () => Uint8Array | null): Outcome {
  try {
    const v = f();
    return { value: v === null ? "null" : toHex(v) };
  } catch (e) {
    return { threw: e instanceof Error ? e.name : String(e) };
  }
}

const P = 2n ** 255n - 19n;
function uLE(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** u-coordinates of points of small order (on the curve or its twist), canonical or not. */
const LOW_ORDER_POINTS: readonly [string, Uint8Array][] = [
  ["0", uLE(0n)],
  ["1", uLE(1n)],
  ["order-8 point a", fromHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")],
  ["order-8 point b", fromHex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")],
  ["p − 1", uLE(P - 1n)],
  ["p (≡ 0)", uLE(P)],
  ["p + 1 (≡ 1)", uLE(P + 1n)],
  ["p with the top bit set", uLE(P + 2n ** 255n)],
];

/** Random points, plus edge cases: low order, non-canonical (≥ p), top bit set. */
const point: fc.Arbitrary<Uint8Array> = fc.oneof(
  { arbitrary: bytes32, weight: 4 },
  { arbitrary: fc.constantFrom(...LOW_ORDER_POINTS.map(([, u]) => u)), weight: 1 },
  { arbitrary: fc.bigInt({ min: P, max: 2n ** 256n - 1n }).map(uLE), weight: 1 },
);

describe("differential: node and noble agree", () => {
  it("x25519 (random scalars and points; LowOrderPointError from both or neither)", () => {
    fc.assert(
      fc.property(bytes32, point, (k, u) => {
        const a = outcome(() => node.x25519(k, u));
        const b = outcome(() => noble.x25519(k, u));
        expect(a).toEqual(b);
        if ("threw" in a) expect(a.threw).toBe("LowOrderPointError");
      }),
      run,
    );
  });

  it("x25519 ignores the top bit of u and reduces u modulo p (RFC 7748 §5)", () => {
    fc.assert(
      fc.property(bytes32, fc.bigInt({ min: 2n, max: P - 2n }), (k, n) => {
        for (const p of backends) {
          expect(toHex(p.x25519(k, uLE(n + 2n ** 255n))), `${p.name}: top bit`).toBe(toHex(p.x25519(k, uLE(n))));
          // The non-canonical encodings p + c (c < 19) are the same points as c.
          for (let c = 2n; c < 19n; c++) expect(toHex(p.x25519(k, uLE(P + c))), `${p.name}: p + ${c}`).toBe(toHex(p.x25519(k, uLE(c))));
        }
      }),
      { numRuns: Math.max(5, NUM_RUNS / 10) },
    );
  });

  it("x25519Base (and it equals x25519 with u = 9)", () => {
    const nine = uLE(9n);
    fc.assert(
      fc.property(bytes32, (k) => {
        const a = node.x25519Base(k);
        expect(toHex(noble.x25519Base(k))).toBe(toHex(a));
        expect(a).toHaveLength(32);
        expect(toHex(node.x25519(k, nine))).toBe(toHex(a));
        expect(toHex(noble.x25519(k, nine))).toBe(toHex(a));
      }),
      run,
    );
  });

  it("seal (plaintexts of 0..5000 bytes)", () => {
    fc.assert(
      fc.property(key32, nonce12, bytes(0, 5000), (key, nonce, pt) => {
        const a = node.seal(key, nonce, pt);
        expect(a).toHaveLength(pt.length + 16);
        expect(toHex(noble.seal(key, nonce, pt))).toBe(toHex(a));
      }),
      run,
    );
  });

  it("open: round trip", () => {
    fc.assert(
      fc.property(key32, nonce12, bytes(0, 5000), (key, nonce, pt) => {
        const sealed = node.seal(key, nonce, pt);
        const want = toHex(pt);
        expect(toHex(node.open(key, nonce, sealed) ?? fail("node rejected"))).toBe(want);
        expect(toHex(noble.open(key, nonce, sealed) ?? fail("noble rejected"))).toBe(want);
      }),
      run,
    );
  });

  it("open: both return null on a tampered box (any byte, any non-zero change)", () => {
    fc.assert(
      fc.property(key32, nonce12, bytes(0, 300), fc.nat(), fc.integer({ min: 1, max: 255 }), (key, nonce, pt, at, delta) => {
        const sealed = node.seal(key, nonce, pt);
        const i = at % sealed.length;
        sealed[i] = (sealed[i] as number) ^ delta;
        expect(node.open(key, nonce, sealed)).toBeNull();
        expect(noble.open(key, nonce, sealed)).toBeNull();
      }),
      run,
    );
  });

  it("open: both return null on random garbage, including boxes shorter than a tag", () => {
    fc.assert(
      fc.property(key32, nonce12, bytes(0, 100), (key, nonce, garbage) => {
        expect(node.open(key, nonce, garbage)).toBeNull();
        expect(noble.open(key, nonce, garbage)).toBeNull();
      }),
      run,
    );
  });

  it("hkdf (lengths 1..255, empty ikm, salt and info allowed)", () => {
    fc.assert(
      fc.property(bytes(0, 100), bytes(0, 100), bytes(0, 100), fc.integer({ min: 1, max: 255 }), (ikm, salt, info, length) => {
        const a = node.hkdf(ikm, salt, info, length);
        expect(a).toHaveLength(length);
        expect(toHex(noble.hkdf(ikm, salt, info, length))).toBe(toHex(a));
      }),
      run,
    );
  });

  it("hmac (keys shorter and longer than the 64-byte block)", () => {
    fc.assert(
      fc.property(bytes(0, 200), bytes(0, 1000), (key, msg) => {
        const a = node.hmac(key, msg);
        expect(a).toHaveLength(32);
        expect(toHex(noble.hmac(key, msg))).toBe(toHex(a));
      }),
      run,
    );
  });

  it("sha256", () => {
    fc.assert(
      fc.property(bytes(0, 2000), (msg) => {
        const a = node.sha256(msg);
        expect(a).toHaveLength(32);
        expect(toHex(noble.sha256(msg))).toBe(toHex(a));
      }),
      run,
    );
  });

  // ── SHA-512 and Ed25519 ──
  it("sha512", () => {
    fc.assert(
      fc.property(bytes(0, 2000), (msg) => {
        const a = node.sha512(msg);
        expect(a).toHaveLength(64);
        expect(toHex(noble.sha512(msg))).toBe(toHex(a));
      }),
      run,
    );
  });

  it("ed25519: same public key and signature; each verifies the other's, rejects a changed message or signature", () => {
    fc.assert(
      fc.property(bytes32, bytes(0, 300), fc.nat(63), (seed, msg, at) => {
        const pub = node.ed25519PublicKey(seed);
        expect(toHex(noble.ed25519PublicKey(seed))).toBe(toHex(pub));
        const sig = node.ed25519Sign(seed, msg);
        expect(sig).toHaveLength(64);
        expect(toHex(noble.ed25519Sign(seed, msg))).toBe(toHex(sig));
        for (const p of backends) {
          expect(p.ed25519Verify(pub, msg, sig)).toBe(true);
          const bad = sig.slice();
          bad[at] = (bad[at] as number) ^ 0x20;
          expect(p.ed25519Verify(pub, msg, bad)).toBe(false);
          expect(p.ed25519Verify(pub, Uint8Array.of(...msg, 0), sig)).toBe(false);
        }
      }),
      { numRuns: Math.min(NUM_RUNS, 25) },
    );
  });

  it("ed25519Verify: wrong lengths and garbage are false on both, never a throw", () => {
    fc.assert(
      fc.property(bytes(0, 40), bytes(0, 70), bytes(0, 20), (pub, sig, msg) => {
        const a = node.ed25519Verify(pub, msg, sig);
        expect(noble.ed25519Verify(pub, msg, sig)).toBe(a);
        expect(a).toBe(false);
      }),
      run,
    );
  });

  it("ed25519 rejects a wrong-length secret key on both backends", () => {
    for (const p of backends) {
      expect(() => p.ed25519PublicKey(new Uint8Array(31))).toThrow(RangeError);
      expect(() => p.ed25519Sign(new Uint8Array(33), new Uint8Array(1))).toThrow(RangeError);
    }
  });

  it("scrypt (logN 1..6, r 1..4, p 1..2, dkLen 1..80)", () => {
    fc.assert(
      fc.property(
        bytes(0, 64),
        bytes(0, 64),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 80 }),
        (password, salt, logN, r, p, dkLen) => {
          const a = node.scrypt(password, salt, logN, dkLen, r, p);
          expect(a).toHaveLength(dkLen);
          expect(toHex(noble.scrypt(password, salt, logN, dkLen, r, p))).toBe(toHex(a));
        },
      ),
      run,
    );
  });

  it("scrypt defaults to r = 8, p = 1", () => {
    const pw = new TextEncoder().encode("pw");
    const salt = new TextEncoder().encode("salt");
    for (const p of backends) expect(toHex(p.scrypt(pw, salt, 4, 32))).toBe(toHex(p.scrypt(pw, salt, 4, 32, 8, 1)));
  });
});

function fail(message: string): never {
  throw new Error(message);
}

// ---------------------------------------------------------------------------------------
// Low-order points
// ---------------------------------------------------------------------------------------

describe("low-order points throw LowOrderPointError", () => {
  const cases = backends.flatMap((b) => LOW_ORDER_POINTS.map(([name, u]) => [b.name, name, b, u] as const));

  it.each(cases)("%s: u = %s", (_backend, _name, b, u) => {
    fc.assert(
      fc.property(bytes32, (k) => {
        expect(() => b.x25519(k, u)).toThrow(LowOrderPointError);
      }),
      { numRuns: 10 },
    );
  });

  it.each(backends.map((b) => [b.name, b] as const))("%s: the all-zero point and u = 1, with the RFC 7748 §6.1 keys", (_name, b) => {
    const alice = fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    expect(() => b.x25519(alice, new Uint8Array(32))).toThrow(LowOrderPointError);
    expect(() => b.x25519(alice, uLE(1n))).toThrow(LowOrderPointError);
  });
});
