/**
 * A provider's key directory, as Signal and WhatsApp run one, published in a transparency log;
 * and the checks a client can make on what the provider hands out.
 *
 * - An account has an Ed25519 **identity key** and one or more **device keys** (X25519, the
 *   keys messages are encrypted to). Each device key is signed by the account's identity key,
 *   so the provider cannot add a device without the account's secret key (Signal: each linked
 *   device's signed prekey verifies under the account identity key; WhatsApp: the primary
 *   device signs each companion).
 * - Every version of an account's bundle (identity key + signed devices) is appended to a
 *   Merkle log (./log.ts) whose heads the provider signs (./sth.ts): a lookup comes with an
 *   inclusion proof against a signed tree head, owners monitor their own entries, and two
 *   people can check that they were shown the same log (a consistency proof between heads).
 *
 * The provider here is the model of a real one, so it can also misbehave: hand out a bundle
 * that is not in the log ({@link KeyDirectory.serve}) and show different people different
 * logs ({@link KeyDirectory.fork}). What it cannot do is forge the signatures it lacks keys for.
 *
 * Pure: bytes in, bytes out; no clock (timestamps are counted from an epoch the caller gives).
 *
 * @module
 */
import { concat, equalBytes, fromUtf8, utf8 } from "../bytes.js";
import { primitives, type Primitives } from "../primitives.js";
import type { RandomSource } from "../random.js";
import { MerkleLog } from "./log.js";
import { leafHash, verifyConsistency, verifyInclusion } from "./merkle.js";
import { verifyTreeHead, type SignedTreeHead } from "./sth.js";

/** Domain separation for device-key signatures and log entries (doormat's own encodings). */
const DEVICE_CONTEXT = utf8("doormat.example/kt/device-key/v1\0");
const ENTRY_CONTEXT = utf8("doormat.example/kt/entry/v1\0");

/**
 * A fresh account identity: a 32-byte Ed25519 secret key (RFC 8032 "seed") from `random` and
 * its 32-byte public key, the key the directory publishes and device keys are signed with.
 */
export function generateAccountIdentity(random: RandomSource, p: Primitives = primitives): { seed: Uint8Array; publicKey: Uint8Array } {
  const seed = random(32);
  return { seed, publicKey: p.ed25519PublicKey(seed) };
}

/** One device key of an account, with the identity key's signature over it. */
export interface DeviceKey {
  /** The device's name within the account, e.g. `"phone"`. */
  readonly id: string;
  /** X25519 public key (32 bytes): what senders encrypt to. */
  readonly publicKey: Uint8Array;
  /** Ed25519 signature by the account's identity key over {@link deviceKeyMessage} (64 bytes). */
  readonly signature: Uint8Array;
}

/** What the directory holds for an account, and what a log entry commits to. */
export interface KeyBundle {
  readonly account: string;
  /** Ed25519 public key (32 bytes). */
  readonly identityKey: Uint8Array;
  readonly devices: readonly DeviceKey[];
}

function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  if (bytes.length > 0xffff) throw new RangeError("field longer than 65,535 bytes");
  return concat(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes);
}

/** The bytes an identity key signs to vouch for a device key. */
export function deviceKeyMessage(account: string, deviceId: string, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) throw new RangeError("device public key must be 32 bytes");
  return concat(DEVICE_CONTEXT, lengthPrefixed(utf8(account)), lengthPrefixed(utf8(deviceId)), publicKey);
}

/**
 * A device key signed by the account's identity key.
 * @param identitySeed - the account's 32-byte Ed25519 secret key
 */
export function signDeviceKey(identitySeed: Uint8Array, account: string, deviceId: string, publicKey: Uint8Array, p: Primitives = primitives): DeviceKey {
  return { id: deviceId, publicKey, signature: p.ed25519Sign(identitySeed, deviceKeyMessage(account, deviceId, publicKey)) };
}

/** Whether `device` carries a valid signature by the bundle's identity key. Never throws. */
export function deviceSignatureValid(bundle: KeyBundle, device: DeviceKey, p: Primitives = primitives): boolean {
  if (device.publicKey.length !== 32) return false;
  return p.ed25519Verify(bundle.identityKey, deviceKeyMessage(bundle.account, device.id, device.publicKey), device.signature);
}

/** The devices of a bundle whose signature does not verify under its identity key. */
export function unsignedDevices(bundle: KeyBundle, p: Primitives = primitives): DeviceKey[] {
  return bundle.devices.filter((d) => !deviceSignatureValid(bundle, d, p));
}

