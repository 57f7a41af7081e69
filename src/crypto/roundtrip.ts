/**
 * Round-trip checks of the whole format, for `selftest`: encrypt then decrypt through the
 * same code the CLI uses, and make sure tampering is caught.
 *
 * @module
 */
import { decrypt, encrypt } from "./age.js";
import { AgeError } from "./errors.js";
import { equalBytes } from "./bytes.js";
import { generateKeyPair } from "./keys.js";
import type { RandomSource } from "./random.js";
import { AuthorityIdentity, EscrowRecipient } from "./recipients/escrow.js";
import { ScryptIdentity, ScryptRecipient } from "./recipients/scrypt.js";
import { X25519Identity, X25519Recipient } from "./recipients/x25519.js";

export interface RoundTripResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** Run the round trips with the given randomness. */
export function runRoundTrips(random: RandomSource): RoundTripResult[] {
  const alice = generateKeyPair(random);
  const authority = generateKeyPair(random);
  const cases: [string, () => boolean][] = [];
  for (const size of [0, 1, 65536, 65537, 200_000]) {
    cases.push([`X25519, ${size} byte${size === 1 ? "" : "s"}`, () => {
      const pt = random(size);
      return equalBytes(decrypt(encrypt(pt, [new X25519Recipient(alice.publicKey)], { random }), [new X25519Identity(alice.secretKey)]), pt);
    }]);
  }
  cases.push(["armored, two recipients", () => {
    const pt = random(1000);
    const ct = encrypt(pt, [new X25519Recipient(authority.publicKey), new X25519Recipient(alice.publicKey)], { random, armor: true });
    return equalBytes(decrypt(ct, [new X25519Identity(alice.secretKey)]), pt);
  }]);
  cases.push(["scrypt passphrase (work factor 10)", () => {
    const pt = random(100);
    return equalBytes(decrypt(encrypt(pt, [new ScryptRecipient("correct horse", 10)], { random }), [new ScryptIdentity("correct horse")]), pt);
  }]);
  cases.push(["escrow: recipient and authority both open it", () => {
    const pt = random(300);
    const ct = encrypt(pt, [new X25519Recipient(alice.publicKey), new EscrowRecipient(authority.publicKey)], { random });
    return equalBytes(decrypt(ct, [new X25519Identity(alice.secretKey)]), pt) && equalBytes(decrypt(ct, [new AuthorityIdentity(authority.secretKey)]), pt);
  }]);
  cases.push(["a flipped payload bit is rejected", () => {
    const ct = encrypt(random(100), [new X25519Recipient(alice.publicKey)], { random });
    ct[ct.length - 5] = (ct[ct.length - 5] as number) ^ 1;
    try {
      decrypt(ct, [new X25519Identity(alice.secretKey)]);
      return false;
    } catch (e) {
      return e instanceof AgeError && e.kind === "payload";
    }
  }]);
  cases.push(["the wrong key finds no match", () => {
    const ct = encrypt(random(10), [new X25519Recipient(alice.publicKey)], { random });
    try {
      decrypt(ct, [new X25519Identity(authority.secretKey)]);
      return false;
    } catch (e) {
      return e instanceof AgeError && e.kind === "no-match";
    }
  }]);
  return cases.map(([name, run]) => {
    try {
      return { name, ok: run() };
    } catch (e) {
      return { name, ok: false, detail: (e as Error).message };
    }
  });
}
