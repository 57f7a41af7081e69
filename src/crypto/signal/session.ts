/**
 * Starting a Signal session: X3DH, then the Double Ratchet, as libsignal's session builder does.
 *
 * @module
 */
import { primitives as defaultPrimitives, type Primitives } from "../primitives.js";
import type { RandomSource } from "../random.js";
import { DoubleRatchetSession } from "./ratchet.js";
import { consumeOneTimePreKey, initiateX3dh, respondX3dh, type IdentityKeyPair, type PreKeyBundle, type PreKeyHeader, type PreKeyStore } from "./x3dh.js";

/**
 * Alice starts a session with Bob from his prekey bundle. Her first messages travel with the
 * returned header (libsignal's `PreKeySignalMessage`) until Bob answers.
 * @throws X3dhError if the bundle's signature does not verify
 */
export async function startSessionAsAlice(alice: IdentityKeyPair, bundle: PreKeyBundle, random: RandomSource, p: Primitives = defaultPrimitives): Promise<{ session: DoubleRatchetSession; header: PreKeyHeader }> {
  const x3dh = await initiateX3dh(alice, bundle, random, p);
  const session = DoubleRatchetSession.initializeAlice(x3dh, bundle.signedPreKey, random, p);
  x3dh.rootKey.fill(0);
  x3dh.chainKey.fill(0);
  return { session, header: x3dh.header };
}

/**
 * Bob accepts Alice's header and decrypts her first message with the new session. The one-time
 * prekey is deleted only once that message has authenticated, as libsignal does, so a forged
 * first message leaves Bob's prekeys in place.
 * @returns the session and the first message's plaintext
 * @throws X3dhError for an unknown or already used prekey; the session's decryption errors
 *   (InvalidMessageError, …) when the first message does not authenticate
 */
export async function startSessionAsBob(store: PreKeyStore, header: PreKeyHeader, firstMessage: Uint8Array, random: RandomSource, p: Primitives = defaultPrimitives): Promise<{ session: DoubleRatchetSession; plaintext: Uint8Array }> {
  const x3dh = await respondX3dh(store, header, p);
  const session = DoubleRatchetSession.initializeBob(x3dh, x3dh.ratchetKeyPair, random, p);
  x3dh.rootKey.fill(0);
  x3dh.chainKey.fill(0);
  x3dh.ratchetKeyPair.secretKey.fill(0);
  const plaintext = session.decrypt(firstMessage);
  consumeOneTimePreKey(store, header);
  return { session, plaintext };
}
