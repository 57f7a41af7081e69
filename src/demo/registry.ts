/**
 * The demo catalogue: each scenario's name, options and a loader for its code, so that
 * `doormat --help`, `doormat demo NAME --help` and other commands never load the scenarios. A new
 * scenario is one file in scenarios/ (exporting `run`) plus one entry here; its options are its
 * own (`doormat demo NAME --help` lists them, and no other scenario accepts them).
 *
 * @module
 */
import type { ScenarioInfo } from "./scenario.js";

/**
 * What the largest leak run costs, measured with /usr/bin/time -v on the 2-core build machine:
 * 98.6 s user + 5.1 s system, 552 MB peak RSS (10 min of wall clock there, with ~20 other
 * processes sharing the 2 cores). The caps before (100,000 / 500,000) ran out of time and memory.
 */
const LEAK_LIMITS = "The largest run (--users 20000 --messages 50000) takes about 100 s of CPU time: about a\nminute on an idle 2-core machine (progress bars show an ETA), longer on a busy one; memory\npeaks near 550 MB. The default run takes a few seconds.";

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
];

/** Look a scenario up by name. */
export function findScenario(name: string): ScenarioInfo | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
