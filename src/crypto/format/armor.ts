/**
 * ASCII armor (age-spec §7): strict PEM with the label `AGE ENCRYPTED FILE`, 64-column
 * padded base64. Encoding and decoding are push-based, so armored files stream too.
 *
 * @module
 */
import { ArmorError } from "../errors.js";
import { concat, copyBytes, utf8 } from "../bytes.js";
import { decodeB64, decodeB64Padded, encodeB64Padded } from "./base64.js";

export const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
export const ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
const LINE_BYTES = 48; // 64 base64 columns
const MAX_SURROUNDING_WHITESPACE = 1024;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/**
 * Whether `head` (the first bytes of an input) starts like an armored file.
 * @returns `undefined` while `head` holds only whitespace
 */
export function looksArmored(head: Uint8Array): boolean | undefined {
  let i = 0;
  while (i < head.length && isSpace(head[i] as number)) i++;
  return i === head.length ? undefined : head[i] === 0x2d; // "-"
}

/** Wraps binary data in armor as it streams. */
export class ArmorEncoder {
  #pending: Uint8Array = new Uint8Array(0);
  #started = false;
  /** Add binary data; returns armored text (as bytes) ready to write. */
  push(data: Uint8Array): Uint8Array {
    let text = this.#started ? "" : `${ARMOR_BEGIN}\n`;
    this.#started = true;
    const all = this.#pending.length === 0 ? data : concat(this.#pending, data);
    const whole = all.length - (all.length % LINE_BYTES);
    // Full 48-byte lines go out now; a partial line waits for more data or finish().
    for (let o = 0; o < whole; o += LINE_BYTES) text += encodeB64Padded(all.subarray(o, o + LINE_BYTES)) + "\n";
    this.#pending = copyBytes(all, whole);
    return utf8(text);
  }
  /** Flush the last line and the END marker. */
  finish(): Uint8Array {
    let text = this.#started ? "" : `${ARMOR_BEGIN}\n`;
    this.#started = true;
    if (this.#pending.length > 0) text += encodeB64Padded(this.#pending) + "\n";
    return utf8(`${text}${ARMOR_END}\n`);
  }
}

type State = "leading" | "body" | "trailing";

/** Strips armor as it streams, enforcing every rule of age-spec §7. */
export class ArmorDecoder {
  #state: State = "leading";
  #line: number[] = [];
  #leading = 0;
  #trailing = 0;
  #pendingLine: string | null = null;
  #sawPadding = false;
  /** Add armored text; returns the binary bytes decoded so far. */
  push(data: Uint8Array): Uint8Array {
    const out: Uint8Array[] = [];
    for (let i = 0; i < data.length; i++) {
      const c = data[i] as number;
      if (this.#state === "leading" && this.#line.length === 0 && isSpace(c)) {
        if (++this.#leading > MAX_SURROUNDING_WHITESPACE) throw new ArmorError("too much whitespace before the armor");
        continue;
      }
      if (this.#state === "trailing") {
        if (!isSpace(c)) throw new ArmorError("data after the end of the armor");
        if (++this.#trailing > MAX_SURROUNDING_WHITESPACE) throw new ArmorError("too much whitespace after the armor");
        continue;
      }
      if (c === 0x0a) {
        const bytes = this.#line;
        this.#line = [];
        if (bytes.at(-1) === 0x0d) bytes.pop();
        const decoded = this.#takeLine(String.fromCharCode(...bytes));
        if (decoded) out.push(decoded);
        continue;
      }
      this.#line.push(c);
      if (this.#line.length > 80) throw new ArmorError("armor line too long");
    }
    return out.length === 1 ? (out[0] as Uint8Array) : concat(...out);
  }
  #takeLine(line: string): Uint8Array | null {
    if (this.#state === "leading") {
      if (line !== ARMOR_BEGIN) throw new ArmorError(`invalid armor: the first line is not "${ARMOR_BEGIN}"`);
      this.#state = "body";
      return null;
    }
    if (line === ARMOR_END) {
      this.#state = "trailing";
      const last = this.#pendingLine;
      this.#pendingLine = null;
      if (last === null) return null;
      const bytes = last.length > 0 && last.length <= 64 ? decodeB64Padded(last) : null;
      if (bytes === null) throw new ArmorError("invalid armor: malformed last line");
      return bytes;
    }
    if (this.#sawPadding) throw new ArmorError("invalid armor: data after padding");
    const prev = this.#pendingLine;
    this.#pendingLine = line;
    if (line.includes("=")) this.#sawPadding = true;
    if (prev === null) return null;
    if (prev.length !== 64) throw new ArmorError("invalid armor: a line that is not the last is not 64 columns");
    const bytes = decodeB64(prev);
    if (bytes === null) throw new ArmorError("invalid armor: invalid base64 line");
    return bytes;
  }
  /** End of input: the END line must have been seen. */
  finish(): Uint8Array {
    if (this.#state === "trailing" && this.#line.length === 0) return new Uint8Array(0);
    if (this.#state !== "trailing" && this.#line.length > 0) {
      // The END line without a final newline.
      const bytes = this.#line;
      this.#line = [];
      if (bytes.at(-1) === 0x0d) bytes.pop();
      const out = this.#takeLine(String.fromCharCode(...bytes));
      if ((this.#state as State) === "trailing") return out ?? new Uint8Array(0);
    }
    throw new ArmorError("invalid armor: missing END line (truncated)");
  }
}
