/**
 * age v1 encryption and decryption as push-based state machines, plus whole-buffer helpers.
 *
 * `Encrypter`: recipients → header, nonce, STREAM chunks (optionally armored).
 * `Decrypter`: bytes in any slices → header parsed and authenticated → plaintext chunks.
 * No I/O: the caller moves the bytes (see src/io/).
 *
 * @module
 */
import { HeaderError, HmacError, NoMatchError } from "./errors.js";
import { concat } from "./bytes.js";
import { HeaderReader, MAX_STANZAS, encodeHeader, verifyHeaderMac, type Header, type Stanza } from "./format/header.js";
import { NONCE_SIZE, StreamDecryptor, StreamEncryptor, payloadKey } from "./format/stream.js";
import { ArmorDecoder, ArmorEncoder, looksArmored } from "./format/armor.js";
import { secureRandom, type RandomSource } from "./random.js";
import type { Identity, Recipient } from "./recipients/types.js";
import { SCRYPT_TYPE } from "./recipients/scrypt.js";

/** Options for {@link Decrypter}. */
export interface DecryptOptions {
  /** `"auto"` (default) detects armor from the first non-whitespace byte. */
  readonly armor?: boolean | "auto";
}

/** Options for {@link Encrypter}. */
export interface EncryptOptions {
  /** Wrap the output in ASCII armor. */
  readonly armor?: boolean;
  /** Randomness for the file key, nonce and ephemeral keys. Default: the OS CSPRNG. */
  readonly random?: RandomSource;
}

/**
 * Build the stanzas for a set of recipients around one fresh file key, enforcing the header
 * rules (at least one recipient; a must-be-alone recipient such as scrypt really alone).
 * @throws TypeError naming the rule that was broken
 */
export function wrapFileKey(recipients: readonly Recipient[], fileKey: Uint8Array, random: RandomSource): Stanza[] {
  if (recipients.length === 0) throw new TypeError("no recipients");
  // A file no decryptor that keeps doormat's limits could open is not written at all.
  if (recipients.length > MAX_STANZAS) throw new TypeError(`too many recipients: at most ${MAX_STANZAS} (the header limit, see docs/FORMAT.md)`);
  for (const r of recipients) {
    if (r.mustBeAlone !== undefined && recipients.length > 1) throw new TypeError(r.mustBeAlone);
  }
  const mix = recipientMixError(recipients);
  if (mix !== null) throw new TypeError(mix);
  return recipients.flatMap((r) => r.wrapFileKey(fileKey, random));
}

/**
 * The post-quantum mixing rule (age-spec §4.3 "SHOULD NOT"; age ≥ 1.3 refuses it through its
 * `postquantum` label): a file is only as strong as its weakest stanza, so once any chosen
 * recipient is post-quantum, every stanza must be. Escrow follows the same logic: a classic
 * authority key on a post-quantum file is refused (it would downgrade the file to classic
 * security: "harvest now, decrypt later"), while a post-quantum authority on a classic file
 * weakens nothing and is allowed.
 * @returns why the set is refused, or `null` if it is allowed
 */
export function recipientMixError(recipients: readonly Recipient[]): string | null {
  if (!recipients.some((r) => r.postQuantum === true && r.escrow !== true)) return null;
  if (recipients.some((r) => r.postQuantum !== true && r.escrow === true)) {
    return "refusing to escrow a post-quantum file to a classic (X25519) authority key: it would downgrade the file to classic security, "
      + "and anyone who records it today could open it once X25519 falls to a quantum computer (\"harvest now, decrypt later\")";
  }
  if (recipients.some((r) => r.postQuantum !== true)) {
    return "refusing to mix post-quantum (age1pq1…) and classic (age1…) recipients in one file: "
      + "the classic X25519 stanza would throw away the post-quantum protection (age 1.3 refuses this too)";
  }
  return null;
}

/**
 * Start a file: a fresh file key wrapped to every recipient, the header with its MAC, the
 * payload nonce, and the payload key for STREAM.
 * @returns `head` (header ‖ nonce, the file's first bytes) and the payload key
 */
