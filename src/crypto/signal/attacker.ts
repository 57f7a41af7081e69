/**
 * Passive attackers on a recorded Signal transcript: they get only ciphertexts (and what any
 * interceptor sees: who sent each message, the public identity keys) plus stolen key material,
 * and a message counts as opened only if its MAC verifies and it decrypts.
 *
 * - {@link StolenStateAttacker}: a copy of one party's whole session state (a seized device).
 *   It can use the skipped keys, its chain keys from their current index on, and one DH ratchet
 *   step ahead with the stolen ratchet secret and root key; it cannot follow the party's next
 *   ratchet key, which is made fresh after the seizure (Double Ratchet §6.1, §6.2).
 * - {@link EscrowAttacker}: the leaked escrow key and the escrow fields ({@link ./escrow.ts}).
 *
 * @module
 */
import { toHex } from "../bytes.js";
import { primitives as defaultPrimitives, type Primitives, type X25519Key } from "../primitives.js";
import { unwrapChainKey } from "./escrow.js";
import { kdfRk, messageKeySeed, nextChainKey } from "./keys.js";
import { openMessage, parseMessage, skippedKeyId, type MessageHeader, type SessionState } from "./ratchet.js";

/** One recorded message, as an interceptor has it. */
export interface RecordedMessage {
  /** The Signal message bytes. */
  readonly message: Uint8Array;
  /** Whether the message was sent by the party whose identity is `first` in the conversation (Alice). */
  readonly fromFirst: boolean;
  /** The escrow field, when the escrowed scheme is in use. */
  readonly escrow?: Uint8Array;
}

/** A chain known from some index on; the attacker keeps the base key (it has no reason to delete it). */
interface KnownChain {
  readonly baseKey: Uint8Array;
  readonly baseIndex: number;
  cursorKey: Uint8Array;
  cursorIndex: number;
}

function seedAt(chain: KnownChain, counter: number, p: Primitives): Uint8Array | null {
  if (counter < chain.baseIndex) return null;
  if (counter < chain.cursorIndex) {
    chain.cursorKey = chain.baseKey;
    chain.cursorIndex = chain.baseIndex;
  }
  while (chain.cursorIndex < counter) {
    chain.cursorKey = nextChainKey(chain.cursorKey, p);
    chain.cursorIndex++;
  }
  return messageKeySeed(chain.cursorKey, p);
}

function header(message: Uint8Array): MessageHeader | null {
  try {
    return parseMessage(message);
  } catch {
    return null;
  }
}

/** An attacker holding a copy of one party's whole session state (call that party "local"). */
export class StolenStateAttacker {
  private readonly state: SessionState;
  private readonly p: Primitives;
  private readonly chains = new Map<string, KnownChain>();
  /** Root key and our ratchet secret, while they still lead somewhere. */
  private ratchet: { rootKey: Uint8Array; secret: X25519Key } | null;
  /** Receiving chains derived for their ratchet keys not seen yet (one DH each). */
  private readonly candidates = new Map<string, Uint8Array>();

  /** @param stolen - the copied state (not modified) */
  constructor(stolen: SessionState, p: Primitives = defaultPrimitives) {
    this.state = stolen;
    this.p = p;
    const s = stolen.sending;
    this.chains.set(toHex(s.ratchetKeyPair.publicKey), { baseKey: s.chainKey, baseIndex: s.index, cursorKey: s.chainKey, cursorIndex: s.index });
    const r = stolen.receiving;
    if (r) this.chains.set(toHex(r.ratchetKey), { baseKey: r.chainKey, baseIndex: r.index, cursorKey: r.chainKey, cursorIndex: r.index });
    this.ratchet = { rootKey: stolen.rootKey, secret: p.x25519Key(s.ratchetKeyPair.secretKey) };
  }

  /**
   * Tries one recorded message; call in the order the messages were sent.
   * @param fromLocal - whether the stolen party sent it
   * @returns the plaintext, or `null` if nothing stolen opens it
   */
  tryOpen(message: Uint8Array, fromLocal: boolean): Uint8Array | null {
    const h = header(message);
    if (!h) return null;
    const sender = fromLocal ? this.state.localIdentity : this.state.remoteIdentity;
    const receiver = fromLocal ? this.state.remoteIdentity : this.state.localIdentity;
    const open = (seed: Uint8Array | null | undefined): Uint8Array | null => (seed ? openMessage(seed, message, sender, receiver, this.p) : null);
    const skipped = open(this.state.skipped.get(skippedKeyId(h.ratchetKey, h.counter)));
    if (skipped) return skipped;
    const hex = toHex(h.ratchetKey);
    const chain = this.chains.get(hex);
    if (chain) return open(seedAt(chain, h.counter, this.p));
    if (fromLocal || !this.ratchet) return null;
    // A ratchet key of theirs not seen before: one DH ratchet step with the stolen secret.
    let candidate = this.candidates.get(hex);
    if (!candidate) {
      candidate = kdfRk(this.ratchet.rootKey, this.ratchet.secret.ecdh(h.ratchetKey), this.p).chainKey;
      this.candidates.set(hex, candidate);
    }
    const trial: KnownChain = { baseKey: candidate, baseIndex: 0, cursorKey: candidate, cursorIndex: 0 };
    const pt = open(seedAt(trial, h.counter, this.p));
    if (pt) {
      // It worked: that chain is ours now. The party's next ratchet secret is made after the
      // seizure, so the ratchet cannot be followed further.
      this.chains.set(hex, trial);
      this.ratchet = null;
    }
    return pt;
  }
}

/** An attacker holding the escrow secret key. */
export class EscrowAttacker {
  private readonly secret: X25519Key;
  private readonly publicKey: Uint8Array;
  private readonly p: Primitives;
  private readonly chains = new Map<string, KnownChain | null>();

  /** @param escrowSecret - 32 bytes; @param escrowPublic - its public key, 32 bytes */
  constructor(escrowSecret: Uint8Array, escrowPublic: Uint8Array, p: Primitives = defaultPrimitives) {
    this.secret = p.x25519Key(escrowSecret); // imported once for every field
    this.publicKey = escrowPublic;
    this.p = p;
  }

  /**
   * Tries one recorded message with its escrow field.
   * @param senderIdentity - the sender's 33-byte encoded identity key (public); likewise the receiver's
   * @returns the plaintext, or `null`
   */
  tryOpen(m: RecordedMessage, senderIdentity: Uint8Array, receiverIdentity: Uint8Array): Uint8Array | null {
    if (!m.escrow) return null;
    const h = header(m.message);
    if (!h) return null;
    const id = `${toHex(h.ratchetKey)}:${toHex(m.escrow)}`;
    let chain = this.chains.get(id);
    if (chain === undefined) {
      const ck = unwrapChainKey(this.secret, this.publicKey, h.ratchetKey, m.escrow, this.p);
      chain = ck ? { baseKey: ck, baseIndex: 0, cursorKey: ck, cursorIndex: 0 } : null;
      this.chains.set(id, chain);
    }
    if (!chain) return null;
    const seed = seedAt(chain, h.counter, this.p);
    return seed ? openMessage(seed, m.message, senderIdentity, receiverIdentity, this.p) : null;
  }
}
