/**
 * Known answers for the primitives the safety numbers and signed tree heads need: SHA-512 (FIPS 180-4 examples, as in
 * NIST's "Example Algorithms" SHA512.pdf) and Ed25519 (RFC 8032 §7.1, TEST 1–3). Kept apart
 * from selftest.ts so that file only gains a registration line.
 *
 * @module
 */
import { fromHex, utf8 } from "./bytes.js";
import { expectEqual, expectHexEqual, type KnownAnswerTest } from "./kat.js";

const SHA512 = "SHA-512 (FIPS 180-4)";

export const SHA512_VECTORS: readonly { name: string; message: string; digest: string }[] = [
  { name: '"abc" (one block)', message: "abc", digest: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
  { name: "empty message", message: "", digest: "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e" },
  {
    name: "896-bit message (two blocks)",
    message: "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    digest: "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
  },
];

const ED25519 = "Ed25519 (RFC 8032)";

/** RFC 8032 §7.1: secret key (seed), public key, message, signature. */
export const ED25519_VECTORS: readonly { name: string; seed: string; publicKey: string; message: string; signature: string }[] = [
  {
    name: "§7.1 TEST 1 (empty message)",
    seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: "",
    signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    name: "§7.1 TEST 2 (1 byte)",
    seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: "72",
    signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    name: "§7.1 TEST 3 (2 bytes)",
    seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    message: "af82",
    signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
];

export const SHA512_ED25519_KATS: readonly KnownAnswerTest[] = [
  ...SHA512_VECTORS.map((v): KnownAnswerTest => ({ group: SHA512, name: v.name, run: (p) => expectHexEqual("SHA-512", p.sha512(utf8(v.message)), v.digest) })),
  ...ED25519_VECTORS.map((v): KnownAnswerTest => ({
    group: ED25519,
    name: v.name,
    run: (p) => {
      const seed = fromHex(v.seed);
      const message = fromHex(v.message);
      expectHexEqual("public key", p.ed25519PublicKey(seed), v.publicKey);
      expectHexEqual("signature", p.ed25519Sign(seed, message), v.signature);
      expectEqual("verify", p.ed25519Verify(fromHex(v.publicKey), message, fromHex(v.signature)), true);
      const bad = fromHex(v.signature);
      bad[63] = (bad[63] as number) ^ 0x01;
      expectEqual("verify with a flipped signature bit", p.ed25519Verify(fromHex(v.publicKey), message, bad), false);
    },
  })),
];
