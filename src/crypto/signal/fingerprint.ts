/**
 * Signal safety numbers ("numeric fingerprints"), computed exactly as libsignal does
 * (`rust/protocol/src/fingerprint.rs`; the Java `NumericFingerprintGenerator`).
 *
 * For each party, from its stable identifier and its serialized identity key (33 bytes,
 * 0x05 ‖ 32-byte key):
 *
 *   H₀ = SHA-512(0x00 0x00 ‖ key ‖ id ‖ key)        (0x0000 is the fingerprint format version)
 *   Hᵢ = SHA-512(Hᵢ₋₁ ‖ key)                        for i = 1 … iterations − 1
 *
 * Signal uses 5,200 iterations: 5,200 SHA-512 calls per party. The displayed form reads the
 * first 30 bytes of H as six 40-bit big-endian numbers, each mod 100,000 and zero-padded to 5
 * digits (30 digits per party); the two parties' strings are sorted and concatenated into the
 * 60-digit safety number that both phones show (in 12 groups of 5). The scannable form (the
 * QR code) is a protobuf `CombinedFingerprints { version, local { content }, remote { content } }`
 * whose contents are the first 32 bytes of each party's H.
 *
 * Pinned by libsignal's `fingerprint_test_v1` known answer ({@link FINGERPRINT_KATS}).
 * Pure: bytes in, bytes out.
 *
 * @module
 */
import { concat, equalBytes, toHex, fromHex, utf8 } from "../bytes.js";
import { primitives, type Primitives } from "../primitives.js";
import { expectEqual, expectHexEqual, type KnownAnswerTest } from "../kat.js";

/** The iteration count Signal's apps use (libsignal: 5200 gives "> 112 bits"). */
export const SAFETY_NUMBER_ITERATIONS = 5200;

/** libsignal's type byte for a Curve25519 ("DJB") public key in a serialized identity key. */
export const DJB_KEY_TYPE = 0x05;

/** The scannable (QR) format version libsignal writes for ACI-based safety numbers. */
export const SCANNABLE_VERSION = 2;

/** Thrown for an out-of-range iteration count or a malformed serialized identity key. */
export class FingerprintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FingerprintError";
  }
}

/**
 * An identity public key in libsignal's serialized form: the type byte 0x05 followed by the
 * 32 key bytes (33 bytes in all).
 * @throws RangeError if `publicKey` is not 32 bytes
 */
export function serializeIdentityKey(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== 32) throw new RangeError("identity public key must be 32 bytes");
  return concat(Uint8Array.of(DJB_KEY_TYPE), publicKey);
}

/**
 * One party's iterated hash H (64 bytes).
 * @param stableId - the party's stable identifier bytes (v1: the phone number as UTF-8; v2: the ACI)
 * @param serializedKey - 33 bytes, 0x05 ‖ key ({@link serializeIdentityKey})
 * @param iterations - number of SHA-512 calls, 2 … 1,000,000 (libsignal's limits)
 * @throws FingerprintError for a bad iteration count or key encoding
 */
export function fingerprintHash(stableId: Uint8Array, serializedKey: Uint8Array, iterations: number = SAFETY_NUMBER_ITERATIONS, p: Primitives = primitives): Uint8Array {
  if (!Number.isInteger(iterations) || iterations <= 1 || iterations > 1_000_000) throw new FingerprintError(`iterations must be 2 to 1,000,000, not ${iterations}`);
  if (serializedKey.length !== 33 || serializedKey[0] !== DJB_KEY_TYPE) throw new FingerprintError("identity key must be 33 bytes: 0x05 followed by the 32-byte key");
  // Round 0 hashes version ‖ key ‖ id ‖ key; every later round hashes the previous digest ‖ key.
  let h = p.sha512(concat(Uint8Array.of(0, 0), serializedKey, stableId, serializedKey));
  const buf = new Uint8Array(64 + serializedKey.length);
  buf.set(serializedKey, 64);
  for (let i = 1; i < iterations; i++) {
    buf.set(h, 0);
    h = p.sha512(buf);
  }
  return h;
}

