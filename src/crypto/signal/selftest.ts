/**
 * Known-answer tests for the Signal protocol code and the primitives it added: published
 * vectors only, each with its source next to it. Run by `doormat selftest` beside the core KATs
 * (src/crypto/selftest.ts), against any backend.
 *
 * @module
 */
import { fromHex, toHex } from "../bytes.js";
import { KatMismatchError as Mismatch, expectHexEqual as expectHex, runKats, type KnownAnswerTest, type SelftestResult } from "../kat.js";
import { loadMontgomeryConversion, type MontgomeryConversion, type Primitives } from "../primitives.js";
import { deriveMessageKeys, messageKeySeed, nextChainKey } from "./keys.js";
import { aliceAgreement, bobAgreement } from "./x3dh.js";

// SHA-512 and Ed25519 (FIPS 180-4, RFC 8032) are pinned by the core known answers
// (../ed25519-kats.ts, run by ../selftest.ts), which the X3DH vectors below build on.

// ---------------------------------------------------------------------------------------
// Ed25519 → X25519: libsodium test/default/ed25519_convert.c / ed25519_convert.exp
// ---------------------------------------------------------------------------------------
const CONVERT = "Ed25519 to X25519 (libsodium ed25519_convert)";
const convertVector = {
  seed: "421151a459faeade3d247115f94aedae42318124095afabe4d1451a559faedee",
  x25519Public: "f1814f0e8ff1043d8a44d25babff3cedcae6c22c3edaa48f857ae70de2baae50",
  x25519Secret: "8052030376d47112be7f73ed7a019293dd12ad910b654455798b4667d73de166",
} as const;

// ---------------------------------------------------------------------------------------
// AES-256-CBC: NIST SP 800-38A F.2.5 (no padding: the first four blocks of our PKCS#7 output)
// and Project Wycheproof testvectors_v1/aes_cbc_pkcs5_test.json (256-bit keys, PKCS#7)
// ---------------------------------------------------------------------------------------
const AES = "AES-256-CBC (SP 800-38A, Wycheproof)";
const sp80038a = {
  key: "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
  iv: "000102030405060708090a0b0c0d0e0f",
  plaintext: "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
  ciphertext: "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
} as const;
const wycheproofCbc = [
  { name: "Wycheproof tcId 145 (empty message)", key: "7bf9e536b66a215c22233fe2daaa743a898b9acb9f7802de70b40e3d6e43ef97", iv: "eb38ef61717e1324ae064e86f1c3e797", msg: "", ct: "e7c166554d1bb32792c981fa674cc4d8" },
  { name: "Wycheproof tcId 146 (one full block)", key: "612e837843ceae7f61d49625faa7e7494f9253e20cb3adcea686512b043936cd", iv: "9ec7b863ac845cad5e4673da21f5b6a9", msg: "cc37fae15f745a2f40e2c8b192f2b38d", ct: "299295be47e9f5441fe83a7a811c4aeb2650333e681e69fa6b767d28a6ccf282" },
  { name: "Wycheproof tcId 149 (1 byte)", key: "e754076ceab3fdaf4f9bcab7d4f0df0cbbafbc87731b8f9b7cd2166472e8eebc", iv: "014d2e13dfbcb969ba3bb91442d52eca", msg: "40", ct: "42c0b89a706ed2606cd94f9cb361fa51" },
  { name: "Wycheproof tcId 164 (17 bytes)", key: "73216fafd0022d0d6ee27198b2272578fa8f04dd9f44467fbb6437aa45641bf7", iv: "4b74bd981ea9d074757c3e2ef515e5fb", msg: "d5247b8f6c3edcbfb1d591d13ece23d2f5", ct: "fbea776fb1653635f88e2937ed2450ba4e9063e96d7cdba04928f01cb85492fe" },
] as const;
/** Wycheproof tcId 170: the empty message with zero padding instead of PKCS#5 ("BadPadding"). */
const badPadding = { key: "7c78f34dbce8f0557d43630266f59babd1cb92ba624bd1a8f45a2a91c84a804a", iv: "f010f61c31c9aa8fa0d5be5f6b0f2f70", ct: "e07558d746574528fb813f34e3fb7719" } as const;

