/**
 * The C2SP CCTV age vectors (npm `cctv-age`): every vector must end in exactly its expected
 * class, through the library. test/cctv-cli.test.ts runs the same 143 through the spawned CLI.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { Decrypter } from "../src/crypto/age.js";
import { AgeError, PayloadError } from "../src/crypto/errors.js";
import { concat } from "../src/crypto/bytes.js";
import { decodeIdentity, decodePqIdentity } from "../src/crypto/keys.js";
import { loadXWing } from "../src/crypto/primitives.js";
import { PqAuthorityIdentity } from "../src/crypto/recipients/escrow.js";
import { AuthorityIdentity } from "../src/crypto/recipients/escrow.js";
import { ScryptIdentity } from "../src/crypto/recipients/scrypt.js";
import type { Identity } from "../src/crypto/recipients/types.js";
import { loadVectors, sha256hex, type Vector } from "./helpers.js";

const vectors = loadVectors();
const isPQ = (v: Vector): boolean => v.name.includes("hybrid");
const PQ = vectors.filter(isPQ);

beforeAll(async () => {
  await loadXWing();
});

const classOf: Record<string, Vector["expect"]> = {
  header: "header failure",
  hmac: "HMAC failure",
  armor: "armor failure",
  payload: "payload failure",
  "no-match": "no match",
};

function run(v: Vector, slice: number): { outcome: Vector["expect"]; plaintext: Uint8Array; error?: unknown } {
  const ids: Identity[] = [
    // The identities the CLI builds from key files: any key may be an authority's.
    ...v.identities.map((s): Identity => {
      if (s.startsWith("AGE-SECRET-KEY-PQ-")) return new PqAuthorityIdentity(decodePqIdentity(s));
      const k = decodeIdentity(s);
      return new AuthorityIdentity(k.secretKey, k.publicKey);
    }),
    ...v.passphrases.map((p) => new ScryptIdentity(p)),
  ];
  // The vector says whether it is armored, as typage's test kit uses it.
  const d = new Decrypter(ids, { armor: v.armored });
  const out: Uint8Array[] = [];
  try {
    for (let o = 0; o < v.body.length; o += slice) out.push(...d.push(v.body.subarray(o, o + slice)));
    out.push(...d.finish());
    return { outcome: "success", plaintext: concat(...out) };
  } catch (e) {
    if (!(e instanceof AgeError)) throw e;
    if (e instanceof PayloadError) out.push(...e.released);
    return { outcome: classOf[e.kind] ?? "header failure", plaintext: concat(...out), error: e };
  }
}

describe("CCTV age vectors", () => {
  it("has all 143 vectors: 18 hybrid_* plus armor_hybrid need post-quantum keys, none skipped", () => {
    expect(vectors).toHaveLength(143);
    expect(PQ.filter((v) => v.name.startsWith("hybrid_") || v.name === "hybrid")).toHaveLength(18);
    expect(PQ.map((v) => v.name).filter((n) => !n.startsWith("hybrid"))).toEqual(["armor_hybrid"]);
    for (const v of PQ) expect(v.identities.some((id) => id.startsWith("AGE-SECRET-KEY-PQ-1"))).toBe(true);
  });

  // Whole input at once, and in awkward slices, must give the same result.
  for (const slice of [Number.MAX_SAFE_INTEGER, 7]) {
    describe(slice === 7 ? "fed 7 bytes at a time" : "fed whole", () => {
      it.each(vectors.map((v) => [v.name, v] as const))("%s", (_name, v) => {
        const r = run(v, slice);
        expect(r.outcome, String(r.error)).toBe(v.expect);
        if (v.payload !== undefined) expect(sha256hex(r.plaintext)).toBe(v.payload);
        else expect(r.plaintext).toHaveLength(0);
      });
    });
  }
});
