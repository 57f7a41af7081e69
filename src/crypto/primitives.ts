/**
 * The only module that names a cryptographic library.
 *
 * Two backends implement one interface: `node` (OpenSSL through `node:crypto`, many times
 * faster) and `noble` (the audited pure-JS `@noble/*` libraries: portable, and the independent
 * reference the node backend is checked against). Everything above this file is
 * backend-agnostic and calls {@link primitives}, which is the node backend on Node.
 *
 * @module
 */
import * as nodeCrypto from "node:crypto";

/** A secret X25519 key imported once into a backend. */
export interface X25519Key {
  /** X25519(scalar, 9). */
  publicKey(): Uint8Array;
  /** X25519(scalar, point); throws LowOrderPointError for an all-zero result. */
  ecdh(point: Uint8Array): Uint8Array;
}

/** Thrown by {@link Primitives.x25519} when the shared secret is all zeros (a low-order point). */
export class LowOrderPointError extends Error {
  constructor() {
    super("X25519 produced an all-zero shared secret (low-order point)");
    this.name = "LowOrderPointError";
  }
}

// ── P-256 (added for Dual_EC_DRBG, src/crypto/dualec/) ─────────────────────────────────────

/**
 * A secret P-256 scalar imported once into a backend: for a search that multiplies thousands
 * of points by the same scalar (the Dual EC trapdoor).
 */
export interface P256Key {
  /** scalar·G as a 33-byte SEC 1 compressed point. */
  publicKey(): Uint8Array;
  /**
   * x(scalar·point): the 32-byte x-coordinate, big-endian (SEC 1 §3.3.1 ECDH primitive).
   * @throws InvalidPointError if `point` is not a point of P-256 in SEC 1 form
   */
  ecdh(point: Uint8Array): Uint8Array;
}

/**
 * Thrown by the P-256 primitives for an encoding that is not a point of the curve: wrong length
 * or prefix, an x with no square root (about half of all x), or a coordinate ≥ p.
 */
export class InvalidPointError extends Error {
  constructor() {
    super("not a P-256 point (SEC 1 compressed 02/03 ‖ x or uncompressed 04 ‖ x ‖ y)");
    this.name = "InvalidPointError";
  }
}

/** P-256 group order n (FIPS 186-4 §D.1.2.3). Scalars are 32 bytes big-endian, 1 ≤ s < n. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function checkP256Scalar(scalar: Uint8Array): void {
  if (scalar.length !== 32) throw new RangeError("P-256 scalar must be 32 bytes");
  let s = 0n;
  for (const b of scalar) s = (s << 8n) | BigInt(b);
  if (s === 0n || s >= P256_N) throw new RangeError("P-256 scalar must be in [1, n-1]");
}

/** SEC 1 encodings we accept (both backends alike: OpenSSL also takes "hybrid" 06/07, noble does not). */
function checkP256Encoding(point: Uint8Array): void {
  const ok = (point.length === 33 && (point[0] === 2 || point[0] === 3)) || (point.length === 65 && point[0] === 4);
  if (!ok) throw new InvalidPointError();
}
// ── end P-256 ───────────────────────────────────────────────────────────────────────────────

