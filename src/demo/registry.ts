/**
 * The demo catalogue: each scenario's name, options and a loader for its code, so that
 * `doormat --help`, `doormat demo NAME --help` and other commands never load the scenarios. A new
 * scenario is one file in scenarios/ (exporting `run`) plus one entry here; its options are its
 * own (`doormat demo NAME --help` lists them, and no other scenario accepts them).
 *
 * @module
 */
import type { ScenarioInfo } from "./scenario.js";

/** Every scenario, the default first. */
export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    name: "leak",
    title: "Lawful access, and the day the escrow key leaks",
    summary: "two services (end-to-end vs lawful access), an intercepted archive, one leaked key",
    options: [
      // The archive lives in memory (~1.5 KB per message): the caps keep it far below a laptop's RAM.
      { kind: "int", name: "users", description: "number of users", default: 1000, min: 2, max: 100_000 },
      { kind: "int", name: "messages", description: "messages sent on each service", default: 5000, min: 1, max: 500_000 },
      { kind: "int", name: "authorities", description: "escrow authorities (the 2019 letter had three)", default: 3, min: 1, max: 5 },
    ],
    scenes: ["A key under the doormat", "Two services, one interceptor", "Lawful access, as designed", "The leak", "Everything opens at once", "Aftermath"],
    examples: [
      "doormat demo leak --users 200 --messages 1000 --step",
      "doormat demo leak --seed 42 --json | jq 'select(.type==\"summary\").metrics'",
      "doormat demo leak --seed 42 --users 20 --messages 50 --out world/",
    ],
    writesWorld: true,
    load: async () => (await import("./scenarios/leak.js")).run,
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
