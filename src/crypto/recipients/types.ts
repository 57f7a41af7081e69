/**
 * The two interfaces every recipient type implements.
 *
 * @module
 */
import type { Stanza } from "../format/header.js";
import type { RandomSource } from "../random.js";

/** Something a file can be encrypted to: wraps the 16-byte file key into stanzas. */
export interface Recipient {
  /**
   * Wrap the file key.
   * @param fileKey - 16 bytes
   * @param random - randomness for ephemeral keys and salts
   * @returns one or more stanzas
   */
  wrapFileKey(fileKey: Uint8Array, random: RandomSource): Stanza[];
  /**
   * If set, this recipient must be the only one in the file (scrypt). The encryptor refuses
   * to mix it with anything else.
   */
  readonly mustBeAlone?: string;
  /**
   * True for post-quantum recipients (`mlkem768x25519` and the post-quantum escrow stanza).
   * A file with a post-quantum recipient must not also carry classic stanzas: see
   * `recipientMixError` in src/crypto/age.ts.
   */
  readonly postQuantum?: boolean;
  /** True for lawful-access (escrow) recipients, overt or covert. */
  readonly escrow?: boolean;
}

/** Something that can open a file: finds its stanza and unwraps the file key. */
export interface Identity {
  /**
   * Look through every stanza of a header.
   * @returns the 16-byte file key, or `null` if no stanza is addressed to this identity
   * @throws HeaderError if a stanza of this identity's type is malformed
   */
  unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null;
}
