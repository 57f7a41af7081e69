/**
 * `doormat demo kleptography` through its JSON events, from real runs at a small size: the
 * summary's metric contract, what each number must be for a working attack and swap,
 * reproducibility under --seed, sourced facts only, and the scenario's own options.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { DemoEvent } from "../src/demo/events.js";
import { FACTS } from "../src/demo/facts.js";
import { doormat } from "./cli-harness.js";
import { demoEvents, runOnShowClock, summaryOf } from "./demo-harness.js";

const runDemo = (args: string[]): Promise<DemoEvent[]> => demoEvents("kleptography", args);

/** The metrics the issue names for the final summary, in its words. */
const CONTRACT = [
  "candidates_tried", "survivors", "state_recovered", "predicted_bytes_matched", "session_messages",
  "session_messages_decrypted", "old_trapdoor_after_swap", "new_trapdoor_after_swap",
] as const;

/** Events without what differs between runs of one seed: measured times, rates and progress. */
const timeless = (events: DemoEvent[]): unknown[] =>
  events.filter((e) => e.type !== "progress").map((e) => {
    if (e.type === "summary") {
      const metrics = Object.fromEntries(Object.entries(e.metrics).filter(([k]) => !/seconds|per_second/.test(k)));
      return { ...e, rows: e.rows.map((r) => ({ ...r, value: r.value.replace(/in [0-9.]+ s$/, "in (time)").replace(/^[0-9.]+ s on/, "(time) on") })), metrics };
    }
    if (e.type === "metric" && /seconds|per_second/.test(e.name)) return { ...e, value: 0 };
    if (e.type === "step" || e.type === "result") return { ...e, text: e.text.replace(/[0-9.]+ s\b/g, "(time)") };
    return e;
  });

describe("demo kleptography --json", () => {
  // One small real run (a 256-candidate slice holds the right one), shared by the checks below.
  const small = runDemo(["--seed", "42", "--slice", "256", "--messages", "3"]);

  it("meets the summary contract: the state is recovered, the session opens, the swap locks the maker out", async () => {
    const m = summaryOf(await small).metrics;
    for (const k of CONTRACT) expect(m, k).toHaveProperty(k);
    expect(m).toMatchObject({
      candidates_tried: 256,
      state_recovered: 1,
      predicted_bytes_matched: 64, // the box's DH secret (32) and its next handshake nonce (32)
      session_messages: 3,
      session_messages_decrypted: 3,
      old_trapdoor_after_swap: 0,
      new_trapdoor_after_swap: 1,
      after_swap_messages_decrypted: 3,
      output_tests_passed: 2,
      full: 0,
      slice_size: 256,
    });
    expect(m["survivors"]).toBeGreaterThanOrEqual(1);
    // About half of the candidate x-coordinates are on the curve.
    expect(m["on_curve"]).toBeGreaterThan(256 * 0.35);
    expect(m["on_curve"]).toBeLessThan(256 * 0.65);
    for (const k of ["state_recovered", "old_trapdoor_after_swap", "new_trapdoor_after_swap"]) expect([0, 1]).toContain(m[k]);
    expect(m["search_seconds"]).toBeGreaterThan(0);
    // compute_seconds adds up the measured steps (never the wall clock across scenes, whose
    // pauses wait for the presenter under --step or --pace): at least the three searches.
    const searches = (m["search_seconds"] as number) + (m["search_seconds_after_swap_old"] as number) + (m["search_seconds_after_swap_new"] as number);
    expect(m["compute_seconds"]).toBeGreaterThanOrEqual(searches);
  });

  it("has the five scenes, says the search is a slice, and shows both Qs", async () => {
    const events = await small;
    expect(events.filter((e) => e.type === "scene").map((e) => (e as { title: string }).title)).toEqual([
      "A generator with a spare key", "A handshake, recorded", "The trapdoor holder", "Someone swaps Q", "Nobody but us?",
    ]);
    const text = events.map((e) => ("text" in e ? e.text : "")).join("\n");
    expect(text).toMatch(/searches a slice of 256 of the 65,536 candidates, [0-9,]+ to [0-9,]+, chosen by the demo to contain the right one/);
    // Each value on screen is its first 8 bytes and an ellipsis, so none wraps mid-string at 60 columns.
    const qs = [...text.matchAll(/firmware Q (?:before|after): +x = ([0-9a-f]{16})…/g)].map((x) => x[1]);
    expect(qs).toHaveLength(2);
    expect(qs[0]).not.toBe(qs[1]);
    // Both outputs pass the shown statistics: the swap is invisible in the output.
    expect(text.match(/output test, (old|new) Q: .*: passes/g)).toHaveLength(2);
    expect(text).not.toMatch(/[0-9a-f]{17}/); // no hex value longer than 8 bytes
    expect(text).toContain("ANSI X9.31"); // the honest label for the deviation from ScreenOS
    expect(events.some((e) => e.type === "progress")).toBe(true);
    // One task name per trapdoor, not one per update (a rate in the name made each update a
    // new task: a plain line each when the show is piped).
    const tasks = new Set(events.flatMap((e) => (e.type === "progress" ? [e.task] : [])));
    expect([...tasks]).toEqual(["searching with the vendor's d", "searching with the intruder's d"]);
  });

  it("puts on screen only registered, sourced facts", async () => {
    const events = await small;
    const sources = readFileSync(new URL("../docs/SOURCES.md", import.meta.url), "utf8");
    const facts = events.filter((e): e is Extract<DemoEvent, { type: "fact" }> => e.type === "fact");
    expect(facts.map((f) => f.id)).toEqual(["juniperDualEc", "checkoway2016", "juniperSwap", "juniperAdvisory"]);
    for (const f of facts) {
      expect(f).toEqual({ type: "fact", ...FACTS[f.id as keyof typeof FACTS] });
      expect(sources).toContain(`## \`${f.id}\``);
      expect(sources).toContain(f.text);
    }
  });

  it("is reproducible: the same seed gives the same events, bar measured times", async () => {
    const again = await runDemo(["--seed", "42", "--slice", "256", "--messages", "3"]);
    expect(timeless(again)).toEqual(timeless(await small));
  });
});

describe("demo kleptography options", () => {
  it("--help lists its own options and scenes", async () => {
    const r = await doormat(["demo", "kleptography", "--help"]);
    expect(r.code).toBe(0);
    const help = r.stdout.toString();
    for (const s of ["--full", "--slice <N>", "--messages <N>", "256 to 65536", "Someone swaps Q"]) expect(help).toContain(s);
  });

  it("refuses a slice out of range, and leak does not take --full", async () => {
    const r = await doormat(["demo", "kleptography", "--slice", "100"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^doormat: error: --slice must be a whole number from 256 to 65536, not 100\n/);
    const leak = await doormat(["demo", "leak", "--full"]);
    expect(leak.code).not.toBe(0);
    expect(leak.stderr).toMatch(/^doormat: error: /);
  });
});

describe("compute_seconds counts cryptography, not the show's time", () => {
  it("a presenter's pauses and the drawing of finished bars add nothing", async () => {
    const events = await runOnShowClock("kleptography", "42", { full: false, slice: 256, messages: 3 });
    expect(events.filter((e) => e.type === "progress" && e.done === e.total).length).toBe(3); // the three searches
    expect(summaryOf(events).metrics["compute_seconds"]).toBe(0);
  });
});
