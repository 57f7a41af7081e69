/**
 * Dual_EC_DRBG on P-256 and its trapdoor: the P-256 primitives (differential, node vs noble),
 * the generator (known answers on both backends, and node vs noble on random seeds), the
 * backdoored Q, the attack (seeded: it recovers the state and predicts later output; split
 * ranges give the same answer), and the swap (the old trapdoor finds nothing).
 *
 * About the known answer: NIST's CAVP Dual_EC_DRBG file could not be retrieved for this
 * project; the vectors in src/crypto/dualec/kats.ts are BouncyCastle's (one with CAVP inputs).
 * They are run here on both backends, and in addition the two independent point
 * implementations (OpenSSL through node:crypto, and @noble/curves) must produce the same
 * output for random seeds and Qs.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InvalidPointError, loadNoblePrimitives, nodePrimitives as node, type Primitives } from "../src/crypto/primitives.js";
import { runKnownAnswerTests } from "../src/crypto/selftest.js";
import { fromHex, toHex } from "../src/crypto/bytes.js";
import { seededRandom } from "../src/crypto/random.js";
import {
  CANDIDATES, DUAL_EC_NIST_Q, DUAL_EC_P, DualEcDrbg, P256_N, backdooredQ, invertModN, mergeResults, searchCandidates, toBigInt, toBytes32, trapdoorFits,
} from "../src/crypto/dualec/index.js";

const noble = await loadNoblePrimitives();
const BOTH = [node, noble] as const;
const DUAL = "Dual_EC_DRBG (SP 800-90A, P-256)";
const P256 = "P-256 ECDH (NIST CAVP)";

type Outcome = { value: string } | { threw: string };
function outcome(f: () => Uint8Array): Outcome {
  try {
    return { value: toHex(f()) };
  } catch (e) {
    return { threw: e instanceof Error ? e.name : String(e) };
  }
}

/** A valid scalar in [1, n-1] from 32 random bytes. */
const scalar = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => toBytes32((toBigInt(b) % (P256_N - 1n)) + 1n));

// ---------------------------------------------------------------------------------------
// P-256 primitives
// ---------------------------------------------------------------------------------------

describe("P-256 primitives: node and noble agree", () => {
  it("p256Base on random scalars", () => {
    fc.assert(fc.property(scalar, (k) => {
      expect(toHex(node.p256Base(k))).toBe(toHex(noble.p256Base(k)));
    }), { numRuns: 20 });
  });

  it("p256Ecdh on random x-coordinates: the same x, or InvalidPointError from both", () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(scalar, fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom(2, 3), (k, x, prefix) => {
        const point = Uint8Array.of(prefix, ...x);
        const a = outcome(() => node.p256Ecdh(k, point));
        expect(a).toEqual(outcome(() => noble.p256Ecdh(k, point)));
        if ("value" in a) valid++;
        else {
          expect(a.threw).toBe("InvalidPointError");
          invalid++;
        }
      }),
      { numRuns: 40 },
    );
    // About half of all x are on the curve: both branches were exercised.
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });

  it("an imported key gives the same results as one-shot calls", () => {
    fc.assert(
      fc.property(scalar, scalar, (k, j) => {
        const point = node.p256Base(j);
        for (const p of BOTH) {
          const key = p.p256Key(k);
          expect(toHex(key.publicKey())).toBe(toHex(p.p256Base(k)));
          expect(toHex(key.ecdh(point))).toBe(toHex(p.p256Ecdh(k, point)));
        }
      }),
      { numRuns: 8 },
    );
  });

  const g = node.p256Base(toBytes32(1n));
  const badEncodings: readonly [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["the identity (00)", Uint8Array.of(0)],
    ["x without a prefix", g.subarray(1)],
    ["a 04 prefix on 33 bytes", Uint8Array.of(4, ...g.subarray(1))],
    ["hybrid 06/07 (OpenSSL would take it)", Uint8Array.of(6 + ((g[0] as number) & 1), ...DUAL_EC_P.subarray(1))],
    ["x = p", Uint8Array.of(2, ...fromHex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"))],
    ["G with a wrong y", Uint8Array.of(...DUAL_EC_P.subarray(0, 64), (DUAL_EC_P[64] as number) ^ 1)],
  ];
  it.each(badEncodings)("refuses %s with InvalidPointError on both", (_what, point) => {
    for (const p of BOTH) expect(() => p.p256Ecdh(toBytes32(7n), point)).toThrow(InvalidPointError);
  });

  it.each([
    ["0", toBytes32(0n)],
    ["n", toBytes32(P256_N)],
    ["n + 1", toBytes32(P256_N + 1n)],
    ["2^256 - 1", toBytes32((1n << 256n) - 1n)],
    ["31 bytes", new Uint8Array(31).fill(1)],
  ])("refuses the scalar %s with RangeError on both", (_what, k) => {
    for (const p of BOTH) {
      expect(() => p.p256Base(k)).toThrow(RangeError);
      expect(() => p.p256Ecdh(k, DUAL_EC_P)).toThrow(RangeError);
      expect(() => p.p256Key(k)).toThrow(RangeError);
    }
  });

  it("n - 1 is accepted: (n-1)·G = -G has G's x", () => {
    for (const p of BOTH) expect(toHex(p.p256Base(toBytes32(P256_N - 1n)).subarray(1))).toBe(toHex(DUAL_EC_P.subarray(1, 33)));
  });
});

