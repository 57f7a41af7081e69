/**
 * The lawful-access stanza against DESIGN.md, byte for byte, and the authority's side.
 *
 * The vector below was computed independently (Python `cryptography`, see docs/FORMAT.md),
 * from RFC 7748 §6.1's keys: Alice's secret as the ephemeral key, Bob's as the authority's.
 */
import { describe, expect, it } from "vitest";
import { decrypt, encrypt } from "../src/crypto/age.js";
import { fromHex, toHex, utf8 } from "../src/crypto/bytes.js";
import { HeaderError, NoMatchError } from "../src/crypto/errors.js";
import { encodeStanza, type Stanza } from "../src/crypto/format/header.js";
import { authorityId, generateKeyPair } from "../src/crypto/keys.js";
import { loadBackends, primitives } from "../src/crypto/primitives.js";

const backends = await loadBackends();
import { seededRandom, type RandomSource } from "../src/crypto/random.js";
import { AuthorityIdentity, CovertEscrowRecipient, ESCROW_TYPE, EscrowRecipient, escrowAuthorities } from "../src/crypto/recipients/escrow.js";
import { X25519Identity, X25519Recipient } from "../src/crypto/recipients/x25519.js";
import { ScryptRecipient } from "../src/crypto/recipients/scrypt.js";
import { wrapFileKey } from "../src/crypto/age.js";

const EPHEMERAL = fromHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const AUTHORITY_SECRET = fromHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
const AUTHORITY_PUBLIC = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
const FILE_KEY = utf8("YELLOW SUBMARINE");
const EXPECTED_STANZA =
  "-> doormat.example/lawful-access f35e5616 hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo\n" +
  "7fSu3gfQ8VXTVtbQXudSxomSr38c8wNqAsGtAH1jZ8E\n";

/** Returns the given bytes in order, then fails: proves exactly what randomness was used. */
function fixedRandom(...chunks: Uint8Array[]): RandomSource {
  return (n) => {
    const c = chunks.shift();
    if (c === undefined || c.length !== n) throw new Error(`unexpected random(${n})`);
    return c;
  };
}

describe("lawful-access stanza (DESIGN.md)", () => {
  it("authority id is the first 4 bytes of SHA-256(public key), hex", () => {
    expect(toHex(primitives.x25519Base(AUTHORITY_SECRET))).toBe(AUTHORITY_PUBLIC);
    expect(authorityId(fromHex(AUTHORITY_PUBLIC))).toBe("f35e5616");
    expect(authorityId(fromHex(AUTHORITY_PUBLIC))).toBe(toHex(primitives.sha256(fromHex(AUTHORITY_PUBLIC)).subarray(0, 4)));
  });

  it("wraps a fixed file key with a fixed ephemeral key to the independently computed bytes", () => {
    const r = new EscrowRecipient(fromHex(AUTHORITY_PUBLIC));
    const [stanza, ...rest] = r.wrapFileKey(FILE_KEY, fixedRandom(EPHEMERAL));
    expect(rest).toHaveLength(0);
    expect(encodeStanza(stanza as Stanza)).toBe(EXPECTED_STANZA);
  });

  it.each(backends.map((b) => [b.name, b] as const))("the wrap key and body match the vector on the %s backend", (_n, p) => {
    const share = p.x25519Base(EPHEMERAL);
    const shared = p.x25519(EPHEMERAL, fromHex(AUTHORITY_PUBLIC));
    expect(toHex(shared)).toBe("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742"); // RFC 7748 §6.1 K
    const salt = new Uint8Array([...share, ...fromHex(AUTHORITY_PUBLIC)]);
    const wrapKey = p.hkdf(shared, salt, utf8("doormat.example/lawful-access/v1"), 32);
    expect(toHex(wrapKey)).toBe("f87989548a709018f5a3db82733822876efabb84933ba3d150ee3e8e48e5a859");
    expect(toHex(p.seal(wrapKey, new Uint8Array(12), FILE_KEY))).toBe("edf4aede07d0f155d356d6d05ee752c68992af7f1cf3036a02c1ad007d6367c1");
  });

  it("the authority's identity unwraps the vector to the file key", () => {
    const id = new AuthorityIdentity(AUTHORITY_SECRET);
    const stanza = new EscrowRecipient(fromHex(AUTHORITY_PUBLIC)).wrapFileKey(FILE_KEY, fixedRandom(EPHEMERAL));
    expect(id.unwrapFileKey(stanza)).toEqual(FILE_KEY);
  });

  it("a lawful-access stanza for another authority is skipped, not an error", () => {
    const random = seededRandom("escrow test: another authority");
    const other = generateKeyPair(random);
    const stanza = new EscrowRecipient(other.publicKey).wrapFileKey(FILE_KEY, random);
    expect(new AuthorityIdentity(AUTHORITY_SECRET).unwrapFileKey(stanza)).toBeNull();
  });

  it("rejects malformed lawful-access stanzas addressed to it as header errors", () => {
    const good = new EscrowRecipient(fromHex(AUTHORITY_PUBLIC)).wrapFileKey(FILE_KEY, fixedRandom(EPHEMERAL))[0] as Stanza;
    const id = new AuthorityIdentity(AUTHORITY_SECRET);
    const bad: Stanza[] = [
      { ...good, args: [good.args[0] as string] },
      { ...good, args: [...good.args, "extra"] },
      { ...good, args: [good.args[0] as string, (good.args[1] as string).slice(0, -1)] },
      { ...good, args: [good.args[0] as string, "AAAA"] },
      { ...good, body: good.body.subarray(0, 31) },
      { ...good, body: new Uint8Array([...good.body, 0]) },
    ];
    for (const s of bad) expect(() => id.unwrapFileKey([s])).toThrow(HeaderError);
  });

  it("ignores lawful-access stanzas addressed to others, even malformed ones, as stock age does", () => {
    const good = new EscrowRecipient(fromHex(AUTHORITY_PUBLIC)).wrapFileKey(FILE_KEY, fixedRandom(EPHEMERAL))[0] as Stanza;
    const id = new AuthorityIdentity(AUTHORITY_SECRET);
    const others: Stanza[] = [
      { ...good, args: ["F35E5616", good.args[1] as string] },
      { ...good, args: ["deadbeef", "AAAA"] },
      { ...good, args: ["f35e561"] },
      { ...good, args: [] },
    ];
    for (const s of others) expect(id.unwrapFileKey([s])).toBeNull();
  });

  it("a flipped body bit finds no match", () => {
    const good = new EscrowRecipient(fromHex(AUTHORITY_PUBLIC)).wrapFileKey(FILE_KEY, fixedRandom(EPHEMERAL))[0] as Stanza;
    const body = good.body.slice();
    body[0] = (body[0] as number) ^ 1;
    expect(new AuthorityIdentity(AUTHORITY_SECRET).unwrapFileKey([{ ...good, body }])).toBeNull();
  });
});

