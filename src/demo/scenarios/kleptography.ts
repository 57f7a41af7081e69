/**
 * `doormat demo kleptography`: nobody but us? The Dual EC trapdoor, and the day someone swaps Q.
 *
 * Every number shown is measured in this run: the generator is Dual_EC_DRBG on P-256
 * (src/crypto/dualec/), the session is really encrypted with keys drawn from it, the searches
 * really multiply every candidate point, and "decrypted" means ChaCha20-Poly1305 authenticated
 * the record under the predicted key and gave back exactly what was sent.
 *
 * @module
 */
import { equalBytes, fromUtf8, toHex, utf8 } from "../../crypto/bytes.js";
import { CANDIDATES, DualEcDrbg, backdooredQ, boxHandshake, openRecord, sealRecord, sessionKey, trapdoorFits, type BoxHandshake, type Observation, type SearchResult } from "../../crypto/dualec/index.js";
import { generateKeyPair } from "../../crypto/keys.js";
import type { RandomSource } from "../../crypto/random.js";
import type { DemoEvent } from "../events.js";
import { FACTS } from "../facts.js";
import { flagOption, intOption, type ScenarioContext } from "../scenario.js";
import { countOf, formatCount as fmt, plural } from "../../ui/numbers.js";

/** What goes through the tunnel. Ordinary, which is the point. */
const TEXTS = [
  "branch office to HQ: payroll export attached",
  "VPN user jdoe: password reset approved",
  "quarterly numbers before the board sees them",
  "the supplier's bank details changed, please update",
  "source code push to the release branch",
  "HR: the list of positions to be cut",
  "legal: draft settlement, do not forward",
  "admin: new firewall rules take effect tonight",
] as const;

/** One recorded session: what the interceptor has, plus the ground truth it does not. */
interface Session {
  readonly handshake: BoxHandshake;
  readonly peerPublic: Uint8Array;
  readonly records: readonly Uint8Array[];
  readonly plaintexts: readonly Uint8Array[];
  /** Ground truth: the dropped 16 bits of the nonce's first block. */
  readonly trueHigh: number;
  /** Ground truth: the generator's state right after the nonce. */
  readonly stateAfterNonce: Uint8Array;
}

/** What one trapdoor holder got out of a recorded session. */
interface Attempt {
  readonly search: SearchResult;
  /** Threads the search ran on. */
  readonly threads: number;
  /** The search alone. */
  readonly seconds: number;
  /** Search, confirmation and decryption of the records. */
  readonly totalSeconds: number;
  /** The survivor whose predicted key opened the first record, if any. */
  readonly opened: { readonly state: Uint8Array; readonly key: Uint8Array; readonly dhSecret: Uint8Array } | undefined;
  /** Records that decrypted to exactly what was sent. */
  readonly decrypted: number;
}

function randInt(random: RandomSource, n: number): number {
  const b = random(4);
  const x = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
  return x % n; // a bias below 1e-5 for n ≤ 65,536: fine for placing a slice
}

/**
 * Every key, point, nonce and ciphertext on screen: its first 8 bytes in hex and an ellipsis, so
 * that a value never wraps mid-string at 60 columns (the checks compare the whole values).
 */
const short = (b: Uint8Array): string => `${toHex(b.subarray(0, 8))}…`;

/** Bytes equal at the same position. */
function matching(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] === b[i]) n++;
  return n;
}

/**
 * Bit balance and byte frequencies of `bytes`: the kind of output test a product passes.
 * @returns ones (of 8·length bits), and the chi-square statistic of the 256 byte counts
 */
function outputStats(bytes: Uint8Array): { ones: number; bits: number; chi2: number } {
  const counts = new Array<number>(256).fill(0);
  let ones = 0;
  for (const b of bytes) {
    counts[b] = (counts[b] as number) + 1;
    let x = b;
    while (x) {
      ones += x & 1;
      x >>= 1;
    }
  }
  const expected = bytes.length / 256;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  return { ones, bits: bytes.length * 8, chi2 };
}

