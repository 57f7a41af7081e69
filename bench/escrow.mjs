// Escrowed messages opened per second: doormat's bulk decryption (the demo's code path, over
// every core and on one thread) beside age-encryption (typage) opening the same files.
// Run by bench/bench.mjs, or alone after `npm run build`: node bench/escrow.mjs
// BENCH_QUICK=1: fewer messages. BENCH_JSON=1: JSON on stdout.
import { availableParallelism } from "node:os";
import { createBulkCrypto } from "../dist/demo/parallel.js";
import { encryptJobs } from "../dist/demo/jobs.js";
import { encodeIdentity, generateKeyPair } from "../dist/crypto/keys.js";
import { secureRandom } from "../dist/crypto/random.js";
import { primitives } from "../dist/crypto/primitives.js";
import { Decrypter } from "age-encryption";

const N = process.env.BENCH_QUICK ? 2000 : 20000;
const recipient = generateKeyPair(secureRandom);
const authority = generateKeyPair(secureRandom);
// ~200-byte messages, each to one recipient and escrowed to one authority.
const plaintexts = Array.from({ length: N }, (_, i) => new TextEncoder().encode(`message ${i}: `.padEnd(200, "x")));
const jobs = plaintexts.map((plaintext) => ({ plaintext, to: [recipient.publicKey], escrow: [authority.publicKey] }));
const files = encryptJobs(jobs, 0, undefined);
const open = files.map((ciphertext, i) => ({ ciphertext, plaintextHash: primitives.sha256(plaintexts[i]) }));

async function doormatRate(threads) {
  const bulk = createBulkCrypto(threads);
  try {
    await bulk.open(authority.secretKey, open.slice(0, Math.min(N, 1000))); // start and warm the workers
    let best = 0;
    for (let run = 0; run < 3; run++) {
      const t = performance.now();
      const result = await bulk.open(authority.secretKey, open);
      const dt = (performance.now() - t) / 1000;
      const opened = result.reduce((a, b) => a + b, 0);
      if (opened !== N) throw new Error(`doormat opened ${opened} of ${N}`);
      best = Math.max(best, N / dt);
    }
    return best;
  } finally {
    await bulk.close();
  }
}

async function typageRate() {
  // typage cannot read the lawful-access stanza, so it opens the same files as the recipient:
  // the same work (one X25519, the HKDFs, two AEADs), through its X25519 stanza.
  const d = new Decrypter();
  d.addIdentity(encodeIdentity(recipient.secretKey));
  const n = Math.min(N, 2000);
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const pt = await d.decrypt(files[i]);
    if (pt.length !== plaintexts[i].length) throw new Error("typage: wrong plaintext");
  }
  return n / ((performance.now() - t) / 1000);
}

const cores = availableParallelism();
const all = await doormatRate(cores);
const one = await doormatRate(1);
const typage = await typageRate();
const result = {
  messages: N,
  message_bytes: plaintexts[0].length,
  file_bytes: files[0].length,
  cores,
  doormat_all_cores_per_s: Math.round(all),
  doormat_one_thread_per_s: Math.round(one),
  age_encryption_per_s: Math.round(typage),
  ratio_to_age_encryption: Number((all / typage).toFixed(1)),
  goal_per_s: 10000,
  goal_met: all >= 10000,
};
if (process.env.BENCH_JSON) {
  console.log(JSON.stringify(result));
} else {
  console.log(`escrowed ${result.message_bytes}-byte messages (${result.file_bytes}-byte files), ${N} opened by the authority key:`);
  console.log(`  doormat, ${cores} threads:   ${result.doormat_all_cores_per_s.toLocaleString("en-US")} msg/s  (${result.ratio_to_age_encryption}x age-encryption; goal 10,000: ${result.goal_met ? "met" : "MISSED"})`);
  console.log(`  doormat, 1 thread:    ${result.doormat_one_thread_per_s.toLocaleString("en-US")} msg/s`);
  console.log(`  age-encryption:       ${result.age_encryption_per_s.toLocaleString("en-US")} msg/s  (as the recipient; it cannot read lawful-access stanzas)`);
}
