/**
 * More self-test checks, beside the known-answer tests of selftest.ts: negative checks that
 * must fail, whole-file C2SP CCTV vectors run through the real decryptor,
 * the slow RFC vectors behind `--slow`, and the source of every check.
 *
 * Pure: bytes in, results out.
 *
 * @module
 */
import { decrypt } from "./age.js";
import { AgeError } from "./errors.js";
import { fromHex, toHex, utf8 } from "./bytes.js";
import { decodeB64 } from "./format/base64.js";
import { decodeIdentity } from "./keys.js";
import { LowOrderPointError, primitives as inUse, type Primitives } from "./primitives.js";
import { X25519Identity } from "./recipients/x25519.js";
import { expectEqual, type SelftestResult } from "./kat.js";
import { x25519Iterated } from "./selftest.js";

/** A self-test result that names where its expected answer comes from. */
export interface SourcedResult extends SelftestResult {
  /** The published source: RFC and section, Wycheproof case, CCTV vector name. */
  source: string;
  /** A negative check: the input is bad and the check passes only if it is rejected. */
  negative?: boolean;
  /** Set when the check did not run, with the reason (e.g. "needs --slow"). */
  skipped?: string;
}

interface Check {
  readonly group: string;
  readonly name: string;
  readonly source: string;
  readonly negative?: boolean;
  /** Throws an Error whose message says what was wrong. */
  readonly run: () => void;
}

