/**
 * Renderers for demo events: a paced, coloured terminal show that fits 80 columns, and
 * JSON lines for scripts and tests. The only place demo output is formatted.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";
import type { DemoEvent, Tone } from "../demo/events.js";
import { renderTimeline } from "./timeline.js";

export const WIDTH = 80;

/** Word-wrap `text` to `width` columns, each line prefixed by `indent`. */
export function wrap(text: string, indent: string, width = WIDTH): string[] {
  const lines: string[] = [];
  let line = "";
  const room = Math.max(8, width - indent.length);
  // Words longer than a line (URLs) are cut into pieces that fit.
  const words = text.split(/\s+/).filter(Boolean).flatMap((w) => (w.length <= room ? [w] : w.match(new RegExp(`.{1,${room}}`, "g")) ?? []));
  for (const word of words) {
    if (line !== "" && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(indent + line);
  return lines;
}

/** Pacing: `step` waits for Enter at each pause, `pace` sleeps, `none` runs straight through. */
export type Pacing = { readonly mode: "step" } | { readonly mode: "pace"; readonly ms: number } | { readonly mode: "none" };

export interface RenderTarget {
  write(s: string): Promise<void> | void;
  /** Whether stdout is a terminal (progress bars redraw in place only then). */
  readonly isTTY: boolean;
  sleep(ms: number): Promise<void>;
  waitForEnter(prompt: string): Promise<void>;
}

export interface Renderer {
  render(event: DemoEvent): Promise<void>;
  end(): Promise<void>;
}

/** One JSON object per line, exactly the events. */
export function jsonRenderer(out: RenderTarget): Renderer {
  return {
    render: async (e) => {
      await out.write(JSON.stringify(e) + "\n");
    },
    end: async () => {},
  };
}

/** The terminal show. */
export function terminalRenderer(out: RenderTarget, c: ChalkInstance, pacing: Pacing): Renderer {
  let barShown = false;
  let lastPercent = -1;
  const tone = (t: Tone, s: string): string => (t === "good" ? c.green(s) : t === "bad" ? c.red(s) : s);
  const mark = (t: Tone): string => (t === "good" ? c.green("✔") : t === "bad" ? c.red("✘") : c.cyan("•"));
  const lineDelay = pacing.mode === "pace" ? Math.round(pacing.ms / 6) : 0;
  const say = async (lines: string[]): Promise<void> => {
    if (barShown) {
      await out.write("\n");
      barShown = false;
    }
    for (const l of lines) {
      await out.write(l + "\n");
      if (lineDelay > 0) await out.sleep(lineDelay);
    }
  };
  return {
    async render(e) {
      switch (e.type) {
        case "scene": {
          const title = ` ${e.index} · ${e.title} `;
          await say(["", c.bold.inverse(title) + c.dim("─".repeat(Math.max(0, WIDTH - title.length))), ""]);
          break;
        }
        case "narration":
          await say(wrap(e.text, "  "));
          break;
        case "fact": {
          // On screen, the source without its URLs; docs/SOURCES.md (and --json) has them all.
          const source = e.source.replace(/,?\s*https?:\/\/[^\s;]+/g, "").replace(/[\s,;]+$/, "");
          await say([...wrap(e.text, "  │ ").map((l) => c.yellow(l)), ...wrap(`source: ${source} (docs/SOURCES.md)`, "  │ ").map((l) => c.dim(l))]);
          break;
        }
        case "step":
          await say(wrap(e.text, "    ").map((l, i) => (i === 0 ? `  ${c.cyan("•")} ${l.slice(4)}` : l)));
          break;
        case "result":
          await say(wrap(e.text, "    ").map((l, i) => (i === 0 ? `  ${mark(e.tone)} ${tone(e.tone, l.slice(4))}` : tone(e.tone, l))));
          break;
        case "timeline":
          await say(["", ...renderTimeline(e, WIDTH - 2).map((l) => `  ${l.replace(/[█▒]+/g, (m) => c.red(m))}`), ""]);
          break;
        case "metric":
          break; // metrics are for scripts; people read them in steps, results and the summary
        case "progress": {
          const pct = Math.floor((100 * e.done) / e.total);
          if (out.isTTY) {
            const width = 30;
            const filled = Math.round((width * e.done) / e.total);
            const text = `  ${e.task} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${String(pct).padStart(3)}% ${e.done.toLocaleString("en-US")}/${e.total.toLocaleString("en-US")}`;
            await out.write(`\r${text.slice(0, WIDTH - 1)}\u001b[K`);
            barShown = true;
            if (e.done === e.total) {
              await out.write("\n");
              barShown = false;
            }
          } else if (e.done === e.total || (pct >= lastPercent + 25 && pct < 100)) {
            // Not a terminal: a few plain lines instead of a redrawn bar.
            await say([`  ${e.task}: ${e.done.toLocaleString("en-US")}/${e.total.toLocaleString("en-US")}`]);
            lastPercent = pct;
          }
          if (e.done === e.total) lastPercent = -1;
          break;
        }
        case "pause":
          if (pacing.mode === "step") {
            await say([]);
            await out.waitForEnter(c.dim("  press Enter to continue "));
          } else if (pacing.mode === "pace") await out.sleep(pacing.ms);
          break;
        case "summary": {
          const rows = e.rows;
          const labelWidth = Math.min(44, Math.max(...rows.map((r) => r.label.length)));
          await say(["", c.bold.inverse(` ${e.title} `), ""]);
          await say(rows.map((r) => `  ${r.label.padEnd(labelWidth)}  ${tone(r.tone, c.bold(r.value))}`));
          await say(["", c.dim("  Every number above was measured in this run. Run with --json to get them all.")]);
          break;
        }
      }
    },
    async end() {
      if (barShown) await out.write("\n");
    },
  };
}
