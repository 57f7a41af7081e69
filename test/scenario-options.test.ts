/**
 * Per-scenario options: defaults computed from earlier options, ranges that depend on them,
 * flags, and errors that name the flag and its range.
 */
import { describe, expect, it } from "vitest";
import { OptionError, describeDefault, describeRange, flagOption, intOption, resolveOptions, type ScenarioOption } from "../src/demo/scenario.js";
import { SCENARIOS } from "../src/demo/registry.js";

const OPTIONS: readonly ScenarioOption[] = [
  { kind: "int", name: "messages", description: "messages", default: 1000, min: 2, max: 100_000 },
  {
    kind: "int", name: "event-at", description: "the event", min: 1,
    default: (v) => Math.floor((v["messages"] as number) / 2), defaultText: "half of --messages",
    max: (v) => (v["messages"] as number) - 1, maxText: "--messages minus 1",
  },
  { kind: "flag", name: "full", description: "search everything" },
];

describe("intOption and flagOption", () => {
  it("give the resolved value, and throw on a name the scenario did not declare or of the other kind", () => {
    const v = resolveOptions(OPTIONS, { messages: 10, full: true });
    expect(intOption(v, "event-at")).toBe(5);
    expect(flagOption(v, "full")).toBe(true);
    expect(() => intOption(v, "mesages")).toThrow("no whole-number option --mesages");
    expect(() => intOption(v, "full")).toThrow();
    expect(() => flagOption(v, "messages")).toThrow("no flag option --messages");
  });
});

describe("resolveOptions", () => {
  it("fills defaults, computed ones from the options before them", () => {
    expect(resolveOptions(OPTIONS, {})).toEqual({ messages: 1000, "event-at": 500, full: false });
    expect(resolveOptions(OPTIONS, { messages: 10 })).toEqual({ messages: 10, "event-at": 5, full: false });
    expect(resolveOptions(OPTIONS, { messages: 10, "event-at": 9, full: true })).toEqual({ messages: 10, "event-at": 9, full: true });
  });

  it("checks ranges, computed ones against the values given", () => {
    expect(() => resolveOptions(OPTIONS, { messages: 1 })).toThrow(new OptionError("--messages must be a whole number from 2 to 100000, not 1"));
    expect(() => resolveOptions(OPTIONS, { messages: 10, "event-at": 10 })).toThrow("--event-at must be a whole number from 1 to 9 (--messages minus 1), not 10");
    expect(() => resolveOptions(OPTIONS, { "event-at": 0 })).toThrow(OptionError);
    expect(() => resolveOptions(OPTIONS, { messages: 2 ** 60 })).toThrow(OptionError);
  });

  it("describes defaults and ranges for the help", () => {
    expect(OPTIONS.map(describeDefault)).toEqual(["1000", "half of --messages", "off"]);
    expect(describeRange(OPTIONS[1] as Extract<ScenarioOption, { kind: "int" }>)).toBe("1 to --messages minus 1");
  });

  it("every registered scenario's defaults resolve and its names are unique", () => {
    for (const s of SCENARIOS) {
      expect(() => resolveOptions(s.options, {})).not.toThrow();
      expect(new Set(s.options.map((o) => o.name)).size).toBe(s.options.length);
      expect(s.scenes.length).toBeGreaterThan(0);
    }
  });
});
