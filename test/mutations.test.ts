/**
 * Exhaustive, deterministic mutations of small valid inputs (no random seed: every case runs on
 * every run). property.test.ts flips every bit of four classic files through decrypt; this file
 * extends the kind to the Inspector, the scrypt and post-quantum stanzas, and key files.
 *
 * The rule each test checks: a damaged input fails with doormat's own error types only — AgeError
 * (and subclasses) from the format layer, KeyFormatError from key parsing, CliError from the I/O
 * layer — never a TypeError, RangeError or anything else that the CLI would call a bug.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Decrypter, encrypt } from "../src/crypto/age.js";
import { AgeError } from "../src/crypto/errors.js";
import { Inspector } from "../src/crypto/inspect.js";
import { findHeaderEnd } from "../src/crypto/format/header.js";
import {
  KeyFormatError, encodeIdentity, encodePqIdentity, encodePqRecipient, encodeRecipient, generateKeyPair, generatePqKeyPair,
  parseIdentityFile, parseRecipientsFile, type PqKeyPair, type X25519KeyPair,
} from "../src/crypto/keys.js";
import { loadXWing } from "../src/crypto/primitives.js";
import { seededRandom } from "../src/crypto/random.js";
import { AuthorityIdentity, CovertEscrowRecipient, EscrowRecipient, PqAuthorityIdentity, PqEscrowRecipient } from "../src/crypto/recipients/escrow.js";
import { MlKem768X25519Identity, MlKem768X25519Recipient } from "../src/crypto/recipients/mlkem768x25519.js";
import { ScryptIdentity, ScryptRecipient } from "../src/crypto/recipients/scrypt.js";
import type { Identity } from "../src/crypto/recipients/types.js";
import { X25519Recipient } from "../src/crypto/recipients/x25519.js";
import { CliError } from "../src/errors.js";
import { keyFileText } from "../src/io/files.js";

const PLAINTEXT = new TextEncoder().encode("hello");
const key = (i: number): X25519KeyPair => generateKeyPair(() => new Uint8Array(32).fill(i));
let pq: PqKeyPair;
let pqAuthority: PqKeyPair;
beforeAll(async () => {
  await loadXWing();
  pq = generatePqKeyPair(() => new Uint8Array(32).fill(7));
  pqAuthority = generatePqKeyPair(() => new Uint8Array(32).fill(8));
});

/** Every single-bit flip of `data` at the positions `at` selects (default: all). */
function* flips(data: Uint8Array, at: (i: number) => boolean = () => true): Generator<[string, Uint8Array]> {
  for (let i = 0; i < data.length; i++) {
    if (!at(i)) continue;
    for (let bit = 0; bit < 8; bit++) {
      const bad = data.slice();
      bad[i] = (bad[i] as number) ^ (1 << bit);
      yield [`bit ${bit} of byte ${i}`, bad];
    }
  }
}

/** Every proper prefix of `data`, and `data` with each byte deleted. */
function* cuts(data: Uint8Array): Generator<[string, Uint8Array]> {
  for (let n = 0; n < data.length; n++) {
    yield [`first ${n} bytes`, data.slice(0, n)];
    const gone = new Uint8Array(data.length - 1);
    gone.set(data.subarray(0, n));
    gone.set(data.subarray(n + 1), n);
    yield [`byte ${n} deleted`, gone];
  }
}

/** Each byte value 0x00–0xFF inserted at each position. */
function* insertions(data: Uint8Array): Generator<[string, Uint8Array]> {
  for (let i = 0; i <= data.length; i++) {
    for (let v = 0; v < 256; v++) {
      const out = new Uint8Array(data.length + 1);
      out.set(data.subarray(0, i));
      out[i] = v;
      out.set(data.subarray(i), i + 1);
      yield [`0x${v.toString(16).padStart(2, "0")} inserted at ${i}`, out];
    }
  }
}

/** What `fn` threw, if it was not one of `allowed` (a description of the input and the error). */
function wrongError(what: string, fn: () => unknown, ...allowed: (abstract new (...a: never[]) => Error)[]): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return allowed.some((c) => e instanceof c) ? null : `${what}: ${String(e)}`;
  }
}

/** As {@link wrongError}, and success is wrong too: a flipped bit of an age file must never decrypt. */
function mustFail(what: string, fn: () => unknown): string | null {
  try {
    fn();
    return `${what}: decrypted`;
  } catch (e) {
    return e instanceof AgeError ? null : `${what}: ${String(e)}`;
  }
}

