/**
 * Errors raised by the format layer, one class per failure a decryptor must tell apart
 * (the same classes the CCTV age test vectors use).
 *
 * @module
 */

/** What went wrong, as a stable machine-readable word. */
export type AgeErrorKind = "header" | "armor" | "hmac" | "payload" | "no-match" | "recipient" | "identity";

/** Base class of every error the format layer throws on bad input. */
export class AgeError extends Error {
  readonly kind: AgeErrorKind;
  constructor(kind: AgeErrorKind, message: string) {
    super(message);
    this.name = "AgeError";
    this.kind = kind;
  }
}

/** The header is malformed, or a stanza addressed to one of our identities is. */
export class HeaderError extends AgeError {
  constructor(message: string) {
    super("header", message);
    this.name = "HeaderError";
  }
}

/** The ASCII armor is malformed. */
export class ArmorError extends AgeError {
  constructor(message: string) {
    super("armor", message);
    this.name = "ArmorError";
  }
}

/** A file key was found but the header MAC does not verify: the header was tampered with. */
export class HmacError extends AgeError {
  constructor(message = "header MAC does not verify: the header was modified") {
    super("hmac", message);
    this.name = "HmacError";
  }
}

/**
 * The encrypted payload is truncated, corrupted or has trailing data. `released` holds the
 * plaintext of chunks that did authenticate in the failing call, before the failure was found
 * (Go's age writes them out too); the file as a whole must still be treated as bad.
 */
export class PayloadError extends AgeError {
  released: Uint8Array[] = [];
  constructor(message: string) {
    super("payload", message);
    this.name = "PayloadError";
  }
}

/** None of the identities opens any stanza of the file. */
export class NoMatchError extends AgeError {
  constructor(message = "no identity matched any of the file's recipients") {
    super("no-match", message);
    this.name = "NoMatchError";
  }
}
