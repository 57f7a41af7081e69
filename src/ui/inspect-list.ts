/**
 * `doormat inspect` over many files: one line per file and a summary (text), GitHub Actions
 * workflow commands, and SARIF 2.1.0 for code scanning.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";
import type { Log, Notification, Result } from "sarif";
import type { InspectReport } from "../crypto/inspect.js";
import { primitives } from "../crypto/primitives.js";
import { toHex, utf8 } from "../crypto/bytes.js";

/** One file's outcome: a report, or why it could not be read. */
export interface InspectEntry {
  /** The path as found ("-" for standard input). */
  readonly file: string;
  readonly report?: InspectReport;
  /** One line: why the file is not a readable age file. */
  readonly error?: string;
}

/** What a file is, for the gate. */
export type EntryStatus = "escrowed" | "unreadable" | "damaged" | "ok";

/** Escrowed wins over everything; a header that parsed but a payload of impossible size is damaged. */
export function entryStatus(e: InspectEntry): EntryStatus {
  if (!e.report) return "unreadable";
  if (e.report.lawfulAccess) return "escrowed";
  if (e.report.plaintextSize === null) return "damaged";
  return "ok";
}

/** Counts per status. */
export interface InspectTotals {
  readonly files: number;
  readonly escrowed: number;
  /** Not an age file, or a file or directory that could not be read. */
  readonly unreadable: number;
  /** The header parsed, the payload size is impossible (truncated). */
  readonly damaged: number;
  readonly ok: number;
}

export function totals(entries: readonly InspectEntry[]): InspectTotals {
  const n = (s: EntryStatus): number => entries.filter((e) => entryStatus(e) === s).length;
  return { files: entries.length, escrowed: n("escrowed"), unreadable: n("unreadable"), damaged: n("damaged"), ok: n("ok") };
}

function displayName(file: string): string {
  return file === "-" ? "standard input" : file;
}

/**
 * A path as shown on a terminal: quoted and escaped (as in error messages) if it holds control
 * characters, so that a hostile file name in a scanned directory cannot drive the terminal
 * (ESC sequences, 8-bit CSI) or forge report lines (a newline); other names as they are.
 */
