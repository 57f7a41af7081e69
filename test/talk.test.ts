/**
 * Talk mode: the show at 40–120 columns, keys (forward, back, quit, type-ahead dropped), the
 * asciicast recording, and --out worlds that are whole or absent.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import type { DemoEvent } from "../src/demo/events.js";
import { FACTS } from "../src/demo/facts.js";
import { decodeKeys, keyReader, type ShowTerminal } from "../src/io/tty.js";
import { plainChalk } from "../src/ui/color.js";
import { jsonRenderer, layoutWidth, progressLine, shortSource, terminalRenderer, type RenderTarget } from "../src/ui/demo-render.js";
import { ShowQuit, slideShow, type NavKey } from "../src/ui/show.js";
import { BIN, cliEnv, doormat } from "./cli-harness.js";

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** What a terminal shows for `output`: lines, each as left by its last carriage return. */
function screen(output: string): string[] {
  return output.replace(/\u001b\[K/g, "").split("\n").map((l) => (l.split("\r").at(-1) as string).replace(ANSI, ""));
}

/** A render target that collects output; `now` steps 100 ms per call. */
function collect(isTTY: boolean): { target: RenderTarget; text: () => string } {
  let out = "";
  let t = 0;
  return {
    target: { write: (s) => void (out += s), isTTY, sleep: async () => {}, now: () => (t += 100) },
    text: () => out,
  };
}

const progress = (task: string, done: number, total: number): DemoEvent => ({ type: "progress", task, done, total });

/** A show in miniature: every event type, long words, a long summary. */
const EVENTS: DemoEvent[] = [
  { type: "scene", index: 1, title: "A key under the doormat" },
  { type: "fact", ...FACTS.letter2019 },
  { type: "narration", text: "doormat builds exactly that \"means for lawful access\": every message key is also wrapped to a government escrow key." },
  { type: "step", text: "authority \"United Kingdom\" holds escrow key bad8bd6f, and https://example.org/a/very/long/address/that/does/not/fit/anywhere is cut" },
  { type: "pause" },
  { type: "scene", index: 2, title: "Two services, one interceptor" },
  ...Array.from({ length: 25 }, (_, i) => progress("encrypting and recording", i * 400, 10_000)),
  progress("encrypting and recording", 10_000, 10_000),
  { type: "metric", name: "messages", label: "messages", value: 5000, unit: "" },
  { type: "result", tone: "bad", text: "LawfulChat: opened and verified 5,000 of 5,000 messages, of 996 recipients" },
  { type: "result", tone: "good", text: "SafeChat: opened 0 of 5,000" },
  { type: "fact", ...FACTS.saltTyphoon },
  { type: "pause" },
  {
    type: "summary",
    title: "What one leaked key did",
    rows: [
      { label: "users / messages per service", value: "1,000 / 5,000", tone: "neutral" },
      { label: "LawfulChat opened by the stolen key", value: "5,000 of 5,000", tone: "bad" },
      { label: "time to decrypt the whole archive", value: "2.50 s (4,000 msg/s)", tone: "neutral" },
    ],
    metrics: {},
  },
];

async function show(width: number, isTTY: boolean, events = EVENTS): Promise<string> {
  const { target, text } = collect(isTTY);
  const r = terminalRenderer(target, plainChalk, { width: layoutWidth(width), pacing: { mode: "none" } });
  for (const e of events) await r.render(e);
  await r.end();
  return text();
}

describe("the show at any width", () => {
  it.each([40, 60, 80, 120])("never writes a line longer than %i columns", async (width) => {
    for (const tty of [false, true]) {
      const lines = screen(await show(width, tty));
      for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(width);
      expect(Math.max(...lines.map((l) => [...l].length))).toBeGreaterThan(Math.min(width, 100) - 12); // uses the room
    }
    expect(await show(width, false)).toMatchSnapshot();
  });

  it("--clear makes every scene, and the summary after the last one, a slide of its own", async () => {
    const { target, text } = collect(true);
    const r = terminalRenderer(target, plainChalk, { width: 60, clear: true, pacing: { mode: "none" } });
    for (const e of EVENTS) await r.render(e);
    await r.end();
    const slides = text().split("\u001b[H\u001b[2J").slice(1);
    const scenes = EVENTS.filter((e) => e.type === "scene").length;
    expect(slides).toHaveLength(scenes + 1);
    expect(slides[scenes]).toMatch(/^ What one leaked key did \n/);
    expect(slides[scenes]).not.toMatch(/ · /); // no scene title above the summary
  });

  it("follows a terminal resized during the show from the next scene on", async () => {
    const { target, text } = collect(false);
    let columns = 100;
    const r = terminalRenderer(target, plainChalk, { width: () => layoutWidth(columns), pacing: { mode: "none" } });
    for (const e of EVENTS.slice(0, 5)) await r.render(e);
    columns = 60; // SIGWINCH while scene 1 is on screen
    const before = text().length;
    for (const e of EVENTS.slice(5)) await r.render(e);
    await r.end();
    const first = screen(text().slice(0, before));
    const second = screen(text().slice(before));
    expect(Math.max(...first.map((l) => [...l].length))).toBeGreaterThan(80);
    for (const l of second) expect([...l].length, l).toBeLessThanOrEqual(60);
  });

  it("redraws a progress bar in place: one line for a whole task, at 60 columns", async () => {
    const out = await show(60, true, EVENTS.slice(5, 7 + 25));
    const barLines = screen(out).filter((l) => l.includes("encrypting"));
    expect(barLines).toHaveLength(1);
    expect(barLines[0]).toMatch(/\[█+\] 100%/);
    expect(out.split("\r").length - 1).toBe(26); // every update is a redraw
  });

  it("shows elapsed time, and an estimate from the first second", () => {
    expect(progressLine("encrypting", 100, 1000, 80, { elapsed: 0.5 })).toMatch(/ 10%   100\/1,000  0:01     -\/s ETA  -:--$/);
    expect(progressLine("encrypting", 100, 1000, 80, { elapsed: 1, left: 9, rate: 100 })).toMatch(/ 0:01   100\/s ETA  0:09$/);
    // With a rate (Dual EC candidates per second in demo kleptography), next to the ETA it comes from.
    expect(progressLine("searching with the vendor's d", 4096, 65_536, 80, { elapsed: 2, left: 30, rate: 2048 })).toMatch(/ 0:02  2,048\/s ETA  0:30$/);
    // Narrow: the bar shrinks, then counts go, never past the width.
    for (const w of [40, 45, 50, 60]) expect(progressLine("decrypting the whole archive", 123_456, 200_000, w, { elapsed: 75, left: 50 }).length).toBeLessThan(w);
    // The estimate is the last field to go: a long task name at 60 columns still shows it.
    const narrow = progressLine("searching with the intruder's d", 1024, 2048, 60, { elapsed: 2, left: 2, rate: 512 });
    expect(narrow.length).toBeLessThan(60);
    expect(narrow).toMatch(/ETA {2}0:02$/);
    expect(progressLine("encrypting", 100, 1000, 56, { elapsed: 1, left: 9, rate: 100 })).toMatch(/ 10% {2}0:01 {3}100\/s ETA {2}0:09$/);
    expect(progressLine("encrypting", 100, 1000, 48, { elapsed: 1, left: 9, rate: 100 })).toMatch(/ 10% {2}0:01 ETA {2}0:09$/);
  });

  it("keeps every field of a bar at one width for the whole task, so the bar never jumps", () => {
    for (const w of [40, 60, 80, 100]) {
      const frames = [
        progressLine("decrypting the archive", 0, 250_000, w, { elapsed: 0.1 }),
        progressLine("decrypting the archive", 7, 250_000, w, { elapsed: 0.9 }),
        progressLine("decrypting the archive", 9_999, 250_000, w, { elapsed: 1.2, left: 4_000 }),
        progressLine("decrypting the archive", 123_456, 250_000, w, { elapsed: 65, left: 67 }),
        progressLine("decrypting the archive", 250_000, 250_000, w, { elapsed: 600, left: 0 }),
      ];
      expect(new Set(frames.map((f) => f.length)).size, frames.join("\n")).toBe(1);
      expect(new Set(frames.map((f) => f.indexOf("]"))).size).toBe(1);
    }
    expect(progressLine("x", 7, 250_000, 100)).toContain("      7/250,000");
  });

  it("--json writes a progress count once, however often the timer polled it", async () => {
    const { target, text } = collect(false);
    const r = jsonRenderer(target);
    const p = (done: number): DemoEvent => ({ type: "progress", task: "encrypting", done, total: 10 });
    for (const e of [p(0), p(0), p(0), p(5), p(5), { type: "pause" } as DemoEvent, p(5), p(10)]) await r.render(e);
    await r.end();
    const done = text().trimEnd().split("\n").map((l) => JSON.parse(l) as DemoEvent).map((e) => (e.type === "progress" ? e.done : e.type));
    expect(done).toEqual([0, 5, "pause", 10]);
  });

  it("cites sources with a short URL, or a citation when the URL does not fit", () => {
    expect(shortSource(FACTS.athens.source)).toBe("spectrum.ieee.org/the-athens-affair");
    expect(shortSource(FACTS.saltTyphoon.source, 40)).toBe("Wall Street Journal (nextgov.com)");
    for (const f of Object.values(FACTS)) expect(shortSource(f.source, 60)).not.toContain("SOURCES.md");
    // A URL written without its scheme is still a URL: not the whole 230-character citation
    // (6 lines at 60 columns, its ")" alone on the last).
    expect(shortSource(FACTS.juniperAdvisory.source, 68)).toBe("mail-archive.com/isn@lists.infosecnews.org/msg01880.html");
    // The citation named is the one the URL belongs to, not the first of the list.
    expect(shortSource(FACTS.juniperAdvisory.source, 48)).toBe("The Register (mail-archive.com)");
    expect(shortSource(FACTS.tsaKeys.source, 48)).toBe("Tech Times (techtimes.com)");
  });

  it("the CLI lays out at --width, COLUMNS, or the terminal's width, and warns once below 40", async () => {
    const args = ["demo", "leak", "--seed", "1", "--users", "4", "--messages", "6"];
    const longest = (r: { stdout: Buffer }): number => Math.max(...screen(r.stdout.toString()).map((l) => [...l].length));
    expect(longest(await doormat([...args, "--width", "60"]))).toBeLessThanOrEqual(60);
    expect(longest(await doormat(args, { env: { COLUMNS: "50" } }))).toBeLessThanOrEqual(50);
    expect(longest(await doormat(args, { columns: 45 }))).toBeLessThanOrEqual(45);
    expect(longest(await doormat([...args, "--width", "60"], { env: { COLUMNS: "120" } }))).toBeLessThanOrEqual(60);
    const narrow = await doormat([...args, "--width", "30"]);
    expect(narrow.code).toBe(0);
    expect(narrow.stderr.match(/warning/g)).toHaveLength(1);
    expect(longest(narrow)).toBeLessThanOrEqual(40);
  });
});

describe("keys", () => {
  it("decodes a clicker's and a keyboard's keys", () => {
    expect(decodeKeys("\r \n n")).toEqual(["next", "next", "next", "next", "next"]);
    expect(decodeKeys("\u001b[C\u001b[B\u001b[6~\u001bOC")).toEqual(["next", "next", "next", "next"]);
    expect(decodeKeys("\u001b[D\u001b[A\u001b[5~p")).toEqual(["back", "back", "back", "back"]);
    expect(decodeKeys("q")).toEqual(["quit"]);
    expect(decodeKeys("\u001b")).toEqual(["quit"]);
    expect(decodeKeys("\u0003")).toEqual(["interrupt"]);
    expect(decodeKeys("x\u001b[15~")).toEqual(["other", "other"]);
  });

  /** A fake terminal input: a stream with raw mode. */
  class FakeTTY extends PassThrough {
    raw = false;
    setRawMode(on: boolean): this {
      this.raw = on;
      return this;
    }
  }
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
  };

  it("reads in raw mode, drops keys typed before it asks, and restores the terminal", async () => {
    const input = new FakeTTY();
    let interrupted = 0;
    const term = keyReader(input, () => interrupted++);
    expect(input.raw).toBe(true);
    input.write("\r\r \u001b[C"); // typed while a scene computes
    await settle();
    const k = term.nextKey();
    await settle();
    input.write("x"); // meaningless: still waiting
    await settle();
    input.write("\u001b[D");
    expect(await k).toBe("back");
    const q = term.nextKey();
    await settle();
    input.write("q");
    expect(await q).toBe("quit");
    input.write("\u0003");
    await settle();
    expect(interrupted).toBe(1);
    term.close();
    expect(input.raw).toBe(false);
  });

  /** A terminal that answers each wait with the next scripted key. */
  function scripted(keys: NavKey[]): ShowTerminal & { asked: number; closed: boolean } {
    const t = {
      asked: 0,
      closed: false,
      nextKey: async () => {
        t.asked++;
        return keys.shift() ?? "quit";
      },
      prompt: () => {},
      close: () => void (t.closed = true),
    };
    return t;
  }

  it("slides: forward, back (re-shown from its events, same numbers), forward again, end", async () => {
    const { target, text } = collect(false);
    const live = terminalRenderer(target, plainChalk, { width: 80, pacing: { mode: "step" } });
    const keys = scripted(["next", "back", "back", "next", "next", "next"]);
    const s = slideShow(live, keys, { step: true, fromScene: 1, chalk: plainChalk });
    for (const e of EVENTS) await s.render(e);
    await s.end();
    const titles = screen(text()).filter((l) => /^ \d · /.test(l)).map((l) => l.trim().slice(0, 1));
    // 1, then 2; back to 1 (a second back stays there: 1 is the first); forward to 2; on to the summary.
    expect(titles).toEqual(["1", "2", "1", "2"]);
    expect(keys.asked).toBe(6);
    expect(text().split("5,000 of 5,000 messages").length - 1).toBe(2);
  });

  it("--step with stdout in a pipe lays the show out at the width of the terminal it reads keys from", async () => {
    const term = { ...scripted(["next", "next", "next", "next", "next", "next", "next"]), columns: 60 };
    const r = await doormat(["demo", "ghost", "--step", "--seed", "1", "--messages", "4"], { openShowTerminal: async () => term });
    expect(r.code).toBe(0);
    const lines = screen(r.stdout.toString("utf8"));
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(60);
    expect(lines.some((l) => [...l].length > 50)).toBe(true); // laid out at 60, not squeezed to 40
  });

  it("--step with stdout in a pipe writes each prompt only once the scene is out of the pipe", async () => {
    const log: string[] = [];
    const term = { ...scripted(["next", "next", "next", "next", "next", "next", "next"]), prompt: (t: string) => void log.push(t.includes("next") || t.includes("end") ? "prompt" : "erase") };
    const r = await doormat(["demo", "ghost", "--step", "--seed", "1", "--messages", "4"], {
      openShowTerminal: async () => term,
      onStdout: (d) => void log.push(`out:${d.toString("utf8")}`),
      sleep: async (ms) => void log.push(`sleep ${ms}`),
    });
    expect(r.code).toBe(0);
    const prompts = log.flatMap((e, i) => (e === "prompt" ? [i] : []));
    expect(prompts.length).toBe(7); // six scenes and the end
    for (const i of prompts) {
      // Just before the prompt: the grace period for the pipe's reader, after the scene's last line.
      expect(log[i - 1]).toBe("sleep 150");
      expect(log[i - 2]).toMatch(/^out:[^]*\n$/);
    }
  });

  it("q quits: the CLI exits 0, restores the terminal, and writes no half world", async () => {
    const dir = mkdtempSync(join(tmpdir(), "doormat-quit-"));
    try {
      const term = scripted(["next", "quit"]);
      const r = await doormat(["demo", "leak", "--step", "--seed", "1", "--users", "4", "--messages", "6", "--out", join(dir, "w")], { openShowTerminal: async () => term });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(term.closed).toBe(true);
      expect(r.stdout.toString()).toContain("Two services");
      expect(r.stdout.toString()).not.toContain("Lawful access, as designed");
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--pace is honoured when output is not a terminal; without it, a pipe runs straight through", async () => {
    const args = ["demo", "leak", "--seed", "1", "--users", "4", "--messages", "6"];
    const slept: number[] = [];
    await doormat([...args, "--pace", "900"], { sleep: async (ms) => void slept.push(ms) });
    expect(slept.filter((ms) => ms === 900)).toHaveLength(6); // one pause per scene
    const none: number[] = [];
    await doormat(args, { sleep: async (ms) => void none.push(ms) });
    expect(none).toEqual([]);
  });

  it("--from-scene runs the earlier scenes silently; --step without a terminal is an error", async () => {
    const term = scripted([]);
    const r = await doormat(["demo", "leak", "--seed", "1", "--users", "4", "--messages", "6", "--from-scene", "5", "--pace", "0"], { openShowTerminal: async () => term });
    const out = r.stdout.toString();
    expect(out).not.toContain("1 · A key");
    expect(out).toContain("5 · Everything opens at once");
    expect(out).toContain("opened and verified 6 of 6");
    const none = await doormat(["demo", "leak", "--step"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("--step reads keys from the terminal, and there is none");
    expect((await doormat(["demo", "leak", "--from-scene", "7"])).stderr).toContain("--from-scene must be a whole number from 1 to 6");
  });

  it("--from-scene 2 says so in the singular", async () => {
    const { target, text } = collect(false);
    const s = slideShow(terminalRenderer(target, plainChalk, { pacing: { mode: "none" } }), null, { step: false, fromScene: 2, chalk: plainChalk });
    for (const e of EVENTS) await s.render(e);
    await s.end();
    expect(text()).toContain("scene 1 runs first, without output");
    expect(text()).not.toContain("1 · A key under the doormat");
  });

  it("--from-scene 3 says \"scenes 1 and 2\", not \"scenes 1 to 2\"; 4 says \"1 to 3\"", async () => {
    for (const [from, said] of [[3, "scenes 1 and 2 run first, without output"], [4, "scenes 1 to 3 run first, without output"]] as const) {
      const { target, text } = collect(false);
      const s = slideShow(terminalRenderer(target, plainChalk, { pacing: { mode: "none" } }), null, { step: false, fromScene: from, chalk: plainChalk });
      for (const e of EVENTS) await s.render(e);
      await s.end();
      expect(text()).toContain(said);
    }
  });

  it("a quit key from the show is ShowQuit", async () => {
    const live = terminalRenderer(collect(false).target, plainChalk, { pacing: { mode: "step" } });
    const s = slideShow(live, scripted(["quit"]), { step: true, fromScene: 1, chalk: plainChalk });
    await expect((async () => {
      for (const e of EVENTS) await s.render(e);
    })()).rejects.toBeInstanceOf(ShowQuit);
  });
});

describe("--cast", () => {
  const dir = mkdtempSync(join(tmpdir(), "doormat-cast-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  type Event = [number, string, string];
  const read = (file: string): { header: Record<string, unknown>; events: Event[] } => {
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.pop()).toBe(""); // ends with a newline
    return { header: JSON.parse(lines[0] as string) as Record<string, unknown>, events: lines.slice(1).map((l) => JSON.parse(l) as Event) };
  };
  /** Measured figures (times, rates) differ from run to run. */
  const unmeasured = (events: Event[]): Event[] => events.map(([t, code, data]) => [t, code, data.replace(/[0-9][0-9,]*(\.[0-9]+)? (s\b|msg\/s|per second)/g, "#")]);

  it("is asciicast v2: a header, JSON events, monotonic times, a marker per scene, \\r\\n", async () => {
    const file = join(dir, "a.cast");
    const r = await doormat(["demo", "leak", "--seed", "5", "--users", "4", "--messages", "6", "--cast", file, "--width", "60"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const { header, events } = read(file);
    expect(header).toMatchObject({ version: 2, width: 60, height: 24, title: "doormat demo leak" });
    expect(typeof header["timestamp"]).toBe("number");
    let last = 0;
    for (const e of events) {
      expect(e).toHaveLength(3);
      expect(["o", "m"]).toContain(e[1]);
      expect(e[0]).toBeGreaterThanOrEqual(last);
      last = e[0];
      if (e[1] === "o") expect(e[2]).not.toMatch(/(^|[^\r])\n/);
    }
    expect(events.filter((e) => e[1] === "m").map((e) => e[2])).toEqual([
      "1. A key under the doormat", "2. Two services, one interceptor", "3. Lawful access, as designed", "4. The leak", "5. Everything opens at once", "6. Aftermath",
    ]);
    // Times from the pacing model: 1.2 s per scene by default, plus line delays.
    expect(last).toBeGreaterThan(6 * 1.2);
    // Drawn as on a terminal (bars redraw in place), in colour unless told otherwise.
    expect(events.some((e) => e[1] === "o" && e[2].startsWith("\r  encrypting and recording ["))).toBe(true);
    const screenText = screen(events.filter((e) => e[1] === "o").map((e) => e[2]).join("").replace(/\r\n/g, "\n"));
    for (const l of screenText) expect([...l].length).toBeLessThanOrEqual(60);
  });

  it("records the same events for the same seed, bar measured figures; --pace sets the clock", async () => {
    const args = (f: string, ...more: string[]): string[] => ["demo", "leak", "--seed", "9", "--users", "5", "--messages", "200", "--cast", join(dir, f), ...more];
    await doormat(args("b1.cast"));
    await doormat(args("b2.cast", "--threads", "1"));
    const a = read(join(dir, "b1.cast"));
    const b = read(join(dir, "b2.cast"));
    expect(unmeasured(b.events)).toEqual(unmeasured(a.events));
    await doormat(["demo", "leak", "--seed", "9", "--users", "5", "--messages", "20", "--cast", join(dir, "b3.cast"), "--pace", "5000"]);
    const slow = read(join(dir, "b3.cast")).events.filter((e) => e[1] === "m");
    expect((slow[5] as Event)[0]).toBeGreaterThan(5 * 5);
  });

  it("is never overwritten without --force", async () => {
    const file = join(dir, "c.cast");
    writeFileSync(file, "mine\n");
    const r = await doormat(["demo", "leak", "--users", "2", "--messages", "1", "--cast", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already exists");
    expect(readFileSync(file, "utf8")).toBe("mine\n");
    expect((await doormat(["demo", "leak", "--users", "2", "--messages", "1", "--cast", file, "--force"])).code).toBe(0);
    expect(read(file).header["version"]).toBe(2);
  });
});

describe("--out worlds are whole or absent", () => {
  const dir = mkdtempSync(join(tmpdir(), "doormat-atomic-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const files = (root: string): string[] => {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else out.push(relative(root, join(d, e.name)));
      }
    };
    walk(root);
    return out.sort();
  };
  const world = (seed: string, users: number, messages: number, out: string, ...more: string[]) =>
    doormat(["demo", "leak", "--seed", seed, "--users", String(users), "--messages", String(messages), "--out", out, ...more]);

  it.each([["SIGINT", 130], ["SIGTERM", 143]] as const)("a run stopped by %s leaves nothing at the target, nor beside it", async (signal, status) => {
    const parent = join(dir, signal);
    mkdirSync(parent);
    const target = join(parent, "w");
    const child = spawn(process.execPath, [BIN, "demo", "leak", "--users", "3000", "--messages", "20000", "--threads", "1", "--out", target], { stdio: "ignore", env: cliEnv() });
    let running = true;
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => { running = false; resolve(code); }));
    // Wait until the world is being written (its temporary directory holds key files): no
    // fixed number of polls, since a loaded CI machine may take long to get there; the test's
    // timeout bounds the wait, and a child that exits first fails the test at once.
    const writing = (): boolean => {
      const tmp = readdirSync(parent).find((n) => n.startsWith(".w.doormat-"));
      return tmp !== undefined && existsSync(join(parent, tmp, "keys/users"));
    };
    try {
      while (running && !writing()) await new Promise((r) => setTimeout(r, 50));
      expect(running, "the demo ended before it was stopped").toBe(true);
      child.kill(signal);
      expect(await exited).toBe(status);
      expect(readdirSync(parent)).toEqual([]);
    } finally {
      if (running) child.kill("SIGKILL"); // a failed or timed-out test leaves no demo running
    }
  }, 600_000);

  it("--force replaces an earlier world whole: exactly the new manifest's files remain", async () => {
    const target = join(dir, "forced");
    expect((await world("3", 6, 12, target)).code).toBe(0);
    const r = await world("4", 3, 4, target, "--force");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(target, "manifest.json"), "utf8")) as { archive: { safechat: string; lawfulchat: string }[]; authorities: { key_file: string }[]; users: number };
    const expected = [
      "README.txt", "manifest.json",
      ...manifest.archive.flatMap((m) => [m.safechat, m.lawfulchat]),
      ...manifest.authorities.map((a) => a.key_file),
      ...Array.from({ length: manifest.users }, (_, i) => `keys/users/user-${String(i + 1).padStart(4, "0")}.key`),
    ].sort();
    expect(files(target)).toEqual(expected);
    expect(readdirSync(dir).filter((n) => n.startsWith("."))).toEqual([]);
    expect(r.stdout.toString()).toContain(`wrote the world to ${target}/`);
  });

  it("refuses any directory that is not a world, even with --force, and never the working directory", async () => {
    const mine = join(dir, "mine");
    mkdirSync(mine);
    writeFileSync(join(mine, "thesis.tex"), "years of work\n");
    for (const args of [[mine], [mine, "--force"]]) {
      const r = await world("1", 2, 1, args[0] as string, ...args.slice(1));
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/not empty|not a demo world/);
    }
    expect(readFileSync(join(mine, "thesis.tex"), "utf8")).toBe("years of work\n");
    // `--out . --force` from inside the user's directory: refused, nothing deleted.
    const here = await doormat(["demo", "leak", "--users", "2", "--messages", "1", "--out", ".", "--force"], { cwd: mine });
    expect(here.code).toBe(1);
    expect(readdirSync(mine)).toEqual(["thesis.tex"]);
    // A world someone added a file to is not a world any more.
    const w = join(dir, "added");
    await world("1", 2, 1, w);
    writeFileSync(join(w, "notes.txt"), "mine\n");
    expect((await world("1", 2, 1, w, "--force")).code).toBe(1);
    expect(readFileSync(join(w, "notes.txt"), "utf8")).toBe("mine\n");
  });

  it("README.txt: commands from the directory or its parent, the manifest, the leaked-key check", async () => {
    const target = join(dir, "readme");
    await world("3", 5, 8, target);
    const readme = readFileSync(join(target, "README.txt"), "utf8");
    const manifest = JSON.parse(readFileSync(join(target, "manifest.json"), "utf8")) as { leaked_authority_id: string };
    expect(readme).toContain("manifest.json");
    expect(readme).toContain("cd readme");
    expect(readme).toContain(`doormat decrypt -i keys/authorities/${manifest.leaked_authority_id}.key archive/lawfulchat/000001.age`);
    // Every doormat command in it works as written, from the world directory.
    for (const line of readme.split("\n").filter((l) => l.trimStart().startsWith("doormat "))) {
      const argv = line.trim().replace(/\s+#.*$/, "").split(/\s+/).slice(1);
      const r = await doormat(argv, { cwd: target });
      expect(r.code, line).toBe(line.includes("safechat") && argv[0] === "decrypt" ? 1 : 0);
      if (argv[0] === "decrypt" && r.code === 0) expect(r.stdout.toString()).toMatch(/^user-\d{4} to user-\d{4}: .*\n$/);
    }
  });
});
