/**
 * The demo catalogue. A new scenario is one new file in scenarios/ plus one line here.
 *
 * @module
 */
import type { Scenario } from "./scenario.js";
import { leak } from "./scenarios/leak.js";

/** Every scenario, the default first. */
export const SCENARIOS: readonly Scenario[] = [leak];

/** Look a scenario up by name. */
export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
