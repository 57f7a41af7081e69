/**
 * The key-transparency log: Certificate Transparency's 8-leaf reference vectors (roots,
 * inclusion and consistency proofs, and the corruptions transparency-dev/merkle probes), property
 * tests over every tree size up to 64 against signed tree heads, and the key-directory checks
 * (device signatures, lookups, monitoring, split views).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fromHex, toHex, utf8 } from "../src/crypto/bytes.js";
import { loadBackends, primitives as p } from "../src/crypto/primitives.js";
import {
  consistencyProof, emptyRoot, inclusionProof, leafHash, rootFromInclusionProof, rootHash, verifyConsistency, verifyInclusion,
} from "../src/crypto/transparency/merkle.js";
import { signTreeHead, treeHeadMessage, verifyTreeHead, type SignedTreeHead } from "../src/crypto/transparency/sth.js";
import { CT_CONSISTENCY, CT_INCLUSION, CT_LEAVES, CT_ROOTS, MERKLE_KATS } from "../src/crypto/transparency/vectors.js";
import { MerkleLog } from "../src/crypto/transparency/log.js";
import {
  KeyDirectory, decodeEntry, encodeEntry, headsConsistent, lookupInLog, monitorOwnEntries, signDeviceKey, unsignedDevices, type KeyBundle,
} from "../src/crypto/transparency/directory.js";

const h = (hex: string): Uint8Array => fromHex(hex);
const ctLeaves = CT_LEAVES.map((d) => leafHash(h(d)));
const ctRoot = (size: number): Uint8Array => h(CT_ROOTS[size - 1] as string);
/** sha256SomeHash in transparency-dev/merkle's tests: a well-formed hash that is no root. */
const SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456");
const flipBit = (b: Uint8Array, bit = 3): Uint8Array => {
  const c = b.slice();
  c[0] = (c[0] as number) ^ (1 << bit);
  return c;
};