/** The set of primitives doormat uses; each backend implements all of it. */
export interface Primitives {
  /** Backend name, shown by `selftest`. */
  readonly name: "node" | "noble";
  /**
   * X25519 scalar multiplication (RFC 7748).
   * @param scalar - 32-byte secret (clamped inside)
   * @param point - 32-byte u-coordinate
   * @returns the 32-byte result
   * @throws LowOrderPointError if the result is all zeros
   */
  x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array;
  /** X25519 with the base point 9: the public key of `scalar`. */
  x25519Base(scalar: Uint8Array): Uint8Array;
  /**
   * Import a secret scalar once for several X25519 operations: its public key and any number
   * of Diffie-Hellman results (an ephemeral key wrapping a file key; an identity opening
   * thousands of stanzas). Same results as {@link Primitives.x25519}/{@link Primitives.x25519Base}.
   */
  x25519Key(scalar: Uint8Array): X25519Key;
  /** ChaCha20-Poly1305 (RFC 8439) with empty AAD: returns ciphertext ‖ 16-byte tag. */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Opens a sealed box; returns `null` when authentication fails (never throws for that). */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | null;
  /** Like `seal`, writing ciphertext ‖ tag into `out` at `offset` (bulk payloads: no extra copy). */
  sealInto(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, out: Uint8Array, offset: number): void;
  /**
   * Like `open`, writing the plaintext into `out` at `offset` only if the tag verifies.
   * @returns whether it authenticated
   */
  openInto(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, out: Uint8Array, offset: number): boolean;
  /** HKDF-SHA-256 (RFC 5869) extract-then-expand. */
  hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** HMAC-SHA-256 (RFC 2104). */
  hmac(key: Uint8Array, message: Uint8Array): Uint8Array;
  /** SHA-256. */
  sha256(message: Uint8Array): Uint8Array;
  /** scrypt (RFC 7914) with r = 8, p = 1 unless given, N = 2^logN. */
  scrypt(password: Uint8Array, salt: Uint8Array, logN: number, dkLen: number, r?: number, p?: number): Uint8Array;

  // ── SHA-512 and Ed25519 (Signal: safety numbers, X3DH, signed tree heads) ──────────
  /** SHA-512 (FIPS 180-4): the 64-byte digest of `message`. */
  sha512(message: Uint8Array): Uint8Array;
  /**
   * Ed25519 public key (RFC 8032 §5.1.5).
   * @param seed - the 32-byte secret key ("seed" in RFC 8032 terms)
   * @returns the 32-byte encoded public key
   * @throws RangeError if `seed` is not 32 bytes
   */
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  /**
   * Ed25519 signature (RFC 8032 §5.1.6), deterministic: the same seed and message always
   * give the same signature.
   * @param seed - the 32-byte secret key
   * @returns the 64-byte signature R ‖ S
   * @throws RangeError if `seed` is not 32 bytes
   */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  /**
   * Ed25519 verification (RFC 8032 §5.1.7). Never throws: a malformed key or signature (wrong
   * length, not a point, S ≥ L) is simply not valid.
   * @param publicKey - 32 bytes
   * @param signature - 64 bytes
   */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * AES-256-CBC (SP 800-38A §6.2) with PKCS#7 padding (RFC 5652 §6.3), as Signal messages use it.
   * @param key - 32 bytes; @param iv - 16 bytes
   * @returns ciphertext, a multiple of 16 bytes and 1–16 bytes longer than the plaintext
   */
  aes256CbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * Inverse of {@link Primitives.aes256CbcEncrypt}.
   * @returns the plaintext, or `null` when the length or the padding is wrong (never throws for that;
   *   callers authenticate first, so this is not a padding oracle)
   */
  aes256CbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array | null;
  // ── P-256 (for Dual_EC_DRBG) ──
  /**
   * P-256 scalar × base point G (FIPS 186-4 §D.1.2.3).
   * @param scalar - 32 bytes big-endian, 1 ≤ s < n
   * @returns the 33-byte SEC 1 compressed point
   * @throws RangeError for a scalar of the wrong length or outside [1, n-1]
   */
  p256Base(scalar: Uint8Array): Uint8Array;
  /**
   * x(scalar·point) on P-256: the SEC 1 §3.3.1 ECDH primitive (also: one Dual EC step).
   * @param scalar - 32 bytes big-endian, 1 ≤ s < n
   * @param point - SEC 1 compressed (33 bytes) or uncompressed (65 bytes)
   * @returns the 32-byte x-coordinate
   * @throws RangeError for a bad scalar; InvalidPointError for a point not on the curve
   */
  p256Ecdh(scalar: Uint8Array, point: Uint8Array): Uint8Array;
  /** Import a scalar once for many {@link Primitives.p256Ecdh} calls (same results). */
  p256Key(scalar: Uint8Array): P256Key;
}