// ---------------------------------------------------------------------------------------
// Signal (libsignal's own tests; AGPL test data: only these hex values are quoted)
// ---------------------------------------------------------------------------------------
const SIGNAL = "Signal key derivation (libsignal)";

/**
 * signalapp/libsignal rust/protocol/src/ratchet/keys.rs, `test_chain_key_derivation`: a chain
 * key, its message keys (cipher key, MAC key) and the next chain key. The test pins no IV.
 */
const chainKeyVector = {
  chainKey: "8ab72d6f4cc5ac0d387eaf463378ddb28edd07385b1cb01250c715982e7ad48f",
  cipherKey: "bf51e9d75e0e31031051f82a2491ffc084fa298b7793bd9db620056febf45217",
  macKey: "c6c77d6a73a354337a56435e34607dfe48e3ace14e77314dc6abc172e7a7030b",
  nextChainKey: "28e8f8fee54b801eef7c5cfb2f17f32c7b334485bbb70fac6ec10342a246d15d",
} as const;

/**
 * signalapp/libsignal java/client/src/test/java/org/signal/libsignal/protocol/ratchet/
 * RatchetingSessionTest.java: X3DH without a one-time prekey, then the first chain key
 * (bytes 32..64 of HKDF "WhisperText"). Public keys there carry the 0x05 type byte, dropped here.
 * The two tests use different base key pairs, so they pin two different chain keys.
 */
const ratchetingSession = {
  bobIdentityPublic: "f1f43874f6966956c2dd473f8fa15adeb71d1cb991b2341692324cefb1c5e626",
  bobIdentityPrivate: "4875cc69ddf8ea0719ec947d61081135868d5fd801f02c0225e516df2156605e",
  bobSignedPreKeyPublic: "ac248a8f263be6863576eb0362e28c828f0107a3379d34bab1586bf8c770cd67",
  bobSignedPreKeyPrivate: "583900131fb727998b7803fe6ac22cc591f342e4e42a8c8d5d78194209b8d253",
  aliceIdentityPublic: "b4a8455660ada65b401007f615e654041746432e3339c6875149bceefcb42b4a",
  aliceIdentityPrivate: "9040f0d4e09cf38f6dc7c13779c908c015a1da4fa78737a080eb0a6f4f5f8f58",
  /** `testRatchetingSessionAsBob`: Alice's base public key; expected `senderChain`. */
  aliceBasePublic: "472d1fb1a9862c3af6beaca8920277e2b26f4a79213ec7c906aeb35e03cf8950",
  bobSenderChain: "9797caca53c989bbe229a40ca7727010eb2604fc14945d77958a0aeda088b44d",
  /** `testRatchetingSessionAsAlice`: Alice's base private key; expected `receiverChain`. */
  aliceBasePrivate: "11ae7c64d1e61cd596b76a0db5012673391cae66edbfcf073b4da80516a47449",
  aliceReceiverChain: "ab9be50e5cb22a925446ab90ee5670545f4fd32902459ec274b6ad0ae5d6031a",
} as const;

