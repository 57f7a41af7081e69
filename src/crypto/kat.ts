/**
 * Shared pieces for known-answer tests that live beside the protocol they pin (safety
 * numbers in signal/, Merkle vectors in transparency/, …), so that `selftest` can run them
 * with one registration line each and report a wrong answer the same way as its own.
 *
 * Pure: no console, no file system.
 *
 * @module
 */
import type { Primitives } from "./primitives.js";
import { toHex } from "./bytes.js";

/** One known-answer test: `run` throws when the backend's answer is wrong. */
export interface KnownAnswerTest {
  /** The primitive or protocol and its specification, e.g. `"Ed25519 (RFC 8032)"`. */
  readonly group: string;
  /** The vector within its group, e.g. `"§7.1 TEST 1"`. */
  readonly name: string;
  /**
   * Where the expected answer comes from, when the group's specification alone would overstate
   * it (a published input altered, a self-consistency check); default: the group's.
   */
  readonly source?: string;
  readonly run: (p: Primitives) => void;
}

/** A wrong answer (as opposed to an exception thrown by the code under test). */
export class KatMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KatMismatchError";
  }
}

/** Throws {@link KatMismatchError} unless `actual` is exactly the bytes of `expectedHex`. */
export function expectHexEqual(what: string, actual: Uint8Array | null, expectedHex: string): void {
  const expected = expectedHex.toLowerCase();
  if (actual === null) throw new KatMismatchError(`${what}: expected ${expected}, got null`);
  const got = toHex(actual);
  if (got !== expected) throw new KatMismatchError(`${what}: expected ${expected}, got ${got}`);
}

/** Throws {@link KatMismatchError} unless `actual === expected`. */
export function expectEqual<T extends string | number | boolean>(what: string, actual: T, expected: T): void {
  if (actual !== expected) throw new KatMismatchError(`${what}: expected ${String(expected)}, got ${String(actual)}`);
}

/** The outcome of one known-answer test against one backend. */
export interface SelftestResult {
  /** Backend name ({@link Primitives.name}). */
  backend: string;
  /** The vector within its group, e.g. `"§5.2 vector 1"`. */
  name: string;
  /** The primitive and its specification, e.g. `"X25519 (RFC 7748)"`. */
  group: string;
  /** Whether the backend produced exactly the expected output. */
  ok: boolean;
  /** Why the test failed (expected versus actual output, or the exception); absent on success. */
  detail?: string;
  /** The test's own {@link KnownAnswerTest.source}, when it has one. */
  source?: string;
}

/** A failed test's detail: the mismatch itself, or the exception the code under test threw. */
export function describeKatError(e: unknown): string {
  if (e instanceof KatMismatchError) return e.message;
  if (e instanceof Error) return `threw ${e.name}: ${e.message}`;
  return `threw ${String(e)}`;
}

/**
 * Run known-answer tests against one backend. Never throws: a wrong answer or an exception
 * becomes a result with `ok: false` and a `detail`. Results keep the order of `tests`.
 */
export function runKats(tests: readonly KnownAnswerTest[], p: Primitives): SelftestResult[] {
  return tests.map((t): SelftestResult => {
    const base = { backend: p.name, name: t.name, group: t.group, ...(t.source !== undefined ? { source: t.source } : {}) };
    try {
      t.run(p);
      return { ...base, ok: true };
    } catch (e) {
      return { ...base, ok: false, detail: describeKatError(e) };
    }
  });
}
