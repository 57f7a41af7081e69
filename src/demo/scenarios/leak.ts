/**
 * `doormat demo leak`: lawful access works as designed — until the escrow key leaks.
 *
 * Everything counted here is counted from real operations: every message is encrypted with
 * the same age code the CLI uses, every "opened" is a successful decryption whose plaintext
 * was compared with what was sent, every "stayed closed" is a decryption that failed.
 *
 * @module
 */
import { decrypt } from "../../crypto/age.js";
import { NoMatchError } from "../../crypto/errors.js";
import { equalBytes, fromUtf8, utf8 } from "../../crypto/bytes.js";
import { authorityId, encodeIdentity, encodeRecipient, generateKeyPair, parseIdentityFile, type X25519KeyPair } from "../../crypto/keys.js";
import { primitives } from "../../crypto/primitives.js";
import type { RandomSource } from "../../crypto/random.js";
import { AuthorityIdentity } from "../../crypto/recipients/escrow.js";
import { X25519Identity } from "../../crypto/recipients/x25519.js";
import type { DemoEvent } from "../events.js";
import { FACTS } from "../facts.js";
import { intOption, type ScenarioContext } from "../scenario.js";
import { countOf, formatCount as fmt, plural } from "../../ui/numbers.js";

/** The governments that signed the 2019 open letter (docs/SOURCES.md, letter2019). */
const AUTHORITY_NAMES = ["United States", "United Kingdom", "Australia", "Authority 4", "Authority 5"];

/** What people write to each other. Ordinary, which is the point. */
const TEXTS = [
  "my test results came back, can we talk tonight?",
  "the source agreed to meet; keep her name out of the draft",
  "I'm thinking of leaving the party. don't tell anyone yet",
  "door code for the flat is 4471, see you at 7",
  "here's the draft of the union letter",
  "the clinic moved my appointment to Thursday",
  "transfer done, check the account",
  "I still love you. call me",
  "lawyer says don't sign anything until Monday",
  "photos from the protest are in the shared folder",
] as const;

/** One intercepted ciphertext and what the scenario knows about it (ground truth). */
interface Recorded {
  readonly id: number;
  readonly from: number;
  readonly to: number;
  readonly ciphertext: Uint8Array;
  readonly plaintextHash: Uint8Array;
}