/** The tests, with the Ed25519 → X25519 conversion (noble's, on every backend) bound in. */
function tests(m: MontgomeryConversion): KnownAnswerTest[] {
  const out: KnownAnswerTest[] = [];
  out.push({
    group: CONVERT,
    name: "ed25519_convert seed",
    run: (p) => {
      const seed = fromHex(convertVector.seed);
      expectHex("X25519 public key", m.ed25519ToX25519Public(p.ed25519PublicKey(seed)), convertVector.x25519Public);
      expectHex("X25519 secret key", m.ed25519ToX25519Secret(seed), convertVector.x25519Secret);
      expectHex("X25519(secret, 9)", p.x25519Base(m.ed25519ToX25519Secret(seed)), convertVector.x25519Public);
    },
  });
  out.push({
    group: AES,
    name: "SP 800-38A F.2.5 (4 blocks; PKCS#7 adds a fifth)",
    run: (p) => {
      const ct = p.aes256CbcEncrypt(fromHex(sp80038a.key), fromHex(sp80038a.iv), fromHex(sp80038a.plaintext));
      if (ct.length !== 80) throw new Mismatch(`ciphertext length: expected 80, got ${ct.length}`);
      expectHex("first four blocks", ct.subarray(0, 64), sp80038a.ciphertext);
      expectHex("decrypt", p.aes256CbcDecrypt(fromHex(sp80038a.key), fromHex(sp80038a.iv), ct), sp80038a.plaintext);
    },
  });
  for (const v of wycheproofCbc) {
    out.push({
      group: AES,
      name: v.name,
      run: (p) => {
        expectHex("encrypt", p.aes256CbcEncrypt(fromHex(v.key), fromHex(v.iv), fromHex(v.msg)), v.ct);
        expectHex("decrypt", p.aes256CbcDecrypt(fromHex(v.key), fromHex(v.iv), fromHex(v.ct)), v.msg);
      },
    });
  }
  out.push({
    group: AES,
    name: "Wycheproof tcId 170 (zero padding) and 169 (empty ciphertext) are rejected",
    run: (p) => {
      const bad = p.aes256CbcDecrypt(fromHex(badPadding.key), fromHex(badPadding.iv), fromHex(badPadding.ct));
      if (bad !== null) throw new Mismatch(`bad padding: expected null, got ${toHex(bad)}`);
      const empty = p.aes256CbcDecrypt(fromHex(badPadding.key), fromHex(badPadding.iv), new Uint8Array(0));
      if (empty !== null) throw new Mismatch(`empty ciphertext: expected null, got ${toHex(empty)}`);
    },
  });
  out.push({
    group: SIGNAL,
    name: "keys.rs test_chain_key_derivation",
    run: (p) => {
      const ck = fromHex(chainKeyVector.chainKey);
      const keys = deriveMessageKeys(messageKeySeed(ck, p), p);
      expectHex("cipher key", keys.cipherKey, chainKeyVector.cipherKey);
      expectHex("MAC key", keys.macKey, chainKeyVector.macKey);
      expectHex("next chain key", nextChainKey(ck, p), chainKeyVector.nextChainKey);
    },
  });
  const v = ratchetingSession;
  out.push({
    group: SIGNAL,
    name: "RatchetingSessionTest testRatchetingSessionAsAlice (X3DH, Alice's side)",
    run: (p) => {
      const keys = aliceAgreement({ identitySecret: fromHex(v.aliceIdentityPrivate), baseSecret: fromHex(v.aliceBasePrivate), theirIdentity: fromHex(v.bobIdentityPublic), theirSignedPreKey: fromHex(v.bobSignedPreKeyPublic) }, p);
      expectHex("receiver chain key", keys.chainKey, v.aliceReceiverChain);
    },
  });
  out.push({
    group: SIGNAL,
    name: "RatchetingSessionTest testRatchetingSessionAsBob (X3DH, Bob's side)",
    run: (p) => {
      const keys = bobAgreement({ identitySecret: fromHex(v.bobIdentityPrivate), signedPreKeySecret: fromHex(v.bobSignedPreKeyPrivate), theirIdentity: fromHex(v.aliceIdentityPublic), theirBaseKey: fromHex(v.aliceBasePublic) }, p);
      expectHex("sender chain key", keys.chainKey, v.bobSenderChain);
    },
  });
  return out;
}

/**
 * Runs the Signal known-answer tests against one backend (never throws: failures and exceptions
 * become `ok: false` results with a detail).
 *
 * Groups: Ed25519 → X25519 (1), AES-256-CBC (6), Signal key derivation (3): 10 results
 * (SHA-512 and Ed25519 are in the core list, ../selftest.ts).
 */
export async function runSignalKnownAnswerTests(p: Primitives): Promise<SelftestResult[]> {
  return runKats(tests(await loadMontgomeryConversion()), p);
}

/** Number of results {@link runSignalKnownAnswerTests} returns. */
export const SIGNAL_KAT_COUNT = 10;