export function beginEncryption(recipients: readonly Recipient[], random: RandomSource): { head: Uint8Array; payloadKey: Uint8Array; stanzas: Stanza[] } {
  const fileKey = random(16);
  const stanzas = wrapFileKey(recipients, fileKey, random);
  const nonce = random(NONCE_SIZE);
  const head = concat(encodeHeader(stanzas, fileKey), nonce);
  const key = payloadKey(fileKey, nonce);
  fileKey.fill(0);
  return { head, payloadKey: key, stanzas };
}

/**
 * Open a file's header: parse it, find a file key with the identities, verify the MAC.
 * @param data - the start of a binary (not armored) age file
 * @returns the header, the payload key and where the payload starts, or `null` if `data`
 *   does not yet hold the whole header and nonce
 * @throws HeaderError, NoMatchError or HmacError
 */
export function openHeader(identities: readonly Identity[], data: Uint8Array): { header: Header; payloadKey: Uint8Array; payloadStart: number } | null {
  const r = new HeaderReader().push(data);
  if (r === null || r.rest.length < NONCE_SIZE) return null;
  const end = r.header.length;
  return { header: r.header, payloadKey: openPayloadKey(identities, r.header, data.subarray(end, end + NONCE_SIZE)), payloadStart: end + NONCE_SIZE };
}

/** Unwrap the file key of a parsed header and derive the payload key from the nonce. */
function openPayloadKey(identities: readonly Identity[], header: Header, nonce: Uint8Array): Uint8Array {
  const fileKey = unwrapFileKey(identities, header);
  const key = payloadKey(fileKey, nonce);
  fileKey.fill(0);
  return key;
}

function unwrapFileKey(identities: readonly Identity[], header: Header): Uint8Array {
  // age-spec §4.2: a file with an scrypt stanza and anything else is invalid, whoever opens it.
  if (header.stanzas.length > 1 && header.stanzas.some((s) => s.type === SCRYPT_TYPE)) {
    throw new HeaderError("an scrypt stanza must be the only stanza in the header");
  }
  for (const identity of identities) {
    const fileKey = identity.unwrapFileKey(header.stanzas);
    if (fileKey === null) continue;
    if (fileKey.length !== 16) throw new HeaderError("the unwrapped file key is not 16 bytes");
    if (!verifyHeaderMac(header, fileKey)) throw new HmacError();
    return fileKey;
  }
  throw new NoMatchError();
}

/** Encrypts one file. Call `push` for each plaintext slice, then `finish` once. */
export class Encrypter {
  readonly #stream: StreamEncryptor;
  readonly #armor: ArmorEncoder | null;
  #head: Uint8Array | null;
  /** The stanzas written to the header (for inspection and tests). */
  readonly stanzas: readonly Stanza[];

  /**
   * @param recipients - one or more; all wrap the same fresh file key
   * @throws TypeError if the recipient set is not allowed (see {@link wrapFileKey})
   */
  constructor(recipients: readonly Recipient[], options: EncryptOptions = {}) {
    const { head, payloadKey: key, stanzas } = beginEncryption(recipients, options.random ?? secureRandom);
    this.stanzas = stanzas;
    this.#head = head;
    this.#stream = new StreamEncryptor(key);
    this.#armor = options.armor ? new ArmorEncoder() : null;
  }

  #emit(sealed: Uint8Array): Uint8Array {
    let bin = sealed;
    if (this.#head) {
      bin = concat(this.#head, sealed);
      this.#head = null;
    }
    return this.#armor ? this.#armor.push(bin) : bin;
  }

  /** Add plaintext; returns ciphertext bytes ready to write (possibly empty). */
  push(plaintext: Uint8Array): Uint8Array {
    return this.#emit(this.#stream.push(plaintext));
  }

  /** Returns the last ciphertext bytes. */
  finish(): Uint8Array {
    const last = this.#emit(this.#stream.finish());
    return this.#armor ? concat(last, this.#armor.finish()) : last;
  }
}

/**
 * Decrypts one file. `push` returns plaintext only once the header has been parsed, a file key
 * found and the header MAC verified; every chunk it returns has authenticated. The plaintext is
 * complete and trustworthy only when `finish` returns without throwing.
 */
