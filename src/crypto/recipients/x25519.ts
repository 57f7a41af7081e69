/**
 * The native X25519 recipient type (`age1…` / `AGE-SECRET-KEY-1…`).
 *
 * @module
 */
import { LowOrderPointError, primitives } from "../primitives.js";
import { HeaderError } from "../errors.js";
import { concat, utf8 } from "../bytes.js";
import { decodeB64, encodeB64 } from "../format/base64.js";
import type { Stanza } from "../format/header.js";
import type { RandomSource } from "../random.js";
import type { Identity, Recipient } from "./types.js";

export const X25519_TYPE = "X25519";
const X25519_INFO = utf8("age-encryption.org/v1/X25519");
const ZERO_NONCE = new Uint8Array(12);

/**
 * Wrap a file key to an X25519 public key: a fresh ephemeral key, ECDH, HKDF, ChaCha20-Poly1305.
 * Shared by the X25519 and lawful-access stanzas, which differ only in the HKDF `info`.
 * @returns the ephemeral share (32 bytes) and the body (32 bytes)
 */
export function x25519Wrap(fileKey: Uint8Array, theirPublic: Uint8Array, info: Uint8Array, random: RandomSource): { share: Uint8Array; body: Uint8Array } {
  const ephemeral = primitives.x25519Key(random(32));
  const share = ephemeral.publicKey();
  const shared = ephemeral.ecdh(theirPublic);
  const wrapKey = primitives.hkdf(shared, concat(share, theirPublic), info, 32);
  return { share, body: primitives.seal(wrapKey, ZERO_NONCE, fileKey) };
}

/**
 * Unwrap what {@link x25519Wrap} made, with our secret key.
 * @returns the file key, or `null` if the body does not authenticate (not for us)
 * @param what - the stanza's name for errors (default "X25519")
 * @throws HeaderError if the share is a low-order point
 */
export function x25519Unwrap(secretKey: Uint8Array | ((point: Uint8Array) => Uint8Array), publicKey: Uint8Array, share: Uint8Array, body: Uint8Array, info: Uint8Array, what = X25519_TYPE): Uint8Array | null {
  let shared: Uint8Array;
  try {
    shared = typeof secretKey === "function" ? secretKey(share) : primitives.x25519(secretKey, share);
  } catch (e) {
    if (e instanceof LowOrderPointError) throw new HeaderError(`invalid ${what} stanza: low-order ephemeral share`);
    throw e;
  }
  const wrapKey = primitives.hkdf(shared, concat(share, publicKey), info, 32);
  return primitives.open(wrapKey, ZERO_NONCE, body);
}

/** Check a stanza body/share pair as every native type must: exact lengths, canonical base64. */
export function decodeShareStanza(stanza: Stanza, what: string, argCount: number, shareIndex: number): { share: Uint8Array; body: Uint8Array } {
  if (stanza.args.length !== argCount) throw new HeaderError(`invalid ${what} stanza: wrong number of arguments`);
  const share = decodeB64(stanza.args[shareIndex] as string);
  if (share === null || share.length !== 32) throw new HeaderError(`invalid ${what} stanza: ephemeral share is not 32 bytes of canonical base64`);
  if (stanza.body.length !== 32) throw new HeaderError(`invalid ${what} stanza: body is not 32 bytes`);
  return { share, body: stanza.body };
}

/** An `age1…` recipient. */
export class X25519Recipient implements Recipient {
  readonly publicKey: Uint8Array;
  constructor(publicKey: Uint8Array) {
    if (publicKey.length !== 32) throw new RangeError("X25519 public key must be 32 bytes");
    this.publicKey = publicKey;
  }
  wrapFileKey(fileKey: Uint8Array, random: RandomSource): Stanza[] {
    const { share, body } = x25519Wrap(fileKey, this.publicKey, X25519_INFO, random);
    return [{ type: X25519_TYPE, args: [encodeB64(share)], body }];
  }
}

/** An `AGE-SECRET-KEY-1…` identity: opens `X25519` stanzas. */
export class X25519Identity implements Identity {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  /** The secret key imported once into the backend (fast repeated ECDH). */
  readonly ecdh: (point: Uint8Array) => Uint8Array;
  constructor(secretKey: Uint8Array, publicKey: Uint8Array = primitives.x25519Base(secretKey)) {
    this.secretKey = secretKey;
    this.publicKey = publicKey;
    this.ecdh = primitives.x25519Key(secretKey).ecdh;
  }
  unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null {
    for (const stanza of stanzas) {
      if (stanza.type !== X25519_TYPE) continue;
      const { share, body } = decodeShareStanza(stanza, X25519_TYPE, 1, 0);
      const fileKey = x25519Unwrap(this.ecdh, this.publicKey, share, body, X25519_INFO);
      if (fileKey !== null) return fileKey;
    }
    return null;
  }
}