/** Decrypt in two slices (a byte, then the rest), so the armor and header readers also resume. */
function decryptTwoSlices(data: Uint8Array, ids: readonly Identity[]): void {
  const d = new Decrypter(ids);
  d.push(data.subarray(0, 1));
  d.push(data.subarray(1));
  d.finish();
}

function inspect(data: Uint8Array): void {
  const i = new Inspector();
  i.push(data.subarray(0, 2));
  i.push(data.subarray(2));
  i.finish();
}

describe("Inspector: every single-bit flip, truncation and deletion of small files", () => {
  const files = (): [string, Uint8Array][] => {
    const random = seededRandom("mutations: inspector");
    const out: [string, Uint8Array][] = [];
    for (const armor of [false, true]) {
      out.push([`X25519 + escrow + covert, armor ${armor}`, encrypt(PLAINTEXT, [new X25519Recipient(key(1).publicKey), new EscrowRecipient(key(2).publicKey), new CovertEscrowRecipient(key(3).publicKey)], { armor, random })]);
      out.push([`scrypt, armor ${armor}`, encrypt(PLAINTEXT, [new ScryptRecipient("pw", 2)], { armor, random })]);
      out.push([`mlkem768x25519 + lawful-access-pq, armor ${armor}`, encrypt(PLAINTEXT, [new MlKem768X25519Recipient(pq.publicKey), new PqEscrowRecipient(pqAuthority.publicKey)], { armor, random })]);
    }
    return out;
  };
  it("never throws anything but an AgeError (the header grammar, the armor, every stanza type)", () => {
    const wrong: string[] = [];
    let cases = 0;
    for (const [name, file] of files()) {
      for (const [what, bad] of [...flips(file), ...cuts(file)]) {
        cases++;
        const w = wrongError(`${name}, ${what}`, () => inspect(bad), AgeError);
        if (w) wrong.push(w);
      }
    }
    expect(wrong).toEqual([]);
    expect(cases).toBeGreaterThan(90_000); // the six files, every bit and cut (93,130 cases)
  });
});

