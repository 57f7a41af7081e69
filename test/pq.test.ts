/**
 * Post-quantum: the `mlkem768x25519` recipient type (age-spec §4.3) and the post-quantum
 * lawful-access stanza (docs/FORMAT.md), through the library and the CLI, and interop with
 * typage (`age-encryption` 0.3.1, which implements mlkem768x25519) in both directions.
 *
 * Stock Debian `age` is 1.1.1, which predates post-quantum recipients (added in age 1.3.0,
 * 2025-12): it cannot encrypt to `age1pq1…` nor read these files, so the only independent
 * implementation checked here is typage; test/cctv.test.ts and test/cctv-cli.test.ts run the
 * 19 post-quantum CCTV vectors that age 1.3 was built against.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { fc, test as fcTest } from "@fast-check/vitest";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Decrypter as TDecrypter, Encrypter as TEncrypter, armor, generateHybridIdentity, identityToRecipient } from "age-encryption";
import { decrypt, encrypt, recipientMixError, wrapFileKey } from "../src/crypto/age.js";
import { fromHex, toHex, utf8 } from "../src/crypto/bytes.js";
import { HeaderError, NoMatchError } from "../src/crypto/errors.js";
import { encodeB64 } from "../src/crypto/format/base64.js";
import { encodeStanza, type Stanza } from "../src/crypto/format/header.js";
import {
  KeyFormatError, decodeAnyRecipient, decodePqIdentity, decodePqRecipient, decodeRecipient, encodeIdentity, encodePqIdentity, encodePqRecipient,
  generateKeyPair, generatePqKeyPair, parseIdentityFile, parseRecipientsFile, pqPublicKey,
} from "../src/crypto/keys.js";
import { loadXWing, primitives, xwing } from "../src/crypto/primitives.js";
import { seededRandom, type RandomSource } from "../src/crypto/random.js";
import {
  AuthorityIdentity, CovertEscrowRecipient, CovertPqEscrowRecipient, ESCROW_PQ_TYPE, EscrowRecipient, PqAuthorityIdentity, PqEscrowRecipient, escrowAuthorities,
} from "../src/crypto/recipients/escrow.js";
import { MLKEM768X25519_TYPE, MlKem768X25519Identity, MlKem768X25519Recipient } from "../src/crypto/recipients/mlkem768x25519.js";
import { CCTV_HYBRID, pqKnownAnswerTests, runPostQuantumKnownAnswerTests } from "../src/crypto/recipients/mlkem768x25519-kats.js";
import { X25519Identity, X25519Recipient } from "../src/crypto/recipients/x25519.js";
import { doormat } from "./cli-harness.js";
import { onPath } from "./helpers.js";

await loadXWing();

const FILE_KEY = utf8("YELLOW SUBMARINE");
/** Seeded, so every run uses the same keys and ciphertexts. */
const random: RandomSource = seededRandom("pq.test");
const alice = generatePqKeyPair(random);
const bob = generatePqKeyPair(random);
const classic = generateKeyPair(random);
const govPq = generatePqKeyPair(random);
const govClassic = generateKeyPair(random);

/** Returns the given bytes once, then fails: proves exactly what randomness was used. */
function fixedRandom(...chunks: Uint8Array[]): RandomSource {
  return (n) => {
    const c = chunks.shift();
    if (c === undefined || c.length !== n) throw new Error(`unexpected random(${n})`);
    return c;
  };
}

describe("known answers (also run by `doormat selftest`)", () => {
  it.each(pqKnownAnswerTests.map((t) => [`${t.group}: ${t.name}`, t] as const))("%s", (_n, t) => {
    t.run();
  });

  it("the runner reports every check, and a wrong answer as a failure", () => {
    const results = runPostQuantumKnownAnswerTests();
    expect(results).toHaveLength(pqKnownAnswerTests.length);
    expect(results.every((r) => r.ok)).toBe(true);
    // The negative check really detects a file key coming out of a corrupted ciphertext:
    // the intact stanza opens, so a decapsulation that ignored its input would be caught.
    const id = new MlKem768X25519Identity(decodePqIdentity(CCTV_HYBRID.identity));
    expect(id.publicKey).toHaveLength(1216);
  });

  it("X-Wing rejects wrong lengths and reports a low-order X25519 half", () => {
    const kem = xwing();
    expect(() => kem.publicKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => kem.decapsulate(new Uint8Array(32), new Uint8Array(1119))).toThrow(RangeError);
    const pk = pqPublicKey(new Uint8Array(32));
    const lowOrder = pk.slice();
    lowOrder.fill(0, 1184);
    expect(() => kem.encapsulate(lowOrder, new Uint8Array(64))).toThrow(/low-order/);
  });
});

