/**
 * `doormat demo forward-secrecy`: what a seized phone and a leaked escrow key each open, under
 * static-key end-to-end encryption, the Double Ratchet, and the ratchet with escrow.
 *
 * The conversations run on real Signal sessions (src/crypto/signal/: X3DH, then the Double
 * Ratchet with libsignal's key derivations); static-key messages are real age files. An
 * interceptor records every ciphertext; at the event the attacker gets only that record and the
 * stolen keys, and a message counts as opened only if it authenticated, decrypted, and equals
 * what was sent. The bulk work runs over every core (../forward-secrecy-jobs.ts).
 *
 * @module
 */
import { generateKeyPair } from "../../crypto/keys.js";
import type { RandomSource } from "../../crypto/random.js";
import type { DemoEvent } from "../events.js";
import { FACTS } from "../facts.js";
import type { FsAttackJob, FsAttackResult, FsSimulateJob, FsSimulateResult } from "../forward-secrecy-jobs.js";
import { intOption, type ScenarioContext } from "../scenario.js";
import { countOf, formatCount as fmt, plural } from "../../ui/numbers.js";

/** What people write. Ordinary, which is the point. */
const TEXTS = [
  "are you free tonight?",
  "the results came back, call me",
  "I'll bring the documents tomorrow",
  "don't tell anyone yet",
  "the meeting moved to Thursday",
  "here's the address",
  "love you",
  "the lawyer says wait until Monday",
  "ok",
  "see you at 7",
] as const;

function randInt(random: RandomSource, n: number): number {
  const b = random(4);
  const x = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
  return x % n; // bias below 1e-8 for these n
}

const count = (xs: readonly boolean[]): number => xs.reduce((n, x) => n + (x ? 1 : 0), 0);

/**
 * Await bulk work, reporting progress (finished jobs) every 100 ms.
 * @returns the work's value and `ctx.now()` when it settled: drawing the finished bar (a paced
 *   line under --pace) is not part of the work's time
 */
async function* track<T>(work: Promise<T>, ctx: ScenarioContext, total: number, task: string): AsyncGenerator<DemoEvent, { value: T; endedAt: number }> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => {});
  while (!settled) {
    await Promise.race([done.catch(() => {}), new Promise((r) => setTimeout(r, 100))]);
    if (!settled) yield { type: "progress", task, done: Math.min(ctx.bulk.done(), total - 1), total };
  }
  const value = await work;
  const endedAt = ctx.now();
  yield { type: "progress", task, done: total, total };
  return { value, endedAt };
}

/** Who sends each message: alternating runs of 1 to 8 messages, the first person first. */
function conversationPattern(random: RandomSource, n: number): { fromFirst: boolean[]; runs: number } {
  const fromFirst: boolean[] = [];
  let first = true;
  let runs = 0;
  while (fromFirst.length < n) {
    const len = 1 + randInt(random, 8);
    for (let i = 0; i < len && fromFirst.length < n; i++) fromFirst.push(first);
    first = !first;
    runs++;
  }
  return { fromFirst, runs };
}

/**
 * Who writes the conversation, in words that fit any size: "Alice writes 2 messages to Bob,
 * who does not answer", "Alice and Bob write 1,000 messages, taking turns: 223 turns of 1 to
 * 8 messages".
 */
function whoWrites(first: string, second: string, fromFirst: readonly boolean[]): string {
  const turns: number[] = [];
  fromFirst.forEach((f, i) => {
    if (i > 0 && f === fromFirst[i - 1]) turns[turns.length - 1] = (turns.at(-1) as number) + 1;
    else turns.push(1);
  });
  const n = fromFirst.length;
  if (turns.length === 1) return `${first} writes ${plural(n, "message")} to ${second}, who does not answer`;
  const least = Math.min(...turns);
  const most = Math.max(...turns);
  const each = least === most ? `${plural(least, "message")} each` : `${fmt(least)} to ${plural(most, "message")}`;
  return `${first} and ${second} write ${plural(n, "message")}, taking turns: ${plural(turns.length, "turn")} of ${each}`;
}

/** Compares what the attacker obtained with what was sent. */
function opened(got: readonly (string | null)[], sent: readonly string[]): boolean[] {
  return sent.map((s, i) => {
    const g = got[i];
    if (g === null || g === undefined) return false;
    if (g !== s) throw new Error(`message ${i + 1} decrypted to something other than what was sent`);
    return true;
  });
}