function randInt(random: RandomSource, n: number): number {
  const b = random(4);
  const x = (((b[0] as number) << 24) | ((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)) >>> 0;
  return x % n; // a bias below 1e-6 for demo-sized n: fine for picking who talks to whom
}

/** Files written between two progress events when writing the world. */
const WORLD_SLICE = 1000;

const pad = (n: number, width = 4): string => String(n).padStart(width, "0");
const userName = (i: number): string => `user-${pad(i + 1)}`;

/** Number of 1s. */
const count = (flags: Uint8Array): number => flags.reduce((n, f) => n + f, 0);

/** Await bulk work, reporting its progress every 100 ms until it is done. */
async function* track<T>(work: Promise<T>, ctx: ScenarioContext, total: number, task: string): AsyncGenerator<DemoEvent, T> {
  let settled = false;
  const done = work.finally(() => {
    settled = true;
  });
  done.catch(() => {}); // the error is rethrown below
  while (!settled) {
    await Promise.race([done.catch(() => {}), new Promise((r) => setTimeout(r, 100))]);
    if (!settled) yield { type: "progress", task, done: Math.min(ctx.bulk.done(), total - 1), total };
  }
  const value = await work;
  yield { type: "progress", task, done: total, total };
  return value;
}

/** Try to open one message; true only if it decrypted to exactly what was sent. */
function opens(identity: AuthorityIdentity | X25519Identity, m: Recorded): boolean {
  try {
    return equalBytes(primitives.sha256(decrypt(m.ciphertext, [identity])), m.plaintextHash);
  } catch (e) {
    if (e instanceof NoMatchError) return false;
    throw e;
  }
}

function demoKeyFile(kp: X25519KeyPair, seed: string | undefined, extra: string[] = []): string {
  return [
    `# DEMO KEY made by "doormat demo leak"${seed !== undefined ? ` from --seed ${JSON.stringify(seed)}: anyone with the seed can remake it` : ""}. Not for real use.`,
    ...extra,
    `# public key: ${encodeRecipient(kp.publicKey)}`,
    encodeIdentity(kp.secretKey),
    "",
  ].join("\n");
}

/** The leak scenario (options and title: see ../registry.ts). */
export async function* run(ctx: ScenarioContext): AsyncGenerator<DemoEvent, void, void> {
  const { random } = ctx;
  const nUsers = intOption(ctx.options, "users");
  const nMessages = intOption(ctx.options, "messages");
  const nAuthorities = intOption(ctx.options, "authorities");

  // ── Scene 1 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 1, title: "A key under the doormat" };
  yield { type: "fact", ...FACTS.letter2019 };
  yield { type: "narration", text: "doormat builds exactly that \"means for lawful access\": every message key is also wrapped to a government escrow key. Then it shows what happens when that key leaks. All cryptography below is real and happens now, on this machine." };
  const users: X25519KeyPair[] = [];
  // In slices, with progress between them: a large run is never silent.
  const KEYGEN_SLICE = 2000;
  for (let i = 0; i < nUsers; i++) {
    users.push(generateKeyPair(random));
    if ((i + 1) % KEYGEN_SLICE === 0 && i + 1 < nUsers) yield { type: "progress", task: "generating user keys", done: i + 1, total: nUsers };
  }
  if (nUsers > KEYGEN_SLICE) yield { type: "progress", task: "generating user keys", done: nUsers, total: nUsers };
  const authorities = AUTHORITY_NAMES.slice(0, nAuthorities).map((name) => ({ name, key: generateKeyPair(random) }));
  yield { type: "step", text: `generated ${plural(nUsers, "X25519 key pair")}, one per user` };
  for (const a of authorities) yield { type: "step", text: `authority "${a.name}" holds escrow key ${authorityId(a.key.publicKey)}` };
  yield { type: "metric", name: "users", label: "users", value: nUsers, unit: "" };
  yield { type: "metric", name: "authorities", label: "escrow authorities", value: nAuthorities, unit: "" };
  if (ctx.world) {
    for (let i = 0; i < nUsers; i++) {
      await ctx.world.write(`keys/users/${userName(i)}.key`, demoKeyFile(users[i] as X25519KeyPair, ctx.seed), { secret: true });
      if ((i + 1) % WORLD_SLICE === 0 || i + 1 === nUsers) yield { type: "progress", task: "writing user keys", done: i + 1, total: nUsers };
    }
    for (const a of authorities) {
      const id = authorityId(a.key.publicKey);
      await ctx.world.write(`keys/authorities/${id}.key`, demoKeyFile(a.key, ctx.seed, [`# authority: ${a.name}`, `# authority id: ${id}`]), { secret: true });
    }
  }
  yield { type: "pause" };

  // ── Scene 2 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 2, title: "Two services, one interceptor" };
  yield { type: "narration", text: "The same people use two messengers. SafeChat is end-to-end encrypted: only the recipient's key opens a message. LawfulChat obeys the mandate: each message also carries one lawful-access stanza per authority. An interceptor records every ciphertext of both (harvest now, decrypt later)." };
  const escrow = authorities.map((a) => a.key.publicKey);
  // Who writes what to whom comes from the scenario's randomness; the encryption itself runs
  // in bulk over every core (randomness per message, so --seed output is the same however
  // many threads did the work).
  let nextJob = 0;
  const compose = (count: number): { from: number; to: number; plaintext: Uint8Array }[] =>
    Array.from({ length: count }, () => {
      const from = randInt(random, nUsers);
      const to = (from + 1 + randInt(random, nUsers - 1)) % nUsers;
      return { from, to, plaintext: utf8(`${userName(from)} to ${userName(to)}: ${TEXTS[randInt(random, TEXTS.length)]}\n`) };
    });
  /** Send messages on both services; returns [SafeChat, LawfulChat] records. */
  async function* send(count: number, firstId: number, escrowTo: readonly Uint8Array[], task: string | null): AsyncGenerator<DemoEvent, [Recorded[], Recorded[]]> {
    const msgs = compose(count);
    const jobs = msgs.flatMap((m) => [
      { plaintext: m.plaintext, to: [(users[m.to] as X25519KeyPair).publicKey], escrow: [] },
      { plaintext: m.plaintext, to: [(users[m.to] as X25519KeyPair).publicKey], escrow: escrowTo },
    ]);
    const work = ctx.bulk.encrypt(jobs, ctx.seed === undefined ? undefined : `${ctx.seed}:${nextJob}`);
    nextJob += jobs.length;
    const ciphertexts = task === null ? await work : yield* track(work, ctx, jobs.length, task);
    const records = (service: number): Recorded[] =>
      msgs.map((m, i) => ({ id: firstId + i, from: m.from, to: m.to, ciphertext: ciphertexts[2 * i + service] as Uint8Array, plaintextHash: primitives.sha256(m.plaintext) }));
    return [records(0), records(1)];
  }
  let t0 = ctx.now();
  const [safeArchive, lawfulArchive] = yield* send(nMessages, 1, escrow, "encrypting and recording");
  const encryptSeconds = (ctx.now() - t0) / 1000;
  const archivedBytes = [...safeArchive, ...lawfulArchive].reduce((n, m) => n + m.ciphertext.length, 0);
  yield { type: "step", text: `encrypted ${plural(nMessages, "message")} on each service (${plural(2 * nMessages, "age file")}) in ${encryptSeconds.toFixed(2)} s` };
  // The intended recipients read their mail: check a sample on both services.
  const sample = Math.min(100, nMessages);
  let readable = 0;
  for (let i = 0; i < sample; i++) {
    const k = randInt(random, nMessages);
    const s = safeArchive[k] as Recorded;
    const l = lawfulArchive[k] as Recorded;
    const me = new X25519Identity((users[s.to] as X25519KeyPair).secretKey);
    if (opens(me, s) && opens(me, l)) readable++;
  }
  yield { type: "step", text: `recipients opened ${countOf(readable, sample, "sampled message")} on both services: escrow does not get in their way` };
  yield { type: "metric", name: "messages", label: "messages per service", value: nMessages, unit: "" };
  yield { type: "metric", name: "archived_bytes", label: "interceptor's archive", value: archivedBytes, unit: "bytes" };
  if (ctx.world) {
    let written = 0;
    for (const [service, archive] of [["safechat", safeArchive], ["lawfulchat", lawfulArchive]] as const) {
      for (const m of archive) {
        await ctx.world.write(`archive/${service}/${pad(m.id, 6)}.age`, m.ciphertext);
        if (++written % WORLD_SLICE === 0 || written === 2 * nMessages) yield { type: "progress", task: "writing the archive", done: written, total: 2 * nMessages };
      }
    }
  }
  yield { type: "pause" };

  // ── Scene 3 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 3, title: "Lawful access, as designed" };
  const first = authorities[0] as { name: string; key: X25519KeyPair };
  const target = (safeArchive[0] as Recorded).to;
  yield { type: "narration", text: `"${first.name}" obtains a warrant for ${userName(target)}. Its escrow agent looks up the authority id in each message's header and opens the target's messages with the escrow key.` };
  const agent = new AuthorityIdentity(first.key.secretKey, first.key.publicKey);
  const targetLawful = lawfulArchive.filter((m) => m.to === target || m.from === target);
  const targetSafe = safeArchive.filter((m) => m.to === target || m.from === target);
  const warrantOpened = targetLawful.filter((m) => opens(agent, m)).length;
  const warrantSafe = targetSafe.filter((m) => opens(agent, m)).length;
  yield { type: "result", tone: "neutral", text: `LawfulChat: opened ${countOf(warrantOpened, targetLawful.length, "message")} of ${userName(target)}` };
  yield { type: "result", tone: "good", text: `SafeChat: opened ${fmt(warrantSafe)} of ${fmt(targetSafe.length)}: end-to-end encryption has no third key` };
  yield { type: "narration", text: "So far, exactly what was asked for. But the escrow key opens every LawfulChat message, not just the target's: the warrant is a policy, the key is not." };
  yield { type: "metric", name: "warrant_opened", label: "target's messages opened by warrant", value: warrantOpened, unit: "" };
  yield { type: "pause" };

  // ── Scene 4 ────────────────────────────────────────────────────────────────────────────
  const leaked = authorities[authorities.length - 1] as { name: string; key: X25519KeyPair };
  const leakedId = authorityId(leaked.key.publicKey);
  yield { type: "scene", index: 4, title: "The leak" };
  yield { type: "fact", ...FACTS.saltTyphoon };
  yield { type: "fact", ...FACTS.athens };
  yield { type: "narration", text: `An insider copies the key file of "${leaked.name}" (authority ${leakedId}), or an intruder finds it. It is just a key file: the attacker loads it like any other.` };
  const keyFile = demoKeyFile(leaked.key, ctx.seed, [`# authority: ${leaked.name}`, `# authority id: ${leakedId}`]);
  const stolen = parseIdentityFile(keyFile).identities[0]?.key as X25519KeyPair;
  const attacker = new AuthorityIdentity(stolen.secretKey, stolen.publicKey);
  yield { type: "step", text: `attacker loaded the stolen key file (${utf8(keyFile).length} bytes): authority id ${attacker.authorityId}` };
  yield { type: "pause" };

  // ── Scene 5 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 5, title: "Everything opens at once" };
  yield { type: "narration", text: `The attacker runs the stolen key over the whole archive: ${plural(2 * nMessages, "recorded message")}. Each plaintext is checked against what was really sent.` };
  t0 = ctx.now();
  const opened = yield* track(ctx.bulk.open(stolen.secretKey, [...lawfulArchive, ...safeArchive]), ctx, 2 * nMessages, "decrypting the archive");
  const massSeconds = (ctx.now() - t0) / 1000;
  const lawfulOpened = count(opened.subarray(0, nMessages));
  const safeOpened = count(opened.subarray(nMessages));
  const rate = (2 * nMessages) / Math.max(massSeconds, 1e-9);
  const lawfulUsers = new Set(lawfulArchive.filter((_, i) => opened[i] === 1).map((m) => m.to)).size;
  yield { type: "result", tone: "bad", text: `LawfulChat: opened and verified ${countOf(lawfulOpened, nMessages, "message")}, of ${plural(lawfulUsers, "recipient")}` };
  yield { type: "result", tone: "good", text: `SafeChat: opened ${fmt(safeOpened)} of ${fmt(nMessages)}` };
  yield { type: "step", text: `${plural(2 * nMessages, "decryption attempt")} in ${massSeconds.toFixed(2)} s: ${fmt(Math.round(rate))} per second` };
  const shown = lawfulArchive.find((m) => opens(attacker, m));
  if (shown) yield { type: "step", text: `e.g. message ${shown.id}: "${fromUtf8(decrypt(shown.ciphertext, [attacker])).trimEnd()}"` };
  yield { type: "metric", name: "lawful_opened", label: "LawfulChat messages opened by the attacker", value: lawfulOpened, unit: "" };
  yield { type: "metric", name: "e2ee_opened", label: "SafeChat messages opened by the attacker", value: safeOpened, unit: "" };
  yield { type: "metric", name: "mass_seconds", label: "mass decryption time", value: massSeconds, unit: "s" };
  yield { type: "metric", name: "attempts_per_second", label: "decryption attempts per second", value: rate, unit: "/s" };
  yield { type: "pause" };

  // ── Scene 6 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 6, title: "Aftermath" };
  // A tenth of the traffic, at most 2,000 messages: enough to count, and the largest run stays short.
  const batch = Math.max(10, Math.min(2000, Math.floor(nMessages / 10)));
  yield { type: "narration", text: `Nobody notices at first. LawfulChat keeps escrowing to the same keys: ${plural(batch, "new message")} ${batch === 1 ? "is" : "are"} sent after the leak.` };
  const [, future] = yield* send(batch, nMessages + 1, escrow, null);
  const futureOpened = future.filter((m) => opens(attacker, m)).length;
  yield { type: "result", tone: "bad", text: `future traffic: the stolen key opened ${fmt(futureOpened)} of ${fmt(batch)}` };
  const rotated = authorities.map((a) => ({ name: a.name, key: generateKeyPair(random) }));
  const [, afterRotationMessages] = yield* send(batch, nMessages + batch + 1, rotated.map((a) => a.key.publicKey), null);
  const afterRotation = afterRotationMessages.filter((m) => opens(attacker, m)).length;
  yield { type: "narration", text: "The breach is found and every authority rotates its escrow key. New messages are safe from the old key..." };
  yield { type: "result", tone: "good", text: `after rotation: the stolen key opened ${countOf(afterRotation, batch, "new message")}` };
  let stillOpen = 0;
  const recheck = Math.min(200, nMessages);
  for (let i = 0; i < recheck; i++) if (opens(attacker, lawfulArchive[randInt(random, nMessages)] as Recorded)) stillOpen++;
  yield { type: "result", tone: "bad", text: `...but the archive was recorded before: re-checked ${fmt(recheck)}, still ${fmt(stillOpen)} open. Rotation cannot reach ciphertext already taken.` };
  if (authorities.length > 1) {
    yield { type: "narration", text: `Each LawfulChat message was escrowed to ${authorities.length} authorities. Which one has to leak?` };
    const probe = Math.min(100, nMessages);
    for (const a of authorities) {
      const id = new AuthorityIdentity(a.key.secretKey, a.key.publicKey);
      let n = 0;
      for (let i = 0; i < probe; i++) if (opens(id, lawfulArchive[i] as Recorded)) n++;
      yield { type: "result", tone: "bad", text: `the key of "${a.name}" alone opens ${fmt(n)} of ${fmt(probe)}` };
    }
    yield { type: "narration", text: "Any one of them. Every authority added is one more doormat." };
  }
  yield { type: "fact", ...FACTS.doormats2015 };
  yield { type: "metric", name: "future_opened", label: "post-leak messages opened", value: futureOpened, unit: "" };
  yield { type: "metric", name: "rotated_opened", label: "post-rotation messages opened by the old key", value: afterRotation, unit: "" };
  yield { type: "metric", name: "archive_still_open", label: "archive messages still open after rotation", value: stillOpen, unit: "" };
  yield { type: "pause" };

  // ── Summary ─────────────────────────────────────────────────────────────────────────────
  yield {
    type: "summary",
    title: "What one leaked key did",
    rows: [
      { label: "users / messages per service", value: `${fmt(nUsers)} / ${fmt(nMessages)}`, tone: "neutral" },
      { label: "LawfulChat opened by the stolen key", value: `${fmt(lawfulOpened)} of ${fmt(nMessages)}`, tone: "bad" },
      { label: "SafeChat (end-to-end) opened", value: `${fmt(safeOpened)} of ${fmt(nMessages)}`, tone: "good" },
      { label: "time to decrypt the whole archive", value: `${massSeconds.toFixed(2)} s (${fmt(Math.round(rate))} msg/s)`, tone: "neutral" },
      { label: "post-leak traffic opened", value: `${fmt(futureOpened)} of ${fmt(batch)}`, tone: "bad" },
      { label: "archive still open after rotation", value: `${fmt(stillOpen)} of ${fmt(recheck)}`, tone: "bad" },
    ],
    metrics: {
      users: nUsers,
      messages: nMessages,
      authorities: nAuthorities,
      lawful_opened: lawfulOpened,
      e2ee_opened: safeOpened,
      warrant_opened: warrantOpened,
      warrant_total: targetLawful.length,
      warrant_e2ee_opened: warrantSafe,
      recipients_sample_ok: readable,
      recipients_sample: sample,
      future_opened: futureOpened,
      future_total: batch,
      rotated_opened: afterRotation,
      rotated_total: batch,
      archive_still_open: stillOpen,
      archive_rechecked: recheck,
      encrypt_seconds: encryptSeconds,
      mass_seconds: massSeconds,
      attempts_per_second: rate,
    },
  };
  if (ctx.world) {
    const manifest = {
      scenario: "leak",
      seed: ctx.seed ?? null,
      users: nUsers,
      messages: nMessages,
      authorities: authorities.map((a) => ({ name: a.name, authority_id: authorityId(a.key.publicKey), key_file: `keys/authorities/${authorityId(a.key.publicKey)}.key`, recipient: encodeRecipient(a.key.publicKey) })),
      leaked_authority_id: leakedId,
      archive: safeArchive.map((m) => ({ id: m.id, from: userName(m.from), to: userName(m.to), safechat: `archive/safechat/${pad(m.id, 6)}.age`, lawfulchat: `archive/lawfulchat/${pad(m.id, 6)}.age` })),
    };
    await ctx.world.write("manifest.json", JSON.stringify(manifest, null, 2) + "\n");
    const to = userName((safeArchive[0] as Recorded).to);
    const name = ctx.world.name;
    const leakedKey = `keys/authorities/${leakedId}.key`;
    await ctx.world.write("README.txt", [
      `The world of one run of "doormat demo leak"${ctx.seed !== undefined ? ` --seed ${JSON.stringify(ctx.seed)}` : ""}: ${plural(nUsers, "user")}, ${plural(nMessages, "message")} per service.`,
      "manifest.json says who sent each message to whom, which file is which, and which",
      `authority key leaked (${leakedId}, "${leaked.name}").`,
      "",
      `Run these commands in this directory. From the directory that holds it, first:  cd ${/^[A-Za-z0-9._/-]+$/.test(name) ? name : JSON.stringify(name)}`,
      "",
      "Stock age (https://age-encryption.org) opens both services' copies with the recipient's key:",
      `  age -d -i keys/users/${to}.key archive/safechat/000001.age`,
      `  age -d -i keys/users/${to}.key archive/lawfulchat/000001.age      # escrow is invisible to age`,
      "",
      "The leaked authority key opens LawfulChat (doormat reads escrow stanzas; stock age ignores",
      "them, so only doormat can show this), and not SafeChat:",
      `  doormat decrypt -i ${leakedKey} archive/lawfulchat/000001.age`,
      `  doormat decrypt -i ${leakedKey} archive/safechat/000001.age      # fails: no escrow stanza`,
      "  doormat inspect archive/lawfulchat/000001.age                    # who else can read it",
      "",
      "Every key here is a DEMO key, made for this run only; with --seed, anyone can remake them.",
      "",
    ].join("\n"));
  }
}
