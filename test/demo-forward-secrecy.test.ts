/**
 * `doormat demo forward-secrecy` through its JSON events: e2ee.md §6.5's invariants on real runs
 * (small sizes, several event points, delayed messages), the timeline picture at 60–120
 * columns, reproducibility, and the options.
 */
import { describe, expect, it } from "vitest";
import { MAX_SKIP } from "../src/crypto/signal/ratchet.js";
import type { DemoEvent } from "../src/demo/events.js";
import { renderTimeline, type TimelineEvent } from "../src/ui/timeline.js";
import { doormat } from "./cli-harness.js";
import { demoEvents, runOnShowClock, summaryOf } from "./demo-harness.js";

const runDemo = (args: string[]): Promise<DemoEvent[]> => demoEvents("forward-secrecy", args);
const timelineOf = (events: DemoEvent[]): TimelineEvent => events.find((e): e is TimelineEvent => e.type === "timeline") as TimelineEvent;
const row = (tl: TimelineEvent, id: string): readonly boolean[] => (tl.rows.find((r) => r.id === id) as { readonly exposed: readonly boolean[] }).exposed;
const ones = (xs: readonly boolean[]): number => xs.filter(Boolean).length;

/** Lengths of the runs (turns) of the conversation, in order. */
function runs(sentByFirst: readonly boolean[]): number[] {
  const out: number[] = [];
  sentByFirst.forEach((f, i) => {
    if (i > 0 && f === sentByFirst[i - 1]) out[out.length - 1] = (out[out.length - 1] as number) + 1;
    else out.push(1);
  });
  return out;
}

/** The invariants of e2ee.md §6.5 (and the JSON contract) on one run. */
function checkInvariants(events: DemoEvent[], n: number, t: number, k: number, drop: number): void {
  const m = summaryOf(events).metrics;
  const tl = timelineOf(events);
  expect(tl.messages).toBe(n);
  expect(tl.eventAt).toBe(t);
  expect(m).toMatchObject({ messages: n, conversations: k, event_at: t });
  for (const r of tl.rows) expect(r.exposed).toHaveLength(n);
  // Static: every message the seized key could ever read (with the self-copy: all of them); never heals.
  expect(m).toMatchObject({ static_exposed: n, static_exposed_past: t, static_exposed_future: n - t });
  expect(ones(row(tl, "static_seized"))).toBe(n);
  // Ratchet: no past message except the delayed ones, whose keys were waiting on the phone.
  const ratchet = row(tl, "ratchet_seized");
  expect(m["dropped"]).toBe(Math.min(drop, tl.sentByFirst.slice(0, t).filter((f) => !f).length));
  expect(tl.marked).toHaveLength(m["dropped"] as number);
  expect(m["ratchet_exposed_past"]).toBe(m["dropped"]);
  for (let i = 0; i < t; i++) expect(ratchet[i], `message ${i + 1}`).toBe(tl.marked.includes(i + 1));
  // Future exposure only until the heal: a block right after the event, then nothing.
  const heal = m["ratchet_heals_at"] as number;
  const future = m["ratchet_exposed_future"] as number;
  // 0 when nothing after the event stays closed (no message left, or the run ended first).
  if (future === n - t) expect(heal).toBe(0);
  else {
    expect(heal).toBe(t + future + 1);
    expect(ratchet.slice(t, t + future).every(Boolean)).toBe(true);
    expect(ratchet.slice(heal - 1).some(Boolean)).toBe(false);
    // healedAt <= t + (lengths of the next 3 runs) + 1, counting from the run the event is in.
    const r = runs(tl.sentByFirst);
    const ends = r.map((_, i) => r.slice(0, i + 1).reduce((a, b) => a + b, 0));
    const current = ends.findIndex((e) => e >= t);
    const bound = (ends[Math.min(current + 3, ends.length - 1)] as number) + 1;
    expect(heal).toBeLessThanOrEqual(bound);
  }
  expect(m["ratchet_exposed"]).toBe((m["ratchet_exposed_past"] as number) + future);
  expect(ones(ratchet)).toBe(m["ratchet_exposed"]);
  // The thief of an escrowed phone sees what the ratchet's thief sees.
  expect(row(tl, "escrow_seized")).toEqual(ratchet);
  // Escrow leak: every message of every conversation, for any t.
  expect(m).toMatchObject({ escrow_leak_exposed: n * k, escrow_leak_conversations: k, seizure_conversations: 1 });
  expect(ones(row(tl, "escrow_leak"))).toBe(n);
  expect(m["compute_seconds"]).toBeGreaterThan(0);
  // The two measured phases, not the wall clock from the first: scene 3 ends in a pause, which
  // under --step or --pace waits for the presenter.
  expect(m["compute_seconds"]).toBeCloseTo((m["simulate_seconds"] as number) + (m["attack_seconds"] as number), 9);
}

