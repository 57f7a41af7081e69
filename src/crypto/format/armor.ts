/**
 * ASCII armor (age-spec §7): strict PEM with the label `AGE ENCRYPTED FILE`, 64-column
 * padded base64. Encoding and decoding are push-based, so armored files stream too.
 *
 * @module
 */
import { ArmorError } from "../errors.js";
import { concat, copyBytes, utf8 } from "../bytes.js";
import { decodeB64Checked, decodeB64Padded, encodeB64Padded } from "./base64.js";

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
    // Full 48-byte lines go out now, encoded in one call; a partial line waits for more data.
    if (whole > 0) {
      const b64 = encodeB64Padded(all.subarray(0, whole));
      const lines: string[] = [];
      for (let o = 0; o < b64.length; o += 64) lines.push(b64.slice(o, o + 64));
      text += lines.join("\n") + "\n";
    }
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

/** What is wrong with a line that should have been `marker` (BEGIN or END), for people. */
function markerProblem(line: string, marker: string): string {
  const word = marker.includes("BEGIN") ? "BEGIN" : "END";
  const trimmed = line.replace(/[ \t]+$/, "");
  if (trimmed !== line) {
    return trimmed === marker ? `the ${word} line has trailing whitespace` : `${markerProblem(trimmed, marker)}, and trailing whitespace`;
  }
  if (/^[ \t]/.test(line)) return `the ${word} line starts with whitespace`;
  const core = marker.replace(/^-+|-+$/g, "");
  // [\s\S], not ".": a bit flip can put a CR inside the line, and "." does not match it.
  const m = /^(-*)([\s\S]*?)(-*)$/.exec(line) as RegExpExecArray;
  if (m[2] === core) {
    const lead = (m[1] as string).length;
    const tail = (m[3] as string).length;
    return `the ${word} line has ${lead} dashes before and ${tail} after the label; it must have exactly 5 on each side`;
  }
  if ((m[2] as string).toUpperCase() === core) return `the ${word} line's label must be upper case, "${core}"`;
  return `expected the ${word} line "${marker}"`;
}

/** Extra detail about a base64 line that was refused. */
function base64LineProblem(line: string): string {
  if (/[ \t]+$/.test(line)) return "it has trailing whitespace";
  const bad = /[^A-Za-z0-9+/=]/.exec(line);
  if (bad) return `column ${bad.index + 1} holds ${JSON.stringify(bad[0])}, which is not base64`;
  return "";
}

const ALPHABET = /^[A-Za-z0-9+/]*$/;
const LATIN1 = new TextDecoder("latin1");

/**
 * Strips armor as it streams, enforcing every rule of age-spec §7. Lines are found with
 * indexOf and every run of full 64-column lines is decoded in one call.
 */
export class ArmorDecoder {
  #state: State = "leading";
  /** The start of a line not yet ended by LF (at most 80 characters). */
  #carry = "";
  #leading = 0;
  #trailing = 0;
  /** The last line seen: it is checked once we know whether it was the last of the body. */
  #pendingLine: string | null = null;
  #sawPadding = false;
  /** Full lines checked and waiting to be decoded together. */
  #batch: string[] = [];
  /** Line number (1-based) of the first line in #batch. */
  #batchLine = 0;
  /** Lines ended so far (the number of the last complete line). */
  #line = 0;
  /** Line number of #pendingLine. */
  #pendingLineNo = 0;
  #out: Uint8Array[] = [];