describe("CT reference vectors (transparency-dev/merkle proof/verify_test.go)", () => {
  it("empty tree, and roots of 1..8 leaves", () => {
    expect(toHex(emptyRoot())).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (let n = 1; n <= 8; n++) expect(toHex(rootHash(ctLeaves.slice(0, n)))).toBe(CT_ROOTS[n - 1]);
  });

  it.each(CT_INCLUSION.map((v) => [`leaf ${v.index} of ${v.size}`, v] as const))("inclusion proof of %s: generated, verified, corruptions refused", (_t, v) => {
    const proof = v.proof.map(h);
    expect(inclusionProof(ctLeaves, v.index, v.size).map(toHex)).toEqual(v.proof);
    const leaf = ctLeaves[v.index] as Uint8Array;
    const root = ctRoot(v.size);
    expect(verifyInclusion(v.index, v.size, leaf, proof, root)).toBe(true);
    // The probes of corruptInclusionProof() in verify_test.go.
    const probes: [string, number, number, Uint8Array, readonly Uint8Array[], Uint8Array][] = [
      ["index - 1", v.index - 1, v.size, leaf, proof, root],
      ["index + 1", v.index + 1, v.size, leaf, proof, root],
      ["index ^ 2", v.index ^ 2, v.size, leaf, proof, root],
      ["size * 2", v.index, v.size * 2, leaf, proof, root],
      ["size / 2", v.index, Math.floor(v.size / 2), leaf, proof, root],
      ["wrong leaf", v.index, v.size, utf8("WrongLeaf"), proof, root],
      ["empty root", v.index, v.size, leaf, proof, emptyRoot()],
      ["random root", v.index, v.size, leaf, proof, SOME_HASH],
      ["trailing garbage", v.index, v.size, leaf, [...proof, new Uint8Array(0)], root],
      ["trailing root", v.index, v.size, leaf, [...proof, root], root],
      ["preceding garbage", v.index, v.size, leaf, [new Uint8Array(0), ...proof], root],
      ["preceding root", v.index, v.size, leaf, [root, ...proof], root],
      ["removed component", v.index, v.size, leaf, proof.slice(0, -1), root],
      ["inserted component", v.index, v.size, leaf, [proof[0] as Uint8Array, SOME_HASH, ...proof.slice(1)], root],
      ...proof.map((_, i): [string, number, number, Uint8Array, Uint8Array[], Uint8Array] => [`proof[${i}] bit 3`, v.index, v.size, leaf, proof.map((x, j) => (j === i ? flipBit(x) : x)), root]),
    ];
    const accepted = probes.filter(([, i, n, l, pr, r]) => verifyInclusion(i, n, l, pr, r)).map(([d]) => d);
    expect(accepted).toEqual([]);
  });

  it.each(CT_CONSISTENCY.map((v) => [`${v.oldSize} -> ${v.newSize}`, v] as const))("consistency proof %s: generated, verified, corruptions refused", (_t, v) => {
    const proof = v.proof.map(h);
    expect(consistencyProof(ctLeaves, v.oldSize, v.newSize).map(toHex)).toEqual(v.proof);
    const [r1, r2] = [ctRoot(v.oldSize), ctRoot(v.newSize)];
    expect(verifyConsistency(v.oldSize, v.newSize, r1, r2, proof)).toBe(true);
    // The probes of corruptConsistencyProof() in verify_test.go.
    const probes: [string, number, number, Uint8Array, Uint8Array, readonly Uint8Array[]][] = [
      ["size1 - 1", v.oldSize - 1, v.newSize, r1, r2, proof],
      ["size1 + 1", v.oldSize + 1, v.newSize, r1, r2, proof],
      ["size1 ^ 2", v.oldSize ^ 2, v.newSize, r1, r2, proof],
      ["size2 * 2", v.oldSize, v.newSize * 2, r1, r2, proof],
      ["size2 / 2", v.oldSize, Math.floor(v.newSize / 2), r1, r2, proof],
      ["wrong root1", v.oldSize, v.newSize, utf8("WrongRoot"), r2, proof],
      ["wrong root2", v.oldSize, v.newSize, r1, utf8("WrongRoot"), proof],
      ["swapped roots", v.oldSize, v.newSize, r2, r1, proof],
      ["empty proof", v.oldSize, v.newSize, r1, r2, []],
      ["trailing garbage", v.oldSize, v.newSize, r1, r2, [...proof, new Uint8Array(0)]],
      ["trailing root1", v.oldSize, v.newSize, r1, r2, [...proof, r1]],
      ["trailing root2", v.oldSize, v.newSize, r1, r2, [...proof, r2]],
      ["preceding garbage", v.oldSize, v.newSize, r1, r2, [new Uint8Array(0), ...proof]],
      ["preceding root1", v.oldSize, v.newSize, r1, r2, [r1, ...proof]],
      ["preceding root2", v.oldSize, v.newSize, r1, r2, [r2, ...proof]],
      ["preceding proof[0]", v.oldSize, v.newSize, r1, r2, [proof[0] as Uint8Array, ...proof]],
      ["truncated proof", v.oldSize, v.newSize, r1, r2, proof.slice(0, -1)],
      ...proof.map((_, i): [string, number, number, Uint8Array, Uint8Array, Uint8Array[]] => [`proof[${i}] bit 4`, v.oldSize, v.newSize, r1, r2, proof.map((x, j) => (j === i ? flipBit(x, 4) : x))]),
    ];
    const accepted = probes.filter(([, m, n, a, b, pr]) => verifyConsistency(m, n, a, b, pr)).map(([d]) => d);
    expect(accepted).toEqual([]);
  });

  it("edge cases of TestVerifyConsistency: equal sizes, size 0, time travel", () => {
    const [a, b] = [utf8("don't care 1"), utf8("don't care 2")];
    expect(verifyConsistency(0, 0, a, a, [])).toBe(false); // roots are not hashes
    expect(verifyConsistency(0, 1, a, b, [])).toBe(true); // the empty tree is a prefix of all
    expect(verifyConsistency(1, 1, ctRoot(1), ctRoot(1), [])).toBe(true);
    expect(verifyConsistency(1, 1, ctRoot(1), ctRoot(2), [])).toBe(false);
    expect(verifyConsistency(1, 1, ctRoot(1), ctRoot(1), [emptyRoot()])).toBe(false);
    expect(verifyConsistency(1, 0, a, b, [])).toBe(false);
    expect(verifyConsistency(2, 1, a, b, [])).toBe(false);
    expect(verifyConsistency(1, 2, ctRoot(1), ctRoot(2), [])).toBe(false);
  });

  it("single leaf: the root is the leaf hash and the proof is empty", () => {
    const leaf = leafHash(utf8("data"));
    expect(verifyInclusion(0, 1, leaf, [], leaf)).toBe(true);
    expect(verifyInclusion(0, 1, leaf, [], new Uint8Array(0))).toBe(false);
    expect(verifyInclusion(0, 1, new Uint8Array(0), [], leaf)).toBe(false);
    for (const [i, n] of [[0, 0], [1, 0], [2, 1]] as const) expect(verifyInclusion(i, n, SOME_HASH, [], SOME_HASH)).toBe(false);
  });

  it("the selftest entries pass on both backends, and fail with a wrong SHA-256", async () => {
    for (const b of await loadBackends()) for (const k of MERKLE_KATS) expect(() => k.run(b)).not.toThrow();
    const bad = { ...p, sha256: (m: Uint8Array) => flipBit(p.sha256(m)) };
    for (const k of MERKLE_KATS) expect(() => k.run(bad)).toThrow();
  });
});