/** The log entry for a bundle: context ‖ account ‖ identity key ‖ count ‖ (id ‖ key ‖ signature)… */
export function encodeEntry(bundle: KeyBundle): Uint8Array {
  if (bundle.identityKey.length !== 32) throw new RangeError("identity key must be 32 bytes");
  const devices = bundle.devices.map((d) => {
    if (d.publicKey.length !== 32 || d.signature.length !== 64) throw new RangeError("device key must be 32 bytes and its signature 64");
    return concat(lengthPrefixed(utf8(d.id)), d.publicKey, d.signature);
  });
  return concat(ENTRY_CONTEXT, lengthPrefixed(utf8(bundle.account)), bundle.identityKey, Uint8Array.of(bundle.devices.length >> 8, bundle.devices.length & 0xff), ...devices);
}

/**
 * Parse {@link encodeEntry}'s output.
 * @throws TypeError if `entry` is not exactly one encoded bundle
 */
export function decodeEntry(entry: Uint8Array): KeyBundle {
  let o = 0;
  const take = (n: number): Uint8Array => {
    if (o + n > entry.length) throw new TypeError("truncated key-directory entry");
    const out = entry.subarray(o, o + n);
    o += n;
    return out;
  };
  const u16 = (): number => {
    const b = take(2);
    return ((b[0] as number) << 8) | (b[1] as number);
  };
  if (!equalBytes(take(ENTRY_CONTEXT.length), ENTRY_CONTEXT)) throw new TypeError("not a key-directory entry");
  const account = fromUtf8(take(u16()));
  const identityKey = take(32).slice();
  const count = u16();
  const devices: DeviceKey[] = [];
  for (let i = 0; i < count; i++) {
    const id = fromUtf8(take(u16()));
    devices.push({ id, publicKey: take(32).slice(), signature: take(64).slice() });
  }
  if (o !== entry.length) throw new TypeError("trailing bytes after a key-directory entry");
  return { account, identityKey, devices };
}

/** What a lookup returns: a bundle, where the provider says it is in the log, and the proof. */
export interface Lookup {
  readonly bundle: KeyBundle;
  readonly index: number;
  readonly proof: readonly Uint8Array[];
  readonly head: SignedTreeHead;
}

/** One of an account's own entries, as its owner's monitor fetches them. */
export interface OwnEntry {
  readonly index: number;
  readonly bundle: KeyBundle;
  readonly proof: readonly Uint8Array[];
}

/**
 * The provider's directory and log. Honest methods: {@link publish}, {@link lookup},
 * {@link entriesOf}, {@link consistencyProof}. The others are what a provider could do
 * anyway, and what the ghost needs.
 */
export class KeyDirectory {
  readonly logPublicKey: Uint8Array;
  readonly #logSeed: Uint8Array;
  readonly #log: MerkleLog;
  readonly #p: Primitives;
  #time: number;

  /**
   * @param logSeed - the log's 32-byte Ed25519 signing key
   * @param epoch - the timestamp (ms) of the first signed head; each later head is one second on
   */
  constructor(logSeed: Uint8Array, epoch: number, p: Primitives = primitives, log: MerkleLog = new MerkleLog(p)) {
    this.#logSeed = logSeed;
    this.logPublicKey = p.ed25519PublicKey(logSeed);
    this.#log = log;
    this.#p = p;
    this.#time = epoch;
  }

  /** Number of log entries. */
  get size(): number {
    return this.#log.size;
  }

  /** Append a bundle (a new account, or a new version of one): returns its log index. */
  publish(bundle: KeyBundle): number {
    return this.#log.append(encodeEntry(bundle));
  }

  /** A freshly signed head over the whole log. */
  head(): SignedTreeHead {
    const sth = this.#log.signedHead(this.#logSeed, this.#time);
    this.#time += 1000;
    return sth;
  }

  /** Index of the account's latest entry, or -1. */
  #latest(account: string): number {
    for (let i = this.#log.size - 1; i >= 0; i--) if (decodeEntry(this.#log.entry(i)).account === account) return i;
    return -1;
  }

