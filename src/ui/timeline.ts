/**
 * The forward-secrecy timeline as text: one row per scheme, one cell per message or per block
 * of messages, fitted to the terminal width; then, when cells hold blocks, a zoom on the
 * messages around the event, one cell each. Pure: (event, width) → lines, no colour (the
 * renderer colours the cells).
 *
 * @module
 */
import type { DemoEvent } from "../demo/events.js";
import { formatCount, plural } from "./numbers.js";

export type TimelineEvent = Extract<DemoEvent, { type: "timeline" }>;

/** Cell characters: every message in the cell opened, some, none. */
export const CELL = { all: "█", some: "▒", none: "·", event: "▲" } as const;

function cell(exposed: readonly boolean[], from: number, to: number): string {
  let n = 0;
  for (let i = from; i < to; i++) if (exposed[i]) n++;
  return n === 0 ? CELL.none : n === to - from ? CELL.all : CELL.some;
}

/** Words (or, for the legend, its items) packed into lines of at most `width` columns. */
function pack(parts: readonly string[], sep: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const part of parts) {
    if (line !== "" && [...line].length + sep.length + [...part].length > width) {
      lines.push(line);
      line = part;
    } else line = line === "" ? part : `${line}${sep}${part}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

const words = (text: string, width: number): string[] => pack(text.split(" "), " ", width);

function fit(label: string, width: number): string {
  return label.length <= width ? label.padEnd(width) : `${label.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * Lines of the timeline, none wider than `width` (at least 30 columns are used); text lines
 * wrap at words, never cut.
 * @param width - columns available (the show passes its width minus its indent)
 */
export function renderTimeline(e: TimelineEvent, width: number): string[] {
  const w = Math.max(30, width);
  const n = e.messages;
  const countWidth = formatCount(n).length;
  const labelWidth = Math.min(Math.max(...e.rows.map((r) => r.label.length), 8), Math.floor(w * 0.4));
  const room = w - 2 - labelWidth - 1 - 1 - countWidth;
  const per = Math.max(1, Math.ceil(n / room));
  const cells = Math.ceil(n / per);
  const lines: string[] = [];
  const unit = per === 1 ? "one cell per message" : `${plural(per, "message")} per cell`;
  lines.push(...words(`${e.title}: ${plural(n, "message")}, ${unit}`, w));
  lines.push(...pack([`${CELL.all} opened`, `${CELL.some} some opened`, `${CELL.none} safe`, `${CELL.event} the event (after #${e.eventAt})`], "  ", w));
  const row = (label: string, exposed: readonly boolean[], first: number, count: number, size: number): string => {
    let s = "";
    for (let c = 0; c < count; c++) s += cell(exposed, first + c * size, Math.min(first + (c + 1) * size, n));
    const opened = exposed.filter(Boolean).length;
    return `  ${fit(label, labelWidth)} ${s.padEnd(room)} ${formatCount(opened).padStart(countWidth)}`;
  };
  for (const r of e.rows) lines.push(row(r.label, r.exposed, 0, cells, per));
  const marker = (index: number): string => `  ${" ".repeat(labelWidth)} ${" ".repeat(index)}${CELL.event} #${e.eventAt}`;
  lines.push(marker(Math.floor((e.eventAt - 1) / per)));
  if (per > 1) {
    // Around the event, message by message.
    const span = Math.min(n, room);
    // A quarter before the event, the rest after it: what follows the event is the story.
    const start = Math.max(0, Math.min(n - span, e.eventAt - Math.floor(span / 4)));
    lines.push(...words(`Around the event: #${start + 1} to #${start + span}, one cell per message`, w));
    for (const r of e.rows) {
      const s = row(r.label, r.exposed, start, span, 1);
      // The count at the end stays the whole row's: it is the same number as above.
      lines.push(s);
    }
    lines.push(marker(e.eventAt - 1 - start));
  }
  if (e.marked.length > 0) {
    const shown = e.marked.slice(0, 12).map((m) => `#${m}`).join(" ");
    lines.push(...words(`delayed past the event: ${shown}${e.marked.length > 12 ? ` and ${formatCount(e.marked.length - 12)} more` : ""}`, w));
  }
  return lines.map((l) => (l.length > w ? l.slice(0, w) : l));
}