describe("demo forward-secrecy --json", () => {
  it.each([
    [40, 1, 3, 0],
    [40, 7, 2, 0],
    [40, 20, 3, 3],
    [40, 39, 1, 5],
    [40, 40, 2, 2],
  ])("--messages %i --event-at %i --conversations %i --drop %i meets the invariants", async (n, t, k, drop) => {
    const events = await runDemo(["--seed", `fs-${n}-${t}-${drop}`, "--messages", String(n), "--event-at", String(t), "--conversations", String(k), "--drop", String(drop)]);
    checkInvariants(events, n, t, k, drop);
  });

  it("--drop really puts keys on the phone: the delayed messages open, nothing else before the event does", async () => {
    const events = await runDemo(["--seed", "drops", "--messages", "120", "--event-at", "90", "--conversations", "2", "--drop", "6"]);
    const m = summaryOf(events).metrics;
    expect(m["dropped"]).toBe(6);
    expect(m["ratchet_exposed_past"]).toBe(6);
    checkInvariants(events, 120, 90, 2, 6);
  });

  it("is reproducible with --seed, bar measured times", async () => {
    const args = ["--seed", "again", "--messages", "30", "--conversations", "2", "--drop", "1"];
    const strip = (events: DemoEvent[]): unknown[] =>
      events.map((e) => {
        if (e.type === "summary") return { ...e, rows: e.rows.filter((r) => r.label !== "compute time"), metrics: { ...e.metrics, simulate_seconds: 0, attack_seconds: 0, compute_seconds: 0 } };
        if (e.type === "metric" && /seconds/.test(e.name)) return { ...e, value: 0 };
        if (e.type === "step") return { ...e, text: e.text.replace(/in [0-9.]+ s\b/, "in (time)") };
        if (e.type === "progress") return null;
        return e;
      }).filter((e) => e !== null);
    expect(strip(await runDemo(args))).toEqual(strip(await runDemo(args)));
  });

  it("has its own options, scenes and ranges", async () => {
    const help = (await doormat(["demo", "forward-secrecy", "--help"])).stdout.toString("utf8");
    expect(help).toMatch(/--event-at <N>.*half of --messages/s);
    expect(help).toContain("--conversations <N>");
    expect(help).toContain("Blast radius");
    const tooMany = await doormat(["demo", "forward-secrecy", "--messages", "10", "--event-at", "4", "--drop", "5"]);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain("--drop must be a whole number from 0 to 4");
    const late = await doormat(["demo", "forward-secrecy", "--messages", "10", "--event-at", "11"]);
    expect(late.code).toBe(1);    // More delayed messages than a phone keeps skipped keys for (MAX_SKIP) could never open:
    // refused up front, not a crash after the conversations ran.
    const pastSkip = await doormat(["demo", "forward-secrecy", "--messages", "20000", "--event-at", "20000", "--drop", String(MAX_SKIP + 1)]);
    expect(pastSkip.code).toBe(1);
    expect(pastSkip.stderr).toContain(`--drop must be a whole number from 0 to ${MAX_SKIP}`);
  });
});