function u8(buf: Buffer | ArrayBuffer): Uint8Array {
  return buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** HKDF's default salt: HashLen zero bytes (RFC 5869 §2.2). */
const ZERO_SALT = new Uint8Array(32);

function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (const b of bytes) acc |= b;
  return acc === 0;
}

/**
 * `node:crypto` key objects for raw X25519 keys. Imported as JWK: measured here, OpenSSL 3's
 * DER (PKCS#8/SPKI) decoder is ~10× slower than the raw-key path that JWK import takes.
 */
export function nodePrivateKey(scalar: Uint8Array): nodeCrypto.KeyObject {
  if (scalar.length !== 32) throw new RangeError("X25519 scalar must be 32 bytes");
  // `x` is required by the JWK shape but unused by Node: the public key is derived from `d`.
  return nodeCrypto.createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: Buffer.from(scalar).toString("base64url"), x: "" }, format: "jwk" });
}

function nodePublicKey(point: Uint8Array): nodeCrypto.KeyObject {
  if (point.length !== 32) throw new RangeError("X25519 point must be 32 bytes");
  return nodeCrypto.createPublicKey({ key: { kty: "OKP", crv: "X25519", x: Buffer.from(point.buffer, point.byteOffset, point.length).toString("base64url") }, format: "jwk" });
}

function nodeX25519(privateKey: nodeCrypto.KeyObject, point: Uint8Array): Uint8Array {
  const publicKey = nodePublicKey(point);
  let out: Uint8Array;
  try {
    out = u8(nodeCrypto.diffieHellman({ privateKey, publicKey }));
  } catch {
    // OpenSSL refuses an all-zero result ("failed during derivation"); report it as such.
    throw new LowOrderPointError();
  }
  if (isAllZero(out)) throw new LowOrderPointError();
  return out;
}

// ── Ed25519 on node:crypto ──────────────────────────────────────────────────────────────

/** An Ed25519 private key object from a 32-byte seed (JWK import, as for X25519 above). */
function nodeEd25519PrivateKey(seed: Uint8Array): nodeCrypto.KeyObject {
  if (seed.length !== 32) throw new RangeError("Ed25519 secret key must be 32 bytes");
  return nodeCrypto.createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d: Buffer.from(seed).toString("base64url"), x: "" }, format: "jwk" });
}