/** The 30 displayed digits of one party's hash: six 5-byte big-endian chunks, each mod 100,000. */
export function displayDigits(hash: Uint8Array): string {
  if (hash.length < 30) throw new RangeError("fingerprint hash must be at least 30 bytes");
  let out = "";
  for (let i = 0; i < 6; i++) {
    let x = 0;
    for (let j = 0; j < 5; j++) x = x * 256 + (hash[5 * i + j] as number); // 40 bits: exact in a double
    out += String(x % 100000).padStart(5, "0");
  }
  return out;
}

/** The 60-digit safety number from two parties' 30-digit strings: sorted, then concatenated. */
export function combineDisplay(localDigits: string, remoteDigits: string): string {
  return localDigits <= remoteDigits ? localDigits + remoteDigits : remoteDigits + localDigits;
}

/** A safety number in the 12 groups of 5 digits the apps show, e.g. `"30035 44776 …"`. */
export function formatSafetyNumber(display: string): string[] {
  if (!/^[0-9]{60}$/.test(display)) throw new RangeError("a safety number is 60 digits");
  return Array.from({ length: 12 }, (_, i) => display.slice(5 * i, 5 * i + 5));
}

/**
 * The scannable form: protobuf `CombinedFingerprints { uint32 version = 1;
 * LogicalFingerprint local = 2; LogicalFingerprint remote = 3 }`, `LogicalFingerprint { bytes
 * content = 1 }`, each content being the first 32 bytes of that party's hash (74 bytes for
 * versions below 128).
 */
export function scannableEncoding(version: number, localHash: Uint8Array, remoteHash: Uint8Array): Uint8Array {
  if (!Number.isInteger(version) || version < 0 || version > 127) throw new RangeError("scannable version must be 0 to 127");
  const logical = (tag: number, h: Uint8Array): Uint8Array => concat(Uint8Array.of(tag, 34, 0x0a, 32), h.subarray(0, 32));
  return concat(Uint8Array.of(0x08, version), logical(0x12, localHash), logical(0x1a, remoteHash));
}

/** Parse {@link scannableEncoding}'s output; `null` if it is not exactly that layout. */
export function parseScannable(encoded: Uint8Array): { version: number; local: Uint8Array; remote: Uint8Array } | null {
  if (encoded.length !== 74 || encoded[0] !== 0x08 || (encoded[1] as number) > 127) return null;
  const at = (o: number, tag: number): Uint8Array | null =>
    encoded[o] === tag && encoded[o + 1] === 34 && encoded[o + 2] === 0x0a && encoded[o + 3] === 32 ? encoded.subarray(o + 4, o + 36) : null;
  const local = at(2, 0x12);
  const remote = at(38, 0x1a);
  return local && remote ? { version: encoded[1] as number, local, remote } : null;
}

/** Both forms of a safety number, as one party's phone computes them. */
export interface SafetyNumber {
  /** 60 digits, the same on both phones. */
  readonly display: string;
  /** The bytes of the QR code this phone shows (local first). */
  readonly scannable: Uint8Array;
}

/** The inputs for one side of a conversation. */
export interface SafetyNumberInputs {
  readonly localId: Uint8Array;
  /** 33 bytes, 0x05 ‖ key. */
  readonly localKey: Uint8Array;
  readonly remoteId: Uint8Array;
  /** 33 bytes, 0x05 ‖ key. */
  readonly remoteKey: Uint8Array;
  /** Scannable format version (default {@link SCANNABLE_VERSION}). */
  readonly version?: number;
  /** Default {@link SAFETY_NUMBER_ITERATIONS}. */
  readonly iterations?: number;
}

/**
 * A conversation's safety number as seen from the local side (libsignal `Fingerprint::new`).
 * @throws FingerprintError for a bad iteration count or key encoding
 */
export function safetyNumber(inputs: SafetyNumberInputs, p: Primitives = primitives): SafetyNumber {
  const iterations = inputs.iterations ?? SAFETY_NUMBER_ITERATIONS;
  const local = fingerprintHash(inputs.localId, inputs.localKey, iterations, p);
  const remote = fingerprintHash(inputs.remoteId, inputs.remoteKey, iterations, p);
  return safetyNumberFromHashes(local, remote, inputs.version);
}

