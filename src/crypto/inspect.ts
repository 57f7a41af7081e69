/**
 * What an age header reveals without any key: pure analysis for `doormat inspect`.
 *
 * @module
 */
import { HeaderError } from "./errors.js";
import { concat } from "./bytes.js";
import { HeaderReader, type Header, type Stanza } from "./format/header.js";
import { ArmorDecoder, looksArmored } from "./format/armor.js";
import { CHUNK_SIZE, ENC_CHUNK_SIZE, NONCE_SIZE, TAG_SIZE } from "./format/stream.js";
import { ESCROW_PQ_TYPE, ESCROW_TYPE, escrowAuthorities as escrowAuthoritiesOf } from "./recipients/escrow.js";
import { MLKEM768X25519_TYPE } from "./recipients/mlkem768x25519.js";
import { SCRYPT_TYPE } from "./recipients/scrypt.js";
import { X25519_TYPE } from "./recipients/x25519.js";

/** What one stanza is. */
export type StanzaKind = "x25519" | "scrypt" | "lawful-access" | "post-quantum" | "unknown";

export interface StanzaReport {
  readonly type: string;
  readonly args: readonly string[];
  readonly bodySize: number;
  readonly kind: StanzaKind;
  /** One sentence for people. */
  readonly description: string;
  /** For lawful-access stanzas: the authority id. */
  readonly authorityId?: string;
}

export interface InspectReport {
  readonly version: "age-encryption.org/v1";
  readonly armored: boolean;
  readonly stanzas: readonly StanzaReport[];
  readonly headerSize: number;
  /** Bytes after the header: the 16-byte nonce and the encrypted chunks. */
  readonly payloadSize: number;
  /** Plaintext size implied by the payload size, or null if that size is impossible. */
  readonly plaintextSize: number | null;
  /** Authority ids of the lawful-access stanzas. */
  readonly escrowAuthorities: readonly string[];
  /** True when a third party is named as able to read the file. */
  readonly lawfulAccess: boolean;
  /** Number of X25519 stanzas: with two or more, any one could be a covert escrow. */
  readonly x25519Count: number;
  /**
   * Number of `mlkem768x25519` stanzas: with two or more, any one could be a covert
   * post-quantum escrow (`--escrow-covert` with a post-quantum authority writes exactly one).
   */
  readonly mlkem768x25519Count: number;
  /**
   * The classic stanza types of a file that also has post-quantum stanzas: the file is only as
   * strong as those classic keys (see {@link classicWeakLinks}). Empty otherwise.
   */
  readonly classicWeakLinks: readonly string[];
  /** Bytes read, armor included (equals headerSize + payloadSize for a binary file). */
  readonly inputSize: number;
  /** Whether the file key is protected only by post-quantum stanzas: see {@link postQuantumStatus}. */
  readonly postQuantum: PostQuantumStatus;
}

function describe(s: Stanza): StanzaReport {
  const base = { type: s.type, args: s.args, bodySize: s.body.length };
  switch (s.type) {
    case X25519_TYPE:
      return { ...base, kind: "x25519", description: "X25519 recipient (no key id: nothing tells it apart from an escrow key)" };
    case SCRYPT_TYPE:
      return { ...base, kind: "scrypt", description: `passphrase (scrypt, work factor ${s.args[1] ?? "?"})` };
    case ESCROW_TYPE:
      return { ...base, kind: "lawful-access", authorityId: s.args[0] ?? "", description: `LAWFUL ACCESS: the file key is escrowed to authority ${s.args[0] ?? "?"}` };
    case ESCROW_PQ_TYPE:
      return { ...base, kind: "lawful-access", authorityId: s.args[0] ?? "", description: `LAWFUL ACCESS: the file key is escrowed to post-quantum authority ${s.args[0] ?? "?"}` };
    case MLKEM768X25519_TYPE:
      return { ...base, kind: "post-quantum", description: "post-quantum hybrid recipient (ML-KEM-768 + X25519)" };
    default:
      return { ...base, kind: "unknown", description: "unknown stanza type (ignored by decryptors that do not know it)" };
  }
}

/** Plaintext size for a payload of `n` bytes after the header (nonce included), or null. */
export function impliedPlaintextSize(n: number): number | null {
  const p = n - NONCE_SIZE;
  if (p < TAG_SIZE) return null;
  const full = Math.floor(p / ENC_CHUNK_SIZE);
  const rest = p % ENC_CHUNK_SIZE;
  if (rest === 0) return full * CHUNK_SIZE; // ends with a full final chunk
  if (rest < TAG_SIZE || (rest === TAG_SIZE && full > 0)) return null;
  return full * CHUNK_SIZE + rest - TAG_SIZE;
}

/** Reads a file's bytes as they stream, keeping only the header. */
export class Inspector {
  #armor: ArmorDecoder | null | undefined = undefined;
  #lead: Uint8Array = new Uint8Array(0) as Uint8Array;
  /** Parses the header as it streams past (linear time, bounded memory). */
  #reader = new HeaderReader();
  #header: Header | null = null;
  #total = 0;
  #input = 0;