describe("keys: AGE-SECRET-KEY-PQ-1… and age1pq1… (Bech32 without the 90-character limit)", () => {
  it("have the spec's lengths and round-trip", () => {
    const id = encodePqIdentity(alice.seed);
    const r = encodePqRecipient(alice.publicKey);
    expect(id).toMatch(/^AGE-SECRET-KEY-PQ-1[0-9A-Z]+$/);
    expect(id).toHaveLength(77);
    expect(r).toMatch(/^age1pq1[0-9a-z]+$/);
    expect(r).toHaveLength(1959);
    expect(decodePqIdentity(id)).toEqual(alice.seed);
    expect(decodePqRecipient(r)).toEqual(alice.publicKey);
    expect(decodeAnyRecipient(r)).toHaveLength(1216);
  });

  it("the CCTV identity decodes and re-encodes identically", () => {
    expect(encodePqIdentity(decodePqIdentity(CCTV_HYBRID.identity))).toBe(CCTV_HYBRID.identity);
  });

  it("rejects the wrong kind, a bad checksum and mixed case, never echoing the key", () => {
    const r = encodePqRecipient(alice.publicKey);
    expect(() => decodeRecipient(r)).toThrow(/post-quantum/);
    expect(() => decodePqRecipient(encodePqIdentity(alice.seed))).toThrow(KeyFormatError);
    const flipped = r.slice(0, 100) + (r[100] === "q" ? "p" : "q") + r.slice(101);
    expect(() => decodePqRecipient(flipped)).toThrow(/checksum/);
    const id = encodePqIdentity(alice.seed);
    expect(() => decodePqIdentity(id.slice(0, 30) + id.slice(30).toLowerCase())).toThrow(KeyFormatError);
  });

  it("identity and recipients files may hold both kinds", () => {
    const text = `# a comment\n${encodePqIdentity(alice.seed)}\n\nAGE-SECRET-KEY-1QGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQ0N3JDM\n`;
    const parsed = parseIdentityFile(text);
    expect(parsed.pqIdentities.map((e) => [e.line, toHex(e.seed)])).toEqual([[2, toHex(alice.seed)]]);
    expect(parsed.identities.map((e) => e.line)).toEqual([4]);
    const keys = parseRecipientsFile(`${encodePqRecipient(bob.publicKey)}\n${encodePqRecipient(alice.publicKey)}\n`);
    expect(keys.map((k) => k.length)).toEqual([1216, 1216]);
  });
});

