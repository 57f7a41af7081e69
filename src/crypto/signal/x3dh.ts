/**
 * X3DH key agreement (Marlinspike & Perrin, "The X3DH Key Agreement Protocol", Revision 1,
 * 2016-11-04), started as libsignal starts a session (`rust/protocol/src/ratchet.rs`,
 * `initialize_alice_session` / `initialize_bob_session`): the agreement yields a root key and a
 * first chain key, and Bob's signed prekey is his first ratchet key.
 *
 * Identity keys are Ed25519 (they sign the prekey) converted to X25519 for the Diffie-Hellman
 * steps with noble's birational map, instead of libsignal's XEdDSA over an X25519 key (a
 * deliberate deviation, docs/PROTOCOLS.md). The core agreement ({@link aliceAgreement},
 * {@link bobAgreement}) works on X25519 keys, which is where libsignal's vector pins it.
 *
 * @module
 */
import { concat } from "../bytes.js";
import { loadMontgomeryConversion, primitives as defaultPrimitives, type Primitives } from "../primitives.js";
import type { RandomSource } from "../random.js";
import { deriveInitialKeys, type RootAndChain } from "./keys.js";

/** libsignal's key type byte for Curve25519 (`DJB_TYPE`): `Encode(PK)` = 0x05 ‖ u-coordinate. */
export const DJB_TYPE = 0x05;

/** Thrown when X3DH cannot complete: a bad prekey signature, an unknown or used prekey. */
export class X3dhError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "X3dhError";
  }
}

/** X3DH §2.5 `Encode(PK)` as libsignal serializes a public key: 33 bytes, 0x05 ‖ 32-byte u. */
export function encodePublicKey(x25519Public: Uint8Array): Uint8Array {
  if (x25519Public.length !== 32) throw new RangeError("X25519 public key must be 32 bytes");
  const out = new Uint8Array(33);
  out[0] = DJB_TYPE;
  out.set(x25519Public, 1);
  return out;
}

/** An X25519 key pair (ratchet keys, prekeys, base keys): 32-byte secret scalar and public u. */
export interface KeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A fresh X25519 key pair from `random` (32 bytes). */
export function generateKeyPair(random: RandomSource, p: Primitives = defaultPrimitives): KeyPair {
  const secretKey = random(32);
  return { secretKey, publicKey: p.x25519Base(secretKey) };
}

/**
 * A long-term identity: an Ed25519 key that signs prekeys, and its X25519 form for X3DH.
 * All fields 32 bytes.
 */
export interface IdentityKeyPair {
  /** Ed25519 secret seed (RFC 8032). */
  readonly seed: Uint8Array;
  /** Ed25519 public key: what others pin, and what verifies the signed prekey. */
  readonly publicKey: Uint8Array;
  /** X25519 secret scalar derived from the seed. */
  readonly dhSecretKey: Uint8Array;
  /** X25519 public key derived from the Ed25519 public key. */
  readonly dhPublicKey: Uint8Array;
}

/** The identity of a 32-byte Ed25519 seed. */
export async function identityFromSeed(seed: Uint8Array, p: Primitives = defaultPrimitives): Promise<IdentityKeyPair> {
  const m = await loadMontgomeryConversion();
  const publicKey = p.ed25519PublicKey(seed);
  return { seed, publicKey, dhSecretKey: m.ed25519ToX25519Secret(seed), dhPublicKey: m.ed25519ToX25519Public(publicKey) };
}

/** A fresh identity from `random`. */
export function generateIdentity(random: RandomSource, p: Primitives = defaultPrimitives): Promise<IdentityKeyPair> {
  return identityFromSeed(random(32), p);
}

/**
 * The X25519 form of someone else's Ed25519 identity key.
 * @throws RangeError if it is not a valid Ed25519 public key
 */
export async function identityDhPublicKey(ed25519Public: Uint8Array): Promise<Uint8Array> {
  return (await loadMontgomeryConversion()).ed25519ToX25519Public(ed25519Public);
}

/** What Bob publishes (X3DH §3.2): identity, signed prekey with signature, and maybe one one-time prekey. */
export interface PreKeyBundle {
  /** Bob's Ed25519 identity key, 32 bytes. */
  readonly identityKey: Uint8Array;
  readonly signedPreKeyId: number;
  /** X25519 signed prekey, 32 bytes. */
  readonly signedPreKey: Uint8Array;
  /** Ed25519 signature by the identity key over `Encode(signedPreKey)` (33 bytes), 64 bytes. */
  readonly signedPreKeySignature: Uint8Array;
  readonly oneTimePreKeyId?: number;
  /** X25519 one-time prekey, 32 bytes. */
  readonly oneTimePreKey?: Uint8Array;
}

