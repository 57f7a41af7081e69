/**
 * Key encodings: X25519 identities (`AGE-SECRET-KEY-1…`) and recipients (`age1…`) in Bech32,
 * and parsing of identity and recipient files.
 *
 * @module
 */
import { bech32 } from "@scure/base";
import { primitives, xwing } from "./primitives.js";
import type { RandomSource } from "./random.js";
import { toHex } from "./bytes.js";

export const RECIPIENT_HRP = "age";
export const IDENTITY_HRP = "AGE-SECRET-KEY-";

/** A parsed X25519 key pair. */
export interface X25519KeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** Thrown when a key string cannot be decoded; the message never contains the key. */
export class KeyFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyFormatError";
  }
}

function decodeBech32(s: string, hrp: string, length: number, what: string): Uint8Array {
  // A comment after the key, two keys on a line, a stray space or CR: say so, not "bad checksum".
  const space = /\s/.exec(s)?.[0];
  if (space !== undefined) {
    const kind = space === " " || space === "\t" ? "a space or tab"
      : space === "\r" ? "a carriage return (CR, as Windows line endings leave)"
      : space === "\n" ? "a line break"
      : `an invisible space (U+${space.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")})`;
    throw new KeyFormatError(`${what} has ${kind} in it: a key is one word; write one key per line, and put "#" comments on lines of their own`);
  }
  if (s !== s.toLowerCase() && s !== s.toUpperCase()) throw new KeyFormatError(`${what} mixes upper and lower case`);
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32.decode(s as `${string}1${string}`, false);
  } catch {
    throw new KeyFormatError(`${what} is not valid Bech32 (bad character or checksum)`);
  }
  if (decoded.prefix.toLowerCase() !== hrp.toLowerCase()) throw new KeyFormatError(`${what} has the wrong prefix`);
  let bytes: Uint8Array;
  try {
    bytes = bech32.fromWords(decoded.words);
  } catch {
    throw new KeyFormatError(`${what} has invalid padding`);
  }
  if (bytes.length !== length) throw new KeyFormatError(`${what} has the wrong length`);
  return bytes;
}

/** Encode a 32-byte X25519 public key as `age1…`. */
export function encodeRecipient(publicKey: Uint8Array): string {
  return bech32.encode(RECIPIENT_HRP, bech32.toWords(publicKey), false);
}

/** Encode a 32-byte X25519 secret key as `AGE-SECRET-KEY-1…`. */
export function encodeIdentity(secretKey: Uint8Array): string {
  return bech32.encode(IDENTITY_HRP.toLowerCase(), bech32.toWords(secretKey), false).toUpperCase();
}

/**
 * Decode an `age1…` recipient.
 * @throws KeyFormatError if it is not a valid X25519 recipient
 */
export function decodeRecipient(s: string): Uint8Array {
  if (s.startsWith("age1pq1")) throw new KeyFormatError("this is a post-quantum (mlkem768x25519) recipient, not an X25519 one");
  if (s.startsWith("age1tag")) throw new KeyFormatError("tagged (hardware-key) recipients are not supported");
  if (!s.startsWith("age1")) throw new KeyFormatError('recipient does not start with "age1"');
  return decodeBech32(s, RECIPIENT_HRP, 32, "recipient");
}

/**
 * Decode an `AGE-SECRET-KEY-1…` identity.
 * @throws KeyFormatError if it is not a valid X25519 identity
 */
export function decodeIdentity(s: string): X25519KeyPair {
  if (s.startsWith("AGE-SECRET-KEY-PQ-1")) throw new KeyFormatError("this is a post-quantum (mlkem768x25519) identity, not an X25519 one");
  if (!s.startsWith("AGE-SECRET-KEY-1")) throw new KeyFormatError('identity does not start with "AGE-SECRET-KEY-1"');
  const secretKey = decodeBech32(s, IDENTITY_HRP, 32, "identity");
  return { secretKey, publicKey: primitives.x25519Base(secretKey) };
}

/** Generate a new X25519 key pair from `random` (32 bytes). */
export function generateKeyPair(random: RandomSource): X25519KeyPair {
  const secretKey = random(32);
  return { secretKey, publicKey: primitives.x25519Base(secretKey) };
}

/**
 * An authority id: lower-case hex of the first 4 bytes of SHA-256(public key), as in
 * DESIGN.md's lawful-access stanza.
 */
export function authorityId(publicKey: Uint8Array): string {
  return toHex(primitives.sha256(publicKey).subarray(0, 4));
}