export const nodePrimitives: Primitives = {
  name: "node",
  x25519(scalar, point) {
    return nodeX25519(nodePrivateKey(scalar), point);
  },
  x25519Key(scalar) {
    // Importing a private key costs one scalar multiplication (OpenSSL derives the public key),
    // as much as the ECDH itself: import once, use many times.
    const key = nodePrivateKey(scalar);
    return {
      publicKey: () => u8(Buffer.from(nodeCrypto.createPublicKey(key).export({ format: "jwk" }).x as string, "base64url")),
      ecdh: (point) => nodeX25519(key, point),
    };
  },
  x25519Base(scalar) {
    const jwk = nodeCrypto.createPublicKey(nodePrivateKey(scalar)).export({ format: "jwk" });
    return u8(Buffer.from(jwk.x as string, "base64url"));
  },
  seal(key, nonce, plaintext) {
    const out = new Uint8Array(plaintext.length + 16);
    nodePrimitives.sealInto(key, nonce, plaintext, out, 0);
    return out;
  },
  open(key, nonce, sealed) {
    if (sealed.length < 16) return null;
    const out = new Uint8Array(sealed.length - 16);
    return nodePrimitives.openInto(key, nonce, sealed, out, 0) ? out : null;
  },
  sealInto(key, nonce, plaintext, out, offset) {
    const c = nodeCrypto.createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
    const ct = c.update(plaintext);
    out.set(ct, offset);
    const rest = c.final();
    out.set(rest, offset + ct.length);
    out.set(c.getAuthTag(), offset + ct.length + rest.length);
  },
  openInto(key, nonce, sealed, out, offset) {
    if (sealed.length < 16) return false;
    const d = nodeCrypto.createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    const pt = d.update(sealed.subarray(0, sealed.length - 16));
    try {
      d.final();
    } catch {
      pt.fill(0); // never let unauthenticated plaintext linger
      return false;
    }
    out.set(pt, offset);
    return true;
  },
  hkdf(ikm, salt, info, length) {
    // RFC 5869 spelled out over OpenSSL's HMAC: node's hkdfSync builds key objects on every
    // call and measured 11.5 us against 5.8 us for these two HMACs (age derives three keys per
    // file). Checked by the RFC 5869 known answers and against noble's HKDF on random inputs.
    if (length > 255 * 32) throw new RangeError("HKDF-SHA-256 output is at most 8160 bytes");
    const prk = nodeCrypto.createHmac("sha256", salt.length === 0 ? ZERO_SALT : salt).update(ikm).digest();
    const out = new Uint8Array(length);
    let t: Buffer = Buffer.alloc(0);
    for (let i = 1, o = 0; o < length; i++, o += 32) {
      t = nodeCrypto.createHmac("sha256", prk).update(t).update(info).update(Uint8Array.of(i)).digest();
      out.set(t.subarray(0, Math.min(32, length - o)), o);
    }
    return out;
  },
  hmac(key, message) {
    return u8(nodeCrypto.createHmac("sha256", key).update(message).digest());
  },
  sha256(message) {
    return u8(nodeCrypto.createHash("sha256").update(message).digest());
  },
  scrypt(password, salt, logN, dkLen, r = 8, p = 1) {
    const N = 2 ** logN;
    return u8(nodeCrypto.scryptSync(password, salt, dkLen, { N, r, p, maxmem: 128 * r * N + 32 * 1024 * 1024 }));
  },
  // ── SHA-512 and Ed25519 ──
  sha512(message) {
    // One-shot crypto.hash (Node >= 20.12): measured 7x faster than createHash for the short
    // inputs of a safety number's 5,200 rounds (1.7 us against 12.7 us per call here).
    return u8(nodeCrypto.hash("sha512", message, "buffer"));
  },
  ed25519PublicKey(seed) {
    const jwk = nodeCrypto.createPublicKey(nodeEd25519PrivateKey(seed)).export({ format: "jwk" });
    return u8(Buffer.from(jwk.x as string, "base64url"));
  },
  ed25519Sign(seed, message) {
    return u8(nodeCrypto.sign(null, message, nodeEd25519PrivateKey(seed)));
  },
  ed25519Verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      const key = nodeCrypto.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey).toString("base64url") }, format: "jwk" });
      return nodeCrypto.verify(null, message, key, signature);
    } catch {
      return false; // not a point on the curve
    }
  },
  aes256CbcEncrypt(key, iv, plaintext) {
    checkLength(key, 32, "AES-256 key");
    checkLength(iv, 16, "AES-CBC IV");
    const c = nodeCrypto.createCipheriv("aes-256-cbc", key, iv);
    return u8(Buffer.concat([c.update(plaintext), c.final()]));
  },
  aes256CbcDecrypt(key, iv, ciphertext) {
    checkLength(key, 32, "AES-256 key");
    checkLength(iv, 16, "AES-CBC IV");
    if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) return null;
    const d = nodeCrypto.createDecipheriv("aes-256-cbc", key, iv);
    try {
      return u8(Buffer.concat([d.update(ciphertext), d.final()]));
    } catch {
      return null; // bad padding
    }
  },
  // ── P-256 (for Dual_EC_DRBG) ──
  p256Base(scalar) {
    return nodePrimitives.p256Key(scalar).publicKey();
  },
  p256Ecdh(scalar, point) {
    return nodePrimitives.p256Key(scalar).ecdh(point);
  },
  p256Key(scalar) {
    // node's ECDH object takes compressed points in computeSecret and returns x(scalar·point)
    // directly; setPrivateKey costs one fixed-base multiplication (it derives the public key).
    checkP256Scalar(scalar);
    const ecdh = nodeCrypto.createECDH("prime256v1");
    ecdh.setPrivateKey(scalar);
    return {
      publicKey: () => u8(ecdh.getPublicKey(null, "compressed")),
      ecdh: (point) => {
        checkP256Encoding(point);
        try {
          return u8(ecdh.computeSecret(point));
        } catch (e) {
          if ((e as { code?: string }).code === "ERR_CRYPTO_ECDH_INVALID_PUBLIC_KEY") throw new InvalidPointError();
          throw e;
        }
      },
    };
  },
};

