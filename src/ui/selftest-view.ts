/**
 * The text view of `doormat selftest`.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";

export interface SelftestLine {
  readonly backend: string;
  readonly group: string;
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
  /** The published source of the expected answer (RFC and section, Wycheproof case, CCTV vector). */
  readonly source?: string;
  /** Did not run, with the reason. */
  readonly skipped?: string;
}

/** The line shown for a check: its source, with its name when the source does not say it. */
export function checkLabel(r: SelftestLine): string {
  if (r.source === undefined || r.source.includes(r.name)) return r.source ?? r.name;
  return `${r.name} (${r.source})`;
}

/** The closing summary: `N passed, N failed, N skipped`. */
export function selftestSummary(results: readonly SelftestLine[]): string {
  const skipped = results.filter((r) => r.skipped !== undefined).length;
  const failed = results.filter((r) => r.skipped === undefined && !r.ok).length;
  return `${results.length - skipped - failed} passed, ${failed} failed, ${skipped} skipped`;
}

/** One line per test (named by its source), grouped by primitive and backend, and a closing count. */
export function renderSelftest(inUse: string, tested: readonly string[], results: readonly SelftestLine[], c: ChalkInstance): string {
  const lines = [`doormat selftest: backend in use: ${c.bold(inUse)} (tested: ${tested.join(", ")})`];
  let group = "";
  for (const r of results) {
    const g = `${r.group} [${r.backend}]`;
    if (g !== group) lines.push(c.bold(g));
    group = g;
    const word = r.skipped !== undefined ? c.yellow("skip") : r.ok ? c.green("ok  ") : c.red("FAIL");
    lines.push(`  ${word} ${checkLabel(r)}${r.skipped !== undefined ? ` (${r.skipped})` : r.detail ? ` (${r.detail})` : ""}`);
  }
  lines.push(selftestSummary(results));
  return lines.join("\n") + "\n";
}