/** One secret key found in an identity file, with its line number. */
export interface IdentityEntry {
  readonly key: X25519KeyPair;
  readonly line: number;
}

/** Metadata found in `# name: value` comments of a key file (e.g. `authority`). */
export type KeyFileMeta = Readonly<Record<string, string>>;

/**
 * Longest line a key file may have: a post-quantum recipient (`age1pq1…`) is ~2,000
 * characters, so this leaves room; a longer line is refused before any decoding.
 */
export const MAX_KEY_LINE = 8192;
/** Most keys one identity or recipients file may hold (as many as a header may have stanzas). */
export const MAX_KEYS_PER_FILE = 20_000;

/**
 * Call `fn` for each non-blank line of `text` (CR LF or LF, trimmed) with its 1-based number.
 * Blank runs are skipped by one native regex scan, and newlines are counted only up to a line
 * that is handed to `fn`: time linear in the text, and no array of every line (a 16 MiB file
 * of empty lines would be millions of strings).
 * @throws KeyFormatError for a line longer than {@link MAX_KEY_LINE} (comments excepted)
 */
function forEachLine(text: string, fn: (line: string, n: number) => void): void {
  const nonBlank = /\S/g;
  let counted = 0; // newlines before `counted` have been counted into `n`
  let n = 1;
  for (;;) {
    const m = nonBlank.exec(text);
    if (m === null) return;
    const at = m.index;
    for (let lf = text.indexOf("\n", counted); lf !== -1 && lf < at; lf = text.indexOf("\n", lf + 1)) n++;
    const start = text.lastIndexOf("\n", at) + 1;
    const lf = text.indexOf("\n", at);
    const end = lf === -1 ? text.length : lf;
    counted = end;
    const line = text.slice(start, end).trim();
    if (line.length > MAX_KEY_LINE && !line.startsWith("#")) throw new KeyFormatError(`line ${n} is longer than ${MAX_KEY_LINE} characters: not a key`);
    fn(line, n);
    if (lf === -1) return;
    nonBlank.lastIndex = lf + 1;
  }
}

/**
 * Parse an identity file: one `AGE-SECRET-KEY-1…` per line, `#` comments and blank lines
 * ignored. Errors name the line, never its content (it may be secret).
 * @throws KeyFormatError
 */
export function parseIdentityFile(text: string): { identities: IdentityEntry[]; pqIdentities: PqIdentityEntry[]; meta: KeyFileMeta } {
  const identities: IdentityEntry[] = [];
  const pqIdentities: PqIdentityEntry[] = [];
  const meta: Record<string, string> = {};
  forEachLine(text, (line, n) => {
    const i = n - 1;
    if (line === "") return;
    if (line.startsWith("#")) {
      const m = /^#\s*([a-z][a-z -]*):\s*(.*)$/.exec(line);
      if (m) meta[m[1] as string] = m[2] as string;
      return;
    }
    if (line.startsWith("age1")) throw new KeyFormatError(`line ${i + 1} is a recipient (public key), not an identity`);
    // Both kinds count: a file of post-quantum keys is bounded like any other.
    if (identities.length + pqIdentities.length >= MAX_KEYS_PER_FILE) throw new KeyFormatError(`more than ${MAX_KEYS_PER_FILE} identities (line ${n}), doormat's limit`);
    try {
      if (line.startsWith("AGE-SECRET-KEY-PQ-")) pqIdentities.push({ seed: decodePqIdentity(line), line: i + 1 });
      else identities.push({ key: decodeIdentity(line), line: i + 1 });
    } catch (e) {
      throw new KeyFormatError(`malformed identity at line ${i + 1}: ${(e as Error).message}`);
    }
  });
  if (identities.length + pqIdentities.length === 0) throw new KeyFormatError("no identities found");
  return { identities, pqIdentities, meta };
}

/**
 * Parse a recipients file: one `age1…` or `age1pq1…` per line, `#` comments and blank lines
 * ignored.
 * @returns public keys: 32 bytes for X25519, 1216 bytes for mlkem768x25519 (see {@link decodeAnyRecipient})
 * @throws KeyFormatError
 */