/** The kleptography scenario (options and scenes: see ../registry.ts). */
export async function* run(ctx: ScenarioContext): AsyncGenerator<DemoEvent, void, void> {
  const { random } = ctx;
  const full = flagOption(ctx.options, "full");
  const sliceSize = full ? CANDIDATES : intOption(ctx.options, "slice");
  const nMessages = intOption(ctx.options, "messages");
  /**
   * Seconds of cryptography outside the searches (generators, sessions, predictions, output
   * tests), for compute_seconds. Measured per step, not from the start: scenes end in pauses,
   * and with --step or --pace the presenter's wait is not compute time.
   */
  let otherSeconds = 0;
  function timed<T>(f: () => T): T {
    const t = ctx.now();
    try {
      return f();
    } finally {
      otherSeconds += (ctx.now() - t) / 1000;
    }
  }

  /** Record one session between the box (generator `drbg`) and a peer. */
  function recordSession(drbg: DualEcDrbg): Session {
    const peer = generateKeyPair(random);
    const before = DualEcDrbg.fromState(drbg.state, { q: drbg.q });
    const trace = before.generateTrace(32); // the same call the box is about to make: ground truth
    const handshake = boxHandshake(drbg, peer.publicKey);
    if (!equalBytes(trace.output, handshake.nonce)) throw new Error("ground truth diverged from the box's generator");
    const plaintexts = Array.from({ length: nMessages }, () => utf8(TEXTS[randInt(random, TEXTS.length)] as string));
    // The peer's side derives the same key from its own secret and the box's public key.
    const peerKey = sessionKey(peer.secretKey, handshake.boxPublic, handshake.nonce);
    if (!equalBytes(peerKey, handshake.sessionKey)) throw new Error("the two ends of the session disagree on the key");
    const records = plaintexts.map((m, i) => sealRecord(handshake.sessionKey, i, m));
    const r0 = trace.r[0] as Uint8Array;
    return { handshake, peerPublic: peer.publicKey, records, plaintexts, trueHigh: ((r0[0] as number) << 8) | (r0[1] as number), stateAfterNonce: trace.state };
  }

  /** A slice of the candidates that holds the right one, placed by the seed. */
  function sliceFor(s: Session): [number, number] {
    if (full) return [0, CANDIDATES];
    const from = Math.max(0, Math.min(CANDIDATES - sliceSize, s.trueHigh - randInt(random, sliceSize)));
    return [from, from + sliceSize];
  }

  /**
   * Search a slice with a trapdoor over the worker threads, reporting progress under one task
   * name per search (a name that changed with the rate made every update a new task: a plain
   * line each without a terminal, dozens per search with --full). The rate is in the result.
   */
  async function* attack(who: string, trapdoor: Uint8Array, q: Uint8Array, s: Session, [from, to]: [number, number]): AsyncGenerator<DemoEvent, Attempt> {
    const obs: Observation = { output: s.handshake.nonce, q };
    const total = to - from;
    const t0 = ctx.now();
    let settled = false;
    const work = ctx.bulk.dualEcSearch(obs, trapdoor, from, to).finally(() => {
      settled = true;
    });
    work.catch(() => {}); // rethrown below
    while (!settled) {
      await Promise.race([work.catch(() => {}), new Promise((r) => setTimeout(r, 200))]);
      if (settled) break;
      const done = Math.min(ctx.bulk.done(), total - 1);
      yield { type: "progress", task: `searching with the ${who}`, done, total };
    }
    const search = await work;
    const seconds = (ctx.now() - t0) / 1000;
    yield { type: "progress", task: `searching with the ${who}`, done: total, total };
    // The confirmation is timed from here: drawing the finished bar (a paced line under --pace)
    // is not cryptography.
    const t1 = ctx.now();
    // Confirm each survivor the way an attacker can: does its predicted key open the recording?
    let opened: Attempt["opened"];
    for (const sv of search.survivors) {
      const dhSecret = DualEcDrbg.fromState(sv.state, { q }).generate(32);
      const key = sessionKey(dhSecret, s.peerPublic, s.handshake.nonce);
      if (openRecord(key, 0, s.records[0] as Uint8Array) !== null) {
        opened = { state: sv.state, key, dhSecret };
        break;
      }
    }
    let decrypted = 0;
    if (opened) {
      s.records.forEach((rec, i) => {
        const pt = openRecord(opened.key, i, rec);
        if (pt !== null && equalBytes(pt, s.plaintexts[i] as Uint8Array)) decrypted++;
      });
    }
    return { search, seconds, opened, decrypted, threads: search.threads, totalSeconds: seconds + (ctx.now() - t1) / 1000 };
  }

  // ── Scene 1 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 1, title: "A generator with a spare key" };
  yield { type: "narration", text: "Dual_EC_DRBG is a random number generator from NIST SP 800-90A. Each output is the x-coordinate of a point s·Q on the curve P-256, minus its top 16 bits, and the next state is the x-coordinate of s·P. If someone knows a number d with P = d·Q, 32 bytes of output (one block and 2 bytes of the next) give them the generator's state, and the state gives them everything after it." };
  yield { type: "fact", ...FACTS.juniperDualEc };
  const vendor = timed(() => backdooredQ(random));
  yield { type: "step", text: `the VPN vendor's firmware uses P = G and its own Q, x = ${short(vendor.q.subarray(1))}` };
  const fits = timed(() => trapdoorFits(vendor.trapdoor, vendor.q));
  yield { type: "step", text: `whoever made that Q kept d = ${short(vendor.trapdoor)} with P = d·Q: checked now, ${fits ? "it holds" : "it does NOT hold"}` };
  yield { type: "narration", text: "In the usual telling, the maker of such a Q is an intelligence agency that expects to be the only one able to use it: nobody but us. For Juniper's own Q, nobody is known to hold a trapdoor. This demo makes its Q with a trapdoor on purpose, so that it certainly has one." };
  const box = timed(() => DualEcDrbg.instantiate(random(32), random(16), utf8("vpn box"), { q: vendor.q }));
  yield { type: "pause" };

  // ── Scene 2 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 2, title: "A handshake, recorded" };
  yield { type: "narration", text: "A branch office opens a VPN session to the box. The box sends a 32-byte nonce straight from the generator, then draws its Diffie-Hellman secret from the same generator. An interceptor records the handshake and every encrypted record." };
  const session1 = timed(() => recordSession(box));
  yield { type: "step", text: `handshake nonce on the wire (32 bytes): ${short(session1.handshake.nonce)}` };
  yield { type: "step", text: `box's X25519 public key: ${short(session1.handshake.boxPublic)}  session key: HKDF-SHA-256 of the shared secret` };
  yield { type: "step", text: `recorded ${plural(nMessages, "record")} encrypted with ChaCha20-Poly1305 (${fmt(session1.records.reduce((n, r) => n + r.length, 0))} bytes), e.g. ${short(session1.records[0] as Uint8Array)}` };
  yield { type: "metric", name: "session_messages", label: "records in the recorded session", value: nMessages, unit: "" };
  yield { type: "pause" };

  // ── Scene 3 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 3, title: "The trapdoor holder" };
  const slice1 = sliceFor(session1);
  yield {
    type: "narration",
    text: full
      ? `The holder of d tries all ${fmt(CANDIDATES)} values of the 16 missing bits. For each x that lies on the curve, d times that point gives a candidate next state, which is kept only if it reproduces the last 2 bytes of the nonce.`
      : `The holder of d tries values of the 16 missing bits. For each x that lies on the curve, d times that point gives a candidate next state, which is kept only if it reproduces the last 2 bytes of the nonce. To keep the show short, this run searches a slice of ${fmt(sliceSize)} of the ${fmt(CANDIDATES)} candidates, ${fmt(slice1[0])} to ${fmt(slice1[1] - 1)}, chosen by the demo to contain the right one; --full searches them all.`,
  };
  const a1 = yield* attack("vendor's d", vendor.trapdoor, vendor.q, session1, slice1);
  const threadsUsed = a1.threads;
  yield { type: "step", text: `${fmt(a1.search.tried)} candidates in ${a1.seconds.toFixed(2)} s on ${plural(threadsUsed, "thread")}: ${fmt(a1.search.onCurve)} on the curve, ${a1.search.survivors.length} matched the last 2 bytes` };
  const stateRecovered = a1.opened !== undefined && equalBytes(a1.opened.state, session1.stateAfterNonce);
  if (a1.opened && !stateRecovered) throw new Error("a survivor opened the session with a state that is not the box's");
  // Predictions, checked against what the box really produced: its DH secret, then the nonce
  // of its next handshake.
  const { predictedSecret, predictedNonce, nextNonce } = timed(() => {
    const predictor = a1.opened ? DualEcDrbg.fromState(a1.opened.state, { q: vendor.q }) : undefined;
    return { predictedSecret: predictor?.generate(32), predictedNonce: predictor?.generate(32), nextNonce: box.generate(32) }; // nextNonce: the box's next handshake, later that day
  });
  const predictedBytes = (predictedSecret ? matching(predictedSecret, session1.handshake.dhSecret) : 0) + (predictedNonce ? matching(predictedNonce, nextNonce) : 0);
  if (a1.opened && predictedSecret && predictedNonce) {
    yield { type: "result", tone: "bad", text: `state recovered: predicted DH secret ${short(predictedSecret)}, the box's real one ${short(session1.handshake.dhSecret)}` };
    yield { type: "result", tone: "bad", text: `session decrypted: ${countOf(a1.decrypted, nMessages, "record")}, e.g. "${fromUtf8(openRecord(a1.opened.key, 0, session1.records[0] as Uint8Array) as Uint8Array)}"` };
    yield { type: "result", tone: "bad", text: `the box's next handshake nonce, predicted before it was sent: ${short(predictedNonce)}; sent: ${short(nextNonce)}` };
  } else {
    yield { type: "result", tone: "good", text: "no candidate opened the session" };
  }
  yield { type: "metric", name: "predicted_bytes_matched", label: "later output bytes predicted exactly", value: predictedBytes, unit: "bytes" };
  yield { type: "metric", name: "candidates_tried", label: "candidates tried", value: a1.search.tried, unit: "" };
  yield { type: "metric", name: "search_seconds", label: "search time", value: a1.seconds, unit: "s" };
  yield { type: "metric", name: "candidates_per_second", label: "candidates per second", value: a1.search.tried / Math.max(a1.seconds, 1e-9), unit: "/s" };
  yield { type: "fact", ...FACTS.checkoway2016 };
  yield { type: "pause" };

  // ── Scene 4 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 4, title: "Someone swaps Q" };
  yield { type: "fact", ...FACTS.juniperSwap };
  const intruder = timed(() => backdooredQ(random));
  yield { type: "narration", text: "An intruder with access to the firmware replaces the constant Q with a Q it made, keeping its own d. Nothing else in the product changes." };
  yield { type: "step", text: `firmware Q before: x = ${short(vendor.q.subarray(1))}` };
  yield { type: "step", text: `firmware Q after:  x = ${short(intruder.q.subarray(1))}` };
  // A firmware update means a reboot: the generator is seeded afresh, so any state the vendor
  // followed before is gone and both parties start from the next nonce.
  const swapped = timed(() => DualEcDrbg.instantiate(random(32), random(16), utf8("vpn box"), { q: intruder.q }));
  yield { type: "step", text: "the box reboots into the new firmware and seeds its generator afresh" };
  const sample = 2500; // 20,000 bits
  const statsBefore = timed(() => outputStats(DualEcDrbg.fromState(box.state, { q: vendor.q }).generate(sample)));
  const statsAfter = timed(() => outputStats(DualEcDrbg.fromState(swapped.state, { q: intruder.q }).generate(sample)));
  let outputTestsPassed = 0;
  for (const [label, st] of [["old Q", statsBefore], ["new Q", statsAfter]] as const) {
    // Pass: bit balance within 4 standard deviations, chi-square below ~330.5 (p ≈ 0.001, 255 dof).
    const z = (st.ones - st.bits / 2) / Math.sqrt(st.bits / 4);
    const pass = Math.abs(z) < 4 && st.chi2 < 330.5;
    if (pass) outputTestsPassed++;
    yield { type: "step", text: `output test, ${label}: ${fmt(st.ones)} ones in ${fmt(st.bits)} bits (z = ${z.toFixed(2)}), byte chi-square ${st.chi2.toFixed(1)} on 255 degrees of freedom: ${pass ? "passes" : "FAILS"}` };
  }
  yield { type: "narration", text: "Every output is just the x-coordinate of a curve point, whoever holds the trapdoor: output tests cannot tell which Q has a trapdoor, or whose it is. The box keeps working, and a new session is recorded." };
  const session2 = timed(() => recordSession(swapped));
  yield { type: "step", text: `new handshake nonce: ${short(session2.handshake.nonce)}` };
  yield { type: "pause" };

  // ── Scene 5 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 5, title: "Nobody but us?" };
  const slice2 = sliceFor(session2);
  yield { type: "narration", text: full ? "Both trapdoor holders search all the candidates of the new nonce." : `Both trapdoor holders search the same slice of the new nonce's candidates, ${fmt(slice2[0])} to ${fmt(slice2[1] - 1)}, which contains the right one.` };
  const a2 = yield* attack("vendor's d", vendor.trapdoor, intruder.q, session2, slice2);
  yield { type: "result", tone: a2.opened ? "bad" : "neutral", text: `vendor's trapdoor: ${fmt(a2.search.onCurve)} points on the curve, ${a2.search.survivors.length} matched the last 2 bytes, ${a2.opened ? "the session OPENED" : "none opens the session"} (${a2.seconds.toFixed(2)} s)` };
  const a3 = yield* attack("intruder's d", intruder.trapdoor, intruder.q, session2, slice2);
  yield { type: "result", tone: a3.opened ? "bad" : "good", text: `intruder's trapdoor: ${a3.search.survivors.length} matched, ${a3.opened ? `session decrypted: ${countOf(a3.decrypted, nMessages, "record")}` : "no candidate opens the session"} (${a3.seconds.toFixed(2)} s)` };
  if (a3.opened) {
    const intruderView = DualEcDrbg.fromState(a3.opened.state, { q: intruder.q });
    const matched = matching(timed(() => intruderView.generate(32)), session2.handshake.dhSecret);
    yield { type: "step", text: `the intruder predicted the box's new DH secret: ${matched} of 32 bytes exact` };
  }
  yield { type: "step", text: `the session recorded before the swap stays open to the vendor (${countOf(a1.decrypted, nMessages, "record")}): a recording does not expire` };
  yield { type: "narration", text: "The trapdoor never belonged to its maker alone: it belongs to whoever controls the constant. Whoever swapped Q took the backdoor over, and the vendor's key went silent without any test noticing." };
  yield { type: "fact", ...FACTS.juniperAdvisory };
  yield { type: "narration", text: "Deviations from ScreenOS, for honesty: ScreenOS passed Dual EC output through an ANSI X9.31 stage that a bug made a pass-through, so this demo uses the Dual EC output directly; its handshake is a simplified one (a 32-byte nonce, then an X25519 key, HKDF-SHA-256 and ChaCha20-Poly1305) instead of IKE and ESP; and both Qs here were made by this run, not Juniper's or the 2012 one." };
  yield { type: "pause" };

  // ── Summary ─────────────────────────────────────────────────────────────────────────────
  const computeSeconds = otherSeconds + a1.totalSeconds + a2.totalSeconds + a3.totalSeconds;
  yield { type: "metric", name: "compute_seconds", label: "time of all the cryptography in this run (searches included)", value: computeSeconds, unit: "s" };
  const sliceText = full ? `all ${fmt(CANDIDATES)}` : `a slice of ${fmt(sliceSize)} of ${fmt(CANDIDATES)}`;
  yield {
    type: "summary",
    title: "What one constant decides",
    rows: [
      { label: "candidates searched per trapdoor", value: sliceText, tone: "neutral" },
      { label: "vendor's trapdoor, before the swap", value: `${plural(a1.search.survivors.length, "survivor")}, ${countOf(a1.decrypted, nMessages, "record")} decrypted in ${a1.seconds.toFixed(2)} s`, tone: a1.opened ? "bad" : "good" },
      { label: "later output predicted exactly", value: `${predictedBytes} bytes`, tone: predictedBytes > 0 ? "bad" : "good" },
      { label: "vendor's trapdoor, after the swap", value: a2.opened ? "still opens the session" : "opens nothing", tone: a2.opened ? "bad" : "neutral" },
      { label: "intruder's trapdoor, after the swap", value: a3.opened ? `opens the session (${countOf(a3.decrypted, nMessages, "record")})` : "opens nothing", tone: a3.opened ? "bad" : "good" },
      { label: "output tests passed, old Q and new Q", value: `${outputTestsPassed} of 2`, tone: "neutral" },
      { label: "compute time", value: `${computeSeconds.toFixed(2)} s on ${threadsUsed} thread${threadsUsed === 1 ? "" : "s"}`, tone: "neutral" },
    ],
    metrics: {
      candidates_tried: a1.search.tried,
      on_curve: a1.search.onCurve,
      survivors: a1.search.survivors.length,
      state_recovered: stateRecovered ? 1 : 0,
      predicted_bytes_matched: predictedBytes,
      session_messages: nMessages,
      session_messages_decrypted: a1.decrypted,
      old_trapdoor_after_swap: a2.opened ? 1 : 0,
      new_trapdoor_after_swap: a3.opened ? 1 : 0,
      old_trapdoor_survivors_after_swap: a2.search.survivors.length,
      new_trapdoor_survivors_after_swap: a3.search.survivors.length,
      after_swap_messages_decrypted: a3.decrypted,
      output_tests_passed: outputTestsPassed,
      full: full ? 1 : 0,
      slice_size: sliceSize,
      threads: threadsUsed,
      search_seconds: a1.seconds,
      search_seconds_after_swap_old: a2.seconds,
      search_seconds_after_swap_new: a3.seconds,
      candidates_per_second: a1.search.tried / Math.max(a1.seconds, 1e-9),
      compute_seconds: computeSeconds,
    },
  };
}