// ---------------------------------------------------------------------------------------
// Every tree size up to 64, against signed tree heads
// ---------------------------------------------------------------------------------------

const LOG_SEED = p.sha256(utf8("test log key"));
const LOG_PUB = p.ed25519PublicKey(LOG_SEED);
const MAX = 64;

/** A log of `entries` and a signed head for every size 0..n. */
function logWithHeads(entries: readonly Uint8Array[]): { log: MerkleLog; heads: SignedTreeHead[] } {
  const log = new MerkleLog();
  const heads = [log.signedHead(LOG_SEED, 0)];
  entries.forEach((e, i) => {
    log.append(e);
    heads.push(log.signedHead(LOG_SEED, i + 1));
  });
  return { log, heads };
}

// Distinct entries (each starts with its index): with two equal sibling leaves, a proof for one
// would also hold at the other's index, which is right, but not the tamper this test wants.
const entriesArb = fc.array(fc.uint8Array({ maxLength: 24 }), { minLength: MAX, maxLength: MAX }).map((es) => es.map((e, i) => Uint8Array.of(i, ...e)));

describe("properties: every size 1..64", () => {
  it("every inclusion proof verifies against the signed head of its size; a tampered proof, index, leaf or root fails", () => {
    fc.assert(
      fc.property(entriesArb, fc.nat(), (entries, salt) => {
        const { log, heads } = logWithHeads(entries);
        for (let n = 1; n <= MAX; n++) {
          const sth = heads[n] as SignedTreeHead;
          expect(verifyTreeHead(LOG_PUB, sth)).toBe(true);
          expect(toHex(sth.root)).toBe(toHex(log.root(n)));
          for (let i = 0; i < n; i++) {
            const leaf = leafHash(entries[i] as Uint8Array);
            const proof = log.inclusionProof(i, n);
            expect(verifyInclusion(i, sth.size, leaf, proof, sth.root)).toBe(true);
            // Tampering, one at a time (the choice of element and bit comes from `salt`).
            if (proof.length > 0) {
              const k = (salt + i) % proof.length;
              expect(verifyInclusion(i, n, leaf, proof.map((x, j) => (j === k ? flipBit(x, (salt + n) % 8) : x)), sth.root)).toBe(false);
              expect(verifyInclusion((i + 1 + (salt % (n - 1 || 1))) % n, n, leaf, proof, sth.root)).toBe(i === (i + 1 + (salt % (n - 1 || 1))) % n);
            }
            expect(verifyInclusion(i, n, leafHash(Uint8Array.of(...(entries[i] as Uint8Array), 0)), proof, sth.root)).toBe(false);
            expect(verifyInclusion(i, n, leaf, proof, flipBit(sth.root, salt % 8))).toBe(false);
          }
        }
      }),
      { numRuns: 3 },
    );
  });

  it("every consistency proof verifies between the signed heads of its two sizes; a tampered one fails", () => {
    fc.assert(
      fc.property(entriesArb, fc.nat(), (entries, salt) => {
        const { log, heads } = logWithHeads(entries);
        for (const sth of heads) expect(verifyTreeHead(LOG_PUB, sth)).toBe(true);
        for (let n = 1; n <= MAX; n++) {
          for (let m = 1; m <= n; m++) {
            const [a, b] = [heads[m] as SignedTreeHead, heads[n] as SignedTreeHead];
            const proof = log.consistencyProof(m, n);
            // headsConsistent() would verify both signatures again: checked once above.
            expect(verifyConsistency(a.size, b.size, a.root, b.root, proof)).toBe(true);
            if (n === MAX) expect(headsConsistent(a, b, proof, LOG_PUB)).toEqual({ bothSigned: true, consistent: true });
            if (m < n) {
              const k = salt % proof.length;
              expect(verifyConsistency(m, n, a.root, b.root, proof.map((x, j) => (j === k ? flipBit(x, (salt + m) % 8) : x)))).toBe(false);
              expect(verifyConsistency(m, n, flipBit(a.root), b.root, proof)).toBe(false);
              expect(verifyConsistency(m, n, a.root, flipBit(b.root), proof)).toBe(false);
            }
          }
        }
      }),
      { numRuns: 2 },
    );
  });

  it("an inclusion proof can also verify for another claimed size with the same root: only a signed head pins the size", () => {
    const { log, heads } = logWithHeads(CT_LEAVES.map(h));
    // Leaf 0 of the 3-leaf tree: the same path and root also "prove" it in a tree of 4.
    const proof = log.inclusionProof(0, 3);
    const sth3 = heads[3] as SignedTreeHead;
    expect(verifyInclusion(0, 3, ctLeaves[0] as Uint8Array, proof, sth3.root)).toBe(true);
    expect(verifyInclusion(0, 4, ctLeaves[0] as Uint8Array, proof, sth3.root)).toBe(true);
    // Many such pairs exist: the proof alone never tells the size.
    const leaves16 = [...ctLeaves, ...ctLeaves];
    let ambiguous = 0;
    for (let n = 1; n <= 16; n++) {
      const root = rootHash(leaves16.slice(0, n));
      for (let i = 0; i < n; i++) {
        const path = inclusionProof(leaves16, i, n);
        for (let n2 = 1; n2 <= 32; n2++) if (n2 !== n && verifyInclusion(i, n2, leaves16[i] as Uint8Array, path, root)) ambiguous++;
      }
    }
    expect(ambiguous).toBeGreaterThan(0);
    // A client that takes (size, root) from a signed head cannot be told "size 4, this root":
    // the log never signed that pair.
    const claimed: SignedTreeHead = { ...sth3, size: 4 };
    expect(verifyTreeHead(LOG_PUB, sth3)).toBe(true);
    expect(verifyTreeHead(LOG_PUB, claimed)).toBe(false);
  });
});