/**
 * A safety number from the two parties' {@link fingerprintHash} outputs (for a caller that
 * keeps each party's hash, e.g. a phone that shows one person's number in many chats).
 */
export function safetyNumberFromHashes(localHash: Uint8Array, remoteHash: Uint8Array, version: number = SCANNABLE_VERSION): SafetyNumber {
  return {
    display: combineDisplay(displayDigits(localHash), displayDigits(remoteHash)),
    scannable: scannableEncoding(version, localHash, remoteHash),
  };
}

/**
 * What happens when one phone scans the other's QR code: true only if the versions match
 * and the other phone's local part is my remote part and vice versa (constant-time compares).
 * @throws FingerprintError if the scanned code is malformed or of another version
 */
export function scannedMatches(mine: Uint8Array, scanned: Uint8Array): boolean {
  const a = parseScannable(mine);
  const b = parseScannable(scanned);
  if (a === null || b === null) throw new FingerprintError("not a scannable safety number");
  if (a.version !== b.version) throw new FingerprintError(`scannable version ${b.version} does not match ${a.version}`);
  const x = equalBytes(a.local, b.remote);
  const y = equalBytes(a.remote, b.local);
  return x && y;
}

// ---------------------------------------------------------------------------------------
// Known answers: libsignal rust/protocol/src/fingerprint.rs, test `fingerprint_test_v1`
// (signalapp/libsignal, commit 572ba1e; AGPL-3.0 test data, quoted as data only). The same
// inputs with version 2 (`fingerprint_test_v2`) give the same digits and another QR version.
// ---------------------------------------------------------------------------------------

const LIBSIGNAL_V1 = {
  aliceKey: "0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868",
  bobKey: "05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b",
  aliceId: "+14152222222",
  bobId: "+14153333333",
  iterations: 5200,
  display: "300354477692869396892869876765458257569162576843440918079131",
  aliceScannable: "080112220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df1a220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d",
  bobScannable: "080112220a20d62cbf73a11592015b6b9f1682ac306fea3aaf3885b84d12bca631e9d4fb3a4d1a220a201e301a0353dce3dbe7684cb8336e85136cdc0ee96219494ada305d62a7bd61df",
} as const;

/** The libsignal test inputs, for tests that want to vary them. */
export const LIBSIGNAL_FINGERPRINT_V1 = LIBSIGNAL_V1;

const GROUP = "Signal safety number (libsignal)";

/** `fingerprint_test_v1` from both sides: the 60 digits and each phone's QR bytes. */
export const FINGERPRINT_KATS: readonly KnownAnswerTest[] = [
  {
    group: GROUP,
    name: "fingerprint_test_v1: 60 digits, 5,200 iterations (Alice's and Bob's phones)",
    run: (p) => {
      const v = LIBSIGNAL_V1;
      const alice = safetyNumber({ version: 1, iterations: v.iterations, localId: utf8(v.aliceId), localKey: fromHex(v.aliceKey), remoteId: utf8(v.bobId), remoteKey: fromHex(v.bobKey) }, p);
      const bob = safetyNumber({ version: 1, iterations: v.iterations, localId: utf8(v.bobId), localKey: fromHex(v.bobKey), remoteId: utf8(v.aliceId), remoteKey: fromHex(v.aliceKey) }, p);
      expectEqual("Alice's display", alice.display, v.display);
      expectEqual("Bob's display", bob.display, v.display);
      expectHexEqual("Alice's scannable", alice.scannable, v.aliceScannable);
      expectHexEqual("Bob's scannable", bob.scannable, v.bobScannable);
      expectEqual("Alice scans Bob", scannedMatches(alice.scannable, bob.scannable), true);
      expectEqual("Alice scans her own code", scannedMatches(alice.scannable, alice.scannable), false);
    },
  },
];

/** For debugging and docs: one party's hash as hex. */
export function fingerprintHashHex(stableId: string, serializedKeyHex: string, iterations = SAFETY_NUMBER_ITERATIONS): string {
  return toHex(fingerprintHash(utf8(stableId), fromHex(serializedKeyHex), iterations));
}
