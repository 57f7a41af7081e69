/**
 * Multi-device fan-out for the key-directory model: a client encrypts each message once, to
 * every device key it accepted for both parties (so a sender's own other devices get her
 * sent messages too). The encryption is doormat's age v1 with one X25519 recipient stanza
 * per device (age-spec.md §X25519): every device, including any ghost the client was made to
 * accept, can open the file; nobody else can.
 *
 * @module
 */
import { decrypt, encrypt } from "../age.js";
import { NoMatchError } from "../errors.js";
import type { RandomSource } from "../random.js";
import { X25519Identity, X25519Recipient } from "../recipients/x25519.js";

/**
 * Encrypt `plaintext` to every device key in `deviceKeys` (32-byte X25519 public keys).
 * @throws TypeError if `deviceKeys` is empty
 */
export function sealToDevices(plaintext: Uint8Array, deviceKeys: readonly Uint8Array[], random: RandomSource): Uint8Array {
  return encrypt(plaintext, deviceKeys.map((k) => new X25519Recipient(k)), { random });
}

/**
 * Open a fanned-out message with one device's X25519 secret key: the plaintext, or `null`
 * when the message was not encrypted to this device.
 * @throws AgeError (other than "no match") if the file is malformed or tampered with
 */
export function openAsDevice(ciphertext: Uint8Array, device: X25519Identity): Uint8Array | null {
  try {
    return decrypt(ciphertext, [device]);
  } catch (e) {
    if (e instanceof NoMatchError) return null;
    throw e;
  }
}