/** The forward-secrecy scenario (options and scenes: see ../registry.ts). */
export async function* run(ctx: ScenarioContext): AsyncGenerator<DemoEvent, void, void> {
  const { random } = ctx;
  const n = intOption(ctx.options, "messages");
  const t = intOption(ctx.options, "event-at");
  const dropAsked = intOption(ctx.options, "drop");
  const k = intOption(ctx.options, "conversations");

  // ── Scene 1 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 1, title: "Three ways to encrypt a chat" };
  yield { type: "fact", ...FACTS.letter2019 };
  yield { type: "narration", text: "Three messengers carry the same conversations. Static: each message is encrypted to the recipient's long-term key, plus a copy to the sender's own key for her history, as static-key messengers keep it. Ratchet: the Signal protocol, X3DH then the Double Ratchet, where every message has its own key and each key is deleted after use. Ratchet with escrow: the same Signal protocol, but to keep lawful access working every new chain key is also wrapped to one escrow key." };
  yield { type: "narration", text: "All cryptography below is real and happens now, on this machine: key agreement, ratcheting, encryption, and the attacker's decryption of every recorded message." };
  yield { type: "pause" };

  // ── Scene 2 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 2, title: "The conversations, recorded whole" };
  const conversations = Array.from({ length: k }, (_, c) => {
    const { fromFirst, runs } = conversationPattern(random, n);
    const [first, second] = c === 0 ? ["Alice", "Bob"] : [`user-${String(2 * c + 1).padStart(4, "0")}`, `user-${String(2 * c + 2).padStart(4, "0")}`];
    const plaintexts = fromFirst.map((f, i) => `${f ? first : second}: ${TEXTS[randInt(random, TEXTS.length)]} (#${i + 1})`);
    return { fromFirst, runs, plaintexts, first, second };
  });
  const alice = conversations[0] as (typeof conversations)[number];
  // --drop: messages to Alice sent up to the event that reach her only after it.
  const candidates = alice.fromFirst.map((f, i) => (!f && i + 1 <= t ? i + 1 : 0)).filter((x) => x > 0);
  const delayed: number[] = [];
  while (delayed.length < Math.min(dropAsked, candidates.length)) {
    const j = randInt(random, candidates.length - delayed.length);
    delayed.push(candidates.splice(j, 1)[0] as number);
  }
  delayed.sort((a, b) => a - b);
  const escrowKey = generateKeyPair(random);
  yield { type: "narration", text: `${whoWrites(alice.first, alice.second, alice.fromFirst)}. ${k > 1 ? `${plural(k - 1, "other pair")} of people chat on the same platform, ${plural(n, "message")} each. ` : ""}An interceptor records every ciphertext (harvest now, decrypt later).` };
  const t0 = ctx.now();
  const simJobs: FsSimulateJob[] = conversations.map((c, i) => ({
    kind: "simulate",
    conversation: i,
    seed: ctx.seed,
    fromFirst: c.fromFirst,
    plaintexts: c.plaintexts,
    eventAt: t,
    delayed: i === 0 ? delayed : [],
    schemes: { static: i === 0, ratchet: i === 0 },
    escrowPublic: escrowKey.publicKey,
  }));
  const simulated = yield* track(ctx.bulk.forwardSecrecy(simJobs), ctx, simJobs.length, "running the conversations");
  const sims = simulated.value as FsSimulateResult[];
  const simulateSeconds = (simulated.endedAt - t0) / 1000;
  const a0 = sims[0] as FsSimulateResult;
  const recorded = sims.reduce((s, r) => s + r.recordedBytes, 0);
  yield { type: "step", text: `X3DH: ${alice.first} checked the signature on ${alice.second}'s signed prekey and used one one-time prekey; identity keys are Ed25519, converted to X25519 for the key agreement` };
  yield { type: "step", text: `${plural(n * (k + 2), "message")} sent and delivered, every one decrypted by its recipient and checked (${plural(n, "age file")} for static, ${plural(n * (k + 1), "Signal message")}), in ${simulateSeconds.toFixed(2)} s` };
  if (a0.ratchet) yield { type: "step", text: `the ratchet in ${alice.first}'s conversation used ${plural(a0.ratchet.ratchetSteps, "ratchet key")}: a new key pair at each change of direction` };
  yield { type: "step", text: `the interceptor recorded ${fmt(recorded)} bytes` };
  yield { type: "metric", name: "recorded_bytes", label: "bytes recorded", value: recorded, unit: "bytes" };
  yield { type: "pause" };

  // ── Scene 3 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 3, title: `The event, after message #${t}` };
  yield { type: "narration", text: `Right after message #${t}, two independent things happen. ${alice.first}'s phone is seized and everything on it copied: her long-term keys, the whole ratchet state, and any keys it keeps for messages still on their way. Separately, the escrow key leaks.` };
  if (dropAsked > 0) {
    yield { type: "step", text: `${plural(delayed.length, "message")} from ${alice.second} to ${alice.first} sent by then were delayed and arrive only after the event${delayed.length < dropAsked ? ` (only ${plural(delayed.length, "such message")} ${delayed.length === 1 ? "exists" : "exist"} up to #${t})` : ""}: their keys wait on her phone as skipped message keys` };
  }
  yield { type: "pause" };

  // ── Scene 4 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 4, title: "What the stolen keys open" };
  yield { type: "narration", text: "The attacker gets the recorded ciphertexts and the stolen keys, nothing else, and tries every message in the order it was sent. A message counts as opened only if it authenticates and decrypts to exactly what was sent." };
  const t1 = ctx.now();
  const attackJobs: FsAttackJob[] = sims.map((s) => ({
    kind: "attack",
    conversation: s.conversation,
    escrowed: s.escrowed.transcript,
    escrowSecret: escrowKey.secretKey,
    escrowPublic: escrowKey.publicKey,
    seizedEscrowed: a0.escrowed.seized,
    ...(s.ratchet ? { ratchet: { transcript: s.ratchet.transcript, seized: s.ratchet.seized } } : {}),
    ...(s.static ? { static: s.static } : {}),
  }));
  const attacked = yield* track(ctx.bulk.forwardSecrecy(attackJobs), ctx, attackJobs.length, "attacking the recordings");
  const attacks = attacked.value as FsAttackResult[];
  const attackSeconds = (attacked.endedAt - t1) / 1000;
  // The two measured phases only: scenes 2 and 3 end in pauses, and with --step or --pace the
  // wall clock from t0 would count the presenter's wait as compute time.
  const computeSeconds = simulateSeconds + attackSeconds;

  const mine = attacks[0] as FsAttackResult;
  const staticRow = opened(mine.static ?? [], alice.plaintexts);
  const ratchetRow = opened(mine.ratchet ?? [], alice.plaintexts);
  const thiefRow = opened(mine.seizedEscrowed, alice.plaintexts);
  const leakRows = attacks.map((r, i) => opened(r.escrowLeak, (conversations[i] as { plaintexts: string[] }).plaintexts));
  const seizureRows = attacks.map((r, i) => opened(r.seizedEscrowed, (conversations[i] as { plaintexts: string[] }).plaintexts));
  const leakRow = leakRows[0] as boolean[];
  const past = (row: readonly boolean[]): number => count(row.slice(0, t));
  const future = (row: readonly boolean[]): number => count(row.slice(t));
  /** 1-based number of the first message after the event that stays closed; 0 if none does. */
  const healsAt = (row: readonly boolean[]): number => {
    const i = row.findIndex((x, j) => j >= t && !x);
    return i < 0 ? 0 : i + 1;
  };
  const ratchetHeals = healsAt(ratchetRow);
  const staticHeals = healsAt(staticRow);
  const tone = (x: number) => (x === 0 ? ("good" as const) : ("bad" as const));
  yield { type: "result", tone: tone(count(staticRow)), text: `static, phone seized: ${fmt(count(staticRow))} of ${fmt(n)} opened (${fmt(past(staticRow))} before the event, ${fmt(future(staticRow))} after); ${staticHeals === 0 ? "it never heals: the same key keeps working" : `the first message it cannot open is #${staticHeals}`}` };
  yield { type: "result", tone: tone(past(ratchetRow) + future(ratchetRow)), text: `ratchet, phone seized: ${fmt(count(ratchetRow))} of ${fmt(n)} opened: ${fmt(past(ratchetRow))} before the event${delayed.length > 0 ? ` (the delayed ones, whose keys were still waiting)` : ""}, ${fmt(future(ratchetRow))} after, ${ratchetHeals > 0 ? `and from #${ratchetHeals} on the ratchet has healed` : "and there was nothing left to heal before the end"}` };
  yield { type: "result", tone: tone(count(thiefRow)), text: `ratchet with escrow, phone seized: ${fmt(count(thiefRow))} of ${fmt(n)}, the same as the ratchet: escrow does not weaken the thief's view` };
  yield { type: "result", tone: tone(count(leakRow)), text: `ratchet with escrow, escrow key leaked: ${fmt(count(leakRow))} of ${fmt(n)} opened (${fmt(past(leakRow))} before the event, ${fmt(future(leakRow))} after), without touching anyone's phone` };
  yield {
    type: "timeline",
    title: `${alice.first} and ${alice.second}`,
    messages: n,
    eventAt: t,
    marked: delayed,
    sentByFirst: alice.fromFirst,
    rows: [
      { id: "static_seized", label: "static, phone seized", exposed: staticRow },
      { id: "ratchet_seized", label: "ratchet, phone seized", exposed: ratchetRow },
      { id: "escrow_seized", label: "escrow, phone seized", exposed: thiefRow },
      { id: "escrow_leak", label: "escrow, key leaked", exposed: leakRow },
    ],
  };
  yield { type: "narration", text: `${count(ratchetRow) === 0 ? "Here the ratchet gave away nothing: no recorded message used a key still on the phone. The phone" : "The ratchet gives away only a short window after the event: the phone"} held the current chain keys and ratchet key, so an attacker follows the conversation until a ratchet key made after the seizure takes over. Messages already on ${alice.first}'s phone are readable in every scheme unless disappearing messages are on; the comparison here is about what the recorded ciphertexts give away.` };
  yield { type: "step", text: `${plural(n * (k + 2), "recorded message")} attacked in ${attackSeconds.toFixed(2)} s` };
  yield { type: "pause" };

  // ── Scene 5 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 5, title: "Blast radius" };
  const leakExposed = leakRows.reduce((s, r) => s + count(r), 0);
  const leakConversations = leakRows.filter((r) => r.some(Boolean)).length;
  const seizureConversations = seizureRows.filter((r) => r.some(Boolean)).length;
  const seizureExposed = seizureRows.reduce((s, r) => s + count(r), 0);
  yield { type: "narration", text: `The attacker tries both stolen keys on ${k === 1 ? "the one recorded conversation" : `all ${plural(k, "recorded conversation")}`} of the platform.` };
  yield { type: "result", tone: "neutral", text: `${alice.first}'s seized phone opens messages in ${countOf(seizureConversations, k, "conversation")} (${plural(seizureExposed, "message")}): a device exposes only the chats it is in` };
  yield { type: "result", tone: "bad", text: `the leaked escrow key opens ${countOf(leakExposed, n * k, "message")} in ${countOf(leakConversations, k, "conversation")}: everyone's past and future, at once` };
  yield { type: "fact", ...FACTS.doormatsTarget };
  yield { type: "pause" };

  yield { type: "metric", name: "compute_seconds", label: "time to run and attack every conversation", value: computeSeconds, unit: "s" };
  yield {
    type: "summary",
    title: "Forward secrecy, measured",
    rows: [
      { label: "messages per conversation / conversations", value: `${fmt(n)} / ${fmt(k)}`, tone: "neutral" },
      { label: `event after message`, value: `#${t}${delayed.length > 0 ? ` (${fmt(delayed.length)} delayed)` : ""}`, tone: "neutral" },
      { label: "static, phone seized", value: `${fmt(count(staticRow))} of ${fmt(n)}${staticHeals === 0 ? ", never heals" : `, heals at #${staticHeals}`}`, tone: tone(count(staticRow)) },
      { label: "ratchet, phone seized", value: `${fmt(count(ratchetRow))} of ${fmt(n)} (past ${fmt(past(ratchetRow))}, future ${fmt(future(ratchetRow))})${ratchetHeals > 0 ? `, heals at #${ratchetHeals}` : ""}`, tone: tone(count(ratchetRow)) },
      { label: "escrow key leaked", value: `${fmt(leakExposed)} of ${fmt(n * k)} in ${countOf(leakConversations, k, "conversation")}`, tone: tone(leakExposed) },
      { label: "seized phone, conversations touched", value: `${fmt(seizureConversations)} of ${fmt(k)}`, tone: "neutral" },
      { label: "compute time", value: `${computeSeconds.toFixed(2)} s`, tone: "neutral" },
    ],
    metrics: {
      messages: n,
      conversations: k,
      event_at: t,
      dropped: delayed.length,
      static_exposed: count(staticRow),
      static_exposed_past: past(staticRow),
      static_exposed_future: future(staticRow),
      ratchet_exposed: count(ratchetRow),
      ratchet_exposed_past: past(ratchetRow),
      ratchet_exposed_future: future(ratchetRow),
      ratchet_heals_at: ratchetHeals,
      escrow_seized_exposed: count(thiefRow),
      escrow_leak_exposed: leakExposed,
      escrow_leak_conversations: leakConversations,
      seizure_conversations: seizureConversations,
      simulate_seconds: simulateSeconds,
      attack_seconds: attackSeconds,
      compute_seconds: computeSeconds,
    },
  };
}