  push(data: Uint8Array): void {
    this.#input += data.length;
    if (this.#armor === undefined) {
      const all = concat(this.#lead, data);
      const a = looksArmored(all);
      if (a === undefined && all.length < 1024) {
        this.#lead = all;
        return;
      }
      this.#armor = a ? new ArmorDecoder() : null;
      this.#lead = new Uint8Array(0);
      data = all;
    }
    this.#binary(this.#armor ? this.#armor.push(data) : data);
  }

  #binary(bin: Uint8Array): void {
    this.#total += bin.length;
    if (this.#header === null) this.#header = this.#reader.push(bin)?.header ?? null;
  }

  /** @throws HeaderError or ArmorError */
  finish(): InspectReport {
    if (this.#armor === undefined) {
      this.#armor = null;
      this.#binary(this.#lead);
    }
    if (this.#armor) this.#binary(this.#armor.finish());
    const header = this.#header;
    if (header === null) {
      if (this.#total === 0) throw new HeaderError("the input is empty");
      return this.#reader.finish();
    }
    const stanzas = header.stanzas.map(describe);
    const payloadSize = this.#total - header.length;
    const escrowAuthorities = escrowAuthoritiesOf(header.stanzas);
    return {
      version: "age-encryption.org/v1",
      armored: this.#armor !== null,
      stanzas,
      headerSize: header.length,
      payloadSize,
      plaintextSize: impliedPlaintextSize(payloadSize),
      escrowAuthorities,
      lawfulAccess: escrowAuthorities.length > 0,
      x25519Count: stanzas.filter((s) => s.kind === "x25519").length,
      mlkem768x25519Count: stanzas.filter((s) => s.type === MLKEM768X25519_TYPE).length,
      classicWeakLinks: classicWeakLinks(header.stanzas.map((s) => s.type)),
      inputSize: this.#input,
      postQuantum: postQuantumStatus(header.stanzas.map((s) => s.type)),
    };
  }
}

// ---------------------------------------------------------------------------------------
// Post-quantum status, as age-inspect reports it
// ---------------------------------------------------------------------------------------

/** `"yes"`, `"no"` or `"unknown"`, the values of age-inspect's `postquantum` field. */
export type PostQuantumStatus = "yes" | "no" | "unknown";

/**
 * Stanza types that protect the file key against a quantum adversary: the ML-KEM hybrids,
 * scrypt (symmetric), and doormat's post-quantum escrow stanza.
 */
export const POST_QUANTUM_STANZA_TYPES: ReadonlySet<string> = new Set(["mlkem768x25519", "mlkem768p256tag", "scrypt", "doormat.example/lawful-access-pq"]);

/**
 * Stanza types whose security rests on a classic (elliptic-curve or RSA) key: anyone who
 * breaks that key with a quantum computer gets the file key. doormat's classic escrow stanza
 * is one of them: a post-quantum file escrowed to it is only as strong as the authority's key.
 */
export const CLASSIC_STANZA_TYPES: ReadonlySet<string> = new Set(["X25519", "ssh-rsa", "ssh-ed25519", "p256tag", "piv-p256", "doormat.example/lawful-access"]);

/**
 * Whether a file is post-quantum, by age-inspect's rule (FiloSottile/age
 * `internal/inspect`): `"no"` if any stanza is classic, else `"yes"` if any is post-quantum,
 * else `"unknown"`. Stanza types in neither list (plugins, grease) do not change the answer.
 *
 * @param stanzaTypes - the header's stanza types, in order
 * @returns the status; never throws
 */
export function postQuantumStatus(stanzaTypes: readonly string[]): PostQuantumStatus {
  let status: PostQuantumStatus = "unknown";
  for (const t of stanzaTypes) {
    if (CLASSIC_STANZA_TYPES.has(t)) return "no";
    if (POST_QUANTUM_STANZA_TYPES.has(t)) status = "yes";
  }
  return status;
}

/** Post-quantum recipient stanza types (not escrow, not scrypt): what makes a file meant to be post-quantum. */
const POST_QUANTUM_RECIPIENT_TYPES: ReadonlySet<string> = new Set(["mlkem768x25519", "mlkem768p256tag"]);

/**
 * The weak links of a mixed file: when a header has post-quantum stanzas next to classic ones
 * (doormat refuses to write such a file, but another tool, or a hand, can), an adversary with a
 * quantum computer opens it through the classic one. A post-quantum file escrowed to a classic
 * authority key is the case in point: it is only as strong as the authority's X25519 key.
 *
 * A classic file escrowed to a post-quantum authority has no weak link in this sense: it was
 * classic to begin with, and the post-quantum escrow stanza weakens nothing.
 *
 * @param stanzaTypes - the header's stanza types, in order
 * @returns the distinct classic types, in header order, if any post-quantum recipient stanza
 *   (`mlkem768x25519`, `mlkem768p256tag`) is present; else an empty list. Never throws.
 */
export function classicWeakLinks(stanzaTypes: readonly string[]): string[] {
  if (!stanzaTypes.some((t) => POST_QUANTUM_RECIPIENT_TYPES.has(t))) return [];
  return [...new Set(stanzaTypes.filter((t) => CLASSIC_STANZA_TYPES.has(t)))];
}