function checkLength(bytes: Uint8Array, n: number, what: string): void {
  if (bytes.length !== n) throw new RangeError(`${what} must be ${n} bytes`);
}

let noble: Promise<Primitives> | undefined;

/**
 * The pure-JS `@noble/*` backend: portable, and the reference for differential tests.
 * Loaded on demand (its modules cost tens of milliseconds of start-up that most commands
 * never need).
 */
export function loadNoblePrimitives(): Promise<Primitives> {
  noble ??= (async () => {
    const [{ x25519, ed25519 }, { chacha20poly1305 }, { hkdf }, { hmac }, { sha256, sha512 }, { scrypt }, { cbc }, { p256 }] = await Promise.all([
      import("@noble/curves/ed25519.js"),
      import("@noble/ciphers/chacha.js"),
      import("@noble/hashes/hkdf.js"),
      import("@noble/hashes/hmac.js"),
      import("@noble/hashes/sha2.js"),
      import("@noble/hashes/scrypt.js"),
      import("@noble/ciphers/aes.js"),
      import("@noble/curves/nist.js"), // P-256 (for Dual_EC_DRBG)
    ]);
    const impl: Primitives = {
      name: "noble",
      x25519(scalar, point) {
        checkLength(scalar, 32, "X25519 scalar");
        checkLength(point, 32, "X25519 point");
        let out: Uint8Array;
        try {
          out = x25519.scalarMult(scalar, point);
        } catch {
          // With lengths checked, noble only throws for an all-zero result.
          throw new LowOrderPointError();
        }
        if (isAllZero(out)) throw new LowOrderPointError();
        return out;
      },
      x25519Key(scalar) {
        return { publicKey: () => impl.x25519Base(scalar), ecdh: (point) => impl.x25519(scalar, point) };
      },
      x25519Base(scalar) {
        return x25519.scalarMultBase(scalar);
      },
      seal(key, nonce, plaintext) {
        return chacha20poly1305(key, nonce).encrypt(plaintext);
      },
      open(key, nonce, sealed) {
        checkLength(key, 32, "ChaCha20-Poly1305 key");
        checkLength(nonce, 12, "ChaCha20-Poly1305 nonce");
        if (sealed.length < 16) return null;
        try {
          return chacha20poly1305(key, nonce).decrypt(sealed);
        } catch {
          return null;
        }
      },
      sealInto(key, nonce, plaintext, out, offset) {
        out.set(impl.seal(key, nonce, plaintext), offset);
      },
      openInto(key, nonce, sealed, out, offset) {
        const pt = impl.open(key, nonce, sealed);
        if (pt === null) return false;
        out.set(pt, offset);
        return true;
      },
      hkdf(ikm, salt, info, length) {
        return hkdf(sha256, ikm, salt, info, length);
      },
      hmac(key, message) {
        return hmac(sha256, key, message);
      },
      sha256(message) {
        return sha256(message);
      },
      scrypt(password, salt, logN, dkLen, r = 8, p = 1) {
        const N = 2 ** logN;
        return scrypt(password, salt, { N, r, p, dkLen, maxmem: 128 * r * N + 32 * 1024 * 1024 });
      },
      // ── SHA-512, Ed25519 and AES-256-CBC (Signal, key transparency) ──
      sha512(message) {
        return sha512(message);
      },
      ed25519PublicKey(seed) {
        checkLength(seed, 32, "Ed25519 secret key");
        return ed25519.getPublicKey(seed);
      },
      ed25519Sign(seed, message) {
        checkLength(seed, 32, "Ed25519 secret key");
        return ed25519.sign(message, seed);
      },
      ed25519Verify(publicKey, message, signature) {
        if (publicKey.length !== 32 || signature.length !== 64) return false;
        try {
          // RFC 8032 decoding (not ZIP-215), which is what OpenSSL implements.
          return ed25519.verify(signature, message, publicKey, { zip215: false });
        } catch {
          return false;
        }
      },
      aes256CbcEncrypt(key, iv, plaintext) {
        checkLength(key, 32, "AES-256 key");
        checkLength(iv, 16, "AES-CBC IV");
        return cbc(key, iv).encrypt(plaintext);
      },
      aes256CbcDecrypt(key, iv, ciphertext) {
        checkLength(key, 32, "AES-256 key");
        checkLength(iv, 16, "AES-CBC IV");
        if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) return null;
        try {
          return cbc(key, iv).decrypt(ciphertext);
        } catch {
          return null; // bad padding
        }
      },
      // ── P-256 (for Dual_EC_DRBG) ──
      p256Base(scalar) {
        checkP256Scalar(scalar);
        return p256.getPublicKey(scalar, true);
      },
      p256Ecdh(scalar, point) {
        checkP256Scalar(scalar);
        checkP256Encoding(point);
        let shared: Uint8Array;
        try {
          shared = p256.getSharedSecret(scalar, point, true);
        } catch {
          // With the scalar and the encoding checked, noble only throws for a point off the curve.
          throw new InvalidPointError();
        }
        return shared.subarray(1);
      },
      p256Key(scalar) {
        checkP256Scalar(scalar);
        return { publicKey: () => impl.p256Base(scalar), ecdh: (point) => impl.p256Ecdh(scalar, point) };
      },
    };
    return impl;
  })();
  return noble;
}

