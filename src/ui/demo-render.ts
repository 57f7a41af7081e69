/**
 * Renderers for demo events: a paced, coloured terminal show that fits the terminal's width,
 * and JSON lines for scripts and tests. The only place demo output is formatted.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";
import type { DemoEvent, Tone } from "../demo/events.js";
import { formatCount } from "./numbers.js";
import { renderTimeline } from "./timeline.js";

/** The width assumed when nothing says otherwise (not a terminal, no COLUMNS, no --width). */
export const WIDTH = 80;
/** The show is laid out between these widths: narrower cuts words, wider is hard to read. */
export const MIN_WIDTH = 40;
export const MAX_WIDTH = 100;

/** The width the show is laid out at for a screen `columns` wide (clamped to 40–100). */
export function layoutWidth(columns: number): number {
  return Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.floor(columns)));
}

/**
 * A word longer than a line, in pieces of at most `room` columns cut where a reader expects a
 * break: hex at a multiple of 8 digits, a URL or path after a `/` (or `-`, `.`, `_`), else at
 * the last possible column.
 */
function pieces(word: string, room: number): string[] {
  const out: string[] = [];
  const hex = /^[0-9a-f]+…?$/i.test(word);
  let rest = word;
  while (rest.length > room) {
    let cut = room;
    if (hex && room >= 8) cut = room - (room % 8);
    else {
      const at = Math.max(...["/", "-", ".", "_"].map((ch) => rest.lastIndexOf(ch, room - 1)));
      if (at + 1 >= room / 2) cut = at + 1;
    }
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest !== "") out.push(rest);
  return out;
}

