/**
 * The bulk work of `doormat demo forward-secrecy`, as plain functions over plain data so that
 * the same code runs in this thread or in a worker (parallel.ts, worker.ts): one conversation
 * simulated with real Signal sessions (and, for Alice's conversation, static-key age
 * encryption), then the recorded transcript attacked with only stolen material.
 *
 * The simulation is the honest side (it knows the plaintexts and checks every delivery); the
 * attack functions get only the transcript, the public identities and what was stolen, and
 * return what they could decrypt. The scenario compares that with what was sent.
 *
 * @module
 */
import { decrypt, encrypt } from "../crypto/age.js";
import { fromUtf8, utf8 } from "../crypto/bytes.js";
import { NoMatchError } from "../crypto/errors.js";
import { generateKeyPair as generateAgeKeyPair } from "../crypto/keys.js";
import { secureRandom, seededRandom, type RandomSource } from "../crypto/random.js";
import { X25519Identity, X25519Recipient } from "../crypto/recipients/x25519.js";
import { EscrowAttacker, StolenStateAttacker, type RecordedMessage } from "../crypto/signal/attacker.js";
import { wrapChainKey } from "../crypto/signal/escrow.js";
import type { DoubleRatchetSession, SessionState } from "../crypto/signal/ratchet.js";
import { startSessionAsAlice, startSessionAsBob } from "../crypto/signal/session.js";
import { createPreKeys, encodePublicKey, generateIdentity } from "../crypto/signal/x3dh.js";

/** One conversation to simulate. Message numbers are 1-based. */
export interface FsSimulateJob {
  readonly kind: "simulate";
  /** Conversation number (0 is Alice's). */
  readonly conversation: number;
  /** With a seed, every key of this conversation derives from (seed, conversation). */
  readonly seed: string | undefined;
  /** Who sends each message: true for the first person (Alice in conversation 0). */
  readonly fromFirst: readonly boolean[];
  readonly plaintexts: readonly string[];
  /** The event: after message `eventAt` is sent (and delivered, unless delayed), the first person's device is copied. */
  readonly eventAt: number;
  /** Messages to the first person sent up to the event that arrive only right after it. */
  readonly delayed: readonly number[];
  /** Which schemes to run: the escrowed ratchet always; static and plain ratchet for Alice's conversation. */
  readonly schemes: { readonly static: boolean; readonly ratchet: boolean };
  /** The escrow X25519 public key, 32 bytes. */
  readonly escrowPublic: Uint8Array;
}

/** A recorded ratchet transcript with what an interceptor also sees: the two identity keys (33-byte encodings). */
export interface RatchetTranscript {
  readonly messages: RecordedMessage[];
  readonly firstIdentity: Uint8Array;
  readonly secondIdentity: Uint8Array;
}

export interface FsSimulateResult {
  readonly conversation: number;
  /** The escrowed ratchet: transcript and the first person's state copied at the event. */
  readonly escrowed: { transcript: RatchetTranscript; seized: SessionState };
  readonly ratchet?: { transcript: RatchetTranscript; seized: SessionState; ratchetSteps: number };
  /** Static-key E2EE: one age file per message (to the recipient and to the sender's own key); the first person's secret key. */
  readonly static?: { files: Uint8Array[]; seizedKey: Uint8Array };
  /** Bytes the interceptor recorded, all schemes. */
  readonly recordedBytes: number;
}

/** What the attacker gets for one conversation's transcripts. */
export interface FsAttackJob {
  readonly kind: "attack";
  readonly conversation: number;
  readonly escrowed: RatchetTranscript;
  /** Leaked escrow key pair (32 bytes each). */
  readonly escrowSecret: Uint8Array;
  readonly escrowPublic: Uint8Array;
  /** Alice's seized escrowed-scheme state, tried on every conversation. */
  readonly seizedEscrowed: SessionState;
  /** Alice's conversation only: the plain ratchet transcript and her seized state. */
  readonly ratchet?: { transcript: RatchetTranscript; seized: SessionState };
  /** Alice's conversation only: the static-key files and her secret key. */
  readonly static?: { files: Uint8Array[]; seizedKey: Uint8Array };
}

/** Plaintexts the attacker obtained (null: stayed closed), per message. */
export interface FsAttackResult {
  readonly conversation: number;
  readonly escrowLeak: (string | null)[];
  readonly seizedEscrowed: (string | null)[];
  readonly ratchet?: (string | null)[];
  readonly static?: (string | null)[];
}

export type FsJob = FsSimulateJob | FsAttackJob;
export type FsResult = FsSimulateResult | FsAttackResult;

function randomFor(job: FsSimulateJob, scheme: string): RandomSource {
  return job.seed === undefined ? secureRandom : seededRandom(`${job.seed}:forward-secrecy:${job.conversation}:${scheme}`);
}

/** A plaintext that came out of a delivery other than what was sent is a bug, not a result. */
function check(got: Uint8Array, expected: string, n: number): void {
  if (fromUtf8(got) !== expected) throw new Error(`message ${n} was delivered as something other than what was sent`);
}

