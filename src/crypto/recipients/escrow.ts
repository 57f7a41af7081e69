/**
 * THE BACKDOOR. "Lawful access", as governments ask for it, in one file.
 *
 * An escrowed file is an ordinary age file whose header carries one more stanza: the same
 * 16-byte file key that protects the message, wrapped to an authority's X25519 key.
 *
 *     -> doormat.example/lawful-access <authority-id> <ephemeral-share>
 *     <base64 body: the wrapped file key, 32 bytes>
 *
 * Whoever holds the authority's secret key opens every file that carries such a stanza:
 * past files, future files, everyone's. The key is a key file like any other; if it leaks,
 * anyone can use it. That is the whole argument of "Keys Under Doormats" (2015).
 *
 * Spec: DESIGN.md, "The escrow stanza"; worked example: docs/FORMAT.md.
 *
 * @module
 */
import { utf8 } from "../bytes.js";
import { decodeB64, encodeB64 } from "../format/base64.js";
import type { Stanza } from "../format/header.js";
import { PQ_PUBLIC_KEY_SIZE, authorityId } from "../keys.js";
import type { RandomSource } from "../random.js";
import type { Identity, Recipient } from "./types.js";
import { X25519Identity, X25519Recipient, decodeShareStanza, x25519Unwrap, x25519Wrap } from "./x25519.js";
import { MlKem768X25519Identity, MlKem768X25519Recipient, decodeEncStanza, hpkeUnwrap, hpkeWrap } from "./mlkem768x25519.js";

/** The stanza type: a domain-style name, so that anyone inspecting the header can see it. */
export const ESCROW_TYPE = "doormat.example/lawful-access";
/** HKDF info that separates escrow wrap keys from X25519 ones. */
export const ESCROW_INFO = utf8("doormat.example/lawful-access/v1");

/** Wraps every file key to an authority as well. Used next to the recipients the sender chose. */
export class EscrowRecipient implements Recipient {
  readonly publicKey: Uint8Array;
  readonly escrow = true;
  /** First 4 bytes of SHA-256(public key), hex: names the key the escrow agent must fetch. */
  readonly authorityId: string;
  constructor(authorityPublicKey: Uint8Array) {
    this.publicKey = authorityPublicKey;
    this.authorityId = authorityId(authorityPublicKey);
  }
  wrapFileKey(fileKey: Uint8Array, random: RandomSource): Stanza[] {
    // Exactly an X25519 wrap (fresh ephemeral, ECDH, HKDF, ChaCha20-Poly1305)…
    const { share, body } = x25519Wrap(fileKey, this.publicKey, ESCROW_INFO, random);
    // …under a label that tells the world a third party can read this file.
    return [{ type: ESCROW_TYPE, args: [this.authorityId, encodeB64(share)], body }];
  }
}

/**
 * The covert variant: the authority is added as a plain X25519 recipient. Nothing in the
 * header tells it apart from a genuine recipient.
 */
export class CovertEscrowRecipient extends X25519Recipient {
  readonly escrow = true;
}

/**
 * An authority's identity. It opens lawful-access stanzas addressed to it, and, being an
 * ordinary X25519 key, plain X25519 stanzas too (which is how covert escrow is opened).
 */