describe("the P-256 and Dual EC known answers detect a wrong backend", () => {
  const flip = (b: Uint8Array): Uint8Array => {
    const c = b.slice();
    c[c.length - 1] = (c[c.length - 1] as number) ^ 1;
    return c;
  };
  const fails = (bad: Primitives): string[] => runKnownAnswerTests(bad, { iterations1000: false }).filter((r) => !r.ok).map((r) => `${r.group}/${r.name}`);

  it("a wrong p256Base fails the public-key vectors and the trapdoor check", () => {
    const f = fails({ ...node, p256Base: (k) => flip(node.p256Base(k)) });
    expect(f.filter((n) => n.startsWith(P256)).length).toBe(2);
    expect(f.every((n) => n.includes("public key dIUT·G") || n.includes("trapdoor"))).toBe(true);
  });

  it("a wrong p256Ecdh fails the Z vectors and every Dual EC vector", () => {
    const f = fails({ ...node, p256Ecdh: (k, pt) => flip(node.p256Ecdh(k, pt)) });
    expect(f.filter((n) => n.startsWith(DUAL))).toHaveLength(3);
    expect(f.filter((n) => n.startsWith(P256) && n.includes("Z from"))).toHaveLength(4);
  });

  it("an ECDH that accepts off-curve points fails the refusal vector", () => {
    const f = fails({ ...node, p256Ecdh: (k, pt) => outcomeOr(() => node.p256Ecdh(k, pt), new Uint8Array(32)) });
    expect(f).toEqual([`${P256}/a point off the curve is refused`]);
  });
});

function outcomeOr(f: () => Uint8Array, fallback: Uint8Array): Uint8Array {
  try {
    return f();
  } catch {
    return fallback;
  }
}

// ---------------------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------------------

