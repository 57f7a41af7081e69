/**
 * `doormat selftest` for CI systems: JSON, TAP version 14, JUnit XML and GitHub Actions
 * workflow commands. Every format names each check's source and ends with (or carries)
 * `N passed, N failed, N skipped`.
 *
 * @module
 */
import { checkLabel, selftestSummary, type SelftestLine } from "./selftest-view.js";
import { escapeGithubData, escapeGithubProperty, markdownCell } from "./inspect-list.js";

/** One check as the reports see it. */
export interface ReportLine extends SelftestLine {
  readonly negative?: boolean;
}

/** Facts about the run, for the report headers. */
export interface RunInfo {
  /** The backend the CLI uses. */
  readonly backend: string;
  /** Every backend tested. */
  readonly backendsTested: readonly string[];
  /** Node and OpenSSL versions. */
  readonly environment: Readonly<Record<string, string>>;
  /** When the run started. */
  readonly startedAt: Date;
  /** Wall-clock duration of the whole run, in seconds. */
  readonly seconds: number;
}

type Status = "pass" | "fail" | "skip";
const status = (r: ReportLine): Status => (r.skipped !== undefined ? "skip" : r.ok ? "pass" : "fail");

function counts(results: readonly ReportLine[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((r) => status(r) === "pass").length,
    failed: results.filter((r) => status(r) === "fail").length,
    skipped: results.filter((r) => status(r) === "skip").length,
  };
}

// ---------------------------------------------------------------------------------------
// JSON: the existing document (backend, backends_tested, passed, failed, results) plus
// skipped, skipped_results, environment and each result's source.
// ---------------------------------------------------------------------------------------

function jsonResult(r: ReportLine): Record<string, unknown> {
  return {
    backend: r.backend,
    group: r.group,
    name: r.name,
    ok: r.ok,
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
    source: r.source ?? null,
    negative: r.negative === true,
    ...(r.skipped !== undefined ? { skipped: r.skipped } : {}),
  };
}

/**
 * One JSON document. `results` holds the checks that ran (as before); the skipped ones are in
 * `skipped_results`, so that `passed + failed === results.length` still holds.
 */
export function renderSelftestJson(info: RunInfo, results: readonly ReportLine[]): string {
  const n = counts(results);
  return JSON.stringify({
    backend: info.backend,
    backends_tested: info.backendsTested,
    passed: n.passed,
    failed: n.failed,
    skipped: n.skipped,
    environment: info.environment,
    results: results.filter((r) => status(r) !== "skip").map(jsonResult),
    skipped_results: results.filter((r) => status(r) === "skip").map(jsonResult),
    summary: selftestSummary(results),
  }, null, 2) + "\n";
}

// ---------------------------------------------------------------------------------------
// TAP version 14 (testanything.org tap-version-14-specification)
// ---------------------------------------------------------------------------------------

/** A TAP description: `#` and `\` escaped, one line. */
export function tapDescription(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/#/g, "\\#").replace(/[\r\n]+/g, " ");
}

/**
 * TAP 14: the version line, the plan, one test point per check (`# SKIP reason` for skipped
 * ones; a YAML block, indented two spaces, for failures), and a closing comment with the counts.
 * YAML scalars are written as JSON strings, which YAML 1.2 reads as double-quoted scalars.
 */
export function renderSelftestTap(info: RunInfo, results: readonly ReportLine[]): string {
  const lines = ["TAP version 14", `1..${results.length}`, `# doormat selftest, backend in use: ${info.backend} (tested: ${info.backendsTested.join(", ")})`];
  results.forEach((r, i) => {
    const desc = tapDescription(`${r.group} [${r.backend}]: ${checkLabel(r)}`);
    const s = status(r);
    if (s === "skip") {
      lines.push(`ok ${i + 1} - ${desc} # SKIP ${tapDescription(r.skipped ?? "")}`);
    } else if (s === "pass") {
      lines.push(`ok ${i + 1} - ${desc}`);
    } else {
      lines.push(`not ok ${i + 1} - ${desc}`);
      lines.push("  ---");
      lines.push(`  message: ${JSON.stringify(r.detail ?? "failed")}`);
      lines.push("  severity: fail");
      lines.push(`  source: ${JSON.stringify(r.source ?? "")}`);
      lines.push(`  backend: ${JSON.stringify(r.backend)}`);
      lines.push("  ...");
    }
  });
  lines.push(`# ${selftestSummary(results)}`);
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------
// JUnit XML (the Ant/Jenkins shape in anchors §4.1)
// ---------------------------------------------------------------------------------------

/**
 * Characters XML 1.0 allows (§2.2 `Char`); everything else (most C0 controls, lone
 * surrogates, U+FFFE/U+FFFF) cannot appear even escaped, so it is replaced by U+FFFD.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Escape text for XML 1.0 content or a double-quoted attribute: the five predefined entities,
 * CR as a character reference (end-of-line handling would turn it into LF), and in
 * attributes also TAB and LF (attribute-value normalization would turn them into spaces).
 *
 * Why no XML library: the report has one fixed shape written once, and escaping is the only
 * part that can go wrong; it is this function, and test/selftest-report.test.ts checks it
 * with a real XML parser against arbitrary strings. That keeps the runtime dependencies to
 * the audited set (house rule), where xmlbuilder2 would add four packages.
 */
export function xmlEscape(s: string, attribute = false): string {
  let out = s.replace(NOT_XML_CHAR, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
  if (attribute) out = out.replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
  return out;
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a).map(([k, v]) => ` ${k}="${xmlEscape(String(v), true)}"`).join("");
}

/** ISO 8601 without a zone, as the Ant schema wants for `timestamp`. */
function antTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, "");
}

