/**
 * The age v1 header: stanza grammar, strict parsing, serialisation and the header MAC.
 *
 * @module
 */
import { primitives } from "../primitives.js";
import { HeaderError } from "../errors.js";
import { concat, equalBytes, utf8 } from "../bytes.js";
import { decodeB64, encodeB64 } from "./base64.js";

/** One recipient stanza: `-> type args…` and a body. */
export interface Stanza {
  /** The first argument: the stanza type, e.g. `X25519`. */
  readonly type: string;
  /** The arguments after the type. */
  readonly args: readonly string[];
  /** The decoded body. */
  readonly body: Uint8Array;
}

/** A parsed header. */
export interface Header {
  readonly stanzas: readonly Stanza[];
  /** The 32-byte MAC from the `---` line. */
  readonly mac: Uint8Array;
  /** The exact header bytes the MAC covers: version line through `---`. */
  readonly macInput: Uint8Array;
  /** Length in bytes of the whole header including the MAC line's LF. */
  readonly length: number;
}

export const VERSION_LINE = "age-encryption.org/v1";
const LF = 0x0a;

/**
 * Largest header doormat will read, in bytes (version line through the MAC line's LF). A
 * post-quantum `mlkem768x25519` stanza is ~1.6 KB, so this leaves room for ~2,500 of them;
 * a hostile header is refused after reading at most this much. Documented in docs/FORMAT.md.
 */
export const MAX_HEADER_SIZE = 4 << 20;
/** Most stanzas a header may have (documented in docs/FORMAT.md): ~150x any real header. */
export const MAX_STANZAS = 20_000;
/** Most arguments (type included) one stanza may have; known types use at most four. */
export const MAX_STANZA_ARGS = 64;

