/**
 * A demo's events through `--json`, as scripts read them: shared by the scenario tests.
 */
import { expect } from "vitest";
import type { DemoEvent } from "../src/demo/events.js";
import { seededRandom } from "../src/crypto/random.js";
import { createBulkCrypto } from "../src/demo/parallel.js";
import { findScenario } from "../src/demo/registry.js";
import type { OptionValues } from "../src/demo/scenario.js";
import { doormat } from "./cli-harness.js";

export type Summary = Extract<DemoEvent, { type: "summary" }>;

/** Runs `doormat demo SCENARIO --json ARGS…` in process; it must succeed with nothing on stderr. */
export async function demoEvents(scenario: string, args: readonly string[]): Promise<DemoEvent[]> {
  const r = await doormat(["demo", scenario, "--json", ...args]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return r.stdout.toString("utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as DemoEvent);
}

/** The closing `summary` event. */
export const summaryOf = (events: readonly DemoEvent[]): Summary => events.find((e): e is Summary => e.type === "summary") as Summary;

/**
 * Runs a scenario in process, on one thread, against a clock that moves only while the show
 * has the scenario suspended: `showSeconds` at each pause and at each finished progress bar
 * (yielded once the work it counts has ended). Cryptography takes no time on this clock, so
 * any second in a `compute_seconds` metric was the show's (a presenter's --step, --pace).
 * @param options - every option of the scenario, by name
 */
export async function runOnShowClock(scenario: string, seed: string, options: OptionValues, showSeconds = 1000): Promise<DemoEvent[]> {
  const info = findScenario(scenario);
  if (!info) throw new Error(`no scenario ${scenario}`);
  const run = await info.load();
  let clock = 0;
  const bulk = createBulkCrypto(1);
  const events: DemoEvent[] = [];
  try {
    for await (const e of run({ random: seededRandom(seed), seed, options, world: undefined, bulk, now: () => clock })) {
      events.push(e);
      if (e.type === "pause" || (e.type === "progress" && e.done === e.total)) clock += showSeconds * 1000;
    }
  } finally {
    await bulk.close();
  }
  expect(events.filter((e) => e.type === "pause").length).toBeGreaterThan(0);
  return events;
}
