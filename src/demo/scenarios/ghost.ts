/**
 * `doormat demo ghost`: GCHQ's "ghost" (2018): the provider silently adds a participant, and
 * what catches it: safety numbers, device signatures and key transparency — unless clients are
 * made to hide every check, which then hides anyone else's ghost too.
 *
 * Every count is a real operation: "read" is a successful age decryption whose plaintext equals
 * what was sent; "refused", "caught" and "detected" are an Ed25519 signature, Merkle inclusion or
 * consistency proof that failed to verify, or two safety numbers (SHA-512 × 5,200 per party)
 * that differ. The cryptography lives in src/crypto/ (signal/fingerprint.ts, transparency/).
 *
 * @module
 */
import { equalBytes, fromUtf8, toHex, utf8 } from "../../crypto/bytes.js";
import { generateKeyPair } from "../../crypto/keys.js";
import type { RandomSource } from "../../crypto/random.js";
import { X25519Identity } from "../../crypto/recipients/x25519.js";
import { fingerprintHash, formatSafetyNumber, safetyNumberFromHashes, scannedMatches, serializeIdentityKey, type SafetyNumber } from "../../crypto/signal/fingerprint.js";
import {
  KeyDirectory, generateAccountIdentity, headsConsistent, lookupInLog, monitorOwnEntries, signDeviceKey, unsignedDevices, type DeviceKey, type KeyBundle, type Lookup,
} from "../../crypto/transparency/directory.js";
import { openAsDevice, sealToDevices } from "../../crypto/transparency/fanout.js";
import type { DemoEvent } from "../events.js";
import { FACTS } from "../facts.js";
import { intOption, type ScenarioContext } from "../scenario.js";
import { countOf, formatCount as fmt, plural } from "../../ui/numbers.js";

/** The log's clock starts here (a fixed epoch, so --seed runs are identical). */
const EPOCH = Date.UTC(2026, 0, 1);

/** How many messages the conversation goes on for once the intruder's ghost is in. */
const LATER_MESSAGES = 4;

const LINES = [
  "are we still on for tomorrow?",
  "yes. bring the documents, not the laptop",
  "the lawyer wants the originals",
  "I told my sister. nobody else",
  "the clinic called back, it's benign",
  "can you delete the thread after reading?",
  "meeting moved to the back room",
  "I think I'm being followed",
] as const;

/** A device: its X25519 key pair (the identity that opens messages) and its signed public key. */
interface Device {
  readonly name: string;
  readonly opener: X25519Identity;
  readonly signed: DeviceKey;
}

/** An account as its owner holds it: identity key pair and devices. */
interface Account {
  readonly name: string;
  readonly identitySeed: Uint8Array;
  readonly identityKey: Uint8Array;
  readonly devices: Device[];
  readonly bundle: KeyBundle;
}

function makeAccount(name: string, deviceNames: readonly string[], random: RandomSource): Account {
  const { seed: identitySeed, publicKey: identityKey } = generateAccountIdentity(random);
  const devices = deviceNames.map((d): Device => {
    const kp = generateKeyPair(random);
    return { name: `${name}/${d}`, opener: new X25519Identity(kp.secretKey, kp.publicKey), signed: signDeviceKey(identitySeed, name, d, kp.publicKey) };
  });
  return { name, identitySeed, identityKey, devices, bundle: { account: name, identityKey, devices: devices.map((d) => d.signed) } };
}

/** A device the provider makes itself: its key pair, "signed" by a key that is not the account's. */
function makeGhostDevice(account: string, id: string, signerSeed: Uint8Array, random: RandomSource): Device {
  const kp = generateKeyPair(random);
  return { name: `${account}/${id}`, opener: new X25519Identity(kp.secretKey, kp.publicKey), signed: signDeviceKey(signerSeed, account, id, kp.publicKey) };
}

const withDevice = (bundle: KeyBundle, d: Device): KeyBundle => ({ ...bundle, devices: [...bundle.devices, d.signed] });