export function terminalName(file: string): string {
  if (file === "-") return "standard input";
  return /[\u0000-\u001f\u007f-\u009f]/.test(file) ? JSON.stringify(file).replace(/[\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`) : file;
}

/** The closing line: `N files: N escrowed, N unreadable, N damaged, N clean`. */
export function summaryLine(t: InspectTotals): string {
  const parts = [`${t.escrowed} escrowed`, `${t.unreadable} unreadable`];
  if (t.damaged > 0) parts.push(`${t.damaged} damaged`);
  parts.push(`${t.ok} clean`);
  return `${t.files} file${t.files === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

function detail(e: InspectEntry): string {
  const r = e.report;
  if (!r) return e.error ?? "unreadable";
  const parts: string[] = [];
  if (r.lawfulAccess) parts.push(`lawful access: authority ${r.escrowAuthorities.join(", ")}`);
  const types = [...new Set(r.stanzas.map((s) => s.type))].map((t) => {
    const k = r.stanzas.filter((s) => s.type === t).length;
    return k === 1 ? t : `${k}x ${t}`;
  });
  parts.push(`${types.join(", ")}${r.armored ? ", armored" : ""}`);
  parts.push(`post-quantum: ${r.postQuantum}`);
  if (r.classicWeakLinks.length > 0) parts.push(`only as strong as its classic ${r.classicWeakLinks.join(", ")} stanza`);
  if (r.x25519Count >= 2) parts.push(`${r.x25519Count} X25519 stanzas: any could be a covert escrow`);
  if (r.mlkem768x25519Count >= 2) parts.push(`${r.mlkem768x25519Count} mlkem768x25519 stanzas: any could be a covert escrow`);
  if (r.plaintextSize === null) parts.push("payload truncated or of an impossible size");
  return parts.join("; ");
}

/** One line per file (status, path, what the header shows) and the summary line. */
export function renderInspectList(entries: readonly InspectEntry[], c: ChalkInstance): string {
  const lines = entries.map((e) => {
    const s = entryStatus(e);
    const word = s === "escrowed" ? c.red.bold("ESCROWED  ") : s === "unreadable" ? c.yellow("unreadable") : s === "damaged" ? c.yellow("damaged   ") : c.green("ok        ");
    return `${word} ${terminalName(e.file)}: ${detail(e)}`;
  });
  lines.push(summaryLine(totals(entries)));
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------
// GitHub Actions workflow commands (actions/toolkit command.ts escaping)
// ---------------------------------------------------------------------------------------

/** GitHub shows at most this many annotations of each kind per step; extra ones are dropped. */
export const GITHUB_ANNOTATION_LIMIT = 10;

/** Escape a workflow command's message: `%`, CR, LF (actions/toolkit `escapeData`). */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escape a workflow command's property value: also `:` and `,` (actions/toolkit `escapeProperty`). */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

function githubCommand(kind: "error" | "warning", file: string, title: string, message: string): string {
  const props = [...(file === "-" ? [] : [`file=${escapeGithubProperty(file)}`]), `title=${escapeGithubProperty(title)}`];
  return `::${kind} ${props.join(",")}::${escapeGithubData(message)}`;
}

/**
 * One `::error` annotation per escrowed file, one `::warning` per unreadable or damaged file,
 * then a plain summary line (which says so when GitHub will drop annotations past its limit).
 */
export function renderGithubInspect(entries: readonly InspectEntry[]): string {
  const lines: string[] = [];
  for (const e of entries) {
    const s = entryStatus(e);
    if (s === "escrowed" && e.report) {
      lines.push(githubCommand("error", e.file, "Lawful-access escrow",
        `${displayName(e.file)} carries a lawful-access stanza (authority ${e.report.escrowAuthorities.join(", ")}): the authority, and anyone who obtains its key, can read it`));
    } else if (s === "unreadable") {
      lines.push(githubCommand("warning", e.file, "Not a readable age file", `${displayName(e.file)}: ${e.error ?? "unreadable"}`));
    } else if (s === "damaged") {
      lines.push(githubCommand("warning", e.file, "Damaged age file", `${displayName(e.file)}: the payload is truncated or has an impossible size`));
    }
  }
  const t = totals(entries);
  let summary = `doormat inspect: ${summaryLine(t)}`;
  const warnings = t.unreadable + t.damaged;
  if (t.escrowed > GITHUB_ANNOTATION_LIMIT || warnings > GITHUB_ANNOTATION_LIMIT) {
    summary += ` (GitHub shows only the first ${GITHUB_ANNOTATION_LIMIT} annotations of each kind per step; every file is listed in this log)`;
  }
  lines.push(summary);
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------
// SARIF 2.1.0 (OASIS), as GitHub code scanning ingests it
// ---------------------------------------------------------------------------------------

/** The official schema location of SARIF 2.1.0 (errata 01). */
export const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** The one rule: stable across runs, as GitHub requires to track alerts. */
export const ESCROW_RULE_ID = "DOORMAT-ESCROW-001";

/** A relative path as a URI reference (each segment percent-encoded); "/"-rooted paths become file: URIs. */
export function pathToUri(file: string): string {
  const posix = file.split("\\").join("/");
  const encoded = posix.split("/").map(encodeURIComponent).join("/");
  return posix.startsWith("/") ? `file://${encoded}` : encoded;
}

function location(file: string): Pick<Result, "locations"> {
  if (file === "-") return {};
  return { locations: [{ physicalLocation: { artifactLocation: { uri: pathToUri(file) }, region: { startLine: 1 } } }] };
}

/**
 * A SARIF 2.1.0 log with one `error` result per escrowed file (rule {@link ESCROW_RULE_ID}).
 * Files that could not be read are tool execution notifications, not results: they are not
 * findings about the code.
 *
 * @param toolVersion - doormat's version, for `tool.driver.version`
 * @returns the log as pretty-printed JSON, newline-terminated
 */
export function renderSarifInspect(entries: readonly InspectEntry[], toolVersion: string): string {
  const results: Result[] = [];
  const notifications: Notification[] = [];
  for (const e of entries) {
    const s = entryStatus(e);
    if (s === "escrowed" && e.report) {
      const authorities = e.report.escrowAuthorities.join(", ");
      const fingerprint = toHex(primitives.sha256(utf8(`${pathToUri(e.file)}\n${authorities}`)));
      results.push({
        ruleId: ESCROW_RULE_ID,
        ruleIndex: 0,
        level: "error",
        message: { text: `${displayName(e.file)} has ${e.report.stanzas.length} stanza${e.report.stanzas.length === 1 ? "" : "s"}; lawful-access escrow to authority ${authorities}: the authority, and anyone who obtains its key, can read it` },
        ...location(e.file),
        partialFingerprints: { "doormatEscrow/v1": fingerprint },
        properties: { escrowAuthorities: [...e.report.escrowAuthorities], postquantum: e.report.postQuantum },
      });
    } else if (s === "unreadable" || s === "damaged") {
      notifications.push({
        level: "error",
        message: { text: s === "damaged" ? `${displayName(e.file)}: the payload is truncated or has an impossible size` : `${displayName(e.file)}: ${e.error ?? "unreadable"}` },
        ...location(e.file),
      });
    }
  }
  const log: Log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: {
        driver: {
          name: "doormat",
          version: toolVersion,
          rules: [{
            id: ESCROW_RULE_ID,
            name: "LawfulAccessEscrow",
            shortDescription: { text: "File is readable by a lawful-access escrow key" },
            fullDescription: { text: "The age file carries a doormat.example/lawful-access stanza: its file key is also wrapped to an authority's key, so the authority, and anyone who ever obtains that key, can decrypt it. Escrow disguised as a plain X25519 recipient cannot be seen in a header." },
            defaultConfiguration: { level: "error" },
            properties: { tags: ["security", "cryptography"], "security-severity": "8.0" },
          }],
        },
      },
      invocations: [{ executionSuccessful: notifications.length === 0, toolExecutionNotifications: notifications }],
      results,
    }],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

// ---------------------------------------------------------------------------------------
// GitHub job summary (Markdown), for what the 10-annotation limit hides
// ---------------------------------------------------------------------------------------

/** Text for a Markdown table cell: one line, `|` escaped, HTML special characters as entities. */
export function markdownCell(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");
}

/** Rows shown at most, so that the summary stays far below GitHub's 1 MiB per step. */
export const SUMMARY_MAX_ROWS = 1000;

/**
 * The job summary: the counts, and a table of every file that is escrowed, unreadable or
 * damaged (clean files are only counted).
 */
export function githubSummaryInspect(entries: readonly InspectEntry[]): string {
  const t = totals(entries);
  const lines = [`### doormat inspect: ${summaryLine(t)}`];
  const flagged = entries.filter((e) => entryStatus(e) !== "ok");
  if (flagged.length > 0) {
    lines.push("", "| status | file | detail |", "| --- | --- | --- |");
    for (const e of flagged.slice(0, SUMMARY_MAX_ROWS)) lines.push(`| ${entryStatus(e)} | ${markdownCell(displayName(e.file))} | ${markdownCell(detail(e))} |`);
    if (flagged.length > SUMMARY_MAX_ROWS) lines.push("", `… and ${flagged.length - SUMMARY_MAX_ROWS} more: see the step's log.`);
  }
  return lines.join("\n") + "\n\n";
}