/** Bob's private side: his identity and the secret halves of his published prekeys. */
export interface PreKeyStore {
  readonly identity: IdentityKeyPair;
  readonly signedPreKeys: Map<number, KeyPair>;
  /** Deleted on use (X3DH §3.3): that deletion is where their forward secrecy comes from. */
  readonly oneTimePreKeys: Map<number, KeyPair>;
}

/** Signs a prekey as libsignal does: the signature covers the 33-byte `Encode(prekey)`. */
export function signPreKey(identity: IdentityKeyPair, preKeyPublic: Uint8Array, p: Primitives = defaultPrimitives): Uint8Array {
  return p.ed25519Sign(identity.seed, encodePublicKey(preKeyPublic));
}

/**
 * Makes Bob's store and the bundle the server would hand out (one signed prekey, `oneTime`
 * one-time prekeys; the bundle carries the first of them, if any).
 */
export function createPreKeys(identity: IdentityKeyPair, random: RandomSource, oneTime = 1, p: Primitives = defaultPrimitives): { store: PreKeyStore; bundle: PreKeyBundle } {
  const signed = generateKeyPair(random, p);
  const store: PreKeyStore = { identity, signedPreKeys: new Map([[1, signed]]), oneTimePreKeys: new Map() };
  for (let i = 0; i < oneTime; i++) store.oneTimePreKeys.set(100 + i, generateKeyPair(random, p));
  const first = store.oneTimePreKeys.get(100);
  const bundle: PreKeyBundle = {
    identityKey: identity.publicKey,
    signedPreKeyId: 1,
    signedPreKey: signed.publicKey,
    signedPreKeySignature: signPreKey(identity, signed.publicKey, p),
    ...(first ? { oneTimePreKeyId: 100, oneTimePreKey: first.publicKey } : {}),
  };
  return { store, bundle };
}

/**
 * Alice's side of X3DH §3.3 on X25519 keys: DH1 = DH(IK_A, SPK_B), DH2 = DH(EK_A, IK_B),
 * DH3 = DH(EK_A, SPK_B) [, DH4 = DH(EK_A, OPK_B)], then {@link deriveInitialKeys}.
 * All keys 32 bytes. @throws LowOrderPointError for a low-order public key
 */
export function aliceAgreement(
  k: { identitySecret: Uint8Array; baseSecret: Uint8Array; theirIdentity: Uint8Array; theirSignedPreKey: Uint8Array; theirOneTimePreKey?: Uint8Array | undefined },
  p: Primitives = defaultPrimitives,
): RootAndChain {
  const dhs = [p.x25519(k.identitySecret, k.theirSignedPreKey), p.x25519(k.baseSecret, k.theirIdentity), p.x25519(k.baseSecret, k.theirSignedPreKey)];
  if (k.theirOneTimePreKey) dhs.push(p.x25519(k.baseSecret, k.theirOneTimePreKey));
  const material = concat(...dhs);
  for (const d of dhs) d.fill(0);
  const keys = deriveInitialKeys(material, p);
  material.fill(0);
  return keys;
}

/** Bob's side of X3DH §3.4 on X25519 keys: the same four DH outputs from his secrets. */
export function bobAgreement(
  k: { identitySecret: Uint8Array; signedPreKeySecret: Uint8Array; oneTimePreKeySecret?: Uint8Array | undefined; theirIdentity: Uint8Array; theirBaseKey: Uint8Array },
  p: Primitives = defaultPrimitives,
): RootAndChain {
  const dhs = [p.x25519(k.signedPreKeySecret, k.theirIdentity), p.x25519(k.identitySecret, k.theirBaseKey), p.x25519(k.signedPreKeySecret, k.theirBaseKey)];
  if (k.oneTimePreKeySecret) dhs.push(p.x25519(k.oneTimePreKeySecret, k.theirBaseKey));
  const material = concat(...dhs);
  for (const d of dhs) d.fill(0);
  const keys = deriveInitialKeys(material, p);
  material.fill(0);
  return keys;
}

/** What Alice's first messages carry so that Bob can run X3DH (libsignal's `PreKeySignalMessage` fields). */
export interface PreKeyHeader {
  /** Alice's Ed25519 identity key, 32 bytes. */
  readonly identityKey: Uint8Array;
  /** Alice's ephemeral (base) X25519 public key EK_A, 32 bytes. */
  readonly baseKey: Uint8Array;
  readonly signedPreKeyId: number;
  readonly oneTimePreKeyId?: number;
}

