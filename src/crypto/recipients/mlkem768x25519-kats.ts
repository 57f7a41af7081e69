/**
 * Known-answer checks of the post-quantum code, for `doormat selftest` and the test suite.
 * Pure (no console, fs or process); needs the X-Wing module loaded (`await loadXWing()`).
 *
 * - X-Wing (MLKEM768-X25519) KEM: the three vectors published with
 *   draft-connolly-cfrg-xwing-kem (`spec/test-vectors.json` in
 *   github.com/dconnolly/draft-connolly-cfrg-xwing-kem, the draft's Appendix C since -06:
 *   SHAKE-256 seed expansion, final ML-KEM). The 1216-byte public key and 1120-byte
 *   ciphertext are pinned by their SHA-256; the shared secret in full.
 * - HPKE + stanza + file: the C2SP CCTV age vector `hybrid` (age/testdata/hybrid, npm
 *   `cctv-age` 0.2.0), decrypted whole.
 * - Negative: the same file with one byte of the ML-KEM ciphertext flipped (as CCTV's
 *   `hybrid_currupted_enc_mlkem`): ML-KEM's implicit rejection gives an unrelated secret, and
 *   the file key must not come out.
 *
 * @module
 */
import { decrypt } from "../age.js";
import { fromHex, toHex } from "../bytes.js";
import { decodeB64, encodeB64 } from "../format/base64.js";
import { findHeaderEnd, parseHeader } from "../format/header.js";
import { decodePqIdentity } from "../keys.js";
import { primitives, xwing } from "../primitives.js";
import type { SelftestResult } from "../selftest.js";
import { MLKEM768X25519_TYPE, MlKem768X25519Identity } from "./mlkem768x25519.js";

/** One post-quantum known-answer check: throws if the answer is wrong. */
export interface PqKnownAnswerTest {
  readonly group: string;
  readonly name: string;
  readonly run: () => void;
}

/** draft-connolly-cfrg-xwing-kem, spec/test-vectors.json (commit 5cb311d, 2024-10-20). */
const XWING_VECTORS: readonly { seed: string; eseed: string; pkSha256: string; ctSha256: string; ss: string }[] = [
  {
    seed: "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26",
    eseed: "3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e235b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2",
    pkSha256: "2e816deebcd76c5c80d0cd2d174478871658e8e2ff42bc9d4a6e486372e856bb",
    ctSha256: "17cd532d657e44c897ca6583e548a5424fc70bf54f99515a4d2bcf99e3469f33",
    ss: "d2df0522128f09dd8e2c92b1e905c793d8f57a54c3da25861f10bf4ca613e384",
  },
  {
    seed: "badfd6dfaac359a5efbb7bcc4b59d538df9a04302e10c8bc1cbf1a0b3a5120ea",
    eseed: "17cda7cfad765f5623474d368ccca8af0007cd9f5e4c849f167a580b14aabdefaee7eef47cb0fca9767be1fda69419dfb927e9df07348b196691abaeb580b32d",
    pkSha256: "c42ba5f8430d7d2c83739338203819f090e8303ce9c8b02107c272bfa5376916",
    ctSha256: "1661ea86d608a1924ba30840cb0a65f13ae051e3aec9cf0f064efc0bc92f2154",
    ss: "f2e86241c64d60f6649fbc6c5b7d17180b780a3f34355e64a85749949c45f150",
  },
  {
    seed: "ef58538b8d23f87732ea63b02b4fa0f4873360e2841928cd60dd4cee8cc0d4c9",
    eseed: "22a96188d032675c8ac850933c7aff1533b94c834adbb69c6115bad4692d8619f90b0cdf8a7b9c264029ac185b70b83f2801f2f4b3f70c593ea3aeeb613a7f1b",
    pkSha256: "6b080d6b84f095342092fa7a22423e58bd681397ad0ef00eac92bd254db4fa95",
    ctSha256: "d3ca5578500344b5896cffc4fd740c9311946b82951df155e6fd86a7966b43c6",
    ss: "953f7f4e8c5b5049bdc771d1dffada0dd961477d1a2ae0988baa7ea6898d893f",
  },
];

