/**
 * Library example: Alice writes to Bob on a service with mandated lawful access.
 * Run: npx tsx examples/library.ts   (or compile it against the built package)
 */
import {
  AuthorityIdentity, EscrowRecipient, NoMatchError, X25519Identity, X25519Recipient,
  decrypt, encrypt, generateKeyPair, secureRandom,
} from "../src/index.js";

const bob = generateKeyPair(secureRandom);
const authority = generateKeyPair(secureRandom);
const stranger = generateKeyPair(secureRandom);

const message = new TextEncoder().encode("the source agreed to meet");
const file = encrypt(message, [new X25519Recipient(bob.publicKey), new EscrowRecipient(authority.publicKey)], { armor: true });
console.log(new TextDecoder().decode(file));

console.log("Bob reads:      ", new TextDecoder().decode(decrypt(file, [new X25519Identity(bob.secretKey)])));
console.log("Authority reads:", new TextDecoder().decode(decrypt(file, [new AuthorityIdentity(authority.secretKey)])));
try {
  decrypt(file, [new AuthorityIdentity(stranger.secretKey)]);
} catch (e) {
  if (e instanceof NoMatchError) console.log("A stranger:      cannot read it — until the authority's key leaks.");
  else throw e;
}