describe("signed tree heads", () => {
  it("sign RFC 9162's TreeHeadDataToBeSigned: timestamp, size, length-prefixed root, no extensions", () => {
    const root = ctRoot(8);
    expect(toHex(treeHeadMessage(8, 1000, root))).toBe("00000000000003e8" + "0000000000000008" + "20" + toHex(root) + "0000");
    const sth = signTreeHead(LOG_SEED, { size: 8, timestamp: 1000, root });
    expect(verifyTreeHead(LOG_PUB, sth)).toBe(true);
    expect(verifyTreeHead(LOG_PUB, { ...sth, timestamp: 1001 })).toBe(false);
    expect(verifyTreeHead(LOG_PUB, { ...sth, root: ctRoot(7) })).toBe(false);
    expect(verifyTreeHead(LOG_PUB, { ...sth, root: new Uint8Array(31) })).toBe(false);
    expect(verifyTreeHead(p.ed25519PublicKey(new Uint8Array(32)), sth)).toBe(false);
    expect(() => treeHeadMessage(-1, 0, root)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------
// The key directory
// ---------------------------------------------------------------------------------------

function account(name: string, devices: string[]) {
  const seed = p.sha256(utf8(`identity ${name}`));
  const deviceKeys = devices.map((d) => ({ id: d, pub: p.x25519Base(p.sha256(utf8(`device ${name} ${d}`))) }));
  const bundle: KeyBundle = { account: name, identityKey: p.ed25519PublicKey(seed), devices: deviceKeys.map((d) => signDeviceKey(seed, name, d.id, d.pub)) };
  return { seed, bundle, deviceKeys: deviceKeys.map((d) => d.pub) };
}

describe("key directory", () => {
  const alice = account("alice", ["phone", "laptop"]);
  const bob = account("bob", ["phone"]);
  const ghostDevice = { id: "phone-2", publicKey: p.x25519Base(p.sha256(utf8("ghost"))), signature: new Uint8Array(64) };

  it("entries round-trip, and malformed ones are refused", () => {
    expect(decodeEntry(encodeEntry(alice.bundle))).toEqual(alice.bundle);
    const e = encodeEntry(alice.bundle);
    expect(() => decodeEntry(e.subarray(0, e.length - 1))).toThrow(TypeError);
    expect(() => decodeEntry(Uint8Array.of(...e, 0))).toThrow(TypeError);
    expect(() => decodeEntry(utf8("x".repeat(40)))).toThrow(TypeError);
  });

  it("device keys verify under their identity key only", () => {
    expect(unsignedDevices(alice.bundle)).toEqual([]);
    const withGhost = { ...bob.bundle, devices: [...bob.bundle.devices, ghostDevice] };
    expect(unsignedDevices(withGhost).map((d) => d.id)).toEqual(["phone-2"]);
    // Signed by another identity: still not Bob's.
    const signedByAlice = signDeviceKey(alice.seed, "bob", "phone-2", ghostDevice.publicKey);
    expect(unsignedDevices({ ...bob.bundle, devices: [signedByAlice] })).toHaveLength(1);
    // A signature for another account name does not transfer.
    const renamed = { ...alice.bundle, account: "mallory" };
    expect(unsignedDevices(renamed)).toHaveLength(2);
  });

  it("a lookup verifies; a bundle that is not in the log does not; a forged head does not", () => {
    const dir = new KeyDirectory(LOG_SEED, 0);
    dir.publish(alice.bundle);
    dir.publish(bob.bundle);
    expect(lookupInLog(dir.lookup("bob"), dir.logPublicKey)).toEqual({ headSigned: true, included: true });
    const ghost = dir.serve({ ...bob.bundle, devices: [...bob.bundle.devices, ghostDevice] });
    expect(lookupInLog(ghost, dir.logPublicKey)).toEqual({ headSigned: true, included: false });
    const other = new KeyDirectory(p.sha256(utf8("other log")), 0);
    other.publish(bob.bundle);
    expect(lookupInLog(other.lookup("bob"), dir.logPublicKey)).toEqual({ headSigned: false, included: false });
    expect(() => dir.lookup("carol")).toThrow(RangeError);
  });

  it("the owner's monitor finds a device she never added, once it is logged", () => {
    const dir = new KeyDirectory(LOG_SEED, 0);
    dir.publish(alice.bundle);
    dir.publish(bob.bundle);
    const mine = { identityKey: bob.bundle.identityKey, deviceKeys: bob.deviceKeys };
    let head = dir.head();
    expect(monitorOwnEntries(mine, dir.entriesOf("bob", head), head, dir.logPublicKey)).toEqual({ proofsValid: true, findings: [] });
    dir.publish({ ...bob.bundle, devices: [...bob.bundle.devices, ghostDevice] });
    head = dir.head();
    const r = monitorOwnEntries(mine, dir.entriesOf("bob", head), head, dir.logPublicKey);
    expect(r).toEqual({ proofsValid: true, findings: [{ index: 2, foreignIdentity: false, unknownDevices: ["phone-2"] }] });
    // A substituted identity is found too.
    dir.publish({ ...bob.bundle, identityKey: alice.bundle.identityKey });
    head = dir.head();
    expect(monitorOwnEntries(mine, dir.entriesOf("bob", head), head, dir.logPublicKey).findings.map((f) => f.foreignIdentity)).toEqual([false, true]);
  });

  it("a split view: two signed heads that no consistency proof joins; an honest pair is joined", () => {
    const dir = new KeyDirectory(LOG_SEED, 0);
    dir.publish(alice.bundle);
    dir.publish(bob.bundle);
    const before = dir.head();
    const forAlice = dir.fork();
    forAlice.publish({ ...bob.bundle, devices: [...bob.bundle.devices, ghostDevice] });
    dir.publish(account("carol", ["phone"]).bundle);
    dir.publish(account("dave", ["phone"]).bundle);
    const [headA, headB] = [forAlice.head(), dir.head()];
    expect(headsConsistent(before, headB, dir.consistencyProof(before.size, headB.size), dir.logPublicKey)).toEqual({ bothSigned: true, consistent: true });
    for (const proof of [dir.consistencyProof(headA.size, headB.size), forAlice.consistencyProof(before.size, headA.size), []]) {
      expect(headsConsistent(headA, headB, proof, dir.logPublicKey)).toEqual({ bothSigned: true, consistent: false });
    }
  });
});