describe("mlkem768x25519 stanza", () => {
  it("has the spec's shape: one 1120-byte enc argument, a 32-byte body", () => {
    const [s] = new MlKem768X25519Recipient(alice.publicKey).wrapFileKey(FILE_KEY, random);
    expect(s?.type).toBe(MLKEM768X25519_TYPE);
    expect(s?.args).toHaveLength(1);
    expect(s?.args[0]).toHaveLength(1494);
    expect(s?.body).toHaveLength(32);
  });

  fcTest.prop([fc.uint8Array({ maxLength: 70_000 }), fc.boolean()], { numRuns: 8 })("round-trips any plaintext, armored or not", (pt, armored) => {
    const ct = encrypt(pt, [new MlKem768X25519Recipient(alice.publicKey), new MlKem768X25519Recipient(bob.publicKey)], { armor: armored });
    expect(decrypt(ct, [new MlKem768X25519Identity(bob.seed)])).toEqual(pt);
  });

  it("another key finds no match; a classic identity ignores the stanza", () => {
    const ct = encrypt(utf8("x"), [new MlKem768X25519Recipient(alice.publicKey)]);
    expect(() => decrypt(ct, [new MlKem768X25519Identity(bob.seed)])).toThrow(NoMatchError);
    expect(() => decrypt(ct, [new X25519Identity(classic.secretKey)])).toThrow(NoMatchError);
  });

  const good = (): Stanza => new MlKem768X25519Recipient(alice.publicKey).wrapFileKey(FILE_KEY, random)[0] as Stanza;
  const id = (): MlKem768X25519Identity => new MlKem768X25519Identity(alice.seed);
  it.each([
    ["an extra argument", (s: Stanza): Stanza => ({ ...s, args: [...s.args, "AA"] })],
    ["a short enc", (s: Stanza): Stanza => ({ ...s, args: [(s.args[0] as string).slice(0, -4)] })],
    ["a non-canonical enc", (s: Stanza): Stanza => ({ ...s, args: [(s.args[0] as string).slice(0, -1) + "B"] })],
    ["a 33-byte body", (s: Stanza): Stanza => ({ ...s, body: new Uint8Array(33) })],
  ])("rejects %s as a header error", (_n, mutate) => {
    const s = good();
    expect(id().unwrapFileKey([s])).toEqual(FILE_KEY);
    expect(() => id().unwrapFileKey([mutate(s)])).toThrow(HeaderError);
  });

  it("rejects a low-order X25519 half of enc as a header error", () => {
    const s = good();
    const enc = Buffer.from(s.args[0] as string, "base64");
    enc.fill(0, 1088);
    expect(() => id().unwrapFileKey([{ ...s, args: [encodeB64(enc)] }])).toThrow(/low-order/);
  });
});

describe("the mixing rule (age 1.3: post-quantum and classic recipients are not mixed)", () => {
  const pq = new MlKem768X25519Recipient(alice.publicKey);
  it("refuses a classic recipient next to a post-quantum one, and says why", () => {
    expect(recipientMixError([pq, new X25519Recipient(classic.publicKey)])).toMatch(/throw away the post-quantum protection/);
    expect(() => wrapFileKey([new X25519Recipient(classic.publicKey), pq], FILE_KEY, random)).toThrow(/refusing to mix/);
  });
  it("refuses classic escrow (overt or covert) of a post-quantum file as a downgrade", () => {
    for (const e of [new EscrowRecipient(govClassic.publicKey), new CovertEscrowRecipient(govClassic.publicKey)]) {
      expect(recipientMixError([pq, e])).toMatch(/downgrade the file to classic security.*harvest now, decrypt later/);
    }
  });
  it("allows post-quantum escrow on post-quantum and on classic files", () => {
    expect(recipientMixError([pq, new PqEscrowRecipient(govPq.publicKey)])).toBeNull();
    expect(recipientMixError([new X25519Recipient(classic.publicKey), new PqEscrowRecipient(govPq.publicKey)])).toBeNull();
    expect(recipientMixError([new X25519Recipient(classic.publicKey), new CovertPqEscrowRecipient(govPq.publicKey)])).toBeNull();
    expect(recipientMixError([new X25519Recipient(classic.publicKey), new EscrowRecipient(govClassic.publicKey)])).toBeNull();
  });
});