/** CCTV age/testdata/hybrid: its identity, the SHA-256 of its plaintext, and the file (base64). */
export const CCTV_HYBRID = {
  identity: "AGE-SECRET-KEY-PQ-1HZLGZUPT4ETPKDEV8HSGFDCYZ4E522W0A7PU2LHT8EH9W6YLNC3SW78XKG",
  payloadSha256: "013f54400c82da08037759ada907a8b864e97de81c088a182062c4b5622fd2ab",
  fileBase64:
  "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IG1sa2VtNzY4eDI1NTE5IE5mTGNnQWJ6dk5nZjBhUmI0UEFOQnZ5RHRJRERRS2Y4NEpo" +
  "aEZsbnZUMU5VQWNiR05yQXJSWi9UK2JjOWw0eG1LMURTbCtQWGs2bnFxR0JoYU0xZFVpVDdYMTdUVTEvYjloYVpaUHpFYWx2WkhG" +
  "RE1TZXZmaVpzaGxuU2djcFdoMHFucGdUeWJvV1RVK3pickg2WUQydWhzaGJKb2l1cWgrUHBYdERNc3RYeDRDZ3hBU3JOVmxmU2wv" +
  "Y2FSVGkyNFFqSVhwQ053RUU0RndIcm1Bd1VxU0hMVXpHT0hmaVcvY2hPQ1R0RFg1OTF4NDFvNmVaNC9EdDkyVmhvWUtGY3BpYVdi" +
  "UmhiZW5aWFVKeFBTMUMxc0s4NENWd2tESDdMSmpiWUNua3h0M21ldWw4a0tXaWhac1N0WllkLzZib3pxY3pPWDd6TjVQYmFZRDFY" +
  "cFl3TXdlZHpXbVBtUXp4QnliRDhab2RjUjdoRjdXVXhTbUZWSDdFeGlZSDNaTmJEQVZjZ0d3bGtURm1VbWFUQ2JqR1pUdjhNK2Vq" +
  "bXZTdFFIZ0N0UGk0R0dSZEpGcjNIenZSem02YnZyZEYvcmRTUFJGdFJWTTdEOW83WkFBcXVEMVBCeUUwWTVZQ1I0L3ZtVGxJbFJ3" +
  "RlhrNGJlK1RzQUkrR290dWpvdTZucmlnd25mcW9HaU5TdmkvWlZ2U0tuRG9aUElFNXF3T05DZWVKQjhDZVJocVhFanZndHdjMnpj" +
  "V1VCdGpTSmdOTCtqODg3azJoMHhsWHBRcWxtRERIc0JPQ1AzL1ZvTStOWlVScUkrUm9UdWRjd1RsOFRnbWhHclF5dG5vdnVXRkR2" +
  "RTlIZ1BBczY3ZFBSQzY0LzNSRVMzaEYyQzYvUjFwUUFuQzdTMmlTaWpKbnlGbGFESldmY1p2dk5vYW1waER2NjNrVU5iN2I5VjhF" +
  "K3h3cUY4R2t1WEpuQkZEbzBQdUp6OHFXSDdzRE1FT2hJSW5tYW5EaXU2Sy85ak9DdWJZTmROY1hyalFrbmx2azFrRmRqWjJ4WW5D" +
  "NlF1cUE1K3FITUJwZ3JnMzAxUFgxNTRYNEtVY3hBM1BvRnlZTmV4YUJLM25qa3M3UE54bDdIeVpJV2pqRGx6NTBXclFuRXFCamw4" +
  "UlZWdW5lTDN2Z1Z5VTQ1R1NWV1FWT0g0SzZhZXBXUDArcDdXVUQ1MnJoZFZINUhQWldRTDN2OFRqRXo4MEFlYjg3KzFzMXdnTSs1" +
  "c2tOWDRMcE95dWhSeFEvQ2hYc1ZaclZKOFNSc0JsTzRLK0NKMjcxckhqOGw4TkVoUkUyTy9aS0hzdDhCZS82ajVjOVNVbVJScXZJ" +
  "KzZiY2cwQmNxN1dpN2QwOHZEUXFqQzJjT2kxMTJDR3JhNW1hemQvTkNJQ0M4MW9Za01tVHh0TTlmaWNmSWh2dDluSGFaU1FoMjd0" +
  "ekozeFJXT2Vnd3pET2FOanJ0Sjd5dkNYYlY5aVE2Ym9pQ2w2d2RtSW43azlzSTMwd0l1SGNWVTFDcitFTldocVZ5UmlBS2t0Z3Z4" +
  "ZWdEbnF2UkIybjFhSEtvdnA2MEZzN1lJRHJjbHNjUkZpa1Y0NXgwUk5CZFZ0VWtXRDQzMHZaZ2Vra1pkbndwZUh4R1Y5VEllMkZD" +
  "Tm9vUXpVeng2djRmdDBzWjVTWUk0OTBGMnNZWnUvc2lnNElCL0tPelZmUFhCWDlka2Z0TGdaVFd0ZlA3R0k5TmpFaXRMbi9sWVRo" +
  "MmpmU0tUWVpTTStCUXQxNm0yeWcvNFg3eGZ0QTJQM2ZTeVUxeldpbmVvY3o0REt5aWxXbVZoUFJqeTlMclRQdFFXVlZOR3JWZlVz" +
  "Tll3V0hKWDZGd2tGN0pOYkNxTEVRdWVNalBoYzljbnI2NnVGK1d0MUlzdVRqMjc4TWd5WnFZbHI3bWtXOTF6eVdKTVNJWFRLbXF2" +
  "NXVtOXlwYzNJSlVta3ZzNjdBOTFYQTh2c3BBUnNVTTRKdwpqWVBmaWxOQU1qRjB6R1JZTVlKcVIvY1RUemJpR3hRTWhHKzh6WmFp" +
  "dGljCi0tLSA3d0NnS2M0dDhrS21LSlROcllzN01vTEtIazhTcXQ4WTNvVFpjMDhzUWpNCt3fctBvvKtX3z0NMSSWrSGM1/1vgHi7" +
  "+IEt2HlHFV63vV6I",
} as const;

