/**
 * Parsers against hostile and damaged input: every parser works in
 * bounded memory and fails fast with an error that names the line and the user's mistake.
 * Speed itself is measured in `npm run bench` (the 16 MB header), never timed here; "fails
 * fast" is checked as "fails after reading only a small prefix".
 */
import { describe, expect, it } from "vitest";
import { Decrypter, decrypt, encrypt, wrapFileKey } from "../src/crypto/age.js";
import { ArmorError, HeaderError, PayloadError } from "../src/crypto/errors.js";
import { concat, utf8 } from "../src/crypto/bytes.js";
import { HeaderReader, MAX_HEADER_SIZE, MAX_STANZAS, MAX_STANZA_ARGS, parseHeader } from "../src/crypto/format/header.js";
import { ArmorDecoder } from "../src/crypto/format/armor.js";
import { ENC_CHUNK_SIZE, NONCE_SIZE } from "../src/crypto/format/stream.js";
import { Inspector } from "../src/crypto/inspect.js";
import { MAX_KEYS_PER_FILE, MAX_KEY_LINE, KeyFormatError, encodeIdentity, encodePqIdentity, encodeRecipient, parseIdentityFile, parseRecipientsFile } from "../src/crypto/keys.js";
import { seededRandom } from "../src/crypto/random.js";
import { X25519Identity, X25519Recipient } from "../src/crypto/recipients/x25519.js";
import type { Recipient } from "../src/crypto/recipients/types.js";
import { doormat } from "./cli-harness.js";
import { loadVectors, type Vector } from "./helpers.js";

const random = seededRandom("parsers.test");
const id = new X25519Identity(random(32));
const to = [new X25519Recipient(id.publicKey)];
const MAC_LINE = `--- ${"A".repeat(43)}\n`;
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