describe("post-quantum lawful access (doormat.example/lawful-access-pq)", () => {
  const gov = (): PqAuthorityIdentity => new PqAuthorityIdentity(govPq.seed);

  it("the authority opens escrowed post-quantum and classic files; recipients still can", () => {
    const msg = utf8("intercept me");
    const pqFile = encrypt(msg, [new MlKem768X25519Recipient(alice.publicKey), new PqEscrowRecipient(govPq.publicKey)]);
    const classicFile = encrypt(msg, [new X25519Recipient(classic.publicKey), new PqEscrowRecipient(govPq.publicKey)]);
    expect(decrypt(pqFile, [gov()])).toEqual(msg);
    expect(decrypt(pqFile, [new MlKem768X25519Identity(alice.seed)])).toEqual(msg);
    expect(decrypt(classicFile, [gov()])).toEqual(msg);
    expect(decrypt(classicFile, [new X25519Identity(classic.secretKey)])).toEqual(msg);
  });

  it("covert escrow is a plain mlkem768x25519 stanza, which the authority's identity opens too", () => {
    const msg = utf8("covert");
    const r = new CovertPqEscrowRecipient(govPq.publicKey);
    const [s] = r.wrapFileKey(FILE_KEY, random);
    expect(s?.type).toBe(MLKEM768X25519_TYPE);
    const file = encrypt(msg, [new MlKem768X25519Recipient(alice.publicKey), r]);
    expect(decrypt(file, [gov()])).toEqual(msg);
  });

  it("is addressed by authority id: others' stanzas are ignored, a malformed one of ours is an error", () => {
    const other = generatePqKeyPair(random);
    const stanzas = wrapFileKey([new X25519Recipient(classic.publicKey), new PqEscrowRecipient(other.publicKey)], FILE_KEY, random);
    expect(gov().unwrapFileKey(stanzas)).toBeNull();
    expect(escrowAuthorities(stanzas)).toEqual([new PqEscrowRecipient(other.publicKey).authorityId]);
    const [mine] = new PqEscrowRecipient(govPq.publicKey).wrapFileKey(FILE_KEY, random) as [Stanza];
    expect(gov().unwrapFileKey([mine])).toEqual(FILE_KEY);
    expect(() => gov().unwrapFileKey([{ ...mine, args: [mine.args[0] as string] }])).toThrow(HeaderError);
    expect(() => gov().unwrapFileKey([{ ...mine, body: new Uint8Array(31) }])).toThrow(HeaderError);
    // Its own HPKE info: the body does not open as an mlkem768x25519 stanza.
    expect(gov().unwrapFileKey([{ type: MLKEM768X25519_TYPE, args: [mine.args[1] as string], body: mine.body }])).toBeNull();
    // A classic identity never opens it, and a classic authority ignores it.
    expect(new AuthorityIdentity(govClassic.secretKey).unwrapFileKey([mine])).toBeNull();
  });

  it("docs/FORMAT.md worked example: fixed seed, file key and randomness give exactly the documented stanza", () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i);
    const randomness = Uint8Array.from({ length: 64 }, (_, i) => 0x40 + i);
    const pk = pqPublicKey(seed);
    expect(toHex(primitives.sha256(pk))).toBe("c9a3565ffde4f72b51661be391ee13e46378d7f06dd5c8bf5af9d2cfb5b8336b");
    const { sharedSecret, enc } = xwing().encapsulate(pk, randomness);
    expect(toHex(sharedSecret)).toBe("f285b028f4de617b6adf9eccbd811327848dd44ac7078c15390b16682576ad8c");
    expect(toHex(primitives.sha256(enc))).toBe("f3b200eccc1a9572dd3d9065284528440844361fea61fb1bd4a85628d4c0f3f0");
    const r = new PqEscrowRecipient(pk);
    expect(r.authorityId).toBe("c9a3565ffde4f72b51661be391ee13e46378d7f06dd5c8bf5af9d2cfb5b8336b".slice(0, 8));
    const stanzas = r.wrapFileKey(FILE_KEY, fixedRandom(randomness.slice()));
    const text = encodeStanza(stanzas[0] as Stanza);
    expect(text).toBe("-> doormat.example/lawful-access-pq c9a3565f MywkjsrHdKW54otwGFZbfge1dzO45opDIISzm5Ih5JcAPShxpoX5BaB/lMm2Iwl3r+HVsBw7HoxNMr5GbYEq6UbCXi04U/xEtNp0es1NCghZ3JpUSMN1A4jFLsjBnx4fmxyJjSUz/P8xdZChWJwJeYPx3h14zvBA9QyBJ2WyxuD1P6lxTruu8M1Iy4PtwPbHj8oF1SVDn9CPtbLAzMHn2QDrIk91sTRixuTXuqv7EWKYPBHuQmmzP5faxannpr+GwnF4zyN+qHJbJ9rha61L9qXfTZX4uLBwb2agSQm8ADD0EUyCxyD4quuTIs+5XQR8WV0NBx6ycxEI2xygCKcUjiTVeykZfs7cJijQmBl/VFG93VoQb7b1ydx5hqsskTBKyxgmvejNW7xBCvBCr4b03AwZTQ5abuEbytkWC7grDSYEKuYIp+DOBkKo+sEsR3aDzuCyssqScH8jkbQzE2LJDoAUvpV+H2VfBqx28H60jMemWhSyvgvmeGXUYcJiLJHcTnMjHxINc2IfzF5FqbVeiTxhXtvYMId5hxpUFmdCOSohmAeDMXR2RE6bkxpokAdt0Rl0DC/KGfm0fVU5EI5Sai/Vs+X6aeckv2bBHJ8DoMVdv1aOyoL0JGn6I+EyZD12/9PAJhuwLeoeepxBOPHCLHQNyI1YSrVp9/i+XxqpD5NMsQMBXUvK1BpbhXsGuRdm3rJlX6ZUglAeKbEi+YYsK1P48x4Xl7k+e86ggrwcYu6nDVPcT03nRjtiYig9BoRrJ/cNBpWYwRFRTeHWYOd+AcvjC2FYLtb5gyhK/lPl2E49yWI95Q7BDFIIUEQjLunMOLahFiuSe1xcg/6tWsC7LEgsQmA8fK24CqsiSKwPy96ReG5YiFh93516COIYL3yUsewNIqYzjfmYW+uRf32zi/AvXFVO585MEb9DKHKr0rbU+jTpkLUpDIjMGStHCBkHI0xt8Mjo+7eJEqtC50FulYnj0OjJ5yOQ7Ic4llfj81YMYjYduOINRvnWtdzQ32IJ4RksMPEQnUWmaWYHJvEYgwuPAUH5wLV1j2WivPFiMr3mF2gM6J/Gwl1aHtljU7N4A/5raSapl76eAXHd2l0SM3kLKC45CL4bgO52LSRh4G4zXv0A0WACehoQFZPGEAmkSY+if3S73oXaVbWrgJLKPP8jH3TvTUFBMz7NJFj9jg9toB4wkhSr0O1ufDg+oLEcWnkjuCFAbQLeU5AWKvdN2mMlGR7usuJt8zh30pFpelT8A2HfxMlaK57JsF1rzyW6z0gv8uw4LDl/YCSATzvRPX9AyZvDZmprx3KOMnp67teCVnokIWUCwfUrsQpBHOcZK+ktn2J8YOGlXKtItXdx7YNGospedEiwb+HjwBCoJ9nKtCEibQGVjNDUB74jvsLrjl42KGibu9EZA++4nCPgjH1bJOSs2k8Va2KVeddlPmdnXdV07XeJMQs9LnaB83kLRmx3OxUh/s82V3lYNx6lLw\nu7imXIW9pXE2lu9JvvYkj6pv9BCUsN1B4oTZWMd0EJg\n");
    expect(new PqAuthorityIdentity(seed).unwrapFileKey(stanzas)).toEqual(FILE_KEY);
    const doc = fs.readFileSync(new URL("../docs/FORMAT.md", import.meta.url), "utf8");
    expect(doc).toContain(text.trim());
    expect(doc).toContain(encodePqIdentity(seed));
    for (const v of [toHex(sharedSecret), toHex(primitives.sha256(enc)), toHex(primitives.sha256(pk))]) expect(doc).toContain(v);
  });
});