  /**
   * The honest answer: the account's latest logged bundle, proven against a fresh head.
   * @throws RangeError if the account has never been published
   */
  lookup(account: string): Lookup {
    const index = this.#latest(account);
    if (index < 0) throw new RangeError(`no account ${JSON.stringify(account)}`);
    const head = this.head();
    return { bundle: decodeEntry(this.#log.entry(index)), index, proof: this.#log.inclusionProof(index, head.size), head };
  }

  /**
   * Hand out any bundle under the account's name. If exactly that bundle is in the log, its
   * proof comes with it; otherwise the best the provider can offer is the proof of the
   * account's latest real entry, which cannot verify for a bundle that is not there.
   */
  serve(bundle: KeyBundle): Lookup {
    const wanted = encodeEntry(bundle);
    let index = -1;
    for (let i = this.#log.size - 1; i >= 0 && index < 0; i--) if (equalBytes(this.#log.entry(i), wanted)) index = i;
    if (index < 0) index = this.#latest(bundle.account);
    if (index < 0) throw new RangeError(`no account ${JSON.stringify(bundle.account)}`);
    const head = this.head();
    return { bundle, index, proof: this.#log.inclusionProof(index, head.size), head };
  }

  /** Every entry under `account` in the tree of `head`, with its inclusion proof (the owner's monitor feed). */
  entriesOf(account: string, head: SignedTreeHead): OwnEntry[] {
    const out: OwnEntry[] = [];
    for (let i = 0; i < head.size; i++) {
      const bundle = decodeEntry(this.#log.entry(i));
      if (bundle.account === account) out.push({ index: i, bundle, proof: this.#log.inclusionProof(i, head.size) });
    }
    return out;
  }

  /** Consistency proof between two sizes of this log (the provider's answer when heads are compared). */
  consistencyProof(oldSize: number, newSize: number): Uint8Array[] {
    return this.#log.consistencyProof(oldSize, newSize);
  }

  /** A second directory with the same signing key and a copy of the log: one history per audience. */
  fork(): KeyDirectory {
    return new KeyDirectory(this.#logSeed, this.#time, this.#p, this.#log.fork());
  }
}

// ---------------------------------------------------------------------------------------
// The checks a client can make. Each runs for real and returns its verdict; whether a client
// acts on it, warns, or hides it is the client's policy.
// ---------------------------------------------------------------------------------------

/**
 * Check a lookup against the log: the head must carry the log's signature and the bundle's
 * entry must be in the head's tree at the claimed index (RFC 9162 §2.1.3.2). Never throws.
 */
export function lookupInLog(lookup: Lookup, logPublicKey: Uint8Array, p: Primitives = primitives): { headSigned: boolean; included: boolean } {
  const headSigned = verifyTreeHead(logPublicKey, lookup.head, p);
  let entry: Uint8Array;
  try {
    entry = encodeEntry(lookup.bundle);
  } catch {
    return { headSigned, included: false };
  }
  const included = headSigned && verifyInclusion(lookup.index, lookup.head.size, leafHash(entry, p), lookup.proof, lookup.head.root, p);
  return { headSigned, included };
}

/** What an owner's monitor found in one of her entries that she did not publish. */
export interface MonitorFinding {
  readonly index: number;
  /** The entry's identity key is not hers. */
  readonly foreignIdentity: boolean;
  /** Device ids whose keys she never registered. */
  readonly unknownDevices: readonly string[];
}

/**
 * The owner's monitor: every entry under her account in a signed head must be provably in the
 * log and carry only her identity key and device keys she registered herself.
 * @returns `proofsValid` (head signature and every inclusion proof verified) and the findings
 */
export function monitorOwnEntries(
  mine: { identityKey: Uint8Array; deviceKeys: readonly Uint8Array[] },
  entries: readonly OwnEntry[],
  head: SignedTreeHead,
  logPublicKey: Uint8Array,
  p: Primitives = primitives,
): { proofsValid: boolean; findings: MonitorFinding[] } {
  let proofsValid = verifyTreeHead(logPublicKey, head, p);
  const findings: MonitorFinding[] = [];
  for (const e of entries) {
    proofsValid &&= verifyInclusion(e.index, head.size, leafHash(encodeEntry(e.bundle), p), e.proof, head.root, p);
    const foreignIdentity = !equalBytes(e.bundle.identityKey, mine.identityKey);
    const unknownDevices = e.bundle.devices.filter((d) => !mine.deviceKeys.some((k) => equalBytes(k, d.publicKey))).map((d) => d.id);
    if (foreignIdentity || unknownDevices.length > 0) findings.push({ index: e.index, foreignIdentity, unknownDevices });
  }
  return { proofsValid, findings };
}

/**
 * Two people compare the signed heads they were shown (gossip): both signatures must verify and
 * a consistency proof must join the smaller tree to the larger (equal sizes: equal roots).
 * `consistent: false` with both heads signed is portable proof that the log forked.
 */
export function headsConsistent(a: SignedTreeHead, b: SignedTreeHead, proof: readonly Uint8Array[], logPublicKey: Uint8Array, p: Primitives = primitives): { bothSigned: boolean; consistent: boolean } {
  const bothSigned = verifyTreeHead(logPublicKey, a, p) && verifyTreeHead(logPublicKey, b, p);
  const [older, newer] = a.size <= b.size ? [a, b] : [b, a];
  return { bothSigned, consistent: bothSigned && verifyConsistency(older.size, newer.size, older.root, newer.root, proof, p) };
}
