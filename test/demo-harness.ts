/**
 * A demo's events through `--json`, as scripts read them: shared by the scenario tests.
 */
import { expect } from "vitest";
import type { DemoEvent } from "../src/demo/events.js";
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