describe("timeline picture", () => {
  const n = 1000;
  const t = 500;
  const exposedFrom = (from: number, to: number): boolean[] => Array.from({ length: n }, (_, i) => i + 1 >= from && i + 1 <= to);
  const event: TimelineEvent = {
    type: "timeline",
    title: "Alice and Bob",
    messages: n,
    eventAt: t,
    marked: [17, 230],
    sentByFirst: Array.from({ length: n }, (_, i) => i % 6 < 3),
    rows: [
      { id: "static_seized", label: "static, phone seized", exposed: exposedFrom(1, n) },
      { id: "ratchet_seized", label: "ratchet, phone seized", exposed: exposedFrom(501, 511).map((x, i) => x || i + 1 === 17 || i + 1 === 230) },
      { id: "escrow_leak", label: "escrow, key leaked", exposed: exposedFrom(1, n) },
    ],
  };

  it.each([40, 60, 80, 100, 120])("fits %i columns and shows the event, the blocks and the zoom", (width) => {
    const lines = renderTimeline(event, width);
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(width);
    expect(lines.join("\n")).toContain("▲ #500");
    const ratchetLine = lines.find((l) => l.includes("ratchet, phone") || l.includes("ratchet, ph")) as string;
    expect(ratchetLine).toMatch(/▒/); // blocks with some opened messages
    expect(ratchetLine.trimEnd().endsWith(" 13")).toBe(true);
    const zoom = lines.slice(lines.findIndex((l) => l.startsWith("Around the event")));
    expect(zoom.find((l) => l.includes("ratchet")) as string).toContain("█".repeat(11));
    expect(lines.at(-1)).toBe("delayed past the event: #17 #230");
  });

  it.each([30, 38, 45, 58])("at %i columns (the show's width minus its indent) wraps its text at words, never cuts it", (width) => {
    const lines = renderTimeline(event, width);
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(width);
    const text = lines.filter((l) => !l.startsWith("  ")).join(" ");
    // Every word of the heading, the legend and the zoom's heading is there, whole.
    for (const phrase of ["Alice and Bob: 1,000 messages,", "messages per cell", "some opened", "the event (after #500)", "one cell per message", "#17 #230"]) expect(text).toContain(phrase);
  });

  it("the show's timeline fits --width 40, indent included", async () => {
    const r = await doormat(["demo", "forward-secrecy", "--seed", "1", "--messages", "200", "--conversations", "1", "--width", "40"]);
    expect(r.code).toBe(0);
    const out = r.stdout.toString("utf8");
    const timeline = out.split("\n").filter((l) => /[█▒·▲]/.test(l) || l.includes("the event"));
    expect(timeline.length).toBeGreaterThan(8);
    for (const l of out.split("\n")) expect([...l].length, l).toBeLessThanOrEqual(40);
    expect(out).toContain("▲ the event (after #100)");
  });

  it("one cell per message when they fit", () => {
    const small: TimelineEvent = { ...event, messages: 20, eventAt: 10, marked: [], sentByFirst: event.sentByFirst.slice(0, 20), rows: event.rows.map((r) => ({ ...r, exposed: r.exposed.slice(0, 20) })) };
    const lines = renderTimeline(small, 80);
    expect(lines[0]).toContain("one cell per message");
    expect(lines.some((l) => l.startsWith("Around the event"))).toBe(false);
    expect(lines.find((l) => l.includes("static")) as string).toContain("█".repeat(20));
  });
});

describe("compute_seconds counts cryptography, not the show's time", () => {
  it("a presenter's pauses and the drawing of finished bars add nothing", async () => {
    const events = await runOnShowClock("forward-secrecy", "show-clock", { messages: 20, "event-at": 10, drop: 2, conversations: 2 });
    expect(events.filter((e) => e.type === "progress" && e.done === e.total).length).toBe(2); // the simulation and the attack
    const m = summaryOf(events).metrics;
    expect([m["simulate_seconds"], m["attack_seconds"], m["compute_seconds"]]).toEqual([0, 0, 0]);
  });
});
