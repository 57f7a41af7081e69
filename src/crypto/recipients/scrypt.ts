/**
 * The native scrypt (passphrase) recipient type.
 *
 * @module
 */
import { primitives } from "../primitives.js";
import { HeaderError } from "../errors.js";
import { concat, utf8 } from "../bytes.js";
import { decodeB64, encodeB64 } from "../format/base64.js";
import type { Stanza } from "../format/header.js";
import type { RandomSource } from "../random.js";
import type { Identity, Recipient } from "./types.js";

export const SCRYPT_TYPE = "scrypt";
const SALT_PREFIX = utf8("age-encryption.org/v1/scrypt");
const ZERO_NONCE = new Uint8Array(12);

/** age's default work factor: log2(N) = 18 (about a second). */
export const DEFAULT_WORK_FACTOR = 18;
/**
 * The largest work factor doormat writes or decrypts: 22 (4 GiB of memory, ~15 s), as Go's age,
 * so that every passphrase file age writes, doormat opens, and the other way round.
 */
export const MAX_WORK_FACTOR = 22;

function deriveKey(passphrase: Uint8Array, salt: Uint8Array, logN: number): Uint8Array {
  return primitives.scrypt(passphrase, concat(SALT_PREFIX, salt), logN, 32);
}

/** A passphrase recipient. It must be the only recipient of a file. */
export class ScryptRecipient implements Recipient {
  readonly mustBeAlone = "a passphrase (scrypt) recipient must be the only recipient of a file";
  readonly #passphrase: Uint8Array;
  readonly #logN: number;
  constructor(passphrase: string | Uint8Array, logN: number = DEFAULT_WORK_FACTOR) {
    if (!Number.isInteger(logN) || logN < 1 || logN > 30) throw new RangeError("scrypt work factor must be an integer from 1 to 30");
    this.#passphrase = typeof passphrase === "string" ? utf8(passphrase) : passphrase;
    this.#logN = logN;
  }
  wrapFileKey(fileKey: Uint8Array, random: RandomSource): Stanza[] {
    const salt = random(16);
    const key = deriveKey(this.#passphrase, salt, this.#logN);
    return [{ type: SCRYPT_TYPE, args: [encodeB64(salt), String(this.#logN)], body: primitives.seal(key, ZERO_NONCE, fileKey) }];
  }
}

/** A passphrase identity: opens an `scrypt` stanza, and insists it is the only stanza. */
export class ScryptIdentity implements Identity {
  readonly #passphrase: Uint8Array;
  readonly #maxLogN: number;
  constructor(passphrase: string | Uint8Array, maxLogN: number = MAX_WORK_FACTOR) {
    this.#passphrase = typeof passphrase === "string" ? utf8(passphrase) : passphrase;
    this.#maxLogN = maxLogN;
  }
  unwrapFileKey(stanzas: readonly Stanza[]): Uint8Array | null {
    const stanza = stanzas.find((s) => s.type === SCRYPT_TYPE);
    if (stanza === undefined) return null;
    if (stanzas.length !== 1) throw new HeaderError("an scrypt stanza must be the only stanza in the header");
    if (stanza.args.length !== 2) throw new HeaderError("invalid scrypt stanza: wrong number of arguments");
    const salt = decodeB64(stanza.args[0] as string);
    if (salt === null || salt.length !== 16) throw new HeaderError("invalid scrypt stanza: salt is not 16 bytes of canonical base64");
    const wf = stanza.args[1] as string;
    if (!/^[1-9][0-9]*$/.test(wf)) throw new HeaderError("invalid scrypt stanza: malformed work factor");
    const logN = Number(wf);
    if (logN > this.#maxLogN) throw new HeaderError(`scrypt work factor ${wf.length > 4 ? wf.slice(0, 4) + "…" : wf} is above the limit of ${this.#maxLogN}`);
    if (stanza.body.length !== 32) throw new HeaderError("invalid scrypt stanza: body is not 32 bytes");
    return primitives.open(deriveKey(this.#passphrase, salt, logN), ZERO_NONCE, stanza.body);
  }
}
