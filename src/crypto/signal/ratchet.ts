/**
 * The Double Ratchet (Perrin & Marlinspike, "The Double Ratchet Algorithm", Revision 1,
 * 2016-11-20, §3 and §5), with libsignal's key derivations and message keys
 * ({@link ./keys.ts}) and libsignal's message protection: AES-256-CBC (PKCS#7) under the
 * message's cipher key and IV, then an 8-byte truncated HMAC-SHA-256 under its MAC key over
 * sender identity ‖ receiver identity ‖ the message (version, header, ciphertext).
 *
 * Wire format (ours; libsignal puts the same fields in a protobuf, docs/PROTOCOLS.md):
 *
 *     0x33 ‖ Encode(ratchet key) (33) ‖ PN (u32 BE) ‖ N (u32 BE) ‖ ciphertext ‖ MAC (8)
 *
 * Skipped message keys are kept (at most {@link MAX_SKIP} per jump and in all), out-of-order
 * and lost messages work, a message is accepted once, and every key that is replaced or used
 * is zeroed in place and dropped from the state. A failed decryption changes nothing.
 *
 * @module
 */
import { equalBytes, toHex } from "../bytes.js";
import { primitives as defaultPrimitives, type Primitives, type X25519Key } from "../primitives.js";
import type { RandomSource } from "../random.js";
import { deriveMessageKeys, kdfRk, messageKeySeed, nextChainKey } from "./keys.js";
import { DJB_TYPE, encodePublicKey, generateKeyPair, type KeyPair } from "./x3dh.js";

/** Skipped message keys one message may make us store, and the most kept at once (Double Ratchet §3.2: "e.g. 1000"). */
export const MAX_SKIP = 1000;
/** libsignal's message version byte for pre-Kyber sessions: (3 << 4) | 3. */
export const MESSAGE_VERSION = 0x33;
/** Bytes of HMAC-SHA-256 kept (libsignal `MAC_LENGTH`). */
export const MAC_LENGTH = 8;
/** Bytes before the ciphertext: version, encoded ratchet key, PN, N. */
export const HEADER_LENGTH = 1 + 33 + 4 + 4;

/** A message that cannot be accepted. */
export class SignalProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignalProtocolError";
  }
}
/** Malformed, or its MAC does not verify (tampered, or not for this session). */
export class InvalidMessageError extends SignalProtocolError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidMessageError";
  }
}
/** Already decrypted (a replay): its key is gone. */
export class DuplicateMessageError extends SignalProtocolError {
  constructor(message: string) {
    super(message);
    this.name = "DuplicateMessageError";
  }
}
/** Would skip more than {@link MAX_SKIP} message keys. */
export class TooManySkippedMessagesError extends SignalProtocolError {
  constructor(message: string) {
    super(message);
    this.name = "TooManySkippedMessagesError";
  }
}

/** A parsed message header (Double Ratchet §3.1 HEADER). */
export interface MessageHeader {
  /** The sender's current ratchet public key, 32 bytes. */
  readonly ratchetKey: Uint8Array;
  /** PN: the length of the sender's previous sending chain. */
  readonly previousCounter: number;
  /** N: this message's number in its chain. */
  readonly counter: number;
}

/** Parses the wire format. @throws InvalidMessageError if it is malformed */
export function parseMessage(message: Uint8Array): MessageHeader & { readonly ciphertext: Uint8Array; readonly mac: Uint8Array; readonly body: Uint8Array } {
  if (message.length < HEADER_LENGTH + 16 + MAC_LENGTH || (message.length - HEADER_LENGTH - MAC_LENGTH) % 16 !== 0) throw new InvalidMessageError("message too short or misaligned");
  if (message[0] !== MESSAGE_VERSION) throw new InvalidMessageError(`unknown message version 0x${(message[0] as number).toString(16)}`);
  if (message[1] !== DJB_TYPE) throw new InvalidMessageError("ratchet key is not a Curve25519 key");
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  return {
    ratchetKey: message.subarray(2, 34),
    previousCounter: view.getUint32(34),
    counter: view.getUint32(38),
    ciphertext: message.subarray(HEADER_LENGTH, message.length - MAC_LENGTH),
    mac: message.subarray(message.length - MAC_LENGTH),
    body: message.subarray(0, message.length - MAC_LENGTH),
  };
}