export class Decrypter {
  readonly #identities: readonly Identity[];
  #armor: ArmorDecoder | null | undefined = undefined;
  #leading: Uint8Array = new Uint8Array(0);
  /** Parses the header as it arrives: every byte is looked at once. */
  #reader = new HeaderReader();
  /** The bytes after the header, while fewer than the nonce. */
  #afterHeader: Uint8Array = new Uint8Array(0);
  #header: Header | null = null;
  #stream: StreamDecryptor | null = null;

  /** @param identities - tried in order; the first that opens a stanza wins */
  constructor(identities: readonly Identity[], options: DecryptOptions = {}) {
    this.#identities = identities;
    const armor = options.armor ?? "auto";
    if (armor !== "auto") this.#armor = armor ? new ArmorDecoder() : null;
  }

  /** The parsed header, once it has been read and authenticated. */
  get header(): Header | null {
    return this.#stream ? this.#header : null;
  }

  /** Whether the input was armored (known after the first non-whitespace byte). */
  get armored(): boolean | undefined {
    return this.#armor === undefined ? undefined : this.#armor !== null;
  }

  /** Add ciphertext; returns authenticated plaintext chunks. */
  push(data: Uint8Array): Uint8Array[] {
    if (this.#armor === undefined) {
      // Decide on armor at the first byte that is not whitespace.
      data = this.#leading.length === 0 ? data : concat(this.#leading, data);
      const detected = looksArmored(data);
      if (detected === undefined && data.length <= 1024) {
        this.#leading = data;
        return [];
      }
      this.#leading = new Uint8Array(0);
      this.#armor = detected ? new ArmorDecoder() : null;
    }
    const bin = this.#armor ? this.#armor.push(data) : data;
    return this.#pushBinary(bin);
  }

  #pushBinary(bin: Uint8Array): Uint8Array[] {
    if (this.#stream) return this.#stream.push(bin);
    if (this.#header === null) {
      const r = this.#reader.push(bin);
      if (r === null) return [];
      this.#header = r.header;
      bin = r.rest;
    }
    const after = this.#afterHeader.length === 0 ? bin : concat(this.#afterHeader, bin);
    if (after.length < NONCE_SIZE) {
      this.#afterHeader = Uint8Array.from(after); // the caller may reuse its buffer
      return [];
    }
    this.#afterHeader = new Uint8Array(0);
    const key = openPayloadKey(this.#identities, this.#header, after.subarray(0, NONCE_SIZE));
    this.#stream = new StreamDecryptor(key);
    return this.#stream.push(after.subarray(NONCE_SIZE));
  }

  /**
   * End of input.
   * @returns the final plaintext chunk(s)
   * @throws HeaderError, NoMatchError, HmacError, ArmorError or PayloadError
   */
  finish(): Uint8Array[] {
    if (this.#armor === undefined) {
      if (this.#leading.length === 0) throw new HeaderError("the input is empty");
      this.#armor = null;
      const leading = this.#leading;
      this.#leading = new Uint8Array(0);
      this.#pushBinary(leading);
    }
    const out: Uint8Array[] = [];
    if (this.#armor) out.push(...this.#pushBinary(this.#armor.finish()));
    if (!this.#stream) {
      if (this.#header === null) this.#reader.finish();
      // The header is complete but the nonce is not: open it anyway so that header errors win.
      unwrapFileKey(this.#identities, this.#header as Header);
      throw new HeaderError("the file ends before the payload nonce (truncated)");
    }
    out.push(...this.#stream.finish());
    return out;
  }
}

/**
 * Encrypt a whole buffer.
 * @returns the age file (armored if asked)
 */
export function encrypt(plaintext: Uint8Array, recipients: readonly Recipient[], options: EncryptOptions = {}): Uint8Array {
  const e = new Encrypter(recipients, options);
  return concat(e.push(plaintext), e.finish());
}

/**
 * Decrypt a whole buffer; releases nothing unless the whole file authenticates.
 * @throws AgeError subclasses on any failure
 */
export function decrypt(ciphertext: Uint8Array, identities: readonly Identity[]): Uint8Array {
  const d = new Decrypter(identities);
  const parts = d.push(ciphertext);
  parts.push(...d.finish());
  return concat(...parts);
}
