/**
 * The demo catalogue: each scenario's name, options and a loader for its code, so that
 * `doormat --help`, `doormat demo NAME --help` and other commands never load the scenarios. A new
 * scenario is one file in scenarios/ (exporting `run`) plus one entry here; its options are its
 * own (`doormat demo NAME --help` lists them, and no other scenario accepts them).
 *
 * @module
 */
import { intOption, type ScenarioInfo } from "./scenario.js";

/**
 * What the largest leak run costs, measured with /usr/bin/time -v on the 2-core build machine:
 * 98.6 s user + 5.1 s system, 552 MB peak RSS (10 min of wall clock there, with ~20 other
 * processes sharing the 2 cores). The caps before (100,000 / 500,000) ran out of time and memory.
 */
const LEAK_LIMITS = "The largest run (--users 20000 --messages 50000) takes about 100 s of CPU\ntime: about a minute on an idle 2-core machine (progress bars show an ETA),\nlonger on a busy one; memory peaks near 550 MB. The default run takes a few\nseconds.";

/** Every scenario, the default first. */
export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    name: "leak",
    title: "Lawful access, and the day the escrow key leaks",
    summary: "two services (end-to-end vs lawful access), an intercepted archive, one leaked key",
    options: [
      // The archive lives in memory: these caps keep the largest run near 550 MB (LEAK_LIMITS).
      { kind: "int", name: "users", description: "number of users", default: 1000, min: 2, max: 20_000 },
      { kind: "int", name: "messages", description: "messages sent on each service", default: 5000, min: 1, max: 50_000 },
      { kind: "int", name: "authorities", description: "escrow authorities (the 2019 letter had three)", default: 3, min: 1, max: 5 },
    ],
    scenes: ["A key under the doormat", "Two services, one interceptor", "Lawful access, as designed", "The leak", "Everything opens at once", "Aftermath"],
    examples: [
      "doormat demo leak --users 200 --messages 1000 --step --clear",
      "doormat demo leak --seed 42 --pace 2000 --cast talk.cast",
      "doormat demo leak --seed 42 --json | jq 'select(.type==\"summary\").metrics'",
      "doormat demo leak --seed 42 --users 20 --messages 50 --out world/",
    ],
    limits: LEAK_LIMITS,
    writesWorld: true,
    load: async () => (await import("./scenarios/leak.js")).run,
  },
  {
    name: "forward-secrecy",
    title: "Forward secrecy, measured: a seized phone against a leaked escrow key",
    summary: "static keys vs the Signal ratchet vs the ratchet with escrow: what each stolen key really opens",
    options: [
      { kind: "int", name: "messages", description: "messages in each conversation", default: 1000, min: 2, max: 20_000 },
      {
        kind: "int", name: "event-at", description: "the phone is seized and the escrow key leaks right after this message (it counts as past)", min: 1,
        default: (v) => Math.max(1, Math.floor(intOption(v, "messages") / 2)), defaultText: "half of --messages",
        max: (v) => intOption(v, "messages"), maxText: "--messages",
      },
      {
        kind: "int", name: "drop", description: "messages to Alice sent before the event that arrive only after it", default: 0, min: 0,
        // A phone keeps at most MAX_SKIP = 1,000 skipped message keys (crypto/signal/ratchet.ts,
        // as Signal's clients do): more delayed messages than that could never be opened.
        max: (v) => Math.min(intOption(v, "event-at"), 1000), maxText: "--event-at, at most 1000",
      },
      { kind: "int", name: "conversations", description: "conversations on the platform (Alice is in one)", default: 20, min: 1, max: 500 },
    ],
    scenes: ["Three ways to encrypt a chat", "The conversations, recorded whole", "The event", "What the stolen keys open", "Blast radius"],
    examples: [
      "doormat demo forward-secrecy",
      "doormat demo forward-secrecy --messages 200 --event-at 120 --drop 3 --step",
      "doormat demo forward-secrecy --seed 42 --json | jq 'select(.type==\"summary\").metrics'",
    ],
    load: async () => (await import("./scenarios/forward-secrecy.js")).run,
  },
  {
    name: "ghost",
    title: "The ghost in the chat: a silently added participant, and what catches it",
    summary: "GCHQ's ghost (2018) reads a chat; safety numbers, device signatures and key transparency catch it",
    options: [
      { kind: "int", name: "messages", description: "messages in the conversation", default: 12, min: 2, max: 1000 },
      {
        kind: "int", name: "ghost-at", description: "messages sent before the provider adds its ghost", min: 1,
        default: (v) => Math.max(1, Math.floor(intOption(v, "messages") / 3)), defaultText: "a third of --messages",
        max: (v) => intOption(v, "messages") - 1, maxText: "--messages minus 1",
      },
    ],
    scenes: ["The proposal", "The ghost reads the conversation", "Safety numbers", "Device signatures", "Key transparency", "The silent ghost, and who else uses it"],
    examples: [
      "doormat demo ghost --step",
      "doormat demo ghost --seed 42 --json | jq 'select(.type==\"summary\").metrics'",
      "doormat demo ghost --messages 30 --ghost-at 20",
    ],
    load: async () => (await import("./scenarios/ghost.js")).run,
  },
  {
    name: "kleptography",
    title: "Nobody but us? The Dual EC trapdoor and the Juniper key swap",
    summary: "a VPN box's Dual EC generator, its maker's trapdoor, and the day someone swaps Q",
    options: [
      { kind: "flag", name: "full", description: "search all 65,536 candidates for each of the three searches instead of a slice" },
      { kind: "int", name: "slice", description: "candidates searched per trapdoor without --full (a slice that holds the right one)", default: 2048, min: 256, max: 65536 },
      { kind: "int", name: "messages", description: "records in each recorded VPN session", default: 5, min: 1, max: 1000 },
    ],
    scenes: ["A generator with a spare key", "A handshake, recorded", "The trapdoor holder", "Someone swaps Q", "Nobody but us?"],
    examples: [
      "doormat demo kleptography --step",
      "doormat demo kleptography --full",
      "doormat demo kleptography --seed 42 --json | jq 'select(.type==\"summary\").metrics'",
    ],
    load: async () => (await import("./scenarios/kleptography.js")).run,
  },
];

/** Look a scenario up by name. */
export function findScenario(name: string): ScenarioInfo | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
