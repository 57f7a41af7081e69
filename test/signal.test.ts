/**
 * The Signal protocol module: libsignal's known answers, the new primitives on both backends,
 * X3DH, and the Double Ratchet (round trips, out-of-order, loss, MAX_SKIP, replay, tampering,
 * forward secrecy, post-compromise security, deleted keys).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadBackends, loadMontgomeryConversion, loadNoblePrimitives, nodePrimitives as node, type Primitives } from "../src/crypto/primitives.js";
import { fromUtf8, toHex, utf8 } from "../src/crypto/bytes.js";
import { seededRandom } from "../src/crypto/random.js";
import { runSignalKnownAnswerTests, SIGNAL_KAT_COUNT } from "../src/crypto/signal/selftest.js";
import { createPreKeys, generateIdentity, signPreKey, X3dhError, type PreKeyBundle } from "../src/crypto/signal/x3dh.js";
import { startSessionAsAlice, startSessionAsBob } from "../src/crypto/signal/session.js";
import { DoubleRatchetSession, DuplicateMessageError, InvalidMessageError, MAX_SKIP, SignalProtocolError, TooManySkippedMessagesError, type SessionState } from "../src/crypto/signal/ratchet.js";
import { EscrowAttacker, StolenStateAttacker } from "../src/crypto/signal/attacker.js";
import { ESCROW_FIELD_LENGTH, unwrapChainKey, wrapChainKey } from "../src/crypto/signal/escrow.js";
import { doormat } from "./cli-harness.js";

const noble = await loadNoblePrimitives();
const backends = await loadBackends();
const NUM_RUNS = process.env["SLOW"] ? 500 : 40;

// ---------------------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------------------

const katResults = (await Promise.all(backends.map((b) => runSignalKnownAnswerTests(b)))).flat();

describe("known-answer tests (libsignal, RFC 8032, FIPS 180-4, SP 800-38A, Wycheproof, libsodium)", () => {
  it.each(katResults.map((r) => [`${r.backend}: ${r.group}, ${r.name}`, r] as const))("%s", (_t, r) => {
    expect(r.ok, r.detail).toBe(true);
  });

  it("doormat selftest runs them on both backends", async () => {
    const r = await doormat(["selftest", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout.toString()) as { results: { backend: string; group: string; ok: boolean }[] };
    const signal = j.results.filter((x) => x.group === "Signal key derivation (libsignal)");
    expect(signal.map((x) => x.backend).sort()).toEqual(["noble", "noble", "noble", "node", "node", "node"]);
    // RFC 8032's vectors run once per backend, in the core known answers (src/crypto/ed25519-kats.ts).
    expect(j.results.filter((x) => x.group === "Ed25519 (RFC 8032)").map((x) => x.backend).sort()).toEqual(["noble", "noble", "noble", "node", "node", "node"]);
  });

  it("runs the same 10 vectors on each backend", () => {
    for (const b of backends) expect(katResults.filter((r) => r.backend === b.name)).toHaveLength(SIGNAL_KAT_COUNT);
    expect(katResults.filter((r) => r.group === "Signal key derivation (libsignal)").map((r) => r.name).slice(0, 3)).toEqual([
      "keys.rs test_chain_key_derivation",
      "RatchetingSessionTest testRatchetingSessionAsAlice (X3DH, Alice's side)",
      "RatchetingSessionTest testRatchetingSessionAsBob (X3DH, Bob's side)",
    ]);
  });

  /** Every byte changed: whichever part of an output a vector pins, it no longer matches. */
  const flip = (b: Uint8Array): Uint8Array => b.map((x) => x ^ 1);
  it.each([
    ["hkdf", { hkdf: (i, s, n, l) => flip(node.hkdf(i, s, n, l)) }, "Signal key derivation (libsignal)", 3],
    ["hmac", { hmac: (k, m) => flip(node.hmac(k, m)) }, "Signal key derivation (libsignal)", 1],
    ["aes256CbcEncrypt", { aes256CbcEncrypt: (k, iv, m) => flip(node.aes256CbcEncrypt(k, iv, m)) }, "AES-256-CBC (SP 800-38A, Wycheproof)", 5],
  ] as [string, Partial<Primitives>, string, number][])("a wrong %s fails its own vectors", async (_n, bad, group, count) => {
    const results = await runSignalKnownAnswerTests({ ...node, ...bad });
    const failed = results.filter((r) => !r.ok);
    expect(failed.length).toBe(count);
    expect(failed.every((r) => r.group === group)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------
// Differential: the new primitives agree across node:crypto and noble
// ---------------------------------------------------------------------------------------

describe("differential: node and noble agree on the new primitives", () => {
  const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
  it("sha512", () => {
    fc.assert(
      fc.property(bytes(0, 300), (m) => {
        expect(toHex(node.sha512(m))).toBe(toHex(noble.sha512(m)));
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it("ed25519 public key, signature, and verification of good and bad signatures", () => {
    fc.assert(
      fc.property(bytes(32, 32), bytes(0, 200), fc.nat(511), (seed, m, bit) => {
        const pub = node.ed25519PublicKey(seed);
        expect(toHex(noble.ed25519PublicKey(seed))).toBe(toHex(pub));
        const sig = node.ed25519Sign(seed, m);
        expect(toHex(noble.ed25519Sign(seed, m))).toBe(toHex(sig));
        expect(node.ed25519Verify(pub, m, sig)).toBe(true);
        expect(noble.ed25519Verify(pub, m, sig)).toBe(true);
        const bad = sig.slice();
        bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(node.ed25519Verify(pub, m, bad)).toBe(noble.ed25519Verify(pub, m, bad));
        expect(node.ed25519Verify(pub, m, bad)).toBe(false);
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it("ed25519Verify never throws on malformed keys and signatures", () => {
    fc.assert(
      fc.property(bytes(0, 40), bytes(0, 70), (pub, sig) => {
        for (const p of backends) expect(p.ed25519Verify(pub, utf8("m"), sig)).toBe(false);
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it("aes-256-cbc: same ciphertext, both decrypt it, and both reject the same corruptions", () => {
    fc.assert(
      fc.property(bytes(32, 32), bytes(16, 16), bytes(0, 100), bytes(0, 64), (key, iv, m, junk) => {
        const ct = node.aes256CbcEncrypt(key, iv, m);
        expect(toHex(noble.aes256CbcEncrypt(key, iv, m))).toBe(toHex(ct));
        expect(ct.length).toBe(16 * (Math.floor(m.length / 16) + 1));
        for (const p of backends) expect(toHex(p.aes256CbcDecrypt(key, iv, ct) ?? new Uint8Array([1]))).toBe(toHex(m));
        const a = node.aes256CbcDecrypt(key, iv, junk);
        const b = noble.aes256CbcDecrypt(key, iv, junk);
        expect(a === null ? null : toHex(a)).toBe(b === null ? null : toHex(b));
      }),
      { numRuns: NUM_RUNS },
    );
  });
  it("Ed25519 → X25519: the converted secret's public key is the converted public key", async () => {
    const m = await loadMontgomeryConversion();
    fc.assert(
      fc.property(bytes(32, 32), (seed) => {
        const viaPublic = m.ed25519ToX25519Public(node.ed25519PublicKey(seed));
        expect(toHex(node.x25519Base(m.ed25519ToX25519Secret(seed)))).toBe(toHex(viaPublic));
      }),
      { numRuns: NUM_RUNS },
    );
    expect(() => m.ed25519ToX25519Public(new Uint8Array(31))).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------
// X3DH and the Double Ratchet
// ---------------------------------------------------------------------------------------

async function pair(seed: string, oneTime = 1) {
  const r = seededRandom(seed);
  const alice = await generateIdentity(r);
  const bob = await generateIdentity(r);
  const { store, bundle } = createPreKeys(bob, r, oneTime);
  const { session: a, header } = await startSessionAsAlice(alice, bundle, r);
  // Bob's session starts from Alice's first message (the one-time prekey goes once it authenticates).
  const first = a.encrypt(utf8("first"));
  const { session: b, plaintext } = await startSessionAsBob(store, header, first, r);
  expect(fromUtf8(plaintext)).toBe("first");
  return { a, b, r, store, header, bundle, alice, bob, first };
}

const text = (s: string): Uint8Array => utf8(s);

describe("X3DH", () => {
  it("Alice and Bob agree, with and without a one-time prekey; the prekey is deleted on use", async () => {
    for (const oneTime of [1, 0]) {
      const { a, b, store, header } = await pair(`x3dh-${oneTime}`, oneTime);
      expect(fromUtf8(b.decrypt(a.encrypt(text("hello"))))).toBe("hello");
      expect(fromUtf8(a.decrypt(b.encrypt(text("hi"))))).toBe("hi");
      expect(store.oneTimePreKeys.size).toBe(0);
      if (oneTime) await expect(startSessionAsBob(store, header, new Uint8Array(80), seededRandom("again"))).rejects.toThrow(X3dhError);
    }
  });

  it("a forged first message does not burn the one-time prekey (libsignal deletes it only after decrypting)", async () => {
    const r = seededRandom("forged-first");
    const alice = await generateIdentity(r);
    const bob = await generateIdentity(r);
    const { store, bundle } = createPreKeys(bob, r, 1);
    const { session: a, header } = await startSessionAsAlice(alice, bundle, r);
    const genuine = a.encrypt(utf8("hello"));
    const forged = genuine.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    await expect(startSessionAsBob(store, header, forged, seededRandom("x"))).rejects.toThrow();
    expect(store.oneTimePreKeys.size).toBe(1);
    const { plaintext } = await startSessionAsBob(store, header, genuine, seededRandom("y"));
    expect(fromUtf8(plaintext)).toBe("hello");
    expect(store.oneTimePreKeys.size).toBe(0);
  });

  it("a bundle whose prekey signature does not verify is refused", async () => {
    const r = seededRandom("sig");
    const alice = await generateIdentity(r);
    const bob = await generateIdentity(r);
    const mallory = await generateIdentity(r);
    const { bundle } = createPreKeys(bob, r, 0);
    const forged: PreKeyBundle = { ...bundle, signedPreKeySignature: signPreKey(mallory, bundle.signedPreKey) };
    await expect(startSessionAsAlice(alice, forged, r)).rejects.toThrow(X3dhError);
    const swapped: PreKeyBundle = { ...bundle, signedPreKey: createPreKeys(mallory, r, 0).bundle.signedPreKey };
    await expect(startSessionAsAlice(alice, swapped, r)).rejects.toThrow("does not verify");
  });

  it("a session with someone else's prekeys does not decrypt", async () => {
    const one = await pair("one");
    const two = await pair("two");
    expect(() => two.b.decrypt(one.a.encrypt(text("x")))).toThrow(InvalidMessageError);
  });
});

describe("Double Ratchet", () => {
  it("round trips in both directions, with ratchet steps at each change of direction", async () => {
    const { a, b } = await pair("rt");
    const keys = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const [from, to] = i % 7 < 3 ? [a, b] : [b, a];
      keys.add(toHex(from.ratchetKey));
      expect(fromUtf8(to.decrypt(from.encrypt(text(`message ${i}`))))).toBe(`message ${i}`);
    }
    expect(keys.size).toBeGreaterThan(6); // new ratchet keys, not one per party
  });

  it("out of order and lost messages: skipped keys are stored, used once, and deleted", async () => {
    const { a, b } = await pair("ooo");
    b.decrypt(a.encrypt(text("0")));
    const m = Array.from({ length: 5 }, (_, i) => a.encrypt(text(`a${i}`)));
    expect(fromUtf8(b.decrypt(m[3] as Uint8Array))).toBe("a3");
    expect(b.skippedCount).toBe(3);
    expect(fromUtf8(b.decrypt(m[1] as Uint8Array))).toBe("a1");
    expect(b.skippedCount).toBe(2);
    // Bob answers; Alice's later chain arrives before the rest of the old one.
    a.decrypt(b.encrypt(text("b0")));
    const next = a.encrypt(text("a-new"));
    expect(fromUtf8(b.decrypt(next))).toBe("a-new");
    expect(b.skippedCount).toBe(3); // m[0] and m[2], plus m[4], the end of Alice's first chain (PN)
    expect(fromUtf8(b.decrypt(m[4] as Uint8Array))).toBe("a4");
    expect(fromUtf8(b.decrypt(m[0] as Uint8Array))).toBe("a0");
    expect(b.skippedCount).toBe(1); // m[2] never arrives: its key waits
  });

  it("replays are rejected (current chain, stored keys, earlier chains)", async () => {
    const { a, b } = await pair("replay");
    const first = a.encrypt(text("1"));
    b.decrypt(first);
    expect(() => b.decrypt(first)).toThrow(DuplicateMessageError);
    const m1 = a.encrypt(text("2"));
    const m2 = a.encrypt(text("3"));
    b.decrypt(m2);
    b.decrypt(m1); // from the stored keys
    expect(() => b.decrypt(m1)).toThrow(DuplicateMessageError);
    a.decrypt(b.encrypt(text("reply")));
    b.decrypt(a.encrypt(text("new chain")));
    expect(() => b.decrypt(m2)).toThrow(DuplicateMessageError);
  });

  it("MAX_SKIP: a jump of exactly MAX_SKIP works, one more is refused without changing the state", async () => {
    const { a, b } = await pair("maxskip");
    b.decrypt(a.encrypt(text("start")));
    const sent: Uint8Array[] = [];
    for (let i = 0; i <= MAX_SKIP + 1; i++) sent.push(a.encrypt(text(`m${i}`)));
    expect(() => b.decrypt(sent[MAX_SKIP + 1] as Uint8Array)).toThrow(TooManySkippedMessagesError);
    expect(b.skippedCount).toBe(0);
    expect(fromUtf8(b.decrypt(sent[MAX_SKIP] as Uint8Array))).toBe(`m${MAX_SKIP}`);
    expect(b.skippedCount).toBe(MAX_SKIP);
    expect(fromUtf8(b.decrypt(sent[0] as Uint8Array))).toBe("m0");
  });

  it("tampered messages are rejected (MAC, or an impossible jump first) and leave the state as it was", async () => {
    const { a, b } = await pair("tamper");
    b.decrypt(a.encrypt(text("start")));
    a.decrypt(b.encrypt(text("turn")));
    const m = a.encrypt(text("the real one"));
    const before = b.snapshot();
    for (const i of [0, 1, 20, 35, 39, 45, m.length - 1]) {
      const bad = m.slice();
      bad[i] = (bad[i] as number) ^ 0x40;
      expect(() => b.decrypt(bad)).toThrow(SignalProtocolError);
    }
    expect(() => b.decrypt(m.subarray(0, m.length - 1))).toThrow(InvalidMessageError);
    expect(stateHex(b.snapshot())).toBe(stateHex(before));
    expect(fromUtf8(b.decrypt(m))).toBe("the real one");
  });

  it("a used message key is gone: no copy of it is left anywhere in the receiver's state", async () => {
    const { a, b } = await pair("gone");
    b.decrypt(a.encrypt(text("start")));
    const kept = a.encryptWithKey(text("late"));
    const next = a.encryptWithKey(text("on time"));
    b.decrypt(next.message);
    expect(stateHex(b.snapshot())).toContain(toHex(kept.messageKeySeed)); // waiting as a skipped key
    b.decrypt(kept.message);
    const after = stateHex(b.snapshot());
    expect(after).not.toContain(toHex(kept.messageKeySeed));
    expect(after).not.toContain(toHex(next.messageKeySeed));
    expect(after).not.toContain(toHex(next.chainKey));
  });

  it("property: random interleavings, delays and drops; every delivered message opens exactly once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ who: fc.boolean(), count: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 0, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 0, maxLength: 60 }),
        fc.string(),
        async (runs, picks, drops, seed) => {
          const s = await pair(`prop:${seed}`);
          s.b.decrypt(s.a.encrypt(text("hello")));
          const parties = { a: s.a, b: s.b };
          const inFlight: { to: "a" | "b"; bytes: Uint8Array; text: string }[] = [];
          const delivered: { to: "a" | "b"; bytes: Uint8Array }[] = [];
          let n = 0;
          let p = 0;
          const deliverSome = (): void => {
            // deliver a random in-flight message, or drop it for good
            if (inFlight.length === 0) return;
            const i = (picks[p] ?? 0) % inFlight.length;
            const drop = drops[p] ?? false;
            p++;
            const [m] = inFlight.splice(i, 1);
            if (!m || drop) return;
            expect(fromUtf8(parties[m.to].decrypt(m.bytes))).toBe(m.text);
            delivered.push(m);
          };
          for (const run of runs) {
            const from = run.who ? "a" : "b";
            const to = run.who ? "b" : "a";
            for (let i = 0; i < run.count; i++) {
              const t = `${from}:${n++}`;
              inFlight.push({ to, bytes: parties[from].encrypt(text(t)), text: t });
            }
            deliverSome();
          }
          while (inFlight.length > 0) deliverSome();
          for (const m of delivered) expect(() => parties[m.to].decrypt(m.bytes)).toThrow(DuplicateMessageError);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

/** Every byte string in a state, hex, for "is this key anywhere in it" checks. */
function stateHex(s: SessionState): string {
  const parts = [s.localIdentity, s.remoteIdentity, s.rootKey, s.sending.ratchetKeyPair.secretKey, s.sending.ratchetKeyPair.publicKey, s.sending.chainKey];
  if (s.receiving) parts.push(s.receiving.ratchetKey, s.receiving.chainKey);
  for (const v of s.skipped.values()) parts.push(v);
  return [...parts.map(toHex), [...s.skipped.keys()].join(","), `${s.sending.index}/${s.receiving?.index}/${s.previousCounter}`].join("|");
}

// ---------------------------------------------------------------------------------------
// Forward secrecy and post-compromise security
// ---------------------------------------------------------------------------------------

describe("the imported ratchet secret kept between DH steps", () => {
  // A live session keeps its current ratchet secret imported (one import per DH step); a
  // session rebuilt from a snapshot imports it again from the state. Both must compute the
  // same thing: the same conversation, with the same randomness, gives the same bytes.
  it("a live conversation and one rebuilt from snapshots before every call are byte-identical", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 24 }), async (fromAlice) => {
        const live = await pair("imported");
        const rebuilt = await pair("imported");
        let a = rebuilt.a;
        let b = rebuilt.b;
        const rebuild = (): void => {
          a = DoubleRatchetSession.fromState(a.snapshot(), rebuilt.r);
          b = DoubleRatchetSession.fromState(b.snapshot(), rebuilt.r);
        };
        for (const [i, first] of fromAlice.entries()) {
          rebuild();
          const m1 = (first ? live.a : live.b).encrypt(text(`#${i}`));
          const m2 = (first ? a : b).encrypt(text(`#${i}`));
          expect(toHex(m2)).toBe(toHex(m1));
          rebuild();
          expect(fromUtf8((first ? live.b : live.a).decrypt(m1))).toBe(`#${i}`);
          expect(fromUtf8((first ? b : a).decrypt(m2))).toBe(`#${i}`);
        }
        expect(stateHex(a.snapshot())).toBe(stateHex(live.a.snapshot()));
        expect(stateHex(b.snapshot())).toBe(stateHex(live.b.snapshot()));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("forward secrecy: a copy of the whole state after message k", () => {
  /** A conversation of alternating runs; returns everything sent and Alice's state after message k. */
  async function conversation(seed: string, runs: number[], k: number, delayedToAlice: Set<number>) {
    const s = await pair(seed);
    const sent: { fromAlice: boolean; bytes: Uint8Array; text: string }[] = [];
    let stolen: SessionState | undefined;
    const late: number[] = [];
    let fromAlice = true;
    for (const len of runs) {
      for (let i = 0; i < len; i++) {
        const t = `#${sent.length + 1}`;
        const bytes = (fromAlice ? s.a : s.b).encrypt(text(t));
        sent.push({ fromAlice, bytes, text: t });
        if (!fromAlice && delayedToAlice.has(sent.length)) late.push(sent.length - 1);
        else (fromAlice ? s.b : s.a).decrypt(bytes);
        if (sent.length === k) stolen = s.a.snapshot();
      }
      fromAlice = !fromAlice;
    }
    for (const i of late) expect(fromUtf8(s.a.decrypt((sent[i] as { bytes: Uint8Array }).bytes))).toBe(`#${i + 1}`);
    return { sent, stolen: stolen as SessionState, s };
  }

  it("no message before k opens with the stolen state, except the ones still waiting (skipped keys)", async () => {
    const runs = [3, 2, 4, 1, 5, 2, 3, 3, 2, 4];
    const k = 20;
    // Bob's #4 (skipped when #5 arrives), #10 (skipped by PN when #16 arrives) and #17 (the end of
    // the chain Alice is on) reach Alice only after k.
    const delayed = new Set([4, 10, 17]);
    const { sent, stolen } = await conversation("fs", runs, k, delayed);
    expect(stolen.skipped.size).toBe(2);
    for (let i = 0; i < k; i++) {
      const m = sent[i] as { fromAlice: boolean; bytes: Uint8Array; text: string };
      // Any way the stolen state could open it: as Alice's own device would, and as the attacker.
      const device = DoubleRatchetSession.fromState(stolen, seededRandom(`thief${i}`));
      let opened: string | null = null;
      try {
        opened = fromUtf8(device.decrypt(m.bytes));
      } catch {
        opened = null;
      }
      const attacker = new StolenStateAttacker(stolen).tryOpen(m.bytes, m.fromAlice);
      const expected = delayed.has(i + 1) ? m.text : null;
      if (!m.fromAlice) expect(opened, `message ${i + 1} by the device`).toBe(expected);
      expect(attacker === null ? null : fromUtf8(attacker), `message ${i + 1} by the attacker`).toBe(expected);
    }
  });

  it("after k the attacker follows at most one round trip, then the ratchet heals", async () => {
    const runs = [3, 2, 4, 1, 5, 2, 3, 3, 2, 4];
    for (const k of [5, 6, 10, 14, 20]) {
      const { sent, stolen } = await conversation(`pcs${k}`, runs, k, new Set());
      const attacker = new StolenStateAttacker(stolen);
      const exposed = sent.map((m) => attacker.tryOpen(m.bytes, m.fromAlice) !== null);
      expect(exposed.slice(0, k).some(Boolean)).toBe(false);
      const future = exposed.slice(k);
      const heal = future.indexOf(false);
      expect(heal).toBeGreaterThanOrEqual(0);
      expect(future.slice(heal).some(Boolean), `k = ${k}: nothing opens after the heal`).toBe(false);
      // The exposed window: the rest of the current run and at most the next two runs.
      const ends = runs.map((_, i) => runs.slice(0, i + 1).reduce((x, y) => x + y, 0));
      const run = ends.findIndex((e) => e >= k);
      const bound = (ends[Math.min(run + 2, ends.length - 1)] as number) - k;
      expect(heal).toBeLessThanOrEqual(bound);
    }
  });
});

describe("escrow of chain keys", () => {
  it("the escrow key opens every message of a chain; the field is bound to its ratchet key", async () => {
    const r = seededRandom("escrow");
    const escrowSecret = r(32);
    const escrowPublic = node.x25519Base(escrowSecret);
    const { a, b } = await pair("escrow-pair");
    a.decrypt(b.encrypt(text("your turn"))); // Alice's next message starts a new sending chain
    const first = a.encryptWithKey(text("one"));
    expect(first.counter).toBe(0);
    const field = wrapChainKey(escrowPublic, a.ratchetKey, first.chainKey, r);
    expect(field).toHaveLength(ESCROW_FIELD_LENGTH);
    expect(toHex(unwrapChainKey(escrowSecret, escrowPublic, a.ratchetKey, field) ?? new Uint8Array())).toBe(toHex(first.chainKey));
    expect(unwrapChainKey(escrowSecret, escrowPublic, b.ratchetKey, field)).toBeNull();
    expect(unwrapChainKey(r(32), escrowPublic, a.ratchetKey, field)).toBeNull();
    const second = a.encrypt(text("two"));
    const attacker = new EscrowAttacker(escrowSecret, escrowPublic);
    const ids = b.snapshot();
    // b's snapshot has Bob as local: Alice is remote (the sender).
    for (const [m, t] of [[first.message, "one"], [second, "two"]] as const) {
      const pt = attacker.tryOpen({ message: m, fromFirst: true, escrow: field }, ids.remoteIdentity, ids.localIdentity);
      expect(pt && fromUtf8(pt)).toBe(t);
    }
    expect(attacker.tryOpen({ message: second, fromFirst: true }, ids.remoteIdentity, ids.localIdentity)).toBeNull();
  });
});