/** The outcome of X3DH for one side: the keys the ratchet starts from. */
export interface X3dhResult extends RootAndChain {
  /** Our identity as the MAC binds it: `Encode` of our X25519 identity key, 33 bytes. */
  readonly localIdentity: Uint8Array;
  /** Theirs, likewise. */
  readonly remoteIdentity: Uint8Array;
}

/**
 * Alice starts a session from Bob's bundle (X3DH §3.3): verifies the prekey signature, makes an
 * ephemeral base key, agrees, and forgets the base key's secret.
 * @throws X3dhError if the signature does not verify
 */
export async function initiateX3dh(alice: IdentityKeyPair, bundle: PreKeyBundle, random: RandomSource, p: Primitives = defaultPrimitives): Promise<X3dhResult & { header: PreKeyHeader }> {
  if (!p.ed25519Verify(bundle.identityKey, encodePublicKey(bundle.signedPreKey), bundle.signedPreKeySignature)) {
    throw new X3dhError("the signed prekey's signature does not verify with the identity key");
  }
  const theirIdentity = await identityDhPublicKey(bundle.identityKey);
  const base = generateKeyPair(random, p);
  const keys = aliceAgreement({ identitySecret: alice.dhSecretKey, baseSecret: base.secretKey, theirIdentity, theirSignedPreKey: bundle.signedPreKey, theirOneTimePreKey: bundle.oneTimePreKey }, p);
  base.secretKey.fill(0); // X3DH §3.3: delete the ephemeral secret
  return {
    ...keys,
    localIdentity: encodePublicKey(alice.dhPublicKey),
    remoteIdentity: encodePublicKey(theirIdentity),
    header: {
      identityKey: alice.publicKey,
      baseKey: base.publicKey,
      signedPreKeyId: bundle.signedPreKeyId,
      ...(bundle.oneTimePreKeyId !== undefined ? { oneTimePreKeyId: bundle.oneTimePreKeyId } : {}),
    },
  };
}

/**
 * Bob's side of the key agreement for Alice's first message (X3DH §3.4). It does not delete the
 * one-time prekey: as in libsignal, that happens only once the first message has authenticated
 * (see {@link consumeOneTimePreKey} and `startSessionAsBob`), so a forged first message cannot
 * burn Bob's prekeys.
 * @returns the keys, and the signed prekey pair, which is Bob's first ratchet key
 * @throws X3dhError for an unknown signed prekey or an unknown (e.g. already used) one-time prekey
 */
export async function respondX3dh(store: PreKeyStore, header: PreKeyHeader, p: Primitives = defaultPrimitives): Promise<X3dhResult & { ratchetKeyPair: KeyPair }> {
  const signed = store.signedPreKeys.get(header.signedPreKeyId);
  if (!signed) throw new X3dhError(`unknown signed prekey ${header.signedPreKeyId}`);
  let oneTime: KeyPair | undefined;
  if (header.oneTimePreKeyId !== undefined) {
    oneTime = store.oneTimePreKeys.get(header.oneTimePreKeyId);
    if (!oneTime) throw new X3dhError(`one-time prekey ${header.oneTimePreKeyId} is unknown or already used`);
  }
  const theirIdentity = await identityDhPublicKey(header.identityKey);
  const keys = bobAgreement({ identitySecret: store.identity.dhSecretKey, signedPreKeySecret: signed.secretKey, oneTimePreKeySecret: oneTime?.secretKey, theirIdentity, theirBaseKey: header.baseKey }, p);
  return {
    ...keys,
    localIdentity: encodePublicKey(store.identity.dhPublicKey),
    remoteIdentity: encodePublicKey(theirIdentity),
    ratchetKeyPair: { secretKey: signed.secretKey.slice(), publicKey: signed.publicKey.slice() },
  };
}

/**
 * Deletes (and zeroes) the one-time prekey Alice's header used, once her first message has
 * authenticated (X3DH §3.4: "Bob deletes any one-time prekey private key that was used").
 */
export function consumeOneTimePreKey(store: PreKeyStore, header: PreKeyHeader): void {
  if (header.oneTimePreKeyId === undefined) return;
  const oneTime = store.oneTimePreKeys.get(header.oneTimePreKeyId);
  store.oneTimePreKeys.delete(header.oneTimePreKeyId);
  oneTime?.secretKey.fill(0);
}