function mac(p: Primitives, macKey: Uint8Array, sender: Uint8Array, receiver: Uint8Array, body: Uint8Array): Uint8Array {
  const input = new Uint8Array(sender.length + receiver.length + body.length);
  input.set(sender, 0);
  input.set(receiver, sender.length);
  input.set(body, sender.length + receiver.length);
  return p.hmac(macKey, input).subarray(0, MAC_LENGTH);
}

/**
 * Builds one message from its message-key seed (what {@link DoubleRatchetSession.encrypt} does
 * after KDF_CK). Exposed so that known-answer and escrow code can use exactly this format.
 */
export function sealMessage(seed: Uint8Array, header: MessageHeader, plaintext: Uint8Array, senderIdentity: Uint8Array, receiverIdentity: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array {
  const keys = deriveMessageKeys(seed, p);
  const ct = p.aes256CbcEncrypt(keys.cipherKey, keys.iv, plaintext);
  const out = new Uint8Array(HEADER_LENGTH + ct.length + MAC_LENGTH);
  out[0] = MESSAGE_VERSION;
  out.set(encodePublicKey(header.ratchetKey), 1);
  const view = new DataView(out.buffer);
  view.setUint32(34, header.previousCounter);
  view.setUint32(38, header.counter);
  out.set(ct, HEADER_LENGTH);
  out.set(mac(p, keys.macKey, senderIdentity, receiverIdentity, out.subarray(0, HEADER_LENGTH + ct.length)), HEADER_LENGTH + ct.length);
  keys.cipherKey.fill(0);
  keys.macKey.fill(0);
  return out;
}

/**
 * Opens one message with its message-key seed: MAC first (constant-time compare), then AES.
 * @returns the plaintext, or `null` if the MAC or the padding is wrong (or it is malformed)
 */
export function openMessage(seed: Uint8Array, message: Uint8Array, senderIdentity: Uint8Array, receiverIdentity: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array | null {
  let parsed: ReturnType<typeof parseMessage>;
  try {
    parsed = parseMessage(message);
  } catch {
    return null;
  }
  const keys = deriveMessageKeys(seed, p);
  try {
    if (!equalBytes(mac(p, keys.macKey, senderIdentity, receiverIdentity, parsed.body), parsed.mac)) return null;
    return p.aes256CbcDecrypt(keys.cipherKey, keys.iv, parsed.ciphertext);
  } finally {
    keys.cipherKey.fill(0);
    keys.macKey.fill(0);
  }
}

/** A sending chain: our ratchet key pair, the chain key and the next message number (Ns). */
export interface SendingChain {
  readonly ratchetKeyPair: KeyPair;
  chainKey: Uint8Array;
  index: number;
}
/** A receiving chain: their ratchet public key, the chain key and the next message number (Nr). */
export interface ReceivingChain {
  readonly ratchetKey: Uint8Array;
  chainKey: Uint8Array;
  index: number;
}

/**
 * The whole state of one party's session (Double Ratchet §3.2), as a plain value: what a
 * seized device gives away. {@link DoubleRatchetSession.snapshot} returns a deep copy.
 */
export interface SessionState {
  /** `Encode` of our X25519 identity key, 33 bytes (bound into every MAC). */
  readonly localIdentity: Uint8Array;
  /** Theirs, 33 bytes. */
  readonly remoteIdentity: Uint8Array;
  /** RK, 32 bytes. */
  rootKey: Uint8Array;
  sending: SendingChain;
  /** `null` until the first message from them (Bob's side at the start). */
  receiving: ReceivingChain | null;
  /** PN. */
  previousCounter: number;
  /** MKSKIPPED: message-key seeds by `hex(ratchet key):N`, oldest first. */
  readonly skipped: Map<string, Uint8Array>;
  /** Their earlier ratchet keys (hex; public values only), to call a late message a replay. */
  readonly retiredRatchetKeys: Set<string>;
}

/** The map key of a skipped message key. */
export function skippedKeyId(ratchetKey: Uint8Array, counter: number): string {
  return `${toHex(ratchetKey)}:${counter}`;
}

/** A deep copy of a state (every key in fresh memory). */
export function copyState(s: SessionState): SessionState {
  return {
    localIdentity: s.localIdentity.slice(),
    remoteIdentity: s.remoteIdentity.slice(),
    rootKey: s.rootKey.slice(),
    sending: { ratchetKeyPair: { secretKey: s.sending.ratchetKeyPair.secretKey.slice(), publicKey: s.sending.ratchetKeyPair.publicKey.slice() }, chainKey: s.sending.chainKey.slice(), index: s.sending.index },
    receiving: s.receiving ? { ratchetKey: s.receiving.ratchetKey.slice(), chainKey: s.receiving.chainKey.slice(), index: s.receiving.index } : null,
    previousCounter: s.previousCounter,
    skipped: new Map([...s.skipped].map(([k, v]) => [k, v.slice()])),
    retiredRatchetKeys: new Set(s.retiredRatchetKeys),
  };
}

/** One party's Double Ratchet session. */
export class DoubleRatchetSession {
  private readonly state: SessionState;
  private readonly random: RandomSource;
  private readonly p: Primitives;
  /**
   * Our current ratchet secret as imported for the DH ratchet step that made it, kept for the
   * next step's DH (an import costs a scalar multiplication). Not part of the state: it lives
   * exactly as long as `state.sending.ratchetKeyPair.secretKey` and is dropped when that is
   * erased; a session built from a state imports the secret again when it needs it.
   */
  private sendingKey: X25519Key | null = null;

  private constructor(state: SessionState, random: RandomSource, p: Primitives) {
    this.state = state;
    this.random = random;
    this.p = p;
  }

  /**
   * Alice's session after X3DH, as libsignal's `initialize_alice_session`: Bob's signed prekey is
   * his ratchet key, the X3DH chain key is its receiving chain, and Alice's sending chain comes
   * from KDF_RK(root, DH(new ratchet key, signed prekey)).
   * @param x3dh - root key, chain key (32 bytes each) and the two 33-byte identities
   * @param theirRatchetKey - Bob's signed prekey, 32 bytes
   */
  static initializeAlice(x3dh: { rootKey: Uint8Array; chainKey: Uint8Array; localIdentity: Uint8Array; remoteIdentity: Uint8Array }, theirRatchetKey: Uint8Array, random: RandomSource, p: Primitives = defaultPrimitives): DoubleRatchetSession {
    const ours = generateKeyPair(random, p);
    const dh = p.x25519(ours.secretKey, theirRatchetKey);
    const sending = kdfRk(x3dh.rootKey, dh, p);
    dh.fill(0);
    return new DoubleRatchetSession({
      localIdentity: x3dh.localIdentity.slice(),
      remoteIdentity: x3dh.remoteIdentity.slice(),
      rootKey: sending.rootKey,
      sending: { ratchetKeyPair: ours, chainKey: sending.chainKey, index: 0 },
      receiving: { ratchetKey: theirRatchetKey.slice(), chainKey: x3dh.chainKey.slice(), index: 0 },
      previousCounter: 0,
      skipped: new Map(),
      retiredRatchetKeys: new Set(),
    }, random, p);
  }

  /**
   * Bob's session after X3DH, as libsignal's `initialize_bob_session`: his signed prekey pair is
   * his ratchet key and the X3DH chain key its sending chain; no receiving chain yet.
   */
  static initializeBob(x3dh: { rootKey: Uint8Array; chainKey: Uint8Array; localIdentity: Uint8Array; remoteIdentity: Uint8Array }, ourRatchetKeyPair: KeyPair, random: RandomSource, p: Primitives = defaultPrimitives): DoubleRatchetSession {
    return new DoubleRatchetSession({
      localIdentity: x3dh.localIdentity.slice(),
      remoteIdentity: x3dh.remoteIdentity.slice(),
      rootKey: x3dh.rootKey.slice(),
      sending: { ratchetKeyPair: { secretKey: ourRatchetKeyPair.secretKey.slice(), publicKey: ourRatchetKeyPair.publicKey.slice() }, chainKey: x3dh.chainKey.slice(), index: 0 },
      receiving: null,
      previousCounter: 0,
      skipped: new Map(),
      retiredRatchetKeys: new Set(),
    }, random, p);
  }

  /** A session continuing from a copied state (e.g. a seized device's), with its own randomness. */
  static fromState(state: SessionState, random: RandomSource, p: Primitives = defaultPrimitives): DoubleRatchetSession {
    return new DoubleRatchetSession(copyState(state), random, p);
  }

  /** A deep copy of the whole state: everything a seized device holds for this session. */
  snapshot(): SessionState {
    return copyState(this.state);
  }

  /** Stored skipped message keys. */
  get skippedCount(): number {
    return this.state.skipped.size;
  }

  /** Our current ratchet public key (32 bytes). */
  get ratchetKey(): Uint8Array {
    return this.state.sending.ratchetKeyPair.publicKey.slice();
  }

  /** Encrypts the next message (Double Ratchet §3.4 RatchetEncrypt). */
  encrypt(plaintext: Uint8Array): Uint8Array {
    const r = this.encryptWithKey(plaintext);
    r.messageKeySeed.fill(0);
    r.chainKey.fill(0);
    return r.message;
  }

  /**
   * Encrypts the next message and also returns its 32-byte message-key seed (the input of the
   * `WhisperMessageKeys` expansion). This is the hook an exceptional-access mandate needs: the
   * caller is trusted to erase them (or, in the escrow demo, to wrap the chain key to the escrow
   * key when `counter` is 0, i.e. for each new sending chain).
   * @returns the message, its message-key seed, a copy of the chain key that made it (32 bytes
   *   each) and its number N in the chain
   */
  encryptWithKey(plaintext: Uint8Array): { message: Uint8Array; messageKeySeed: Uint8Array; chainKey: Uint8Array; counter: number } {
    const s = this.state;
    const counter = s.sending.index;
    const chainKey = s.sending.chainKey.slice();
    const seed = messageKeySeed(s.sending.chainKey, this.p);
    const message = sealMessage(seed, { ratchetKey: s.sending.ratchetKeyPair.publicKey, previousCounter: s.previousCounter, counter: s.sending.index }, plaintext, s.localIdentity, s.remoteIdentity, this.p);
    const next = nextChainKey(s.sending.chainKey, this.p);
    s.sending.chainKey.fill(0);
    s.sending.chainKey = next;
    s.sending.index++;
    return { message, messageKeySeed: seed, chainKey, counter };
  }

  /**
   * Decrypts a message (Double Ratchet §3.5 RatchetDecrypt): a stored skipped key, the current
   * receiving chain, or a DH ratchet step for a new ratchet key. The state changes only if the
   * MAC verifies.
   * @throws InvalidMessageError (malformed, wrong MAC or padding), DuplicateMessageError (its key
   *   was used and deleted), TooManySkippedMessagesError (more than MAX_SKIP keys to skip)
   */
  decrypt(message: Uint8Array): Uint8Array {
    const s = this.state;
    const h = parseMessage(message);
    const id = skippedKeyId(h.ratchetKey, h.counter);
    const stored = s.skipped.get(id);
    if (stored) {
      const pt = this.open(stored, message);
      s.skipped.delete(id);
      stored.fill(0);
      return pt;
    }
    const newSkipped: [string, Uint8Array][] = [];
    const fail = (e: Error): never => {
      for (const [, k] of newSkipped) k.fill(0);
      throw e;
    };
    if (s.receiving && equalBytes(h.ratchetKey, s.receiving.ratchetKey)) {
      // The current receiving chain.
      const chain = s.receiving;
      if (h.counter < chain.index) throw new DuplicateMessageError(`message ${h.counter} of this chain was already received (its key is deleted)`);
      if (h.counter - chain.index > MAX_SKIP) throw new TooManySkippedMessagesError(`message ${h.counter} would skip ${h.counter - chain.index} keys (MAX_SKIP = ${MAX_SKIP})`);
      const { seed, chainKey } = this.skipTo(chain.chainKey, chain.index, h.ratchetKey, h.counter, newSkipped);
      let pt: Uint8Array;
      try {
        pt = this.open(seed, message);
      } catch (e) {
        chainKey.fill(0);
        return fail(e as Error);
      } finally {
        seed.fill(0);
      }
      chain.chainKey.fill(0);
      chain.chainKey = chainKey;
      chain.index = h.counter + 1;
      this.store(newSkipped);
      return pt;
    }
    // A new ratchet key: a DH ratchet step (§3.5 DHRatchet), after storing what is left of the current chain.
    const hex = toHex(h.ratchetKey);
    if (s.retiredRatchetKeys.has(hex) || equalBytes(h.ratchetKey, s.sending.ratchetKeyPair.publicKey)) {
      throw new DuplicateMessageError("message from an earlier chain whose keys are deleted (a replay, or a key dropped after MAX_SKIP)");
    }
    if (s.receiving) {
      if (h.previousCounter < s.receiving.index) {
        // PN below what we already received can only be a forgery; the MAC check below would catch it.
      } else if (h.previousCounter - s.receiving.index > MAX_SKIP) {
        throw new TooManySkippedMessagesError(`the previous chain would leave ${h.previousCounter - s.receiving.index} keys to skip (MAX_SKIP = ${MAX_SKIP})`);
      }
    }
    if (h.counter > MAX_SKIP) throw new TooManySkippedMessagesError(`message ${h.counter} would skip ${h.counter} keys (MAX_SKIP = ${MAX_SKIP})`);
    let oldChainKey: Uint8Array | undefined;
    if (s.receiving && h.previousCounter > s.receiving.index) {
      const r = this.skipTo(s.receiving.chainKey, s.receiving.index, s.receiving.ratchetKey, h.previousCounter, newSkipped);
      r.seed.fill(0); // the key of message PN does not exist: the chain ended at PN - 1
      oldChainKey = r.chainKey;
    }
    const dh = this.sendingKey ? this.sendingKey.ecdh(h.ratchetKey) : this.p.x25519(s.sending.ratchetKeyPair.secretKey, h.ratchetKey);
    const receivingKeys = kdfRk(s.rootKey, dh, this.p);
    dh.fill(0);
    const { seed, chainKey } = this.skipTo(receivingKeys.chainKey, 0, h.ratchetKey, h.counter, newSkipped);
    let pt: Uint8Array;
    try {
      pt = this.open(seed, message);
    } catch (e) {
      chainKey.fill(0);
      receivingKeys.rootKey.fill(0);
      oldChainKey?.fill(0);
      return fail(e as Error);
    } finally {
      seed.fill(0);
      receivingKeys.chainKey.fill(0);
    }
    oldChainKey?.fill(0);
    // Commit: new receiving chain, then our new ratchet key and sending chain.
    const secretKey = this.random(32);
    const imported = this.p.x25519Key(secretKey); // one import for the public key and the DH
    const ours: KeyPair = { secretKey, publicKey: imported.publicKey() };
    const dh2 = imported.ecdh(h.ratchetKey);
    const sendingKeys = kdfRk(receivingKeys.rootKey, dh2, this.p);
    dh2.fill(0);
    receivingKeys.rootKey.fill(0);
    if (s.receiving) {
      s.retiredRatchetKeys.add(toHex(s.receiving.ratchetKey));
      s.receiving.chainKey.fill(0);
    }
    s.rootKey.fill(0);
    s.sending.ratchetKeyPair.secretKey.fill(0);
    s.sending.chainKey.fill(0);
    s.previousCounter = s.sending.index;
    s.rootKey = sendingKeys.rootKey;
    s.sending = { ratchetKeyPair: ours, chainKey: sendingKeys.chainKey, index: 0 };
    this.sendingKey = imported;
    s.receiving = { ratchetKey: h.ratchetKey.slice(), chainKey, index: h.counter + 1 };
    this.store(newSkipped);
    return pt;
  }

  /** Walks a chain from `index` to `target`, collecting the skipped seeds; returns target's seed and the chain key after it. */
  private skipTo(chainKey: Uint8Array, index: number, ratchetKey: Uint8Array, target: number, out: [string, Uint8Array][]): { seed: Uint8Array; chainKey: Uint8Array } {
    let ck = chainKey;
    for (let i = index; i < target; i++) {
      out.push([skippedKeyId(ratchetKey, i), messageKeySeed(ck, this.p)]);
      const next = nextChainKey(ck, this.p);
      if (ck !== chainKey) ck.fill(0);
      ck = next;
    }
    const seed = messageKeySeed(ck, this.p);
    const next = nextChainKey(ck, this.p);
    if (ck !== chainKey) ck.fill(0);
    return { seed, chainKey: next };
  }

  /** Stores skipped keys, evicting (and zeroing) the oldest beyond MAX_SKIP. */
  private store(keys: [string, Uint8Array][]): void {
    const skipped = this.state.skipped;
    for (const [k, v] of keys) skipped.set(k, v);
    while (skipped.size > MAX_SKIP) {
      const [oldest, key] = skipped.entries().next().value as [string, Uint8Array];
      key.fill(0);
      skipped.delete(oldest);
    }
  }

  private open(seed: Uint8Array, message: Uint8Array): Uint8Array {
    const pt = openMessage(seed, message, this.state.remoteIdentity, this.state.localIdentity, this.p);
    if (pt === null) throw new InvalidMessageError("the message does not authenticate (tampered, or not for this session)");
    return pt;
  }
}