describe("scrypt files: every single-bit flip, truncation and deletion", () => {
  it("decrypting with the right and a wrong passphrase fails with an AgeError, never opens", () => {
    const random = seededRandom("mutations: scrypt");
    const wrong: string[] = [];
    for (const armor of [false, true]) {
      const file = encrypt(PLAINTEXT, [new ScryptRecipient("pw", 2)], { armor, random });
      // A flip can only make the work factor a single digit (at most 9): cheap to try.
      const ids = [new ScryptIdentity("pw"), new ScryptIdentity("wrong")];
      for (const [what, bad] of flips(file)) {
        const w = mustFail(`armor ${armor}, ${what}`, () => decryptTwoSlices(bad, ids));
        if (w) wrong.push(w);
      }
      // A cut may legitimately decrypt: the armor's final LF is optional.
      for (const [what, bad] of cuts(file)) {
        const w = wrongError(`armor ${armor}, ${what}`, () => decryptTwoSlices(bad, ids), AgeError);
        if (w) wrong.push(w);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("post-quantum stanzas: every single-bit flip and truncation of the stanzas' structure", () => {
  /**
   * The positions to flip: all, except inside each 1,494-character `enc` argument, more than 4
   * characters from its ends. Inside it a flip either breaks the base64 (the same error as at
   * its ends) or changes the ML-KEM ciphertext, which decapsulates to an unrelated secret
   * (implicit rejection): each costs a decapsulation and tests nothing new.
   */
  function outsideEncInteriors(file: Uint8Array): (i: number) => boolean {
    const header = Buffer.from(file.subarray(0, findHeaderEnd(file) as number)).toString("latin1");
    const interiors: [number, number][] = [];
    for (const m of header.matchAll(/ ([A-Za-z0-9+/]{1400,})\n/g)) interiors.push([(m.index as number) + 1 + 4, (m.index as number) + 1 + (m[1] as string).length - 4]);
    expect(interiors.length).toBeGreaterThan(0);
    return (i) => !interiors.some(([a, b]) => i >= a && i < b);
  }
  it.each([
    ["mlkem768x25519 alone", () => encrypt(PLAINTEXT, [new MlKem768X25519Recipient(pq.publicKey)], { random: seededRandom("mutations: pq") }), () => [new MlKem768X25519Identity(pq.seed, pq.publicKey)]],
    ["X25519 + lawful-access-pq", () => encrypt(PLAINTEXT, [new X25519Recipient(key(1).publicKey), new PqEscrowRecipient(pqAuthority.publicKey)], { random: seededRandom("mutations: pq escrow") }), () => [new PqAuthorityIdentity(pqAuthority.seed, pqAuthority.publicKey)]],
  ] as const)("%s: an AgeError for every flip, never a file key", (_name, make, ids) => {
    const file = make();
    const identities: Identity[] = ids();
    const wrong: string[] = [];
    for (const [what, bad] of flips(file, outsideEncInteriors(file))) {
      const w = mustFail(what, () => decryptTwoSlices(bad, identities));
      if (w) wrong.push(w);
    }
    for (const [what, bad] of [...cuts(file.subarray(0, 80)), ...cuts(file.subarray(file.length - 120))]) {
      const w = mustFail(what, () => decryptTwoSlices(bad, identities));
      if (w) wrong.push(w);
    }
    expect(wrong).toEqual([]);
  });
});

describe("key files: every single-bit flip, truncation, deletion and inserted byte", () => {
  /** keyFileText (CliError), then the parser (KeyFormatError): nothing else. */
  function parseAs(kind: "identities" | "recipients", bytes: Uint8Array): void {
    const text = keyFileText(bytes, "key file", "test");
    if (kind === "identities") parseIdentityFile(text);
    else parseRecipientsFile(text);
  }
  const files = (): [string, "identities" | "recipients", string][] => {
    const a = key(1);
    return [
      ["X25519 identity file", "identities", `# created: 2026-01-01T00:00:00Z\n# public key: ${encodeRecipient(a.publicKey)}\n${encodeIdentity(a.secretKey)}\n`],
      ["post-quantum identity file", "identities", `# public key: age1pq1…\n${encodePqIdentity(pq.seed)}\n`],
      ["recipients file", "recipients", `# friends\n${encodeRecipient(a.publicKey)}\r\n${encodeRecipient(key(2).publicKey)}\n`],
      ["SSH key as identities", "identities", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB+VHtZ6isGN a@b\n"],
    ];
  };
  it("every mutation fails with a KeyFormatError or CliError, or parses", () => {
    const wrong: string[] = [];
    for (const [name, kind, text] of files()) {
      const bytes = Buffer.from(text, "utf8");
      for (const [what, bad] of [...flips(bytes), ...cuts(bytes), ...insertions(bytes)]) {
        const w = wrongError(`${name}, ${what}`, () => parseAs(kind, bad), KeyFormatError, CliError);
        if (w) wrong.push(w);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a post-quantum recipient (1,959 characters): every flip and truncation", () => {
    const bytes = Buffer.from(`${encodePqRecipient(pq.publicKey)}\n`);
    const wrong: string[] = [];
    for (const [what, bad] of [...flips(bytes), ...cuts(bytes)]) {
      const w = wrongError(what, () => parseAs("recipients", bad), KeyFormatError, CliError);
      if (w) wrong.push(w);
    }
    expect(wrong).toEqual([]);
  });

  it("encodings and line endings: UTF-8 and UTF-16 byte-order marks, CRLF, CR, NUL, invisible spaces", () => {
    const id = encodeIdentity(key(1).secretKey);
    const inputs: Uint8Array[] = [
      Buffer.from(`\ufeff${id}\n`), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${id}\n`, "utf16le")]), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(`${id}\n`, "utf16le").swap16()]),
      Buffer.from(`${id}\n`, "utf16le"), Buffer.from(`${id}\r\n`), Buffer.from(`${id}\r`), Buffer.from(`${id}\0\n`), Buffer.from(`${id}\u200b\n`), Buffer.from(`\u00a0${id}\n`),
      Buffer.from(`${id}\u2028`), Buffer.from([0xed, 0xa0, 0x80, 0x0a]), Buffer.from(`#${"x".repeat(100_000)}\n${id}\n`), Buffer.from(`${"A".repeat(100_000)}\n`),
    ];
    const wrong: string[] = [];
    for (const [i, bytes] of inputs.entries()) {
      for (const kind of ["identities", "recipients"] as const) {
        const w = wrongError(`input ${i} as ${kind}`, () => parseAs(kind, bytes), KeyFormatError, CliError);
        if (w) wrong.push(w);
      }
    }
    expect(wrong).toEqual([]);
  });
});