/** The backend in use: OpenSSL on Node. */
export const primitives: Primitives = nodePrimitives;

/** Both backends, for `selftest` and differential tests. */
export async function loadBackends(): Promise<readonly Primitives[]> {
  return [nodePrimitives, await loadNoblePrimitives()];
}

// ---------------------------------------------------------------------------------------------
// Post-quantum: the X-Wing KEM (MLKEM768-X25519). noble only.
//
// Node 20 has no ML-KEM (anchors-2026-11 §1.7), so the two-backend rule cannot apply:
// `@noble/post-quantum`'s `ml_kem768_x25519` is used everywhere, pinned by X-Wing's published
// vectors and the CCTV age hybrid vectors (src/crypto/recipients/mlkem768x25519.ts). Its module
// costs ~100 ms to load, so it is loaded on demand: call {@link loadXWing} once (the CLI does
// when it meets a post-quantum key), then {@link xwing} is synchronous.
// ---------------------------------------------------------------------------------------------

/**
 * X-Wing (draft-connolly-cfrg-xwing-kem; "MLKEM768-X25519", HPKE KEM 0x647a in
 * draft-ietf-hpke-pq-03): ML-KEM-768 and X25519 combined with SHA3-256.
 */
export interface XWing {
  /** Encapsulation key of a 32-byte seed: ML-KEM-768 ek (1184 bytes) ‖ X25519 public key (32) = 1216 bytes. */
  publicKey(seed: Uint8Array): Uint8Array;
  /**
   * Encapsulate to a 1216-byte encapsulation key.
   * @param randomness - 64 bytes: 32 for ML-KEM-768 encapsulation, 32 for the X25519 ephemeral key
   * @returns the 32-byte shared secret and `enc` = ct_ML-KEM (1088) ‖ ct_X25519 (32) = 1120 bytes
   * @throws LowOrderPointError if the X25519 half of the key is a low-order point
   * @throws RangeError if the key has the wrong length or an invalid ML-KEM-768 part
   */
  encapsulate(publicKey: Uint8Array, randomness: Uint8Array): { sharedSecret: Uint8Array; enc: Uint8Array };
  /**
   * Decapsulate a 1120-byte `enc` with a 32-byte seed. A corrupted ML-KEM ciphertext yields a
   * different (implicitly rejected) secret, never an error.
   * @throws LowOrderPointError if the X25519 half of `enc` is a low-order point
   * @throws RangeError on wrong lengths
   */
  decapsulate(seed: Uint8Array, enc: Uint8Array): Uint8Array;
}