/** One sent message and who could open it. */
interface Sent {
  readonly plaintext: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** True only if `device` opens `m` to exactly what was sent. */
function reads(device: Device, m: Sent): boolean {
  const pt = openAsDevice(m.ciphertext, device.opener);
  return pt !== null && equalBytes(pt, m.plaintext);
}

/** Time spent computing, without the time the generator is suspended (pauses, rendering). */
function busyClock(now: () => number) {
  let busy = 0;
  let since = now();
  return {
    suspend: () => {
      busy += now() - since;
    },
    resume: () => {
      since = now();
    },
    seconds: () => (busy + now() - since) / 1000,
  };
}

const groups = (n: SafetyNumber): string => formatSafetyNumber(n.display).join(" ");

/** The ghost scenario (options and scene titles: see ../registry.ts). */
export function run(ctx: ScenarioContext): AsyncGenerator<DemoEvent, void, void> {
  const clock = busyClock(() => ctx.now());
  const inner = scenes(ctx, clock.seconds);
  return (async function* () {
    for (;;) {
      clock.resume();
      const r = await inner.next();
      clock.suspend();
      if (r.done) return;
      yield r.value;
    }
  })();
}

async function* scenes(ctx: ScenarioContext, computeSeconds: () => number): AsyncGenerator<DemoEvent, void, void> {
  const { random } = ctx;
  const nMessages = intOption(ctx.options, "messages");
  const ghostAt = intOption(ctx.options, "ghost-at");

  // ── Scene 1 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 1, title: "The proposal" };
  yield { type: "fact", ...FACTS.ghostProposal };
  yield { type: "fact", ...FACTS.ghostHypothetical };
  yield { type: "narration", text: "It was offered as a hypothetical, a starting point for discussion, so here it is, built. The ghost breaks no cipher and needs no escrow key: the provider already tells every phone which keys to encrypt to, and it adds one more." };
  const alice = makeAccount("alice", ["phone", "laptop"], random);
  const bob = makeAccount("bob", ["phone"], random);
  const provider = new KeyDirectory(random(32), EPOCH);
  provider.publish(alice.bundle);
  provider.publish(bob.bundle);
  for (const a of [alice, bob]) {
    yield { type: "step", text: `${a.name}: an Ed25519 identity key and ${a.devices.length} device key${a.devices.length === 1 ? "" : "s"} (${a.devices.map((d) => d.name).join(", ")}), each signed by the identity key` };
  }
  const firstHead = provider.head();
  yield { type: "step", text: `the provider published both key bundles in its transparency log: signed tree head of size ${firstHead.size}` };
  yield { type: "pause" };

  // ── Scene 2 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 2, title: "The ghost reads the conversation" };
  yield { type: "narration", text: `Alice and Bob write to each other. Each message is encrypted once, to every device of both of them (so Alice's laptop also gets what her phone sends), with the device keys the provider hands out. After ${plural(ghostAt, "message")}, on a warrant, the provider adds a device of its own to Bob's list. Nobody's phone checks.` };
  const lawfulGhost = makeGhostDevice("bob", "ghost", random(32), random);
  const conversation: Sent[] = [];
  let delivered = 0;
  let deliveries = 0;
  for (let i = 0; i < nMessages; i++) {
    const from = i % 2 === 0 ? alice : bob;
    const peer = from === alice ? bob : alice;
    const sendingDevice = from.devices[0] as Device;
    // What the provider hands the sender, for the peer and for her own account: from message
    // `ghostAt` on, Bob's list carries the ghost (so Bob's own fan-out feeds it too).
    const served = (a: Account): KeyBundle => (i >= ghostAt && a === bob ? withDevice(bob.bundle, lawfulGhost) : a.bundle);
    const keys = [...served(peer).devices, ...served(from).devices].filter((d) => !equalBytes(d.publicKey, sendingDevice.signed.publicKey)).map((d) => d.publicKey);
    const plaintext = utf8(`${from.name}: ${LINES[i % LINES.length]}`);
    const m: Sent = { plaintext, ciphertext: sealToDevices(plaintext, keys, random) };
    conversation.push(m);
    // Every real device other than the sender's opens it.
    for (const d of [...alice.devices, ...bob.devices]) {
      if (d === sendingDevice) continue;
      deliveries++;
      if (reads(d, m)) delivered++;
    }
  }
  yield { type: "step", text: `${plural(nMessages, "message")} sent, fanned out to every other device: ${countOf(delivered, deliveries, "delivery", "deliveries")} opened by their devices` };
  const readBefore = conversation.slice(0, ghostAt).filter((m) => reads(lawfulGhost, m)).length;
  const ghostRead = conversation.slice(ghostAt).filter((m) => reads(lawfulGhost, m)).length;
  yield { type: "result", tone: "neutral", text: `before the ghost was added: it opened ${fmt(readBefore)} of ${fmt(ghostAt)} (no key was escrowed, the past stays closed)` };
  yield { type: "result", tone: "bad", text: `after: the ghost opened ${countOf(ghostRead, nMessages - ghostAt, "message")}, and neither phone said a thing` };
  const sample = conversation[conversation.length - 1] as Sent;
  const sampleText = openAsDevice(sample.ciphertext, lawfulGhost.opener);
  if (sampleText) yield { type: "step", text: `e.g. the ghost's copy of the last message: "${fromUtf8(sampleText)}"` };
  yield { type: "metric", name: "messages", label: "messages in the conversation", value: nMessages, unit: "" };
  yield { type: "metric", name: "ghost_read", label: "messages the ghost decrypted", value: ghostRead, unit: "" };
  yield { type: "pause" };

  // ── Scene 3 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 3, title: "Safety numbers" };
  yield { type: "narration", text: "The ghost's other form: the provider hands Alice an identity key of its own as Bob's, with a device key that this fake identity signed, so every device signature checks out. But Signal's safety number is computed from both identity keys: 5,200 rounds of SHA-512 for each person, 60 digits." };
  // Each person's half (5,200 SHA-512 rounds) is computed once per identity key a phone sees,
  // as a phone would; the numbers below combine those halves.
  const halves = new Map<string, Uint8Array>();
  const half = (name: string, identityKey: Uint8Array): Uint8Array => {
    const k = `${name}:${toHex(identityKey)}`;
    let h = halves.get(k);
    if (h === undefined) halves.set(k, (h = fingerprintHash(utf8(name), serializeIdentityKey(identityKey))));
    return h;
  };
  const numberOf = (local: { name: string; key: Uint8Array }, remote: { name: string; key: Uint8Array }): SafetyNumber =>
    safetyNumberFromHashes(half(local.name, local.key), half(remote.name, remote.key));
  const { seed: fakeBobSeed, publicKey: fakeBobKey } = generateAccountIdentity(random);
  const substitute = makeGhostDevice("bob", "phone", fakeBobSeed, random);
  const substituted: KeyBundle = { account: "bob", identityKey: fakeBobKey, devices: [substitute.signed] };
  const aliceBefore = numberOf({ name: "alice", key: alice.identityKey }, { name: "bob", key: bob.identityKey });
  const aliceAfter = numberOf({ name: "alice", key: alice.identityKey }, { name: "bob", key: substituted.identityKey });
  const bobSees = numberOf({ name: "bob", key: bob.identityKey }, { name: "alice", key: alice.identityKey });
  yield { type: "step", text: `Alice's phone, before: ${groups(aliceBefore)}` };
  yield { type: "step", text: `Alice's phone, after: ${groups(aliceAfter)}` };
  yield { type: "step", text: `Bob's phone: ${groups(bobSees)}` };
  yield { type: "narration", text: "Each phone puts the two people's 30-digit halves in sorted order, so both phones show the same 60 digits. Alice's own half is still there after the swap; the half computed from \"Bob's\" key is new." };
  const substitutedSignaturesOk = unsignedDevices(substituted).length === 0;
  const mitm: Sent = (() => {
    const plaintext = utf8("alice: call me on the other number");
    return { plaintext, ciphertext: sealToDevices(plaintext, [substitute.signed.publicKey, ...alice.devices.slice(1).map((d) => d.signed.publicKey)], random) };
  })();
  const substituteReads = reads(substitute, mitm);
  const bobReadsMitm = bob.devices.some((d) => reads(d, mitm));
  yield { type: "step", text: `the fake device's signature ${substitutedSignaturesOk ? "verifies" : "fails"} under the fake identity key; Alice's next message is opened by the provider's key: ${substituteReads ? "yes" : "no"}, by Bob: ${bobReadsMitm ? "yes" : "no"}` };
  const numberChanged = aliceAfter.display !== aliceBefore.display;
  const comparedEqual = aliceAfter.display === bobSees.display;
  const scanMatches = scannedMatches(aliceAfter.scannable, bobSees.scannable);
  const safetyNumberChanged = numberChanged && !comparedEqual && !scanMatches ? 1 : 0;
  yield {
    type: "result",
    tone: safetyNumberChanged ? "good" : "bad",
    text: safetyNumberChanged
      ? "the number changed, and when Alice and Bob compare (or scan each other's QR codes) they do not match: caught"
      : "the numbers still match: not caught",
  };
  yield { type: "metric", name: "safety_number_changed", label: "safety number changed and caught on comparison", value: safetyNumberChanged, unit: "" };
  yield { type: "pause" };

  // ── Scene 4 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 4, title: "Device signatures" };
  yield { type: "narration", text: "Back to the first ghost, the extra device on Bob's list. Bob's identity key never signed it, and the provider does not have that key. A client that checks every device signature against the account's identity key (as Signal and WhatsApp clients do for linked devices) refuses it." };
  const servedBob = provider.serve(withDevice(bob.bundle, lawfulGhost)).bundle;
  const refused = unsignedDevices(servedBob);
  const refusedGhost = refused.some((d) => equalBytes(d.publicKey, lawfulGhost.signed.publicKey));
  const accepted = servedBob.devices.filter((d) => !refused.includes(d));
  const checked: Sent = (() => {
    const plaintext = utf8("alice: see you at 8");
    return { plaintext, ciphertext: sealToDevices(plaintext, [...accepted, ...alice.bundle.devices.slice(1)].map((d) => d.publicKey), random) };
  })();
  const ghostReadsChecked = reads(lawfulGhost, checked);
  const bobReadsChecked = reads(bob.devices[0] as Device, checked);
  yield { type: "step", text: `Bob's list has ${servedBob.devices.length} devices; ${servedBob.devices.length - refused.length} signature${servedBob.devices.length - refused.length === 1 ? "" : "s"} verif${servedBob.devices.length - refused.length === 1 ? "ies" : "y"} under Bob's identity key, ${refused.length} do${refused.length === 1 ? "es" : ""} not (${refused.map((d) => `bob/${d.id}`).join(", ")})` };
  yield { type: "result", tone: refusedGhost && !ghostReadsChecked ? "good" : "bad", text: `the checking client refused the ghost: its next message reached Bob (${bobReadsChecked ? "opened" : "not opened"}) and not the ghost (${ghostReadsChecked ? "opened" : "not opened"})` };
  yield { type: "narration", text: "So a provider that wants this ghost must also ship clients that skip the check." };
  const deviceSignatureRefused = refusedGhost && !ghostReadsChecked ? 1 : 0;
  yield { type: "metric", name: "device_signature_refused", label: "ghost device refused on its signature", value: deviceSignatureRefused, unit: "" };
  yield { type: "pause" };

  // ── Scene 5 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 5, title: "Key transparency" };
  yield { type: "fact", ...FACTS.whatsappKt };
  yield { type: "narration", text: "Now every key the provider hands out must be in its append-only log: a Merkle tree (RFC 9162) whose root the provider signs. Alice's client asks for an inclusion proof against a signed tree head before it encrypts to anyone." };
  const honest = lookupInLog(provider.lookup("bob"), provider.logPublicKey);
  yield { type: "step", text: `Bob's real bundle: tree head signature ${honest.headSigned ? "valid" : "INVALID"}, inclusion proof ${honest.included ? "verifies" : "fails"}` };
  const substitutedLookup = lookupInLog(provider.serve(substituted), provider.logPublicKey);
  const inclusionProofRefused = substitutedLookup.headSigned && !substitutedLookup.included ? 1 : 0;
  yield { type: "result", tone: inclusionProofRefused ? "good" : "bad", text: `the substituted key for Bob: the head is signed, but no inclusion proof leads to its root: ${inclusionProofRefused ? "refused" : "accepted"}` };
  yield { type: "metric", name: "inclusion_proof_refused", label: "key not in the log refused", value: inclusionProofRefused, unit: "" };

  yield { type: "narration", text: "So the provider logs its ghost device under Bob's name. The proof now verifies, but Bob's phone monitors his own entries in the log, and finds a device he never added." };
  const bobsView = provider.fork(); // kept for later: the log as it was before the ghost entry
  provider.publish(withDevice(bob.bundle, lawfulGhost));
  const logged = lookupInLog(provider.lookup("bob"), provider.logPublicKey);
  yield { type: "step", text: `Alice's check of Bob's new entry: inclusion proof ${logged.included ? "verifies" : "fails"}` };
  const bobsKeys = { identityKey: bob.identityKey, deviceKeys: bob.devices.map((d) => d.signed.publicKey) };
  const headWithGhost = provider.head();
  const monitor = monitorOwnEntries(bobsKeys, provider.entriesOf("bob", headWithGhost), headWithGhost, provider.logPublicKey);
  const monitorFound = monitor.findings.some((f) => f.unknownDevices.includes("ghost"));
  const monitorDetected = monitor.proofsValid && monitorFound ? 1 : 0;
  yield { type: "result", tone: monitorDetected ? "good" : "bad", text: monitorFound ? `Bob's monitor: entry ${monitor.findings[0]?.index} binds a device "${monitor.findings[0]?.unknownDevices.join(", ")}" to bob that he never added (proofs ${monitor.proofsValid ? "valid" : "invalid"})` : "Bob's monitor found nothing" };
  yield { type: "metric", name: "monitor_detected", label: "owner's monitor found the ghost device", value: monitorDetected, unit: "" };

  yield { type: "narration", text: "Last resort for the provider: a split view. It shows Alice the log with the ghost entry and shows Bob a log without it, where other people keep registering. Bob's monitor is quiet." };
  const earlyBobHead = bobsView.head();
  bobsView.publish(makeAccount("carol", ["phone"], random).bundle);
  bobsView.publish(makeAccount("dave", ["phone"], random).bundle);
  const headForBob = bobsView.head();
  const quiet = monitorOwnEntries(bobsKeys, bobsView.entriesOf("bob", headForBob), headForBob, bobsView.logPublicKey);
  yield { type: "step", text: `Bob's monitor on his view (size ${headForBob.size}): ${quiet.findings.length} unknown device${quiet.findings.length === 1 ? "" : "s"}, proofs ${quiet.proofsValid ? "valid" : "invalid"}; his view grows consistently: ${headsConsistent(earlyBobHead, headForBob, bobsView.consistencyProof(earlyBobHead.size, headForBob.size), bobsView.logPublicKey).consistent ? "yes" : "no"}` };
  yield { type: "narration", text: "But Alice and Bob exchange the signed tree heads they were shown, and ask the provider for the consistency proof that must join them." };
  const headForAlice = headWithGhost;
  // The provider can answer from either of its views; neither answer can join the two heads.
  const [small, large] = headForAlice.size <= headForBob.size ? [headForAlice, headForBob] : [headForBob, headForAlice];
  const answers: Uint8Array[][] = [];
  for (const view of [provider, bobsView]) if (view.size >= large.size) answers.push(view.consistencyProof(small.size, large.size));
  const verdicts = answers.map((proof) => headsConsistent(headForAlice, headForBob, proof, provider.logPublicKey));
  const bothSigned = verdicts.every((v) => v.bothSigned);
  const splitViewDetected = answers.length > 0 && bothSigned && verdicts.every((v) => !v.consistent) ? 1 : 0;
  yield { type: "step", text: `Alice's head: size ${headForAlice.size}; Bob's head: size ${headForBob.size}; both signatures ${bothSigned ? "valid" : "INVALID"}` };
  yield { type: "result", tone: splitViewDetected ? "good" : "bad", text: splitViewDetected ? `no consistency proof from size ${small.size} to ${large.size} verifies: two signed heads of one log that cannot both be true, portable proof that the provider forked it` : "the heads are consistent" };
  yield { type: "fact", ...FACTS.cloudflareAuditor };
  yield { type: "metric", name: "split_view_detected", label: "split view caught by a failed consistency proof", value: splitViewDetected, unit: "" };
  yield { type: "pause" };

  // ── Scene 6 ────────────────────────────────────────────────────────────────────────────
  yield { type: "scene", index: 6, title: "The silent ghost, and who else uses it" };
  yield { type: "fact", ...FACTS.ghostLetter };
  yield { type: "fact", ...FACTS.ghostSuppress };
  yield { type: "narration", text: "A ghost that stays silent needs clients that skip or hide every one of these checks. Such a client is shipped to everyone. Then an intruder inside the provider (or an insider acting alone) adds a ghost device of their own, to Alice's account." };
  const intruderGhost = makeGhostDevice("alice", "tablet", random(32), random);
  provider.publish(withDevice(alice.bundle, intruderGhost));
  const headNow = provider.head();
  const aliceServed = provider.lookup("alice");
  const bobServed: Lookup = provider.lookup("bob");
  // The silent client still runs every check (the results are computed here), then hides them.
  const checks: { name: string; caught: boolean }[] = [];
  const bobNumberNow = numberOf({ name: "bob", key: bob.identityKey }, { name: "alice", key: aliceServed.bundle.identityKey });
  const aliceNumberNow = numberOf({ name: "alice", key: alice.identityKey }, { name: "bob", key: bobServed.bundle.identityKey });
  checks.push({ name: "safety numbers", caught: bobNumberNow.display !== aliceNumberNow.display });
  checks.push({ name: "device signatures", caught: unsignedDevices(aliceServed.bundle).some((d) => equalBytes(d.publicKey, intruderGhost.signed.publicKey)) });
  checks.push({ name: "inclusion proof", caught: !lookupInLog(aliceServed, provider.logPublicKey).included });
  const aliceMonitor = monitorOwnEntries({ identityKey: alice.identityKey, deviceKeys: alice.devices.map((d) => d.signed.publicKey) }, provider.entriesOf("alice", headNow), headNow, provider.logPublicKey);
  checks.push({ name: "Alice's monitor", caught: aliceMonitor.proofsValid && aliceMonitor.findings.some((f) => f.unknownDevices.includes("tablet")) });
  const gossip = headsConsistent(headWithGhost, headNow, provider.consistencyProof(headWithGhost.size, headNow.size), provider.logPublicKey);
  checks.push({ name: "comparing tree heads", caught: !gossip.consistent });
  // The silent clients encrypt to whatever they were given, ghosts included.
  const later: Sent[] = [];
  for (let i = 0; i < LATER_MESSAGES; i++) {
    const from = i % 2 === 0 ? alice : bob;
    const sender = from.devices[0] as Device;
    const keys = [...aliceServed.bundle.devices, ...bobServed.bundle.devices].filter((d) => !equalBytes(d.publicKey, sender.signed.publicKey)).map((d) => d.publicKey);
    const plaintext = utf8(`${from.name}: ${LINES[(nMessages + i) % LINES.length]}`);
    later.push({ plaintext, ciphertext: sealToDevices(plaintext, keys, random) });
  }
  const intruderRead = later.filter((m) => reads(intruderGhost, m)).length;
  const lawfulStillReads = later.filter((m) => reads(lawfulGhost, m)).length;
  const caught = checks.filter((c) => c.caught);
  for (const c of checks) yield { type: "step", text: `${c.name}: ${c.caught ? "caught the intruder's device, and the silent client hid it" : "nothing to see for this ghost"}` };
  yield { type: "result", tone: "bad", text: `the intruder's ghost opened ${countOf(intruderRead, LATER_MESSAGES, "new message")} (the provider's ghost: ${fmt(lawfulStillReads)} of ${fmt(LATER_MESSAGES)})` };
  yield { type: "result", tone: "bad", text: `${plural(caught.length, "check")} caught the intruder (${caught.map((c) => c.name).join(", ")}), and nobody was told` };
  yield { type: "narration", text: "The switch that silences warnings for a warrant silences them for everyone. The checks would have caught both ghosts; the mandate is to hide them." };
  yield { type: "metric", name: "intruder_ghost_read", label: "messages the intruder's ghost decrypted", value: intruderRead, unit: "" };
  yield { type: "metric", name: "intruder_checks_suppressed", label: "checks that caught the intruder, hidden", value: caught.length, unit: "" };
  const seconds = computeSeconds();
  yield { type: "metric", name: "compute_seconds", label: "time spent computing", value: seconds, unit: "s" };
  yield { type: "pause" };

  // ── Summary ─────────────────────────────────────────────────────────────────────────────
  const caughtTone = (x: number) => (x === 1 ? "good" : "bad") as "good" | "bad";
  yield {
    type: "summary",
    title: "The ghost, and what catches it",
    rows: [
      { label: "ghost read (after it was added)", value: `${fmt(ghostRead)} of ${fmt(nMessages - ghostAt)}`, tone: "bad" },
      { label: "safety number changed", value: safetyNumberChanged ? "caught" : "missed", tone: caughtTone(safetyNumberChanged) },
      { label: "unsigned device refused", value: deviceSignatureRefused ? "caught" : "missed", tone: caughtTone(deviceSignatureRefused) },
      { label: "key not in the log refused", value: inclusionProofRefused ? "caught" : "missed", tone: caughtTone(inclusionProofRefused) },
      { label: "owner's monitor", value: monitorDetected ? "caught" : "missed", tone: caughtTone(monitorDetected) },
      { label: "split view", value: splitViewDetected ? "caught" : "missed", tone: caughtTone(splitViewDetected) },
      { label: "intruder's ghost read", value: `${intruderRead} of ${LATER_MESSAGES}`, tone: "bad" },
      { label: "checks that caught the intruder", value: `${caught.length} of ${checks.length}, all hidden`, tone: "bad" },
      { label: "time spent computing", value: `${seconds.toFixed(2)} s`, tone: "neutral" },
    ],
    metrics: {
      messages: nMessages,
      ghost_read: ghostRead,
      safety_number_changed: safetyNumberChanged,
      device_signature_refused: deviceSignatureRefused,
      inclusion_proof_refused: inclusionProofRefused,
      monitor_detected: monitorDetected,
      split_view_detected: splitViewDetected,
      intruder_ghost_read: intruderRead,
      intruder_checks_suppressed: caught.length,
      compute_seconds: seconds,
    },
  };
}