function isArg(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

/** Serialise one stanza (type, args, body wrapped at 64 columns, final short line). */
export function encodeStanza(stanza: Stanza): string {
  const args = [stanza.type, ...stanza.args];
  for (const a of args) if (!isArg(a)) throw new TypeError(`invalid stanza argument ${JSON.stringify(a)}`);
  const b64 = encodeB64(stanza.body);
  let s = `-> ${args.join(" ")}\n`;
  let i = 0;
  for (; i + 64 <= b64.length; i += 64) s += b64.slice(i, i + 64) + "\n";
  return s + b64.slice(i) + "\n";
}

/** The bytes the header MAC covers: version line, stanzas, and `---`. */
export function headerMacInput(stanzas: readonly Stanza[]): Uint8Array {
  return utf8(`${VERSION_LINE}\n${stanzas.map(encodeStanza).join("")}---`);
}

/** HMAC-SHA-256 under HKDF(file key, "header") over `macInput`. */
export function computeHeaderMac(fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  const key = primitives.hkdf(fileKey, new Uint8Array(0), utf8("header"), 32);
  return primitives.hmac(key, macInput);
}

/**
 * Serialise a complete header with its MAC.
 * @param stanzas - at least one stanza
 * @param fileKey - the 16-byte file key the MAC is keyed from
 * @returns the header bytes, ending in the MAC line's LF
 */
export function encodeHeader(stanzas: readonly Stanza[], fileKey: Uint8Array): Uint8Array {
  if (stanzas.length === 0) throw new TypeError("a header needs at least one stanza");
  const macInput = headerMacInput(stanzas);
  const mac = computeHeaderMac(fileKey, macInput);
  return concat(macInput, utf8(` ${encodeB64(mac)}\n`));
}

/** Check a header's MAC in constant time. */
export function verifyHeaderMac(header: Header, fileKey: Uint8Array): boolean {
  return equalBytes(computeHeaderMac(fileKey, header.macInput), header.mac);
}

const LATIN1 = new TextDecoder("latin1");
const EMPTY = new Uint8Array(0);
const CRLF_MESSAGE =
  "line endings were converted to CRLF (a Windows editor, PowerShell or git autocrlf treated the file as text), which corrupts a binary age file";

/**
 * Throw unless `a ‖ b` starts like an age version line (as far as it goes).
 * @throws HeaderError "not an age file"
 */
function checkVersionPrefix(a: Uint8Array, b: Uint8Array): void {
  const prefix = "age-encryption.org/";
  for (let i = 0; i < prefix.length && i < a.length + b.length; i++) {
    const c = i < a.length ? a[i] : b[i - a.length];
    if (c !== prefix.charCodeAt(i)) throw new HeaderError("not an age file: the first line is not an age version line");
  }
}

/** What the reader expects next. */
type ReaderState = "version" | "stanza" | "body" | "done";

/**
 * Reads an age v1 header incrementally and strictly (age-spec §3), in time linear in its
 * length and memory bounded by {@link MAX_HEADER_SIZE} and {@link MAX_STANZAS}: each byte is
 * scanned once, each complete line parsed once, as it arrives.
 *
 * Errors name the line (1-based) and what is wrong with it.
 */
export class HeaderReader {
  #buf: Uint8Array = new Uint8Array(1024);
  #len = 0;
  /** Start of the line not yet ended by LF, within #buf. */
  #lineStart = 0;
  /** Number of the line being read (1-based). */
  #line = 1;
  #state: ReaderState = "version";
  #stanzas: Stanza[] = [];
  #type = "";
  #args: string[] = [];
  #body: Uint8Array[] = [];
  #header: Header | null = null;

  /** Bytes of header read so far. */
  get length(): number {
    return this.#len;
  }

  /** The header, once its MAC line has been read. */
  get header(): Header | null {
    return this.#header;
  }

  /**
   * Add bytes.
   * @returns the header and the bytes of `data` after it, once the MAC line is complete;
   *   `null` while more is needed
   * @throws HeaderError as soon as the bytes cannot begin an age header, or exceed the limits
   */
  push(data: Uint8Array): { header: Header; rest: Uint8Array } | null {
    if (this.#header) throw new Error("HeaderReader: push after the header is complete");
    if (this.#state === "version") checkVersionPrefix(this.#buf.subarray(0, this.#len), data);
    let pos = 0;
    while (pos < data.length) {
      const lf = data.indexOf(LF, pos);
      const end = lf === -1 ? data.length : lf + 1;
      this.#append(data, pos, end);
      pos = end;
      if (lf === -1) break;
      this.#takeLine();
      if (this.#header) return { header: this.#header, rest: data.subarray(pos) };
    }
    if (this.#state === "version") this.#checkVersionPrefix();
    return null;
  }

  /**
   * End of input before the header was complete.
   * @throws HeaderError always, saying where the header stops
   */
  finish(): never {
    if (this.#len === 0) throw new HeaderError("the input is empty");
    if (this.#state === "version") {
      this.#checkVersionPrefix();
      throw new HeaderError("not an age file, or the header is truncated (the version line has no end)");
    }
    if (this.#state === "body") throw new HeaderError(`the file ends inside the stanza body at line ${this.#line} (truncated)`);
    throw new HeaderError(`the header is incomplete: the file ends at line ${this.#line} before the MAC line (truncated, or not an age file)`);
  }

  #append(data: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.#len + n > MAX_HEADER_SIZE) {
      if (this.#state === "version") this.#checkVersionPrefix();
      throw new HeaderError(`the header is larger than ${MAX_HEADER_SIZE} bytes (${MAX_HEADER_SIZE >> 20} MiB), doormat's limit: the file is damaged or hostile`);
    }
    if (this.#len + n > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < this.#len + n) cap *= 2;
      const grown = new Uint8Array(Math.min(cap, MAX_HEADER_SIZE));
      grown.set(this.#buf.subarray(0, this.#len));
      this.#buf = grown;
    }
    if (n <= 128) {
      // A header line: copied byte by byte, without a subarray per line (a hostile header has
      // millions of lines, and each allocation is garbage to collect).
      const buf = this.#buf;
      for (let i = 0, o = this.#len; i < n; i++) buf[o + i] = data[from + i] as number;
    } else this.#buf.set(data.subarray(from, to), this.#len);
    this.#len += n;
  }

  /** Fail early on things that are not age files, without waiting for a whole line. */
  #checkVersionPrefix(): void {
    checkVersionPrefix(this.#buf.subarray(0, this.#len), EMPTY);
  }

  /** Parse the complete line ending at #len (its LF included). */
  #takeLine(): void {
    const buf = this.#buf;
    const start = this.#lineStart;
    const end = this.#len - 1; // the LF
    const n = this.#line;
    for (let i = start; i < end; i++) {
      const c = buf[i] as number;
      if (c >= 0x20 && c <= 0x7e) continue;
      if (c === 0x0d && i === end - 1) {
        if (n === 1) this.#checkVersionPrefix();
        throw new HeaderError(`line ${n} ends in CR LF: the file's ${CRLF_MESSAGE}`);
      }
      if (n === 1) this.#checkVersionPrefix();
      throw new HeaderError(`line ${n}: invalid byte 0x${c.toString(16).padStart(2, "0")} (a header is printable ASCII lines)`);
    }
    const line = LATIN1.decode(buf.subarray(start, end));
    this.#lineStart = this.#len;
    this.#line++;
    switch (this.#state) {
      case "version":
        if (line !== VERSION_LINE) {
          this.#checkVersionPrefix();
          if (line.startsWith("age-encryption.org/")) throw new HeaderError(`unsupported age version ${JSON.stringify(line.slice(19, 80))}`);
          throw new HeaderError("not an age file: the first line is not an age version line");
        }
        this.#state = "stanza";
        return;
      case "stanza":
        if (line.startsWith("---")) return this.#macLine(line, n, start);
        if (!line.startsWith("-> ")) throw new HeaderError(`line ${n}: expected a stanza ("-> ") or the MAC line ("---")`);
        if (this.#stanzas.length >= MAX_STANZAS) {
          throw new HeaderError(`the header has more than ${MAX_STANZAS} stanzas, doormat's limit: the file is damaged or hostile`);
        }
        this.#args = line.slice(3).split(" ", MAX_STANZA_ARGS + 1);
        if (this.#args.length > MAX_STANZA_ARGS) throw new HeaderError(`line ${n}: a stanza with more than ${MAX_STANZA_ARGS} arguments`);
        for (const a of this.#args) if (!isArg(a)) throw new HeaderError(`line ${n}: empty or invalid stanza argument`);
        this.#type = this.#args.shift() as string;
        this.#body = [];
        this.#state = "body";
        return;
      case "body": {
        if (line.length > 64) throw new HeaderError(`line ${n}: stanza body line longer than 64 columns`);
        const decoded = decodeB64(line);
        if (decoded === null) throw new HeaderError(`line ${n}: stanza body is not canonical unpadded base64`);
        if (decoded.length > 0) this.#body.push(decoded);
        if (line.length === 64) return;
        const body = this.#body.length === 0 ? EMPTY : this.#body.length === 1 ? (this.#body[0] as Uint8Array) : concat(...this.#body);
        this.#stanzas.push({ type: this.#type, args: this.#args, body });
        this.#body = [];
        this.#state = "stanza";
        return;
      }
      default:
        throw new Error("HeaderReader: line after the header");
    }
  }

  #macLine(line: string, n: number, start: number): void {
    if (this.#stanzas.length === 0) throw new HeaderError("header has no recipient stanzas");
    if (!line.startsWith("--- ")) throw new HeaderError(`line ${n}: malformed MAC line: expected "--- " and the MAC`);
    const macB64 = line.slice(4);
    const mac = macB64.length === 43 ? decodeB64(macB64) : null;
    if (mac === null || mac.length !== 32) throw new HeaderError(`line ${n}: malformed header MAC`);
    this.#state = "done";
    this.#header = { stanzas: this.#stanzas, mac, macInput: this.#buf.slice(0, start + 3), length: this.#len };
    this.#buf = EMPTY;
  }
}

/**
 * Find where the header ends: the index just past the LF that ends the `---` line.
 * @returns the length, or `null` if `data` does not yet contain a complete MAC line
 * @throws HeaderError if the data cannot be an age header at all (it is parsed as it is read)
 */
export function findHeaderEnd(data: Uint8Array): number | null {
  const r = new HeaderReader().push(data);
  return r === null ? null : r.header.length;
}

/**
 * Parse an age v1 header strictly.
 * @param bytes - exactly the header, as delimited by {@link findHeaderEnd}
 * @returns the stanzas, MAC and MAC input
 * @throws HeaderError on any deviation from the grammar
 */
export function parseHeader(bytes: Uint8Array): Header {
  const reader = new HeaderReader();
  const r = reader.push(bytes);
  if (r === null) return reader.finish();
  if (r.rest.length > 0) throw new HeaderError("data after the MAC line");
  return r.header;
}
