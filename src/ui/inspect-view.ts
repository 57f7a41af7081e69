/**
 * The human-readable view of `doormat inspect`.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";
import type { InspectReport } from "../crypto/inspect.js";
import { terminalName } from "./inspect-list.js";

function short(arg: string): string {
  return arg.length > 20 ? `${arg.slice(0, 14)}…` : arg;
}

/** Render an inspect report as text lines (≤ 80 columns). */
export function renderInspect(r: InspectReport, file: string | undefined, c: ChalkInstance): string {
  const lines: string[] = [];
  lines.push(`${c.bold(file === undefined ? "standard input" : terminalName(file))}: ${r.version}${r.armored ? ", ASCII-armored" : ""}`);
  lines.push(`  header ${r.headerSize} bytes, payload ${r.payloadSize} bytes` + (r.plaintextSize === null ? " (not a valid payload size)" : ` (${r.plaintextSize} bytes of plaintext)`));
  lines.push(`  ${r.stanzas.length} recipient stanza${r.stanzas.length === 1 ? "" : "s"}:`);
  r.stanzas.forEach((s, i) => {
    const label = s.kind === "lawful-access" ? c.red.bold(s.type) : c.cyan(s.type);
    lines.push(`  ${i + 1}. ${label} ${s.args.map(short).join(" ")}  (${s.bodySize}-byte body)`);
    lines.push(`     ${s.kind === "lawful-access" ? c.red(s.description) : s.description}`);
  });
  if (r.lawfulAccess) {
    lines.push("");
    lines.push(c.red.bold(`  LAWFUL ACCESS: a third party can read this file.`));
    lines.push(`  Authority ${r.escrowAuthorities.join(", ")} holds a key that opens it, and so does anyone`);
    lines.push(`  who ever obtains a copy of that key.`);
  }
  lines.push("");
  lines.push(`  post-quantum: ${r.postQuantum}` + (r.postQuantum === "yes" ? " (no classic stanza protects the file key)" : r.postQuantum === "no" ? " (a classic stanza protects the file key)" : " (no stanza of a type doormat can classify)"));
  if (r.classicWeakLinks.length > 0) {
    lines.push(c.red(`  A post-quantum file with a classic stanza is only as strong as that key:`));
    for (const t of r.classicWeakLinks) lines.push(c.red(`    ${t}`));
    lines.push(c.red(`  whoever records the file today opens it once a quantum computer breaks`));
    lines.push(c.red(`  that key ("harvest now, decrypt later"). doormat never writes such a file.`));
  }
  if (r.x25519Count >= 2) {
    lines.push("");
    lines.push(c.yellow(`  ${r.x25519Count} X25519 stanzas: X25519 stanzas carry no key id, so any one of them`));
    lines.push(c.yellow(`  could be a covert escrow key. Only the sender knows who they all are.`));
  }
  if (r.mlkem768x25519Count >= 2) {
    lines.push("");
    lines.push(c.yellow(`  ${r.mlkem768x25519Count} mlkem768x25519 stanzas: they carry no key id either, so any one of`));
    lines.push(c.yellow(`  them could be a covert post-quantum escrow key.`));
  }
  const unknown = r.stanzas.filter((s) => s.kind === "unknown").length;
  if (unknown > 0) {
    lines.push("");
    lines.push(c.yellow(`  ${unknown} stanza${unknown === 1 ? " is" : "s are"} of a type doormat does not know: it cannot tell`));
    lines.push(c.yellow("  who they let in."));
  } else if (!r.lawfulAccess && r.x25519Count < 2 && r.mlkem768x25519Count < 2) {
    lines.push("");
    lines.push(c.green("  No escrow stanza: nothing in the header names a third party."));
  }
  return lines.join("\n") + "\n";
}