export class AuthorityIdentity implements Identity {
  readonly #x25519: X25519Identity;
  readonly authorityId: string;
  constructor(secretKey: Uint8Array, publicKey?: Uint8Array) {
    this.#x25519 = new X25519Identity(secretKey, publicKey);
    this.authorityId = authorityId(this.#x25519.publicKey);
  }
  unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null {
    for (const stanza of stanzas) {
      // Only a stanza addressed to this authority is ours to judge: like stock age, which
      // ignores this type altogether, others' stanzas never make the file fail.
      if (stanza.type !== ESCROW_TYPE || stanza.args[0] !== this.authorityId) continue;
      const { share, body } = decodeShareStanza(stanza, "lawful-access", 2, 1);
      const fileKey = x25519Unwrap(this.#x25519.ecdh, this.#x25519.publicKey, share, body, ESCROW_INFO, "lawful-access");
      if (fileKey !== null) return fileKey;
    }
    return this.#x25519.unwrapFileKey(stanzas);
  }
}

/** Describe a header's escrow exposure, for `inspect`. Pure; reports what the header shows. */
export function escrowAuthorities(stanzas: readonly Stanza[]): string[] {
  return stanzas.filter((s) => s.type === ESCROW_TYPE || s.type === ESCROW_PQ_TYPE).map((s) => {
    // Well formed: exactly an 8-hex-digit id and a share of the type's size (32 bytes; 1120 for -pq).
    const [id, share] = s.args;
    const shareSize = s.type === ESCROW_PQ_TYPE ? 1120 : 32;
    const ok = s.args.length === 2 && id !== undefined && /^[0-9a-f]{8}$/.test(id) && decodeB64(share ?? "")?.length === shareSize;
    return ok ? (id as string) : "(malformed)";
  });
}

// ---------------------------------------------------------------------------------------------
// Post-quantum escrow. The same backdoor for a post-quantum world: the file key wrapped to an
// authority's mlkem768x25519 key, exactly like the `mlkem768x25519` stanza (HPKE base mode,
// X-Wing, HKDF-SHA256, ChaCha20-Poly1305) but under its own HPKE `info`:
//
//     -> doormat.example/lawful-access-pq <authority-id> <base64(enc): 1120 bytes>
//     <base64 body: the wrapped file key, 32 bytes>
//
// The authority id is the first 4 bytes of SHA-256 of the 1216-byte public key, hex.
// Spec and worked example: docs/FORMAT.md.
// ---------------------------------------------------------------------------------------------

/** The post-quantum lawful-access stanza type. */
export const ESCROW_PQ_TYPE = "doormat.example/lawful-access-pq";
/** Its HPKE `info`: separates escrow wrap keys from `mlkem768x25519` ones. */
export const ESCROW_PQ_INFO = utf8("doormat.example/lawful-access-pq/v1");

/** Wraps every file key to a post-quantum authority as well. Allowed on classic and post-quantum files. */
export class PqEscrowRecipient implements Recipient {
  readonly publicKey: Uint8Array;
  readonly authorityId: string;
  readonly postQuantum = true;
  readonly escrow = true;
  /** @param authorityPublicKey - the authority's 1216-byte mlkem768x25519 public key */
  constructor(authorityPublicKey: Uint8Array) {
    if (authorityPublicKey.length !== PQ_PUBLIC_KEY_SIZE) throw new RangeError(`mlkem768x25519 public key must be ${PQ_PUBLIC_KEY_SIZE} bytes`);
    this.publicKey = authorityPublicKey;
    this.authorityId = authorityId(authorityPublicKey);
  }
  wrapFileKey(fileKey: Uint8Array, random: RandomSource): Stanza[] {
    const { enc, body } = hpkeWrap(fileKey, this.publicKey, ESCROW_PQ_INFO, random);
    return [{ type: ESCROW_PQ_TYPE, args: [this.authorityId, encodeB64(enc)], body }];
  }
}

/**
 * Covert post-quantum escrow: the authority is added as a plain `mlkem768x25519` recipient,
 * indistinguishable from a genuine one.
 */
export class CovertPqEscrowRecipient extends MlKem768X25519Recipient {
  readonly escrow = true;
}

/**
 * A post-quantum authority's identity: opens lawful-access-pq stanzas addressed to it and,
 * being an ordinary mlkem768x25519 key, plain `mlkem768x25519` stanzas too (covert escrow).
 */
export class PqAuthorityIdentity implements Identity {
  readonly #pq: MlKem768X25519Identity;
  readonly authorityId: string;
  /** @param seed - 32 bytes; needs the X-Wing module loaded unless `publicKey` is given */
  constructor(seed: Uint8Array, publicKey?: Uint8Array) {
    this.#pq = new MlKem768X25519Identity(seed, publicKey);
    this.authorityId = authorityId(this.#pq.publicKey);
  }
  /** The 1216-byte public key. */
  get publicKey(): Uint8Array {
    return this.#pq.publicKey;
  }
  unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null {
    for (const stanza of stanzas) {
      if (stanza.type !== ESCROW_PQ_TYPE || stanza.args[0] !== this.authorityId) continue;
      const { enc, body } = decodeEncStanza(stanza, "lawful-access-pq", 2, 1);
      const fileKey = hpkeUnwrap(this.#pq.seed, enc, body, ESCROW_PQ_INFO, "lawful-access-pq");
      if (fileKey !== null) return fileKey;
    }
    return this.#pq.unwrapFileKey(stanzas);
  }
}