export function parseRecipientsFile(text: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  forEachLine(text, (line, n) => {
    const i = n - 1;
    if (line === "" || line.startsWith("#")) return;
    if (line.startsWith("AGE-SECRET-KEY-")) throw new KeyFormatError(`line ${i + 1} is an identity (secret key), not a recipient`);
    if (out.length >= MAX_KEYS_PER_FILE) throw new KeyFormatError(`more than ${MAX_KEYS_PER_FILE} recipients (line ${n}), doormat's limit`);
    try {
      out.push(decodeAnyRecipient(line));
    } catch (e) {
      throw new KeyFormatError(`malformed recipient at line ${i + 1}: ${(e as Error).message}`);
    }
  });
  if (out.length === 0) throw new KeyFormatError("no recipients found");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Post-quantum keys: mlkem768x25519 (age-spec §4.3). A PQ identity is a 32-byte X-Wing seed;
// its recipient is the 1216-byte X-Wing encapsulation key. Deriving it needs the X-Wing module
// loaded (`await loadXWing()`, src/crypto/primitives.ts).
// ---------------------------------------------------------------------------------------------

export const PQ_RECIPIENT_HRP = "age1pq";
export const PQ_IDENTITY_HRP = "AGE-SECRET-KEY-PQ-";
/** Size of an mlkem768x25519 public key: ML-KEM-768 ek (1184) ‖ X25519 (32). */
export const PQ_PUBLIC_KEY_SIZE = 1216;

/** A post-quantum key pair: the 32-byte seed (the identity) and its 1216-byte public key. */
export interface PqKeyPair {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** One post-quantum secret key found in an identity file, with its line number. */
export interface PqIdentityEntry {
  readonly seed: Uint8Array;
  readonly line: number;
}

/** Encode a 1216-byte mlkem768x25519 public key as `age1pq1…` (1959 characters: past Bech32's usual 90-character limit). */
export function encodePqRecipient(publicKey: Uint8Array): string {
  if (publicKey.length !== PQ_PUBLIC_KEY_SIZE) throw new RangeError(`mlkem768x25519 public key must be ${PQ_PUBLIC_KEY_SIZE} bytes`);
  return bech32.encode(PQ_RECIPIENT_HRP, bech32.toWords(publicKey), false);
}

/** Encode a 32-byte seed as `AGE-SECRET-KEY-PQ-1…` (77 characters). */
export function encodePqIdentity(seed: Uint8Array): string {
  if (seed.length !== 32) throw new RangeError("mlkem768x25519 identity seed must be 32 bytes");
  return bech32.encode(PQ_IDENTITY_HRP.toLowerCase(), bech32.toWords(seed), false).toUpperCase();
}

/**
 * Decode an `age1pq1…` recipient.
 * @returns the 1216-byte public key
 * @throws KeyFormatError
 */
export function decodePqRecipient(s: string): Uint8Array {
  if (!s.startsWith("age1pq1")) throw new KeyFormatError('post-quantum recipient does not start with "age1pq1"');
  return decodeBech32(s, PQ_RECIPIENT_HRP, PQ_PUBLIC_KEY_SIZE, "post-quantum recipient");
}

/**
 * Decode an `AGE-SECRET-KEY-PQ-1…` identity.
 * @returns the 32-byte seed
 * @throws KeyFormatError
 */
export function decodePqIdentity(s: string): Uint8Array {
  if (!s.startsWith("AGE-SECRET-KEY-PQ-1")) throw new KeyFormatError('post-quantum identity does not start with "AGE-SECRET-KEY-PQ-1"');
  return decodeBech32(s, PQ_IDENTITY_HRP, 32, "post-quantum identity");
}

/**
 * Decode either kind of recipient.
 * @returns 32 bytes for `age1…` (X25519), 1216 bytes for `age1pq1…` (mlkem768x25519)
 * @throws KeyFormatError
 */
export function decodeAnyRecipient(s: string): Uint8Array {
  return s.startsWith("age1pq1") ? decodePqRecipient(s) : decodeRecipient(s);
}

/** Encode a public key as a recipient string by its size: 32 bytes `age1…`, 1216 bytes `age1pq1…`. */
export function encodeAnyRecipient(publicKey: Uint8Array): string {
  return publicKey.length === PQ_PUBLIC_KEY_SIZE ? encodePqRecipient(publicKey) : encodeRecipient(publicKey);
}

/**
 * The 1216-byte public key of a 32-byte seed.
 * @throws Error if the X-Wing module is not loaded yet
 */
export function pqPublicKey(seed: Uint8Array): Uint8Array {
  return xwing().publicKey(seed);
}

/** Generate a new post-quantum key pair from `random` (32 bytes); needs X-Wing loaded. */
export function generatePqKeyPair(random: RandomSource): PqKeyPair {
  const seed = random(32);
  return { seed, publicKey: pqPublicKey(seed) };
}
