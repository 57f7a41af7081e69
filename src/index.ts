/**
 * The library API of `keys-under-doormats`: age v1 encryption and decryption, and the
 * lawful-access escrow recipient that the CLI's demos are built on.
 *
 * @example
 * ```ts
 * import { encrypt, decrypt, X25519Recipient, AuthorityIdentity, EscrowRecipient, generateKeyPair, secureRandom } from "keys-under-doormats";
 * const alice = generateKeyPair(secureRandom);
 * const gov = generateKeyPair(secureRandom);
 * const file = encrypt(new TextEncoder().encode("hi"), [new X25519Recipient(alice.publicKey), new EscrowRecipient(gov.publicKey)]);
 * decrypt(file, [new AuthorityIdentity(gov.secretKey)]); // the escrow agent opens it too
 *
 * // Post-quantum (mlkem768x25519): load the X-Wing module once, then as above.
 * await loadPostQuantum();
 * const bob = generatePqKeyPair(secureRandom);
 * const pqFile = encrypt(new TextEncoder().encode("hi"), [new MlKem768X25519Recipient(bob.publicKey)]);
 * decrypt(pqFile, [new MlKem768X25519Identity(bob.seed)]);
 * ```
 *
 * @module
 */
export { Decrypter, Encrypter, decrypt, encrypt, openHeader, beginEncryption, type DecryptOptions, type EncryptOptions } from "./crypto/age.js";
export { recipientMixError } from "./crypto/age.js";
export { AgeError, ArmorError, HeaderError, HmacError, NoMatchError, PayloadError, type AgeErrorKind } from "./crypto/errors.js";
export type { Header, Stanza } from "./crypto/format/header.js";
export {
  KeyFormatError, authorityId, decodeIdentity, decodeRecipient, encodeIdentity, encodeRecipient, generateKeyPair,
  parseIdentityFile, parseRecipientsFile, type X25519KeyPair,
} from "./crypto/keys.js";
export { secureRandom, seededRandom, type RandomSource } from "./crypto/random.js";
export { Inspector, type InspectReport, type StanzaReport } from "./crypto/inspect.js";
export type { Identity, Recipient } from "./crypto/recipients/types.js";
export { X25519Identity, X25519Recipient } from "./crypto/recipients/x25519.js";
export { ScryptIdentity, ScryptRecipient } from "./crypto/recipients/scrypt.js";
export { AuthorityIdentity, CovertEscrowRecipient, ESCROW_TYPE, EscrowRecipient } from "./crypto/recipients/escrow.js";

// Post-quantum: mlkem768x25519 (age1pq1… / AGE-SECRET-KEY-PQ-1…) and post-quantum escrow.
// `loadPostQuantum()` must have resolved before keys are derived or files are encrypted/decrypted with them.
export { loadXWing as loadPostQuantum } from "./crypto/primitives.js";
export {
  PQ_PUBLIC_KEY_SIZE, decodeAnyRecipient, decodePqIdentity, decodePqRecipient, encodeAnyRecipient, encodePqIdentity, encodePqRecipient,
  generatePqKeyPair, pqPublicKey, type PqKeyPair,
} from "./crypto/keys.js";
export { MLKEM768X25519_TYPE, MlKem768X25519Identity, MlKem768X25519Recipient } from "./crypto/recipients/mlkem768x25519.js";
export { CovertPqEscrowRecipient, ESCROW_PQ_TYPE, PqAuthorityIdentity, PqEscrowRecipient } from "./crypto/recipients/escrow.js";

// Signal safety numbers and the key-transparency log (docs/PROTOCOLS.md).
export { FingerprintError, SAFETY_NUMBER_ITERATIONS, formatSafetyNumber, safetyNumber, scannedMatches, serializeIdentityKey, type SafetyNumber } from "./crypto/signal/fingerprint.js";
export { consistencyProof, inclusionProof, leafHash, rootHash, verifyConsistency, verifyInclusion } from "./crypto/transparency/merkle.js";
export { signTreeHead, verifyTreeHead, type SignedTreeHead } from "./crypto/transparency/sth.js";
