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
}

/** One line per test, grouped by primitive and backend, and a closing count. */
export function renderSelftest(inUse: string, tested: readonly string[], results: readonly SelftestLine[], c: ChalkInstance): string {
  const lines = [`doormat selftest: backend in use: ${c.bold(inUse)} (tested: ${tested.join(", ")})`];
  let group = "";
  for (const r of results) {
    const g = `${r.group} [${r.backend}]`;
    if (g !== group) lines.push(c.bold(g));
    group = g;
    lines.push(`  ${r.ok ? c.green("ok  ") : c.red("FAIL")} ${r.name}${r.detail ? ` (${r.detail})` : ""}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return lines.join("\n") + "\n";
}