function check(what: string, actual: string, expected: string): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

function hybridFile(): Uint8Array {
  return Uint8Array.from(atob(CCTV_HYBRID.fileBase64), (c) => c.charCodeAt(0));
}

const XWING_GROUP = "X-Wing KEM (draft-connolly-cfrg-xwing-kem, Appendix C)";
const AGE_PQ_GROUP = "mlkem768x25519 (C2SP age, CCTV age vectors)";

/** The post-quantum known-answer checks. */
export const pqKnownAnswerTests: readonly PqKnownAnswerTest[] = [
  ...XWING_VECTORS.map((v, i) => ({
    group: XWING_GROUP,
    name: `vector ${i + 1}: keygen, encapsulate, decapsulate`,
    run: () => {
      const kem = xwing();
      const pk = kem.publicKey(fromHex(v.seed));
      check("SHA-256(public key)", toHex(primitives.sha256(pk)), v.pkSha256);
      const { sharedSecret, enc } = kem.encapsulate(pk, fromHex(v.eseed));
      check("SHA-256(ciphertext)", toHex(primitives.sha256(enc)), v.ctSha256);
      check("encapsulated shared secret", toHex(sharedSecret), v.ss);
      check("decapsulated shared secret", toHex(kem.decapsulate(fromHex(v.seed), enc)), v.ss);
    },
  })),
  {
    group: AGE_PQ_GROUP,
    name: "CCTV hybrid: HPKE unwrap, header MAC and payload",
    run: () => {
      const id = new MlKem768X25519Identity(decodePqIdentity(CCTV_HYBRID.identity));
      check("SHA-256(plaintext)", toHex(primitives.sha256(decrypt(hybridFile(), [id]))), CCTV_HYBRID.payloadSha256);
    },
  },
  {
    group: AGE_PQ_GROUP,
    name: "negative: a corrupted ML-KEM ciphertext must not yield the file key (as CCTV hybrid_currupted_enc_mlkem)",
    run: () => {
      const file = hybridFile();
      const header = parseHeader(file.subarray(0, findHeaderEnd(file) ?? 0));
      const stanza = header.stanzas.find((s) => s.type === MLKEM768X25519_TYPE);
      const enc = decodeB64(stanza?.args[0] ?? "");
      if (stanza === undefined || enc === null) throw new Error("the embedded CCTV file has no mlkem768x25519 stanza");
      const id = new MlKem768X25519Identity(decodePqIdentity(CCTV_HYBRID.identity));
      if (id.unwrapFileKey([stanza]) === null) throw new Error("the intact stanza must open");
      enc[0] = (enc[0] as number) ^ 0x01; // first byte of the ML-KEM-768 ciphertext
      const fileKey = id.unwrapFileKey([{ ...stanza, args: [encodeB64(enc)] }]);
      if (fileKey !== null) throw new Error(`a corrupted ML-KEM ciphertext yielded a file key (${toHex(fileKey)})`);
    },
  },
];

/**
 * Run {@link pqKnownAnswerTests}. The backend is noble's X-Wing (the only one on Node 20)
 * over the HPKE key schedule and the `primitives` in use.
 */
export function runPostQuantumKnownAnswerTests(): SelftestResult[] {
  return pqKnownAnswerTests.map((t) => {
    try {
      t.run();
      return { backend: "noble", group: t.group, name: t.name, ok: true };
    } catch (e) {
      return { backend: "noble", group: t.group, name: t.name, ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
  });
}