// ---------------------------------------------------------------------------------------------
// CLI (in process)

describe("CLI", () => {
  let dir = "";
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "doormat-pq-"));
    return () => fs.rmSync(dir, { recursive: true, force: true });
  });
  const p = (n: string): string => path.join(dir, n);
  async function ok(args: string[]): Promise<Buffer> {
    const r = await doormat(args);
    if (r.code !== 0) throw new Error(`doormat ${args.join(" ")}: ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
  async function keygen(name: string, ...extra: string[]): Promise<string> {
    await ok(["keygen", "-o", p(name), ...extra]);
    return (await ok(["pubkey", p(name)])).toString("utf8").trim();
  }

  it("keygen --pq writes a 0600 AGE-SECRET-KEY-PQ-1 key; pubkey prints its age1pq1 recipient", async () => {
    const r = await keygen("a.key", "--pq");
    expect(fs.statSync(p("a.key")).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(p("a.key"), "utf8");
    expect(text).toMatch(/^AGE-SECRET-KEY-PQ-1[0-9A-Z]{58}$/m);
    expect(text).toContain(`# public key: ${r}\n`);
    expect(r).toMatch(/^age1pq1[0-9a-z]{1952}$/);
  });

  it("encrypts to and decrypts with post-quantum keys, armored too", async () => {
    const r = await keygen("b.key", "--pq");
    fs.writeFileSync(p("msg"), "post-quantum hello\n");
    for (const armorFlag of [[], ["-a"]]) {
      await ok(["encrypt", ...armorFlag, "-r", r, "-f", "-o", p("msg.age"), p("msg")]);
      expect((await ok(["decrypt", "-i", p("b.key"), p("msg.age")])).toString()).toBe("post-quantum hello\n");
    }
  });

  it("refuses to mix post-quantum and classic recipients, saying why (exit 1, nothing written)", async () => {
    const pq = await keygen("c.key", "--pq");
    const cl = await keygen("d.key");
    fs.writeFileSync(p("m"), "x");
    const r = await doormat(["encrypt", "-r", pq, "-r", cl, "-o", p("mixed.age"), p("m")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^doormat: error: refusing to mix post-quantum \(age1pq1…\) and classic \(age1…\) recipients/m);
    expect(fs.existsSync(p("mixed.age"))).toBe(false);
  });

  it("keygen --pq --authority; classic escrow of a PQ file is refused as a downgrade; PQ escrow works on both kinds", async () => {
    const gov = await keygen("gov.key", "--pq", "--authority", "PQ Gov");
    expect(fs.readFileSync(p("gov.key"), "utf8")).toMatch(/# authority: PQ Gov\n# authority id: [0-9a-f]{8}\n/);
    const govClassicR = await keygen("govc.key", "--authority", "Classic Gov");
    const pq = await keygen("e.key", "--pq");
    const cl = await keygen("f.key");
    fs.writeFileSync(p("m"), "secret");
    const refused = await doormat(["encrypt", "-r", pq, "--escrow", govClassicR, "-o", p("x.age"), p("m")]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/downgrade the file to classic security.*harvest now, decrypt later/);
    expect(refused.stderr).toMatch(/hint: .*keygen --pq --authority/);
    for (const [r, key] of [[pq, "e.key"], [cl, "f.key"]] as const) {
      await ok(["encrypt", "-r", r, "--escrow", gov, "-f", "-o", p("esc.age"), p("m")]);
      expect(fs.readFileSync(p("esc.age"), "latin1")).toContain(`-> ${ESCROW_PQ_TYPE} `);
      expect((await ok(["decrypt", "-i", p("gov.key"), p("esc.age")])).toString()).toBe("secret");
      expect((await ok(["decrypt", "-i", p(key), p("esc.age")])).toString()).toBe("secret");
      const deny = await doormat(["inspect", "--deny-escrow", p("esc.age")]);
      expect(deny.code).toBe(3);
    }
    await ok(["encrypt", "-r", pq, "--escrow-covert", gov, "-f", "-o", p("cov.age"), p("m")]);
    const header = fs.readFileSync(p("cov.age"), "latin1");
    expect(header.match(/^-> mlkem768x25519 /gm)).toHaveLength(2);
    expect(header).not.toContain("lawful-access");
    expect((await ok(["decrypt", "-i", p("gov.key"), p("cov.age")])).toString()).toBe("secret");
  });
});