  /** Add armored text; returns the binary bytes decoded so far. */
  push(data: Uint8Array): Uint8Array {
    // One native decode per chunk. Bytes above 0x7E become characters outside the base64
    // alphabet and the markers, so they are still rejected below.
    const text = LATIN1.decode(data);
    let pos = 0;
    while (pos < text.length) {
      if (this.#state === "trailing") {
        for (; pos < text.length; pos++) {
          if (!isSpace(text.charCodeAt(pos))) throw new ArmorError(`invalid armor: data after the END line (line ${this.#line})`);
          if (++this.#trailing > MAX_SURROUNDING_WHITESPACE) throw new ArmorError("too much whitespace after the armor");
        }
        break;
      }
      if (this.#state === "leading" && this.#carry === "") {
        while (pos < text.length && isSpace(text.charCodeAt(pos))) {
          if (++this.#leading > MAX_SURROUNDING_WHITESPACE) throw new ArmorError("too much whitespace before the armor");
          pos++;
        }
        if (pos === text.length) break;
      }
      const lf = text.indexOf("\n", pos);
      const end = lf === -1 ? text.length : lf;
      if (end - pos + this.#carry.length > 81) {
        throw new ArmorError(`invalid armor: line ${this.#line + 1} is longer than 64 columns (the armor is base64 wrapped at 64)`);
      }
      let line = this.#carry + text.slice(pos, end);
      if (lf === -1) {
        this.#carry = line;
        break;
      }
      this.#carry = "";
      if (line.endsWith("\r")) line = line.slice(0, -1);
      this.#takeLine(line);
      pos = lf + 1;
    }
    return this.#drain();
  }

  /** Everything decoded so far, in order. */
  #drain(): Uint8Array {
    this.#flushBatch();
    const out = this.#out;
    this.#out = [];
    return out.length === 1 ? (out[0] as Uint8Array) : concat(...out);
  }

  #takeLine(line: string): void {
    const n = ++this.#line;
    if (this.#state === "leading") {
      if (line !== ARMOR_BEGIN) throw new ArmorError(`invalid armor: line ${n}: ${markerProblem(line, ARMOR_BEGIN)}`);
      this.#state = "body";
      return;
    }
    if (line === ARMOR_END) {
      this.#state = "trailing";
      const last = this.#pendingLine;
      this.#pendingLine = null;
      if (last === null) return; // no data: the header parser says the input is empty
      const bytes = last.length > 0 && last.length <= 64 ? decodeB64Padded(last) : null;
      if (bytes === null) {
        const why = last.length === 0 ? "it is empty" : last.length > 64 ? "it is longer than 64 columns" : base64LineProblem(last) || "it is not canonical padded base64";
        throw new ArmorError(`invalid armor: line ${this.#pendingLineNo}, the last base64 line, is malformed: ${why}`);
      }
      this.#flushBatch();
      this.#out.push(bytes);
      return;
    }
    if (/^[ \t]*-/.test(line)) throw new ArmorError(`invalid armor: line ${n}: ${markerProblem(line, ARMOR_END)}`);
    if (this.#sawPadding) throw new ArmorError(`invalid armor: line ${n}: data after the padded last line (line ${this.#pendingLineNo})`);
    const prev = this.#pendingLine;
    const prevNo = this.#pendingLineNo;
    this.#pendingLine = line;
    this.#pendingLineNo = n;
    if (line.includes("=")) this.#sawPadding = true;
    if (prev === null) return;
    // A line followed by another must be exactly 64 columns of the alphabet, no padding.
    if (prev.length !== 64) {
      const detail = base64LineProblem(prev);
      throw new ArmorError(
        `invalid armor: line ${prevNo} is ${prev.length} columns, but every line before the last must be 64${detail ? ` (${detail})` : ""}: a line was cut, joined or re-wrapped`,
      );
    }
    if (this.#batch.length === 0) this.#batchLine = prevNo;
    this.#batch.push(prev); // its characters are checked with the whole batch
  }

  /** Decode batched lines now, so that the last line's bytes come after them. */
  #flushBatch(): void {
    if (this.#batch.length === 0) return;
    // Lines of exactly 64 characters of the alphabet decode to exactly 48 bytes each, so the
    // joined text is canonical by construction once its characters check out.
    const joined = this.#batch.join("");
    if (!ALPHABET.test(joined)) {
      const at = (/[^A-Za-z0-9+/]/.exec(joined) as RegExpExecArray).index;
      const line = this.#batch[Math.floor(at / 64)] as string;
      throw new ArmorError(`invalid armor: line ${this.#batchLine + Math.floor(at / 64)}: ${base64LineProblem(line) || "padding before the last line"}`);
    }
    const bytes = decodeB64Checked(joined);
    this.#batch = [];
    this.#out.push(bytes);
  }

  /** End of input: the END line must have been seen. */
  finish(): Uint8Array {
    if (this.#state !== "trailing" && this.#carry !== "") {
      // The END line without a final newline.
      const line = this.#carry.endsWith("\r") ? this.#carry.slice(0, -1) : this.#carry;
      this.#carry = "";
      this.#takeLine(line);
    }
    if (this.#state !== "trailing") throw new ArmorError(`invalid armor: no END line "${ARMOR_END}" after line ${this.#line} (truncated)`);
    return this.#drain();
  }
}