let xwingImpl: XWing | undefined;
let xwingLoading: Promise<XWing> | undefined;

/** Load `@noble/post-quantum`'s X-Wing (once). */
export function loadXWing(): Promise<XWing> {
  xwingLoading ??= import("@noble/post-quantum/hybrid.js").then(({ ml_kem768_x25519: kem }) => {
    const impl: XWing = {
      publicKey(seed) {
        checkLength(seed, 32, "X-Wing seed");
        return kem.getPublicKey(seed);
      },
      encapsulate(publicKey, randomness) {
        checkLength(publicKey, 1216, "X-Wing encapsulation key");
        checkLength(randomness, 64, "X-Wing encapsulation randomness");
        try {
          const { sharedSecret, cipherText } = kem.encapsulate(publicKey, randomness);
          return { sharedSecret, enc: cipherText };
        } catch {
          if (isLowOrderX25519(publicKey.subarray(1184))) throw new LowOrderPointError();
          throw new RangeError("invalid X-Wing encapsulation key (the ML-KEM-768 part is not canonical)");
        }
      },
      decapsulate(seed, enc) {
        checkLength(seed, 32, "X-Wing seed");
        checkLength(enc, 1120, "X-Wing ciphertext");
        try {
          return kem.decapsulate(enc, seed);
        } catch {
          // With lengths checked, only X25519 throws: an all-zero shared secret (low-order point).
          throw new LowOrderPointError();
        }
      },
    };
    xwingImpl = impl;
    return impl;
  });
  return xwingLoading;
}

/** Whether `point` is low-order: a clamped scalar (a multiple of 8) sends it to zero. */
function isLowOrderX25519(point: Uint8Array): boolean {
  try {
    nodePrimitives.x25519(LOW_ORDER_PROBE, point);
    return false;
  } catch (e) {
    if (e instanceof LowOrderPointError) return true;
    throw e;
  }
}
const LOW_ORDER_PROBE = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

/**
 * The loaded X-Wing KEM.
 * @throws Error if {@link loadXWing} has not completed yet
 */
export function xwing(): XWing {
  if (xwingImpl === undefined) throw new Error("post-quantum support is not loaded: await loadXWing() (or loadPostQuantum()) first");
  return xwingImpl;
}

// ── Ed25519 → X25519 conversion (Signal X3DH; noble only) ─────────────────────────────────

/**
 * The birational map from Ed25519 keys to X25519 keys (RFC 7748 §4.1; libsodium's
 * `crypto_sign_ed25519_pk_to_curve25519`), so one identity key both signs (Ed25519) and agrees
 * (X25519). node:crypto has no such conversion: noble's is used by every backend.
 */
export interface MontgomeryConversion {
  /**
   * X25519 public key (u-coordinate) of an Ed25519 public key: u = (1 + y) / (1 − y).
   * @throws RangeError for a key that is not 32 bytes or not a valid point
   */
  ed25519ToX25519Public(publicKey: Uint8Array): Uint8Array;
  /** X25519 secret scalar of an Ed25519 seed: the clamped first half of SHA-512(seed) (RFC 8032 §5.1.5). */
  ed25519ToX25519Secret(seed: Uint8Array): Uint8Array;
}

let montgomery: Promise<MontgomeryConversion> | undefined;

/** Loads noble's Ed25519 → X25519 conversion once (on demand: the curve module costs start-up time). */
export function loadMontgomeryConversion(): Promise<MontgomeryConversion> {
  montgomery ??= import("@noble/curves/ed25519.js").then(({ ed25519 }) => ({
    ed25519ToX25519Public(publicKey) {
      checkLength(publicKey, 32, "Ed25519 public key");
      try {
        return ed25519.utils.toMontgomery(publicKey);
      } catch {
        throw new RangeError("not a valid Ed25519 public key");
      }
    },
    ed25519ToX25519Secret(seed) {
      checkLength(seed, 32, "Ed25519 seed");
      return ed25519.utils.toMontgomerySecret(seed);
    },
  }));
  return montgomery;
}