// ---------------------------------------------------------------------------------------------
// typage (age-encryption 0.3.1): generateHybridIdentity() makes AGE-SECRET-KEY-PQ-1 keys.

describe("age-encryption (typage) interop for post-quantum files", () => {
  const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) & 0xff);
  let tIdentity = "";
  let tRecipient = "";
  beforeAll(async () => {
    tIdentity = await generateHybridIdentity();
    tRecipient = await identityToRecipient(tIdentity);
  });

  it("typage's keys are ours: same recipient from the same seed", () => {
    expect(tIdentity).toMatch(/^AGE-SECRET-KEY-PQ-1/);
    expect(encodePqRecipient(pqPublicKey(decodePqIdentity(tIdentity)))).toBe(tRecipient);
  });

  it("typage → doormat (binary and armored)", async () => {
    const e = new TEncrypter();
    e.addRecipient(tRecipient);
    const ct = await e.encrypt(data);
    expect(Buffer.from(ct).toString("latin1")).toContain("-> mlkem768x25519 ");
    const id = new MlKem768X25519Identity(decodePqIdentity(tIdentity));
    expect(decrypt(ct, [id])).toEqual(data);
    expect(decrypt(utf8(armor.encode(ct)), [id])).toEqual(data);
  });

  it("doormat → typage, escrowed or not: typage ignores the lawful-access-pq stanza", async () => {
    const mine = generatePqKeyPair(random);
    const recipients = [new MlKem768X25519Recipient(decodePqRecipient(tRecipient)), new MlKem768X25519Recipient(mine.publicKey)];
    for (const escrow of [[], [new PqEscrowRecipient(govPq.publicKey)]]) {
      const ct = encrypt(data, [...recipients, ...escrow]);
      const d = new TDecrypter();
      d.addIdentity(tIdentity);
      expect(await d.decrypt(ct)).toEqual(data);
      if (escrow.length > 0) expect(decrypt(ct, [new PqAuthorityIdentity(govPq.seed)])).toEqual(data);
    }
  });

  it("doormat → typage with covert post-quantum escrow: typage opens it with the authority's key", async () => {
    const ct = encrypt(data, [new MlKem768X25519Recipient(decodePqRecipient(tRecipient)), new CovertPqEscrowRecipient(govPq.publicKey)]);
    const d = new TDecrypter();
    d.addIdentity(encodePqIdentity(govPq.seed));
    expect(await d.decrypt(ct)).toEqual(data);
  });

  it("typage → doormat with a typage key file through the CLI", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "doormat-pq-typage-"));
    try {
      fs.writeFileSync(path.join(dir, "t.key"), `${tIdentity}\n`, { mode: 0o600 });
      const e = new TEncrypter();
      e.addRecipient(tRecipient);
      fs.writeFileSync(path.join(dir, "t.age"), await e.encrypt(data));
      const r = await doormat(["decrypt", "-i", path.join(dir, "t.key"), path.join(dir, "t.age")]);
      expect(r.code, r.stderr).toBe(0);
      expect(new Uint8Array(r.stdout)).toEqual(data);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Stock age: Debian's 1.1.1 has no post-quantum support (age 1.3.0 added it). Where it is
// installed, show that it refuses an age1pq1 recipient, so no test can silently rely on it.
const AGE = onPath("age");
const ageVersion = AGE === null ? "" : spawnSync(AGE, ["--version"]).stdout?.toString("utf8").trim() ?? "";
describe.skipIf(!/^v?1\.[0-2]\./.test(ageVersion))(`stock age ${ageVersion || "(not installed)"}: no post-quantum support`, () => {
  it("refuses an age1pq1 recipient", () => {
    const r = spawnSync(AGE as string, ["-r", encodePqRecipient(alice.publicKey)], { input: "x" });
    expect(r.status).not.toBe(0);
  });

  it("still opens a classic file escrowed to a post-quantum authority: it skips the lawful-access-pq stanza", async () => {
    await loadXWing();
    const file = encrypt(utf8("classic, with post-quantum escrow"), [new X25519Recipient(classic.publicKey), new PqEscrowRecipient(govPq.publicKey)]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "doormat-pq-age-"));
    try {
      fs.writeFileSync(path.join(dir, "k.key"), encodeIdentity(classic.secretKey) + "\n");
      fs.writeFileSync(path.join(dir, "f.age"), file);
      const r = spawnSync(AGE as string, ["-d", "-i", path.join(dir, "k.key"), path.join(dir, "f.age")]);
      expect(r.stderr.toString()).toBe("");
      expect(r.stdout.toString()).toBe("classic, with post-quantum escrow");
      expect(decrypt(file, [new PqAuthorityIdentity(govPq.seed)])).toEqual(utf8("classic, with post-quantum escrow"));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