/** Feed `data` in `slice`-byte pieces; return the error and how many bytes went in before it. */
function feedHeader(data: Uint8Array, slice: number): { error: unknown; consumed: number } {
  const r = new HeaderReader();
  let o = 0;
  try {
    for (; o < data.length; o += slice) if (r.push(data.subarray(o, o + slice))) return { error: null, consumed: o };
    r.finish();
  } catch (e) {
    return { error: e, consumed: o + slice };
  }
  return { error: null, consumed: o };
}

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("header: linear, bounded, fails fast", () => {
  it(`the 2.7-million-stanza header is refused after reading ~${MAX_STANZAS} stanzas, not 16 MB`, () => {
    // Built lazily in 1 MiB slices, like standard input: the parser must stop long before the end.
    const stanza = "-> a\n\n";
    const slice = utf8(stanza.repeat(Math.floor((1 << 20) / stanza.length)));
    const r = new HeaderReader();
    let fed = utf8("age-encryption.org/v1\n").length;
    r.push(utf8("age-encryption.org/v1\n"));
    let error: unknown = null;
    try {
      for (let total = 0; total < 16_200_000; total += slice.length) {
        r.push(slice);
        fed += slice.length;
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HeaderError);
    expect(String(error)).toMatch(new RegExp(`more than ${MAX_STANZAS} stanzas`));
    expect(fed).toBeLessThan(2 << 20);
  });

  it("exactly MAX_STANZAS stanzas parse; one more is refused", () => {
    const ok = utf8(`age-encryption.org/v1\n${"-> a\n\n".repeat(MAX_STANZAS)}${MAC_LINE}`);
    const h = parseHeader(ok);
    expect(h.stanzas).toHaveLength(MAX_STANZAS);
    expect(h.length).toBe(ok.length);
    // Empty bodies share one buffer instead of one allocation per stanza.
    expect(h.stanzas[0]?.body).toBe(h.stanzas[1]?.body);
    const bad = utf8(`age-encryption.org/v1\n${"-> a\n\n".repeat(MAX_STANZAS + 1)}${MAC_LINE}`);
    expect(() => parseHeader(bad)).toThrow(/more than 20000 stanzas/);
  });

  it("room for post-quantum: 2,000 stanzas of ~1.6 KB (mlkem768x25519-sized) parse", () => {
    const arg = "A".repeat(1496); // 1,120 bytes of ML-KEM-768 + X25519 ciphertext in base64
    const body = "B".repeat(42) + "A"; // 32 bytes
    const stanza = `-> mlkem768x25519 ${arg}\n${body}\n`;
    const bytes = utf8(`age-encryption.org/v1\n${stanza.repeat(2000)}${MAC_LINE}`);
    expect(bytes.length).toBeGreaterThan(3_000_000);
    expect(bytes.length).toBeLessThan(MAX_HEADER_SIZE);
    const h = parseHeader(bytes);
    expect(h.stanzas).toHaveLength(2000);
    expect(h.stanzas[1999]?.args[0]).toBe(arg);
    expect(h.stanzas[0]?.body).toHaveLength(32);
  });

  it("a header past MAX_HEADER_SIZE is refused once the limit is crossed, whatever its shape", () => {
    const oneBigStanza = utf8(`age-encryption.org/v1\n-> a\n${`${"A".repeat(64)}\n`.repeat((MAX_HEADER_SIZE >> 6) + 10)}`);
    const noNewline = utf8(`age-encryption.org/v1\n-> ${"a".repeat(MAX_HEADER_SIZE + 10)}`);
    const longVersion = utf8(`age-encryption.org/${"v".repeat(MAX_HEADER_SIZE + 10)}`);
    for (const data of [oneBigStanza, noNewline, longVersion]) {
      const { error, consumed } = feedHeader(data, 1 << 16);
      expect(error).toBeInstanceOf(HeaderError);
      expect(String(error)).toMatch(/larger than 4194304 bytes \(4 MiB\)/);
      expect(consumed).toBeLessThanOrEqual(MAX_HEADER_SIZE + (1 << 16));
    }
  });

  it(`a stanza with more than ${MAX_STANZA_ARGS} arguments is refused on its line`, () => {
    const args = Array.from({ length: MAX_STANZA_ARGS + 1 }, () => "a").join(" ");
    expect(() => parseHeader(utf8(`age-encryption.org/v1\n-> ${args}\n\n${MAC_LINE}`))).toThrow(/line 2: a stanza with more than 64 arguments/);
    const fine = Array.from({ length: MAX_STANZA_ARGS }, () => "a").join(" ");
    expect(parseHeader(utf8(`age-encryption.org/v1\n-> ${fine}\n\n${MAC_LINE}`)).stanzas[0]?.args).toHaveLength(MAX_STANZA_ARGS - 1);
  });

  it("not an age file fails at the first bytes, before any newline", () => {
    expect(() => new HeaderReader().push(utf8("PK\x03\x04"))).toThrow(/not an age file/);
    expect(() => new HeaderReader().push(new Uint8Array(MAX_HEADER_SIZE + 1))).toThrow(/not an age file/);
  });

  it("the same header fed whole, 7 bytes or 1 byte at a time gives the same stanzas and MAC input", () => {
    const ct = encrypt(utf8("hello"), [...to, ...to, ...to], { random });
    const whole = new HeaderReader().push(ct);
    expect(whole).not.toBeNull();
    for (const slice of [1, 7, 64]) {
      const r = new HeaderReader();
      let got: ReturnType<HeaderReader["push"]> = null;
      for (let o = 0; o < ct.length && got === null; o += slice) got = r.push(ct.subarray(o, o + slice));
      expect(got?.header.macInput).toEqual(whole?.header.macInput);
      expect(got?.header.stanzas).toEqual(whole?.header.stanzas);
      expect(got?.header.length).toBe(whole?.header.length);
    }
  });

  it("truncation says where the header stops", () => {
    const ct = encrypt(utf8("hi"), to, { random });
    const text = latin1(ct);
    const bodyLine = text.indexOf("\n", text.indexOf("-> ")) + 1;
    expect(messageOf(() => decrypt(ct.subarray(0, bodyLine + 5), [id]))).toMatch(/ends inside the stanza body at line 3/);
    expect(messageOf(() => decrypt(ct.subarray(0, text.indexOf("---")), [id]))).toMatch(/before the MAC line/);
    expect(messageOf(() => decrypt(ct.subarray(0, 10), [id]))).toMatch(/not an age file, or the header is truncated/);
    expect(messageOf(() => decrypt(new Uint8Array(0), [id]))).toBe("the input is empty");
  });

  it("inspect reads with the same reader and limits", () => {
    const bad = utf8(`age-encryption.org/v1\n${"-> a\n\n".repeat(MAX_STANZAS + 1)}${MAC_LINE}`);
    const ins = new Inspector();
    expect(() => {
      for (let o = 0; o < bad.length; o += 4096) ins.push(bad.subarray(o, o + 4096));
      ins.finish();
    }).toThrow(/more than 20000 stanzas/);
    const ct = encrypt(utf8("x".repeat(100)), to, { random });
    const good = new Inspector();
    for (let o = 0; o < ct.length; o += 3) good.push(ct.subarray(o, o + 3));
    const report = good.finish();
    expect(report.stanzas).toHaveLength(1);
    expect(report.plaintextSize).toBe(100);
  });

  it("encrypt refuses more recipients than a header may hold", () => {
    const fake: Recipient = { wrapFileKey: () => [] };
    expect(() => wrapFileKey(Array.from({ length: MAX_STANZAS + 1 }, () => fake), new Uint8Array(16), random)).toThrow(/too many recipients: at most 20000/);
  });
});

describe("CRLF line endings say what happened", () => {
  const ct = encrypt(utf8("line endings\n"), to, { random });
  const headerEnd = latin1(ct).indexOf("\n", latin1(ct).indexOf("---")) + 1;
  const crlfLines = (which: (line: number) => boolean): Uint8Array => {
    const lines = latin1(ct.subarray(0, headerEnd)).split("\n").slice(0, -1);
    const text = lines.map((l, i) => l + (which(i + 1) ? "\r\n" : "\n")).join("");
    return concat(Buffer.from(text, "latin1"), ct.subarray(headerEnd));
  };
  it.each([
    ["every line (a text editor, autocrlf)", () => crlfLines(() => true), 1],
    ["only the stanza line", () => crlfLines((n) => n === 2), 2],
    ["only the MAC line", () => crlfLines((n) => n === 4), 4],
    ["the whole file, payload included (unix2dos)", () => Buffer.from(latin1(ct).replace(/\n/g, "\r\n"), "latin1"), 1],
  ])("%s", (_name, make, line) => {
    const msg = messageOf(() => decrypt(make(), [id]));
    expect(msg).toContain(`line ${line} ends in CR LF`);
    expect(msg).toMatch(/converted to CRLF/);
    expect(msg).not.toMatch(/0x0d/);
  });

  it("a CR inside a line is still an invalid byte, with its line", () => {
    const text = latin1(ct);
    const i = text.indexOf("-> ") + 4;
    const bad = Buffer.from(text.slice(0, i) + "\r" + text.slice(i + 1), "latin1");
    expect(messageOf(() => decrypt(bad, [id]))).toMatch(/line 2: invalid byte 0x0d/);
  });

  it("the CLI adds how to get an unconverted copy, for decrypt and inspect", async () => {
    const input = Buffer.from(latin1(ct).replace(/\n/g, "\r\n"), "latin1");
    const inspect = await doormat(["inspect"], { stdin: input });
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toMatch(/converted to CRLF/);
    expect(inspect.stderr).toMatch(/hint: .*\.gitattributes/);
  });

  it("armored files with CRLF still decrypt (the spec allows it)", () => {
    const armored = latin1(encrypt(utf8("armored crlf"), to, { armor: true, random }));
    expect(Buffer.from(decrypt(Buffer.from(armored.replace(/\n/g, "\r\n"), "latin1"), [id])).toString()).toBe("armored crlf");
  });
});

describe("damaged armor names the line and what is wrong with it", () => {
  // 200 bytes of plaintext: several full 64-column lines and a short last one.
  const armored = latin1(encrypt(new Uint8Array(200).fill(7), to, { armor: true, random }));
  const lines = armored.split("\n").slice(0, -1); // without the final empty string
  const endNo = lines.length; // 1-based number of the END line
  const rebuild = (ls: string[]): Uint8Array => Buffer.from(ls.join("\n") + "\n", "latin1");
  const edit = (n: number, f: (l: string) => string): Uint8Array => rebuild(lines.map((l, i) => (i + 1 === n ? f(l) : l)));
  const cases: [string, () => Uint8Array, RegExp][] = [
    ["END line with an extra dash in front", () => edit(endNo, (l) => "-" + l), new RegExp(`line ${endNo}: the END line has 6 dashes before and 5 after`)],
    ["END line with a dash missing at the end", () => edit(endNo, (l) => l.slice(0, -1)), new RegExp(`line ${endNo}: the END line has 5 dashes before and 4 after`)],
    ["END line with trailing spaces", () => edit(endNo, (l) => l + "  "), new RegExp(`line ${endNo}: the END line has trailing whitespace`)],
    ["END line with a trailing tab", () => edit(endNo, (l) => l + "\t"), new RegExp(`line ${endNo}: the END line has trailing whitespace`)],
    ["END line in lower case", () => edit(endNo, (l) => l.toLowerCase()), new RegExp(`line ${endNo}: the END line's label must be upper case`)],
    ["BEGIN line with trailing spaces", () => edit(1, (l) => l + " "), /line 1: the BEGIN line has trailing whitespace/],
    ["BEGIN line with 4 leading dashes", () => edit(1, (l) => l.slice(1)), /line 1: the BEGIN line has 4 dashes before and 5 after/],
    ["BEGIN line of another label", () => edit(1, () => "-----BEGIN PGP MESSAGE-----"), /line 1: expected the BEGIN line/],
    ["a CR among the BEGIN line's dashes", () => edit(1, (l) => "-\r" + l.slice(2)), /line 1: expected the BEGIN line/],
    ["a CR among the END line's dashes", () => edit(endNo, (l) => l.slice(0, -2) + "\r-"), new RegExp(`line ${endNo}: expected the END line`)],
    ["a short line in the middle", () => edit(2, (l) => l.slice(0, 50)), /line 2 is 50 columns, but every line before the last must be 64: a line was cut/],
    ["two lines joined", () => rebuild([lines[0] as string, (lines[1] as string) + (lines[2] as string), ...lines.slice(3)]), /line 2 is longer than 64 columns/],
    ["trailing space on a middle line", () => edit(3, (l) => l + " "), /line 3 is 65 columns.*trailing whitespace/],
    ["a character that is not base64", () => edit(3, (l) => l.slice(0, 10) + "*" + l.slice(11)), /line 3: column 11 holds "\*", which is not base64/],
    ["trailing space on the last base64 line", () => edit(endNo - 1, (l) => l + " "), new RegExp(`line ${endNo - 1}, the last base64 line, is malformed: it has trailing whitespace`)],
    ["an empty line after the padded last line", () => rebuild([...lines.slice(0, -1), "", lines[endNo - 1] as string]), new RegExp(`line ${endNo}: data after the padded last line \\(line ${endNo - 1}\\)`)],
    ["no END line", () => rebuild(lines.slice(0, -1)), new RegExp(`no END line .* after line ${endNo - 1} \\(truncated\\)`)],
    ["text after the END line", () => Buffer.from(armored + "signed: me\n", "latin1"), new RegExp(`data after the END line \\(line ${endNo}\\)`)],
  ];
  it.each(cases)("%s", (_name, make, expected) => {
    const input = make();
    for (const slice of [input.length, 5]) {
      const d = new ArmorDecoder();
      const msg = messageOf(() => {
        for (let o = 0; o < input.length; o += slice) d.push(input.subarray(o, o + slice));
        d.finish();
      });
      expect(msg).toMatch(expected);
    }
    const e = (() => {
      try {
        decrypt(input, [id]);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(ArmorError);
  });

  it("armor_empty_last_line (CCTV): an empty line after a full last line", () => {
    const v = loadVectors().find((x) => x.name === "armor_empty_last_line") as Vector;
    const n = latin1(v.body).split("\n").indexOf("") + 1;
    expect(messageOf(() => decrypt(v.body, [id]))).toMatch(new RegExp(`line ${n}, the last base64 line, is malformed: it is empty`));
  });

  it("hostile armor fails at the first bad line: a 10 MB line, millions of short lines", () => {
    const longLine = Buffer.from(`-----BEGIN AGE ENCRYPTED FILE-----\n${"A".repeat(10 << 20)}`, "latin1");
    const d1 = new ArmorDecoder();
    let consumed = 0;
    const msg = messageOf(() => {
      for (let o = 0; o < longLine.length; o += 4096, consumed = o) d1.push(longLine.subarray(o, o + 4096));
    });
    expect(msg).toMatch(/line 2 is longer than 64 columns/);
    expect(consumed).toBeLessThan(8192);
    const shortLines = Buffer.from(`-----BEGIN AGE ENCRYPTED FILE-----\n${"AAAA\n".repeat(2_000_000)}`, "latin1");
    expect(messageOf(() => new ArmorDecoder().push(shortLines))).toMatch(/line 2 is 4 columns/);
    const blank = Buffer.from(" \n".repeat(1_000_000), "latin1");
    expect(messageOf(() => new ArmorDecoder().push(blank))).toMatch(/too much whitespace before the armor/);
  });
});

describe("payload errors count chunks from 1 and give the offset", () => {
  const plaintext = new Uint8Array(3 * 65536 + 100).fill(1);
  const ct = encrypt(plaintext, to, { random });
  const payloadStart = ct.length - (plaintext.length + 4 * 16);
  it.each([
    [0, 1],
    [2, 3],
    [3, 4],
  ])("damage in chunk index %i is reported as chunk %i", (index, human) => {
    const bad = Uint8Array.from(ct);
    const at = payloadStart + index * ENC_CHUNK_SIZE + 5;
    bad[at] = (bad[at] as number) ^ 1;
    const d = new Decrypter([id]);
    const msg = messageOf(() => {
      d.push(bad);
      d.finish();
    });
    expect(msg).toContain(`chunk ${human} (counting from 1; it starts ${index * ENC_CHUNK_SIZE} bytes into the encrypted payload`);
  });
  it("the payload starts after the nonce", () => {
    expect(payloadStart).toBe(latin1(ct).indexOf("\n", latin1(ct).indexOf("---")) + 1 + NONCE_SIZE);
  });
  it("a PayloadError reaches the CLI with the 1-based chunk", async () => {
    const bad = Uint8Array.from(ct);
    const at = payloadStart + 2 * ENC_CHUNK_SIZE + 5;
    bad[at] = (bad[at] as number) ^ 1;
    expect(() => decrypt(bad, [id])).toThrow(PayloadError);
  });
});

describe("key and recipients files: linear, bounded, line-numbered", () => {
  const recipient = encodeRecipient(id.publicKey);
  it("16 MiB of empty lines is read line by line, not split into millions of strings", () => {
    expect(() => parseIdentityFile("\n".repeat(16 << 20))).toThrow(/no identities found/);
    expect(() => parseRecipientsFile("\r\n".repeat(8 << 20))).toThrow(/no recipients found/);
  });
  it("a line longer than MAX_KEY_LINE is refused before decoding, a long comment is not", () => {
    expect(() => parseRecipientsFile(`${recipient}\n${"q".repeat(MAX_KEY_LINE + 1)}\n`)).toThrow(new RegExp(`line 2 is longer than ${MAX_KEY_LINE} characters`));
    expect(() => parseIdentityFile(`age1${"q".repeat(16 << 20)}`)).toThrow(/line 1 is longer/);
    expect(parseRecipientsFile(`# ${"c".repeat(MAX_KEY_LINE * 2)}\n${recipient}\n`)).toHaveLength(1);
  });
  it(`more than ${MAX_KEYS_PER_FILE} keys in one file is refused at the first one too many`, () => {
    const text = `${recipient}\n`.repeat(MAX_KEYS_PER_FILE + 1);
    expect(() => parseRecipientsFile(text)).toThrow(new RegExp(`more than ${MAX_KEYS_PER_FILE} recipients \\(line ${MAX_KEYS_PER_FILE + 1}\\)`));
  });
  it(`the ${MAX_KEYS_PER_FILE}-key limit of identity files counts post-quantum identities too`, () => {
    const pq = `${encodePqIdentity(new Uint8Array(32).fill(7))}\n`;
    const tooMany = new RegExp(`more than ${MAX_KEYS_PER_FILE} identities \\(line ${MAX_KEYS_PER_FILE + 1}\\)`);
    expect(() => parseIdentityFile(pq.repeat(MAX_KEYS_PER_FILE + 1))).toThrow(tooMany);
    const mixed = `${encodeIdentity(new Uint8Array(32).fill(9))}\n`.repeat(MAX_KEYS_PER_FILE / 2) + pq.repeat(MAX_KEYS_PER_FILE / 2 + 1);
    expect(() => parseIdentityFile(mixed)).toThrow(tooMany);
    expect(parseIdentityFile(pq.repeat(3)).pqIdentities).toHaveLength(3);
  });
  it("CRLF key files still parse, with the right line numbers in errors", () => {
    expect(parseRecipientsFile(`# team\r\n${recipient}\r\n`)).toHaveLength(1);
    expect(() => parseRecipientsFile(`# team\r\n\r\nage1oops\r\n`)).toThrow(/line 3/);
    expect(() => parseRecipientsFile("")).toThrow(KeyFormatError);
  });
});
