/**
 * Known answers for the Merkle log: Certificate Transparency's 8-leaf reference set, as kept
 * in transparency-dev/merkle `proof/verify_test.go` (Apache-2.0; the same vectors serve the
 * Go, C++ and TypeScript CT implementations). Quoted as data; see docs/SOURCES.md.
 *
 * @module
 */
import { fromHex } from "../bytes.js";
import { expectEqual, expectHexEqual, type KnownAnswerTest } from "../kat.js";
import { consistencyProof, inclusionProof, leafHash, rootHash, verifyConsistency, verifyInclusion } from "./merkle.js";

/** The 8 leaf entries (raw data, before the 0x00 leaf prefix). */
export const CT_LEAVES: readonly string[] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

/** MTH of the first 1 … 8 leaves (index i = size i + 1). */
export const CT_ROOTS: readonly string[] = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/** Inclusion proofs: `index` is 0-based (the Go file lists 1-based leaf numbers). */
export const CT_INCLUSION: readonly { index: number; size: number; proof: readonly string[] }[] = [
  { index: 0, size: 8, proof: ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
  { index: 5, size: 8, proof: ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
  { index: 2, size: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  { index: 1, size: 5, proof: ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
];

/** Consistency proofs from the tree of `oldSize` leaves to the tree of `newSize`. */
export const CT_CONSISTENCY: readonly { oldSize: number; newSize: number; proof: readonly string[] }[] = [
  { oldSize: 1, newSize: 8, proof: ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
  { oldSize: 6, newSize: 8, proof: ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
  { oldSize: 2, newSize: 5, proof: ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
  { oldSize: 6, newSize: 7, proof: ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
];

const GROUP = "Merkle log (RFC 9162, CT vectors)";

/** The selftest subset: all 8 roots, the leaf-0 inclusion proof and the 6 → 8 consistency proof. */
export const MERKLE_KATS: readonly KnownAnswerTest[] = [
  {
    group: GROUP,
    name: "roots of the trees of 1 to 8 leaves",
    run: (p) => {
      const leaves = CT_LEAVES.map((d) => leafHash(fromHex(d), p));
      CT_ROOTS.forEach((root, i) => expectHexEqual(`root of size ${i + 1}`, rootHash(leaves.slice(0, i + 1), p), root));
    },
  },
  {
    group: GROUP,
    name: "inclusion proof of leaf 0 in the tree of 8 (generated and verified)",
    run: (p) => {
      const leaves = CT_LEAVES.map((d) => leafHash(fromHex(d), p));
      const v = CT_INCLUSION[0] as (typeof CT_INCLUSION)[number];
      const proof = inclusionProof(leaves, v.index, v.size, p);
      expectEqual("proof length", proof.length, v.proof.length);
      proof.forEach((h, i) => expectHexEqual(`proof[${i}]`, h, v.proof[i] as string));
      expectEqual("verifies", verifyInclusion(v.index, v.size, leaves[v.index] as Uint8Array, v.proof.map(fromHex), fromHex(CT_ROOTS[7] as string), p), true);
      const tampered = v.proof.map(fromHex);
      const flipped = tampered[1] as Uint8Array;
      flipped[0] = (flipped[0] as number) ^ 8;
      expectEqual("a flipped bit in proof[1] verifies", verifyInclusion(v.index, v.size, leaves[v.index] as Uint8Array, tampered, fromHex(CT_ROOTS[7] as string), p), false);
    },
  },
  {
    group: GROUP,
    name: "consistency proof from 6 to 8 leaves (generated and verified)",
    run: (p) => {
      const leaves = CT_LEAVES.map((d) => leafHash(fromHex(d), p));
      const v = CT_CONSISTENCY[1] as (typeof CT_CONSISTENCY)[number];
      const proof = consistencyProof(leaves, v.oldSize, v.newSize, p);
      expectEqual("proof length", proof.length, v.proof.length);
      proof.forEach((h, i) => expectHexEqual(`proof[${i}]`, h, v.proof[i] as string));
      const [r6, r8] = [fromHex(CT_ROOTS[5] as string), fromHex(CT_ROOTS[7] as string)];
      expectEqual("verifies", verifyConsistency(v.oldSize, v.newSize, r6, r8, v.proof.map(fromHex), p), true);
      expectEqual("verifies with the roots swapped", verifyConsistency(v.oldSize, v.newSize, r8, r6, v.proof.map(fromHex), p), false);
    },
  },
];