describe("Dual_EC_DRBG", () => {
  it.each(BOTH.map((p) => [p.name, p] as const))("%s: the known answers pass", (_n, p) => {
    const results = runKnownAnswerTests(p, { iterations1000: false }).filter((r) => r.group === DUAL);
    expect(results).toHaveLength(3);
    for (const r of results) expect(r.ok, r.detail).toBe(true);
  });

  it("P and the standard Q are points of P-256 (both backends), and P = G", () => {
    expect(toHex(node.p256Base(toBytes32(1n)).subarray(1))).toBe(toHex(DUAL_EC_P.subarray(1, 33)));
    for (const p of BOTH) {
      // x(1·Q) = x(Q): no InvalidPointError, so (x, y) satisfies the curve equation.
      expect(toHex(p.p256Ecdh(toBytes32(1n), DUAL_EC_NIST_Q))).toBe(toHex(DUAL_EC_NIST_Q.subarray(1, 33)));
    }
  });

  it("node and noble produce the same output for random seeds and Qs (two independent point implementations)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.option(scalar, { nil: undefined }), fc.integer({ min: 0, max: 70 }), (seed, qScalar, length) => {
        const q = qScalar === undefined ? DUAL_EC_NIST_Q : node.p256Base(qScalar);
        const a = DualEcDrbg.fromState(seed, { q, primitives: node });
        const b = DualEcDrbg.fromState(seed, { q, primitives: noble });
        expect(toHex(a.generate(length))).toBe(toHex(b.generate(length)));
        expect(toHex(a.state)).toBe(toHex(b.state));
      }),
      { numRuns: 6 },
    );
  });

  it("outputs the rightmost 240 bits of each r, and updates the state once more at the end of a call", () => {
    const drbg = DualEcDrbg.fromState(toBytes32(42n));
    const t = drbg.generateTrace(45);
    expect(t.r).toHaveLength(2);
    expect(toHex(t.output)).toBe(toHex(new Uint8Array([...(t.r[0] as Uint8Array).subarray(2), ...(t.r[1] as Uint8Array).subarray(2, 17)])));
    // Two 30-byte calls are not one 60-byte call: the extra update moves the state in between.
    const one = DualEcDrbg.fromState(toBytes32(42n)).generate(60);
    const two = DualEcDrbg.fromState(toBytes32(42n));
    const halves = [...two.generate(30), ...two.generate(30)];
    expect(toHex(one.subarray(0, 30))).toBe(toHex(Uint8Array.from(halves.slice(0, 30))));
    expect(toHex(one.subarray(30))).not.toBe(toHex(Uint8Array.from(halves.slice(30))));
  });

  it("a zero-length call still updates the state; bad lengths and states are refused", () => {
    const drbg = DualEcDrbg.fromState(toBytes32(7n));
    const before = toHex(drbg.state);
    expect(drbg.generate(0)).toHaveLength(0);
    expect(toHex(drbg.state)).not.toBe(before);
    expect(() => drbg.generate(-1)).toThrow(RangeError);
    expect(() => drbg.generate(1.5)).toThrow(RangeError);
    expect(() => DualEcDrbg.fromState(new Uint8Array(31))).toThrow(RangeError);
    expect(() => DualEcDrbg.instantiate(new Uint8Array(15), new Uint8Array(8))).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------
// The trapdoor
// ---------------------------------------------------------------------------------------

/** The 16 bits the generator dropped from the first block of its last call (ground truth). */
function trueHigh(r0: Uint8Array): number {
  return ((r0[0] as number) << 8) | (r0[1] as number);
}

/** A slice of `size` candidates that holds `high`, placed by `random`. */
function sliceAround(high: number, size: number, offset: number): [number, number] {
  const from = Math.max(0, Math.min(CANDIDATES - size, high - (offset % size)));
  return [from, from + size];
}

describe("backdoored Q and the attack", () => {
  const random = seededRandom("dualec test");
  const vendor = backdooredQ(random);
  const SLICE = 1024;

  it("Q = d⁻¹·P: P = d·Q, and d is in [1, n-1]", () => {
    const d = toBigInt(vendor.trapdoor);
    expect(d > 0n && d < P256_N).toBe(true);
    expect(trapdoorFits(vendor.trapdoor, vendor.q)).toBe(true);
    expect(toHex(node.p256Ecdh(vendor.trapdoor, vendor.q))).toBe(toHex(DUAL_EC_P.subarray(1, 33)));
    expect((d * invertModN(d)) % P256_N).toBe(1n);
    // The standard's Q does not fit this trapdoor (nor, as far as anyone has shown, any known one).
    expect(trapdoorFits(vendor.trapdoor, DUAL_EC_NIST_Q)).toBe(false);
  });

  it("recovers the state from one 32-byte output and predicts the later output exactly (seeded)", () => {
    const device = DualEcDrbg.instantiate(random(32), random(16), new Uint8Array(0), { q: vendor.q });
    const nonce = device.generateTrace(32);
    const high = trueHigh(nonce.r[0] as Uint8Array);
    const [from, to] = sliceAround(high, SLICE, 300);
    const found = searchCandidates({ output: nonce.output, q: vendor.q }, vendor.trapdoor, from, to);
    expect(found.tried).toBe(SLICE);
    expect(found.trapdoorFitsQ).toBe(true);
    // About half of the x-coordinates are on the curve.
    expect(found.onCurve).toBeGreaterThan(SLICE * 0.4);
    expect(found.onCurve).toBeLessThan(SLICE * 0.6);
    const right = found.survivors.find((s) => s.high === high);
    expect(right).toBeDefined();
    expect(toHex(right!.state)).toBe(toHex(device.state));
    const attacker = DualEcDrbg.fromState(right!.state, { q: vendor.q });
    for (const n of [32, 30, 64, 7]) expect(toHex(attacker.generate(n))).toBe(toHex(device.generate(n)));
  });

  it("split ranges give the same survivors as one range, and progress is reported", () => {
    const device = DualEcDrbg.fromState(random(32), { q: vendor.q });
    const nonce = device.generateTrace(32);
    const [from, to] = sliceAround(trueHigh(nonce.r[0] as Uint8Array), 600, 17);
    const obs = { output: nonce.output, q: vendor.q };
    const progress: number[] = [];
    const whole = searchCandidates(obs, vendor.trapdoor, from, to, { onProgress: (d) => progress.push(d) });
    const mid = from + 250;
    const parts = mergeResults([searchCandidates(obs, vendor.trapdoor, mid, to), searchCandidates(obs, vendor.trapdoor, from, mid)]);
    expect(parts.tried).toBe(whole.tried);
    expect(parts.onCurve).toBe(whole.onCurve);
    expect(parts.survivors.map((s) => [s.high, toHex(s.state)])).toEqual(whole.survivors.map((s) => [s.high, toHex(s.state)]));
    expect(progress.at(-1)).toBe(600);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it("a longer call (64 bytes: three blocks): the state after the call is still recovered", () => {
    const device = DualEcDrbg.fromState(random(32), { q: vendor.q });
    const call = device.generateTrace(64);
    const high = trueHigh(call.r[0] as Uint8Array);
    const found = searchCandidates({ output: call.output.subarray(0, 40), callLength: 64, q: vendor.q }, vendor.trapdoor, high, high + 1);
    expect(found.survivors).toHaveLength(1);
    expect(toHex(found.survivors[0]!.state)).toBe(toHex(device.state));
  });

  it("noble runs the same search (a small range) with the same result", () => {
    const device = DualEcDrbg.fromState(random(32), { q: vendor.q });
    const nonce = device.generateTrace(32);
    const high = trueHigh(nonce.r[0] as Uint8Array);
    const [from, to] = sliceAround(high, 8, 3);
    const obs = { output: nonce.output, q: vendor.q };
    const a = searchCandidates(obs, vendor.trapdoor, from, to);
    const b = searchCandidates(obs, vendor.trapdoor, from, to, { primitives: noble });
    expect({ ...b, survivors: b.survivors.map((s) => toHex(s.state)) }).toEqual({ ...a, survivors: a.survivors.map((s) => toHex(s.state)) });
    expect(a.survivors.map((s) => s.high)).toContain(high);
  });

  it("after Q is swapped, the old trapdoor does not recover the state; the new one does", () => {
    const intruder = backdooredQ(random);
    const device = DualEcDrbg.fromState(random(32), { q: intruder.q });
    const nonce = device.generateTrace(32);
    const high = trueHigh(nonce.r[0] as Uint8Array);
    const [from, to] = sliceAround(high, SLICE, 901);
    const obs = { output: nonce.output, q: intruder.q };
    const old = searchCandidates(obs, vendor.trapdoor, from, to);
    expect(old.trapdoorFitsQ).toBe(false);
    expect(old.onCurve).toBeGreaterThan(0); // it searched: every on-curve x was tried
    expect(old.survivors.map((s) => toHex(s.state))).not.toContain(toHex(device.state));
    const fresh = searchCandidates(obs, intruder.trapdoor, from, to);
    expect(fresh.survivors.map((s) => toHex(s.state))).toContain(toHex(device.state));
  });

  it("refuses observations of the wrong size and ranges outside [0, 65536]", () => {
    const out = new Uint8Array(32);
    const obs = { output: out, q: vendor.q };
    expect(() => searchCandidates({ output: new Uint8Array(31), q: vendor.q }, vendor.trapdoor, 0, 1)).toThrow(RangeError);
    expect(() => searchCandidates({ output: new Uint8Array(61), q: vendor.q }, vendor.trapdoor, 0, 1)).toThrow(RangeError);
    expect(() => searchCandidates({ ...obs, callLength: 31 }, vendor.trapdoor, 0, 1)).toThrow(RangeError);
    expect(() => searchCandidates(obs, vendor.trapdoor, -1, 1)).toThrow(RangeError);
    expect(() => searchCandidates(obs, vendor.trapdoor, 0, CANDIDATES + 1)).toThrow(RangeError);
    expect(() => searchCandidates(obs, vendor.trapdoor, 5, 4)).toThrow(RangeError);
    expect(searchCandidates(obs, vendor.trapdoor, 9, 9)).toMatchObject({ tried: 0, onCurve: 0, survivors: [] });
  });
});