/**
 * JUnit XML: `<testsuites>` with the totals, one `<testsuite>` per primitive and backend
 * (counts match its children), one `<testcase>` per check named by its source, `<failure>`
 * with the expected and actual answer, `<skipped>` with the reason.
 */
export function renderSelftestJunit(info: RunInfo, results: readonly ReportLine[]): string {
  const n = counts(results);
  const suites = new Map<string, ReportLine[]>();
  for (const r of results) {
    const key = `${r.group} [${r.backend}]`;
    suites.set(key, [...(suites.get(key) ?? []), r]);
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attrs({ name: "doormat selftest", tests: results.length, failures: n.failed, errors: 0, skipped: n.skipped, time: info.seconds.toFixed(3), timestamp: antTimestamp(info.startedAt) })}>`);
  for (const [name, list] of suites) {
    const c = counts(list);
    const first = list[0] as ReportLine;
    out.push(`  <testsuite${attrs({ name, tests: list.length, failures: c.failed, errors: 0, skipped: c.skipped, timestamp: antTimestamp(info.startedAt) })}>`);
    out.push(`    <properties>${Object.entries({ backend: first.backend, ...info.environment }).map(([k, v]) => `<property${attrs({ name: k, value: v })}/>`).join("")}</properties>`);
    for (const r of list) {
      const caseAttrs = attrs({ classname: `doormat.selftest.${r.backend}.${r.group}`, name: checkLabel(r) });
      const s = status(r);
      if (s === "pass") {
        out.push(`    <testcase${caseAttrs}/>`);
      } else if (s === "skip") {
        out.push(`    <testcase${caseAttrs}><skipped${attrs({ message: r.skipped ?? "" })}/></testcase>`);
      } else {
        const detail = r.detail ?? "failed";
        out.push(`    <testcase${caseAttrs}><failure${attrs({ message: detail, type: r.negative ? "NotRejected" : "WrongAnswer" })}>${xmlEscape(`${detail}\nsource: ${r.source ?? "?"}`)}</failure></testcase>`);
      }
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  out.push(`<!-- ${selftestSummary(results)} -->`);
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------
// GitHub Actions
// ---------------------------------------------------------------------------------------

/**
 * The text report folded into a log group, one `::error` annotation per failed check, and the
 * summary line. GitHub shows at most 10 error annotations per step; all failures are in the log.
 */
export function renderSelftestGithub(text: string, results: readonly ReportLine[]): string {
  const lines = [`::group::doormat selftest (${results.length} checks)`, ...text.trimEnd().split("\n"), "::endgroup::"];
  for (const r of results.filter((x) => status(x) === "fail")) {
    lines.push(`::error title=${escapeGithubProperty(`selftest failed: ${r.group} [${r.backend}]`)}::${escapeGithubData(`${checkLabel(r)}: ${r.detail ?? "failed"}`)}`);
  }
  lines.push(selftestSummary(results));
  return lines.join("\n") + "\n";
}

/** The job summary: the counts, and a table of the failed checks with their sources. */
export function githubSummarySelftest(results: readonly ReportLine[]): string {
  const lines = [`### doormat selftest: ${selftestSummary(results)}`];
  const failed = results.filter((r) => status(r) === "fail");
  if (failed.length > 0) {
    lines.push("", "| check | backend | source | detail |", "| --- | --- | --- | --- |");
    for (const r of failed) lines.push(`| ${markdownCell(r.name)} | ${markdownCell(r.backend)} | ${markdownCell(r.source ?? "")} | ${markdownCell(r.detail ?? "")} |`);
  }
  return lines.join("\n") + "\n\n";
}