function runChecks(backend: string, checks: readonly Check[]): SourcedResult[] {
  return checks.map((c) => {
    const base = { backend, group: c.group, name: c.name, source: c.source, ...(c.negative ? { negative: true } : {}) };
    try {
      c.run();
      return { ...base, ok: true };
    } catch (e) {
      return { ...base, ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
  });
}

// ---------------------------------------------------------------------------------------
// Sources of the known-answer tests in selftest.ts
// ---------------------------------------------------------------------------------------

/**
 * Whether a check of selftest.ts or roundtrip.ts is a negative one (its name says the bad
 * input is rejected or finds no match); checks of this module say so themselves.
 */
export function isNegative(r: SelftestResult & { negative?: boolean }): boolean {
  return r.negative ?? /\b(rejected|refused)\b|\bno match\b/.test(r.name);
}

/**
 * Results grouped by backend and group, in order of first appearance (stable inside a group),
 * so that checks added later to a group are reported beside its other checks.
 */
export function groupResults<T extends SelftestResult>(results: readonly T[]): T[] {
  const groups = new Map<string, T[]>();
  for (const r of results) {
    const key = `${r.backend}\u0000${r.group}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].flat();
}

/**
 * The published source of a result of `runKnownAnswerTests` or of a round trip, from its
 * group ("X25519 (RFC 7748)") and name ("§5.2 vector 1"): "RFC 7748 §5.2 vector 1". A result
 * that already names its source keeps it.
 */
export function sourceOf(r: SelftestResult & { source?: string }): string {
  if (r.source) return r.source;
  if (r.name.startsWith("Wycheproof ")) return `${r.name}, chacha20_poly1305_test.json`;
  if (r.name.startsWith("tamper: ") && r.group.includes("RFC 8439")) return `RFC 8439 §2.8.2 inputs (empty AAD), ${r.name}`;
  const spec = /\(([^)]+)\)$/.exec(r.group)?.[1];
  if (spec === undefined) return `doormat ${r.group}: ${r.name}`;
  return /^(§|A\.)/.test(r.name) ? `${spec} ${r.name}` : `${spec}: ${r.name}`;
}

// ---------------------------------------------------------------------------------------
// Negative checks of the primitives (run on every backend)
// ---------------------------------------------------------------------------------------

/**
 * Points of small order on Curve25519 (u-coordinates, little-endian), from the list on
 * cr.yp.to/ecdh.html ("Which Curve25519 public keys are invalid?"): multiplying them by any
 * clamped scalar gives the all-zero shared secret that RFC 7748 §6.1 says to reject.
 */
const LOW_ORDER_POINTS: readonly [string, string][] = [
  ["u = 0", "0000000000000000000000000000000000000000000000000000000000000000"],
  ["u = 1", "0100000000000000000000000000000000000000000000000000000000000000"],
  ["order 8", "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"],
  ["order 8 (second point)", "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"],
];

/** RFC 7748 §5.2 vector 1's scalar: any scalar works, since clamping makes it a multiple of 8. */
const SOME_SCALAR = "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4";

/**
 * Checks that must reject: X25519 with low-order points (both backends must throw
 * LowOrderPointError rather than return all zeros).
 *
 * @returns one result per point, for backend `p`; never throws
 */
export function runNegativeChecks(p: Primitives): SourcedResult[] {
  return runChecks(p.name, LOW_ORDER_POINTS.map(([what, u]): Check => ({
    group: "X25519 (RFC 7748)",
    name: `low-order point rejected: ${what}`,
    source: `RFC 7748 §6.1 all-zero check; small-order point ${u.slice(0, 8)}… from cr.yp.to/ecdh.html`,
    negative: true,
    run: () => {
      let out: Uint8Array;
      try {
        out = p.x25519(fromHex(SOME_SCALAR), fromHex(u));
      } catch (e) {
        if (e instanceof LowOrderPointError) return;
        throw new Error(`threw ${(e as Error).name} instead of LowOrderPointError: ${(e as Error).message}`);
      }
      throw new Error(`expected a rejection, got shared secret ${toHex(out)}`);
    },
  })));
}

// ---------------------------------------------------------------------------------------
// Format checks: canonical base64, and whole files from C2SP CCTV (backend in use)
// ---------------------------------------------------------------------------------------

const FORMAT = "age v1 format (age-encryption.org/v1)";

/**
 * Five C2SP CCTV age vectors (github.com/C2SP/CCTV, age/testdata, licensed 0BSD OR CC0-1.0
 * OR Unlicense), copied byte for byte: the file, base64-encoded. All use the same identity.
 * `x25519` decrypts to the payload whose SHA-256 is given; the others must fail as stated.
 */
const CCTV_IDENTITY = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
const CCTV_VECTORS: readonly { name: string; what: string; expect: "success" | AgeError["kind"]; payloadSha256?: string; file: string }[] = [
  {
    name: "x25519",
    what: "an X25519 file decrypts to the expected payload",
    expect: "success",
    payloadSha256: "013f54400c82da08037759ada907a8b864e97de81c088a182062c4b5622fd2ab",
    file: "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FYTnlDVkpwTDdPdXdQZFZ3UEw3S1FFYkZET0NjCmhqYWJHWHdTTFE5YzNTNkx3MmkrUzJUdTJmaXdRSEhzbGJCTjZCNDFGTEUKLS0tIFd5SnA5Ri85Rk9aaDdnSmRoZXEyV0lKY3dIZ1ljOE5JVmgzZGR3aHJjTmcK7s9ix86RtDMnTmjU8vkTTLdMW/73vqpSyPC8DpksHoMx+2Y=",
  },
  {
    name: "hmac_bad",
    what: "a wrong header MAC is rejected",
    expect: "hmac",
    file: "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FYTnlDVkpwTDdPdXdQZFZ3UEw3S1FFYkZET0NjCmhqYWJHWHdTTFE5YzNTNkx3MmkrUzJUdTJmaXdRSEhzbGJCTjZCNDFGTEUKLS0tIDhNY0UzaXg5UjM0RS92THJRdjN5ZXBzSGpvL0xYaGZzMjJBYjNVeUlubWcK7s9ix86RtDMnTmjU8vkTTLdMW/73vqpSyPC8DpksHoMx+2Y=",
  },
  {
    name: "x25519_low_order",
    what: "a low-order X25519 share is rejected",
    expect: "header",
    file: "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBYNXlWdktOUWpDU3gwTEZWbklQdld3UkVYTVJZSEk2RzJDSk8zZENmRWRjCjNFME5wRmFucy9tMFdMV0Y3KzU0WkJkTmozaXFRcXByYUdERmlhUmt2QkEKLS0tIHNYdzMyN1lNVDEvVUxYZStaeVJNYk1ZMFoyam5XSEdnSTlqMXdlNnlROEEKrF0/NwblUHHTpgQgRpe5CQWVwvf1267oDXoBjChyBYrzznw=",
  },
  {
    name: "x25519_not_canonical_body",
    what: "a non-canonical base64 stanza body is rejected",
    expect: "header",
    file: "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FYTnlDVkpwTDdPdXdQZFZ3UEw3S1FFYkZET0NjCmhqYWJHWHdTTFE5YzNTNkx3MmkrUzJUdTJmaXdRSEhzbGJCTjZCNDFGTEYKLS0tIFNHWXgxQTA4VEF4dGFtbmZDY2xTYm1rNTlrSVpXWTgvZitxbU1YdjRnOWcK7s9ix86RtDMnTmjU8vkTTLdMW/73vqpSyPC8DpksHoMx+2Y=",
  },
  {
    name: "x25519_bad_tag",
    what: "a tampered stanza tag finds no match",
    expect: "no-match",
    file: "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBURWlGMHlwcXIrYnB2Y3FYTnlDVkpwTDdPdXdQZFZ3UEw3S1FFYkZET0NjCmhqYWJHWHdTTFE5YzNTNkx3MmkrUzJUdTJmaXdRSEhzbGJCTjZCNDFGRTQKLS0tIHpPQ0hweW5WMGFWN3A0UjZjK2JPYXBncHE5VHRwRmdHZ1lnaFEyK1BJWDgK7s9ix86RtDMnTmjU8vkTTLdMW/73vqpSyPC8DpksHoMx+2Y=",
  },
];

function cctvCheck(v: (typeof CCTV_VECTORS)[number]): Check {
  return {
    group: FORMAT,
    name: v.what,
    source: `CCTV age/${v.name}`,
    ...(v.expect === "success" ? {} : { negative: true }),
    run: () => {
      const file = decodeB64Padded(v.file);
      const id = decodeIdentity(CCTV_IDENTITY);
      let plaintext: Uint8Array;
      try {
        plaintext = decrypt(file, [new X25519Identity(id.secretKey, id.publicKey)]);
      } catch (e) {
        if (!(e instanceof AgeError)) throw e;
        if (e.kind === v.expect) return;
        throw new Error(`expected ${v.expect === "success" ? "success" : `a ${v.expect} error`}, got a ${e.kind} error: ${e.message}`);
      }
      if (v.expect !== "success") throw new Error(`expected a ${v.expect} error, but the file decrypted`);
      const got = toHex(inUse.sha256(plaintext));
      if (got !== v.payloadSha256) throw new Error(`payload SHA-256: expected ${v.payloadSha256 ?? "?"}, got ${got}`);
    },
  };
}

function decodeB64Padded(s: string): Uint8Array {
  const bytes = decodeB64(s.replace(/=+$/, ""));
  if (bytes === null) throw new Error("bad embedded vector");
  return bytes;
}

/** RFC 4648 §3.5: the canonical encoding sets unused bits to zero; age requires it, without padding. */
const BASE64_CASES: readonly { input: string; want: string | null; what: string }[] = [
  { input: "AA", want: "00", what: '"AA" decodes to one zero byte' },
  { input: "AB", want: null, what: 'non-canonical "AB" (unused bits set) is rejected' },
  { input: "AA==", want: null, what: 'padded "AA==" is rejected (age uses no padding)' },
  { input: "AAA", want: "0000", what: '"AAA" decodes to two zero bytes' },
  { input: "AAB", want: null, what: 'non-canonical "AAB" is rejected' },
];

/**
 * Format checks on the backend in use: canonical base64 (RFC 4648 §3.5, as the age spec
 * requires) and five whole CCTV files through the decryptor (a good file, a wrong header MAC,
 * a low-order share, a non-canonical body, a tampered stanza tag).
 *
 * @returns one result per check; never throws
 */
export function runFormatChecks(): SourcedResult[] {
  const b64: Check[] = BASE64_CASES.map((c) => ({
    group: FORMAT,
    name: `base64: ${c.what}`,
    source: "RFC 4648 §3.5 (canonical), as age-encryption.org/v1 requires",
    ...(c.want === null ? { negative: true } : {}),
    run: () => {
      const out = decodeB64(c.input);
      const got = out === null ? null : toHex(out);
      if (got !== c.want) throw new Error(`decode ${JSON.stringify(c.input)}: expected ${c.want ?? "rejection"}, got ${got ?? "rejection"}`);
    },
  }));
  return runChecks(inUse.name, [...b64, ...CCTV_VECTORS.map(cctvCheck)]);
}

// ---------------------------------------------------------------------------------------
// Slow vectors, behind --slow
// ---------------------------------------------------------------------------------------


/**
 * RFC 7748 §5.2 ("After 1,000,000 iterations: 7c3911e0…24f665424") and RFC 7914 §12 (the
 * "pleaseletmein"/"SodiumChloride" vectors), copied from the RFCs.
 */
const SLOW_CHECKS: readonly Check[] = [
  {
    group: "X25519 (RFC 7748)",
    name: "§5.2 iterated, 1,000,000 iterations",
    source: "RFC 7748 §5.2 iterated, 1,000,000 iterations",
    run: () => expectEqual("k after 1,000,000 iterations", toHex(x25519Iterated(inUse, 1_000_000)), "7c3911e0ab2586fd864497297e575e6f3bc601c0883c30df5f4dd2d24f665424"),
  },
  {
    group: "scrypt (RFC 7914)",
    name: '§12 ("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1)',
    source: 'RFC 7914 §12 ("pleaseletmein", "SodiumChloride", N=16384, r=8, p=1)',
    run: () => expectEqual("derived key", toHex(inUse.scrypt(utf8("pleaseletmein"), utf8("SodiumChloride"), 14, 64, 8, 1)),
      "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
  },
  {
    group: "scrypt (RFC 7914)",
    name: '§12 ("pleaseletmein", "SodiumChloride", N=1048576, r=8, p=1)',
    source: 'RFC 7914 §12 ("pleaseletmein", "SodiumChloride", N=1048576, r=8, p=1)',
    run: () => expectEqual("derived key", toHex(inUse.scrypt(utf8("pleaseletmein"), utf8("SodiumChloride"), 20, 64, 8, 1)),
      "2101cb9b6a511aaeaddbbe09cf70f881ec568d574a2ffd4dabe5ee9820adaa478e56fd8f4ba5d09ffa1c6d927c40f4c337304049e8a952fbcbf45c6fa77a41a4"),
  },
];

/** The reason given for slow checks that did not run. */
export const SLOW_SKIP_REASON = "needs --slow: minutes, 1 GiB of memory";

/**
 * The slow published vectors, on the backend in use: RFC 7748's 1,000,000 X25519 iterations
 * and RFC 7914's N=2^14 and N=2^20 scrypt vectors. With `run: false` they are reported as
 * skipped, with {@link SLOW_SKIP_REASON}.
 *
 * @returns three results; never throws
 */
export function runSlowChecks(run: boolean): SourcedResult[] {
  if (!run) return SLOW_CHECKS.map((c) => ({ backend: inUse.name, group: c.group, name: c.name, source: c.source, ok: false, skipped: SLOW_SKIP_REASON }));
  return runChecks(inUse.name, SLOW_CHECKS);
}
