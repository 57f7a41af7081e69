/**
 * The age v1 header: stanza grammar, strict parsing, serialisation and the header MAC.
 *
 * @module
 */
import { primitives } from "../primitives.js";
import { HeaderError } from "../errors.js";
import { concat, equalBytes, fromUtf8, utf8 } from "../bytes.js";
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

/** Largest header doormat will parse; far above any real one (a PQ stanza is ~1.6 KB). */
export const MAX_HEADER_SIZE = 1 << 24;

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

/**
 * Find where the header ends: the index just past the LF that ends the `---` line.
 * @returns the length, or `null` if `data` does not yet contain a complete MAC line
 * @throws HeaderError if the data cannot be an age header at all
 */
export function findHeaderEnd(data: Uint8Array): number | null {
  let lineStart = 0;
  while (lineStart < data.length) {
    const lf = data.indexOf(LF, lineStart);
    if (lineStart === 0) {
      // Fail early on things that are not age files, without waiting for more data.
      const have = lf === -1 ? data.length : lf;
      const prefix = "age-encryption.org/";
      for (let i = 0; i < Math.min(have, prefix.length); i++) {
        if (data[i] !== prefix.charCodeAt(i)) throw new HeaderError("not an age file: the first line is not an age version line");
      }
    }
    if (lf === -1) break;
    if (data[lineStart] === 0x2d && data[lineStart + 1] === 0x2d && data[lineStart + 2] === 0x2d && lf - lineStart >= 3) {
      return lf + 1;
    }
    lineStart = lf + 1;
  }
  if (data.length > MAX_HEADER_SIZE) throw new HeaderError("header too large");
  return null;
}

/**
 * Parse an age v1 header strictly.
 * @param bytes - exactly the header, as delimited by {@link findHeaderEnd}
 * @returns the stanzas, MAC and MAC input
 * @throws HeaderError on any deviation from the grammar
 */
export function parseHeader(bytes: Uint8Array): Header {
  // The header is printable ASCII and LF: check every byte, then any decoding is exact.
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c > 0x7e || (c < 0x20 && c !== LF)) throw new HeaderError(`invalid byte 0x${c.toString(16).padStart(2, "0")} in header`);
  }
  const text = fromUtf8(bytes);
  if (!text.endsWith("\n")) throw new HeaderError("header does not end with a newline");
  const lines = text.slice(0, -1).split("\n");
  const version = lines[0];
  if (version !== VERSION_LINE) {
    if (version?.startsWith("age-encryption.org/")) throw new HeaderError(`unsupported age version ${JSON.stringify(version.slice(19))}`);
    throw new HeaderError("not an age file: the first line is not an age version line");
  }
  const stanzas: Stanza[] = [];
  let i = 1;
  for (;;) {
    const line = lines[i];
    if (line === undefined) throw new HeaderError("header ends without a MAC line");
    if (line.startsWith("---")) break;
    if (!line.startsWith("-> ")) throw new HeaderError(`line ${i + 1}: expected a stanza ("-> ") or the MAC line ("---")`);
    const args = line.slice(3).split(" ");
    for (const a of args) if (!isArg(a)) throw new HeaderError(`line ${i + 1}: empty or invalid stanza argument`);
    i++;
    const chunks: Uint8Array[] = [];
    for (;;) {
      const body = lines[i];
      if (body === undefined) throw new HeaderError("header ends inside a stanza body");
      if (body.length > 64) throw new HeaderError(`line ${i + 1}: stanza body line longer than 64 columns`);
      const decoded = decodeB64(body);
      if (decoded === null) throw new HeaderError(`line ${i + 1}: stanza body is not canonical unpadded base64`);
      chunks.push(decoded);
      i++;
      if (body.length < 64) break;
    }
    const [type, ...rest] = args as [string, ...string[]];
    stanzas.push({ type, args: rest, body: concat(...chunks) });
  }
  if (stanzas.length === 0) throw new HeaderError("header has no recipient stanzas");
  const macLine = lines[i] as string;
  if (i !== lines.length - 1) throw new HeaderError("data after the MAC line");
  if (!macLine.startsWith("--- ")) throw new HeaderError('malformed MAC line: expected "--- " and the MAC');
  const macB64 = macLine.slice(4);
  const mac = macB64.length === 43 ? decodeB64(macB64) : null;
  if (mac === null || mac.length !== 32) throw new HeaderError("malformed header MAC");
  const macInputLength = bytes.length - macLine.length - 1 + 3;
  return { stanzas, mac, macInput: bytes.slice(0, macInputLength), length: bytes.length };
}