/** Word-wrap `text` to `width` columns, each line prefixed by `indent`. */
export function wrap(text: string, indent: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = "";
  const room = Math.max(8, width - indent.length);
  const words = text.split(/\s+/).filter(Boolean).flatMap((w) => (w.length <= room ? [w] : pieces(w, room)));
  for (const word of words) {
    if (line !== "" && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

/**
 * A fact's source as the screen shows it: its first URL without the scheme (it works without
 * this repository; a bare `host/path` counts when there is no http URL), else the citation
 * itself. `--json` carries the full citation.
 */
export function shortSource(source: string, room = Infinity): string {
  const url = /https?:\/\/(?:www\.)?([^\s;,]+)/.exec(source) ?? /(?<![\w@./-])((?:[a-z0-9-]+\.)+[a-z]{2,}\/[^\s;,()]+)/i.exec(source);
  if (!url) return source;
  const short = (url[1] as string).replace(/[/.]+$/, "");
  if (short.length <= room) return short;
  // Too long for one line: the first part (author or title) of the citation the URL belongs
  // to (sources list several, separated by "; "), and the site.
  const citation = ((source.slice(0, url.index).split(/;\s/).at(-1) as string).split(/,\s/)[0] as string).replace(/[\s,;(]+$/, "");
  const host = short.split("/")[0] as string;
  return citation === "" ? short : citation.includes(host) ? citation : `${citation} (${host})`;
}

/** Minutes and seconds, e.g. `1:05`, right-aligned in 5 columns (up to 99:59) so it never changes width. */
function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`.padStart(5);
}

/**
 * One progress line that fits `width - 1` columns (the last column is left free, so the
 * terminal never wraps it): the bar shrinks first, then the counts, the rate and the elapsed
 * time go, the estimate last, then the task is cut.
 * Every field keeps one width for the whole task (the count is padded to the total's width,
 * the clocks to 5 columns, the estimate shows `-:--` until it is known), so the bar never
 * jumps as the numbers grow.
 *
 * @param timing - elapsed seconds and the estimate of those left (absent: not shown)
 */
export function progressLine(task: string, done: number, total: number, width: number, timing?: { elapsed: number; left?: number; rate?: number }): string {
  const pct = `${String(Math.floor((100 * done) / total)).padStart(3)}%`;
  const whole = formatCount(total);
  const counts = `${formatCount(done).padStart(whole.length)}/${whole}`;
  // The rate (items per second, e.g. Dual EC candidates) goes with the ETA, from the same
  // estimate; like every field it keeps one width for the run ("-/s" until there is one).
  const rate = timing === undefined ? "" : ` ${(timing.rate === undefined ? "-/s" : `${formatCount(Math.round(timing.rate))}/s`).padStart(whole.length + 2)}`;
  const eta = timing === undefined ? "" : `ETA ${timing.left === undefined ? " -:--" : clock(timing.left)}`;
  const elapsed = timing === undefined ? "" : clock(timing.elapsed);
  const time = timing === undefined ? "" : `${elapsed}${rate} ${eta}`;
  const timeWithoutRate = timing === undefined ? "" : `${elapsed} ${eta}`;
  const room = width - 1;
  const fit = (name: string, tail: string[]): string | null => {
    const fixed = `  ${name} [] ${[pct, ...tail].join(" ")}`.length;
    const bar = Math.min(30, room - fixed);
    if (bar < 8) return null;
    const filled = Math.round((bar * done) / total);
    return `  ${name} [${"█".repeat(filled)}${"░".repeat(bar - filled)}] ${[pct, ...tail].join(" ")}`;
  };
  // Narrower: the counts go first, then the rate, then the elapsed time; the ETA stays longest.
  const tails = [[counts, time], [time], [timeWithoutRate], [eta], [counts], []].map((t) => t.filter(Boolean));
  for (const tail of tails) {
    const line = fit(task, tail);
    if (line !== null) return line;
  }
  const short = task.slice(0, Math.max(4, room - 2 - 3 - 8 - pct.length - 1 - 1)) + "…";
  return (fit(short, []) ?? `  ${pct}`).slice(0, room);
}

/** Pacing: `step` waits for a key at each pause (see show.ts), `pace` sleeps, `none` runs straight through. */
export type Pacing = { readonly mode: "step" } | { readonly mode: "pace"; readonly ms: number } | { readonly mode: "none" };

export interface RenderTarget {
  write(s: string): Promise<void> | void;
  /** Whether output is a terminal (colours aside: progress bars redraw in place, --clear works). */
  readonly isTTY: boolean;
  sleep(ms: number): Promise<void>;
  /** Milliseconds from any origin, for elapsed time and ETA; absent: no times on bars. */
  now?(): number;
  /** A chapter mark at each scene (a recording's marker); absent: none. */
  mark?(label: string): void;
}

export interface Renderer {
  render(event: DemoEvent): Promise<void>;
  end(): Promise<void>;
}

/** What the terminal show can also do for a slide show (show.ts). */
export interface TerminalRenderer extends Renderer {
  /** Show recorded events again at once: no pauses, no line delays, only finished bars. */
  replay(events: readonly DemoEvent[]): Promise<void>;
  /** Draw a progress bar that leaves no line behind when it finishes (scenes run silently). */
  transient(event: Extract<DemoEvent, { type: "progress" }>): Promise<void>;
}

/** How the terminal show is laid out and paced. */
export interface TerminalOptions {
  /**
   * Columns the show is laid out at (see {@link layoutWidth}); default 80. A function is asked
   * again at each scene, so a show follows a terminal that is resized while it runs.
   */
  readonly width?: number | (() => number);
  readonly pacing: Pacing;
  /** Clear the screen at each scene, so each scene is a slide (terminals only). */
  readonly clear?: boolean;
  /**
   * `live` (default) redraws a bar at every update, with elapsed time and ETA; `count` draws
   * one frame per 1/40 of the total, with no times, so a recording is the same every run.
   */
  readonly progress?: "live" | "count";
}

/** One JSON object per line, exactly the events (a progress event that repeats the last one is dropped). */
export function jsonRenderer(out: RenderTarget): Renderer {
  // Progress is polled on a timer, so a slow step repeats the same count: one line is enough.
  let lastProgress = "";
  return {
    render: async (e) => {
      const line = JSON.stringify(e);
      if (e.type === "progress") {
        if (line === lastProgress) return;
        lastProgress = line;
      }
      await out.write(line + "\n");
    },
    end: async () => {},
  };
}

/** Frames a `count` bar draws over a task. */
const COUNT_FRAMES = 40;
/** Plain lines a task gets when output is not a terminal. */
const PLAIN_STEPS = 4;

/** The terminal show. */
export function terminalRenderer(out: RenderTarget, c: ChalkInstance, options: TerminalOptions): TerminalRenderer {
  const widthNow = (): number => (typeof options.width === "function" ? options.width() : options.width ?? WIDTH);
  let width = widthNow();
  const pacing = options.pacing;
  let barShown = false;
  let replaying = false;
  /** Per task being tracked: when it started, and the last frame or plain line drawn. */
  let task: { name: string; total: number; start: number; drawn: number } | null = null;
  const tone = (t: Tone, s: string): string => (t === "good" ? c.green(s) : t === "bad" ? c.red(s) : s);
  const mark = (t: Tone): string => (t === "good" ? c.green("✔") : t === "bad" ? c.red("✘") : c.cyan("•"));
  const lineDelay = pacing.mode === "pace" ? Math.round(pacing.ms / 6) : 0;
  const endBar = async (): Promise<void> => {
    if (barShown) {
      await out.write("\n");
      barShown = false;
    }
  };
  const say = async (lines: string[]): Promise<void> => {
    await endBar();
    for (const l of lines) {
      await out.write(l + "\n");
      if (lineDelay > 0 && !replaying) await out.sleep(lineDelay);
    }
  };
  const drawBar = async (text: string): Promise<void> => {
    await out.write(`\r${text}\u001b[K`);
    barShown = true;
  };

  async function progress(e: Extract<DemoEvent, { type: "progress" }>, transient: boolean): Promise<void> {
    if (task === null || task.name !== e.task || task.total !== e.total) task = { name: e.task, total: e.total, start: out.now?.() ?? 0, drawn: -1 };
    const t = task;
    const finished = e.done >= e.total;
    if (!out.isTTY) {
      // Not a terminal: a few plain lines at fixed counts (the same every run), not a bar.
      if (transient) return;
      const step = Math.min(PLAIN_STEPS, Math.floor((PLAIN_STEPS * e.done) / e.total));
      if (step > t.drawn && (step < PLAIN_STEPS || finished)) {
        const at = finished ? e.total : Math.floor((e.total * step) / PLAIN_STEPS);
        if (at > 0) await say(wrap(`${e.task}: ${formatCount(at)}/${formatCount(e.total)}`, "  ", width));
        t.drawn = step;
      }
    } else if (options.progress === "count" && !transient) {
      // One frame per 1/40 of the total, each at its exact count: a recording by count.
      const frame = Math.min(COUNT_FRAMES, Math.floor((COUNT_FRAMES * e.done) / e.total));
      for (let f = Math.max(t.drawn + 1, replaying ? frame : 0); f <= frame; f++) {
        if (f === COUNT_FRAMES && !finished) break;
        await drawBar(progressLine(e.task, Math.floor((e.total * f) / COUNT_FRAMES), e.total, width));
        t.drawn = f;
        if (!replaying) await out.sleep(50);
      }
    } else {
      const timing = out.now && !replaying ? (() => {
        const elapsed = ((out.now?.() ?? 0) - t.start) / 1000;
        // An estimate from the first second on, once anything is done.
        // Finished: nothing left.
        return { elapsed, ...(finished ? { left: 0, ...(e.done > 0 && elapsed > 0 ? { rate: e.done / elapsed } : {}) } : elapsed >= 1 && e.done > 0 ? { left: (elapsed * (e.total - e.done)) / e.done, rate: e.done / elapsed } : {}) };
      })() : undefined;
      await drawBar(progressLine(e.task, e.done, e.total, width, timing));
    }
    if (finished) {
      task = null;
      if (transient && barShown) {
        await out.write("\r\u001b[K");
        barShown = false;
      } else await endBar();
    }
  }

  async function render(e: DemoEvent): Promise<void> {
    switch (e.type) {
      case "scene": {
        width = widthNow();
        if (!replaying) out.mark?.(`${e.index}. ${e.title}`);
        let title = ` ${e.index} · ${e.title} `;
        if (title.length > width) title = title.slice(0, width - 2) + "… ";
        const rule = c.bold.inverse(title) + c.dim("─".repeat(Math.max(0, width - title.length)));
        if (options.clear && out.isTTY) {
          await endBar();
          await out.write("\u001b[H\u001b[2J");
          await say([rule, ""]);
        } else await say(["", rule, ""]);
        break;
      }
      case "narration":
        await say(wrap(e.text, "  ", width));
        break;
      case "fact": {
        // On screen, a short citation that works without this repository; --json has the full one.
        await say([...wrap(e.text, "  │ ", width).map((l) => c.yellow(l)), ...wrap(`source: ${shortSource(e.source, width - "  │ source: ".length)}`, "  │ ", width).map((l) => c.dim(l))]);
        break;
      }
      case "step":
        await say(wrap(e.text, "    ", width).map((l, i) => (i === 0 ? `  ${c.cyan("•")} ${l.slice(4)}` : l)));
        break;
      case "result":
        await say(wrap(e.text, "    ", width).map((l, i) => (i === 0 ? `  ${mark(e.tone)} ${tone(e.tone, l.slice(4))}` : tone(e.tone, l))));
        break;
      case "timeline":
        await say(["", ...renderTimeline(e, width - 2).map((l) => `  ${l.replace(/[█▒]+/g, (m) => c.red(m))}`), ""]);
        break;
      case "metric":
        break; // metrics are for scripts; people read them in steps, results and the summary
      case "progress":
        if (replaying && e.done < e.total) break; // a replay shows only finished bars
        await progress(e, false);
        break;
      case "pause":
        if (pacing.mode === "pace" && !replaying) await out.sleep(pacing.ms);
        break;
      case "summary": {
        const rows = e.rows;
        const labelWidth = Math.min(44, Math.max(...rows.map((r) => r.label.length)));
        const valueWidth = Math.max(...rows.map((r) => r.value.length));
        // --clear: the summary is a slide of its own (under the last scene it ran off a 30-row screen).
        if (options.clear && out.isTTY) {
          await endBar();
          await out.write("\u001b[H\u001b[2J");
          await say([c.bold.inverse(` ${e.title} `.slice(0, width)), ""]);
        } else await say(["", c.bold.inverse(` ${e.title} `.slice(0, width)), ""]);
        if (2 + labelWidth + 2 + valueWidth <= width) {
          await say(rows.flatMap((r) => {
            const label = wrap(r.label, "  ", 2 + labelWidth);
            const last = label.length - 1;
            return label.map((l, i) => (i === last ? `${l.padEnd(2 + labelWidth)}  ${tone(r.tone, c.bold(r.value))}` : l));
          }));
        } else {
          // Too narrow for two columns: each value under its label.
          await say(rows.flatMap((r) => [...wrap(r.label, "  ", width), ...wrap(r.value, "      ", width).map((l) => tone(r.tone, c.bold(l)))]));
        }
        await say(["", ...wrap("Every number above was measured in this run. Run with --json to get them all.", "  ", width).map((l) => c.dim(l))]);
        break;
      }
      default:
        break; // an event this renderer does not know: shown by newer renderers, harmless here
    }
  }

  return {
    render,
    async replay(events) {
      replaying = true;
      try {
        for (const e of events) await render(e);
      } finally {
        replaying = false;
      }
    },
    transient: (e) => progress(e, true),
    async end() {
      await endBar();
    },
  };
}