async function simulateRatchet(job: FsSimulateJob, escrow: boolean): Promise<{ transcript: RatchetTranscript; seized: SessionState; ratchetSteps: number }> {
  const random = randomFor(job, escrow ? "escrowed" : "ratchet");
  const alice = await generateIdentity(random);
  const bob = await generateIdentity(random);
  const { store, bundle } = createPreKeys(bob, random, 1);
  const { session: a, header } = await startSessionAsAlice(alice, bundle, random);
  let b: DoubleRatchetSession | undefined;
  const messages: RecordedMessage[] = [];
  const fields: { first?: Uint8Array; second?: Uint8Array } = {};
  const delayed = new Set(job.delayed);
  const waiting: number[] = [];
  let seized: SessionState | undefined;
  let ratchetKeys = 0;
  for (let i = 0; i < job.fromFirst.length; i++) {
    const n = i + 1;
    const first = job.fromFirst[i] as boolean;
    const sender = first ? a : b;
    if (!sender) throw new Error("the second person cannot write before the first message");
    const sent = sender.encryptWithKey(utf8(job.plaintexts[i] as string));
    if (sent.counter === 0) ratchetKeys++; // each sending chain starts with a new ratchet key
    let field: Uint8Array | undefined;
    if (escrow) {
      const side = first ? "first" : "second";
      // The mandate: each new sending chain key is wrapped to the escrow key.
      if (sent.counter === 0) fields[side] = wrapChainKey(job.escrowPublic, sender.ratchetKey, sent.chainKey, random);
      field = fields[side];
    }
    sent.chainKey.fill(0);
    sent.messageKeySeed.fill(0);
    messages.push(field ? { message: sent.message, fromFirst: first, escrow: field } : { message: sent.message, fromFirst: first });
    if (first) {
      if (b) check(b.decrypt(sent.message), job.plaintexts[i] as string, n);
      else {
        const started = await startSessionAsBob(store, header, sent.message, random);
        b = started.session;
        check(started.plaintext, job.plaintexts[i] as string, n);
      }
    } else if (delayed.has(n) && n <= job.eventAt) {
      waiting.push(i);
    } else {
      check(a.decrypt(sent.message), job.plaintexts[i] as string, n);
    }
    if (n === job.eventAt) {
      seized = a.snapshot();
      for (const w of waiting) check(a.decrypt((messages[w] as RecordedMessage).message), job.plaintexts[w] as string, w + 1);
    }
  }
  return {
    transcript: { messages, firstIdentity: encodePublicKey(alice.dhPublicKey), secondIdentity: encodePublicKey(bob.dhPublicKey) },
    seized: seized ?? a.snapshot(),
    ratchetSteps: ratchetKeys,
  };
}

function simulateStatic(job: FsSimulateJob): { files: Uint8Array[]; seizedKey: Uint8Array } {
  const random = randomFor(job, "static");
  const alice = generateAgeKeyPair(random);
  const bob = generateAgeKeyPair(random);
  // Each phone imports its own secret key once (an import costs a scalar multiplication).
  const identities = { alice: new X25519Identity(alice.secretKey), bob: new X25519Identity(bob.secretKey) };
  const files = job.fromFirst.map((first, i) => {
    const [from, to, toIdentity] = first ? [alice, bob, identities.bob] : [bob, alice, identities.alice];
    // To the recipient, and a copy to the sender's own key for her history.
    const file = encrypt(utf8(job.plaintexts[i] as string), [new X25519Recipient(to.publicKey), new X25519Recipient(from.publicKey)], { random });
    check(decrypt(file, [toIdentity]), job.plaintexts[i] as string, i + 1);
    return file;
  });
  return { files, seizedKey: alice.secretKey };
}

/** Simulates one conversation (every delivery checked against what was sent). */
export async function simulateConversation(job: FsSimulateJob): Promise<FsSimulateResult> {
  const escrowed = await simulateRatchet(job, true);
  const ratchet = job.schemes.ratchet ? await simulateRatchet(job, false) : undefined;
  const stat = job.schemes.static ? simulateStatic(job) : undefined;
  const bytes = (t: RatchetTranscript | undefined): number => (t ? t.messages.reduce((s, m) => s + m.message.length + (m.escrow?.length ?? 0), 0) : 0);
  return {
    conversation: job.conversation,
    escrowed: { transcript: escrowed.transcript, seized: escrowed.seized },
    ...(ratchet ? { ratchet } : {}),
    ...(stat ? { static: stat } : {}),
    recordedBytes: bytes(escrowed.transcript) + bytes(ratchet?.transcript) + (stat ? stat.files.reduce((s, f) => s + f.length, 0) : 0),
  };
}

const asText = (b: Uint8Array | null): string | null => (b === null ? null : fromUtf8(b));

function attackWithState(seized: SessionState, t: RatchetTranscript): (string | null)[] {
  const attacker = new StolenStateAttacker(seized);
  return t.messages.map((m) => asText(attacker.tryOpen(m.message, m.fromFirst)));
}

/** Attacks one conversation's transcripts with only the stolen material. */
export function attackConversation(job: FsAttackJob): FsAttackResult {
  const escrow = new EscrowAttacker(job.escrowSecret, job.escrowPublic);
  const seizedIdentity = job.static ? new X25519Identity(job.static.seizedKey) : undefined; // imported once, as the thief would
  const t = job.escrowed;
  const escrowLeak = t.messages.map((m) => asText(escrow.tryOpen(m, m.fromFirst ? t.firstIdentity : t.secondIdentity, m.fromFirst ? t.secondIdentity : t.firstIdentity)));
  const result: FsAttackResult = {
    conversation: job.conversation,
    escrowLeak,
    seizedEscrowed: attackWithState(job.seizedEscrowed, t),
    ...(job.ratchet ? { ratchet: attackWithState(job.ratchet.seized, job.ratchet.transcript) } : {}),
    ...(job.static
      ? {
          static: job.static.files.map((f) => {
            try {
              return fromUtf8(decrypt(f, [seizedIdentity as X25519Identity]));
            } catch (e) {
              if (e instanceof NoMatchError) return null;
              throw e;
            }
          }),
        }
      : {}),
  };
  return result;
}

/** Runs one job of either kind. */
export async function runFsJob(job: FsJob): Promise<FsResult> {
  return job.kind === "simulate" ? simulateConversation(job) : attackConversation(job);
}