describe("escrowed files", () => {
  const random = seededRandom("escrow test");
  const alice = generateKeyPair(random);
  const gov = generateKeyPair(random);
  const eve = generateKeyPair(random);
  const msg = utf8("meet me at the usual place");

  it("the recipient and the authority both open it; an outsider does not", () => {
    const ct = encrypt(msg, [new X25519Recipient(alice.publicKey), new EscrowRecipient(gov.publicKey)], { random });
    expect(decrypt(ct, [new X25519Identity(alice.secretKey)])).toEqual(msg);
    expect(decrypt(ct, [new AuthorityIdentity(gov.secretKey)])).toEqual(msg);
    expect(() => decrypt(ct, [new AuthorityIdentity(eve.secretKey)])).toThrow(NoMatchError);
  });

  it("a plain X25519 identity does not use the lawful-access stanza", () => {
    const ct = encrypt(msg, [new X25519Recipient(alice.publicKey), new EscrowRecipient(gov.publicKey)], { random });
    expect(() => decrypt(ct, [new X25519Identity(gov.secretKey)])).toThrow(NoMatchError);
  });

  it("covert escrow is a plain X25519 stanza, opened by the authority's key", () => {
    const ct = encrypt(msg, [new X25519Recipient(alice.publicKey), new CovertEscrowRecipient(gov.publicKey)], { random });
    expect(decrypt(ct, [new AuthorityIdentity(gov.secretKey)])).toEqual(msg);
    expect(decrypt(ct, [new X25519Identity(gov.secretKey)])).toEqual(msg);
  });

  it("names every authority in the header", () => {
    const stanzas = wrapFileKey([new X25519Recipient(alice.publicKey), new EscrowRecipient(gov.publicKey), new EscrowRecipient(eve.publicKey)], FILE_KEY, random);
    expect(stanzas.map((s) => s.type)).toEqual(["X25519", ESCROW_TYPE, ESCROW_TYPE]);
    expect(escrowAuthorities(stanzas)).toEqual([authorityId(gov.publicKey), authorityId(eve.publicKey)]);
  });

  it("reports a malformed lawful-access stanza as such, not as an authority", () => {
    const good = wrapFileKey([new EscrowRecipient(gov.publicKey)], FILE_KEY, random)[0] as Stanza;
    const [id, share] = good.args as [string, string];
    const variants: Stanza[] = [
      { ...good, args: [id] }, // share missing
      { ...good, args: [id, share, "extra"] }, // one argument too many
      { ...good, args: [id, share.slice(0, -4)] }, // a share of 29 bytes
      { ...good, args: ["GOV", share] }, // not 8 hex digits
      { ...good, args: [id, "!!!"] }, // not base64
    ];
    expect(escrowAuthorities([good, ...variants])).toEqual([id, ...variants.map(() => "(malformed)")]);
  });

  it("refuses escrow next to a passphrase: scrypt must be alone", () => {
    expect(() => wrapFileKey([new ScryptRecipient("pw", 2), new EscrowRecipient(gov.publicKey)], FILE_KEY, random)).toThrow(/only recipient/);
  });
});

describe("docs/FORMAT.md worked example", () => {
  it("the file in the docs decrypts for Bob and for the authority, and its armor matches", async () => {
    const { readFileSync } = await import("node:fs");
    const file = readFileSync(new URL("./vectors/escrow-example.age", import.meta.url));
    const doc = readFileSync(new URL("../docs/FORMAT.md", import.meta.url), "utf8");
    expect(doc).toContain(file.toString("utf8").trim());
    expect(doc).toContain(EXPECTED_STANZA.trim());
    const { decodeIdentity } = await import("../src/crypto/keys.js");
    const bob = decodeIdentity("AGE-SECRET-KEY-1QGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQ0N3JDM");
    const expected = utf8("hello, lawful access\n");
    expect(decrypt(file, [new X25519Identity(bob.secretKey)])).toEqual(expected);
    expect(decrypt(file, [new AuthorityIdentity(AUTHORITY_SECRET)])).toEqual(expected);
  });
});
