/**
 * The human-readable view of `doormat inspect`.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";
import type { InspectReport } from "../crypto/inspect.js";
import { wrap } from "./demo-render.js";
import { terminalName } from "./inspect-list.js";

function short(arg: string): string {
  return arg.length > 20 ? `${arg.slice(0, 14)}…` : arg;
}

/** `items` as prose: "a", "a and b", "a, b and c". */
function listed(items: readonly string[]): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1] as string}`;
}

/**
 * Render an inspect report as text lines of at most `width` columns (80, or a narrower
 * terminal's width; never under 40): prose wraps between words, so a narrow screen never
 * cuts a word or a key id.
 */
export function renderInspect(r: InspectReport, file: string | undefined, c: ChalkInstance, width = 80): string {
  const w = Math.max(40, Math.min(80, Math.floor(width)));
  const lines: string[] = [];
  /** `text` word-wrapped under `indent`, each line styled whole (so wrapping never splits a colour). */
  const para = (text: string, indent = "  ", style: (s: string) => string = (s) => s): void => {
    for (const l of wrap(text, indent, w)) lines.push(indent + style(l.slice(indent.length)));
  };
  const name = file === undefined ? "standard input" : terminalName(file);
  const title = wrap(`${name}: ${r.version}${r.armored ? ", ASCII-armored" : ""}`, "", w);
  // The file name is bold; a name longer than the line stays unstyled rather than half bold.
  if (title[0]?.startsWith(`${name}:`)) title[0] = c.bold(name) + title[0].slice(name.length);
  lines.push(...title);
  para(`header ${r.headerSize} bytes, payload ${r.payloadSize} bytes` + (r.plaintextSize === null ? " (not a valid payload size)" : ` (${r.plaintextSize} bytes of plaintext)`));
  para(`${r.stanzas.length} recipient stanza${r.stanzas.length === 1 ? "" : "s"}:`);
  r.stanzas.forEach((s, i) => {
    const label = s.kind === "lawful-access" ? c.red.bold(s.type) : c.cyan(s.type);
    const prefix = `  ${i + 1}. `;
    const indent = " ".repeat(prefix.length);
    const head = wrap(`${s.type} ${s.args.map(short).join(" ")}  (${s.bodySize}-byte body)`, indent, w);
    head.forEach((l, j) => {
      const body = l.slice(indent.length);
      if (j > 0) lines.push(l);
      else lines.push(prefix + (body.startsWith(s.type) ? label + body.slice(s.type.length) : body));
    });
    para(s.description, "     ", s.kind === "lawful-access" ? c.red : (x) => x);
  });
  if (r.lawfulAccess) {
    const ids = r.escrowAuthorities;
    lines.push("");
    para("LAWFUL ACCESS: a third party can read this file.", "  ", c.red.bold);
    para(ids.length === 1
      ? `Authority ${ids[0] as string} holds a key that opens it, and so does anyone who ever obtains a copy of that key.`
      : `Authorities ${listed(ids)} each hold a key that opens it, and so does anyone who ever obtains a copy of any one of those keys.`);
  }
  lines.push("");
  para(`post-quantum: ${r.postQuantum}` + (r.postQuantum === "yes" ? " (no classic stanza protects the file key)" : r.postQuantum === "no" ? " (a classic stanza protects the file key)" : " (no stanza of a type doormat can classify)"));
  if (r.classicWeakLinks.length > 0) {
    para("A post-quantum file with a classic stanza is only as strong as that key:", "  ", c.red);
    for (const t of r.classicWeakLinks) para(t, "    ", c.red);
    para(`whoever records the file today opens it once a quantum computer breaks that key ("harvest now, decrypt later"). doormat never writes such a file.`, "  ", c.red);
  }
  if (r.x25519Count >= 2) {
    lines.push("");
    para(`${r.x25519Count} X25519 stanzas: X25519 stanzas carry no key id, so any one of them could be a covert escrow key. Only the sender knows who they all are.`, "  ", c.yellow);
  }
  if (r.mlkem768x25519Count >= 2) {
    lines.push("");
    para(`${r.mlkem768x25519Count} mlkem768x25519 stanzas: they carry no key id either, so any one of them could be a covert post-quantum escrow key.`, "  ", c.yellow);
  }
  const unknown = r.stanzas.filter((s) => s.kind === "unknown").length;
  if (unknown > 0) {
    lines.push("");
    para(`${unknown} stanza${unknown === 1 ? " is" : "s are"} of a type doormat does not know: it cannot tell who they let in.`, "  ", c.yellow);
  } else if (!r.lawfulAccess && r.x25519Count < 2 && r.mlkem768x25519Count < 2) {
    lines.push("");
    para("No escrow stanza: nothing in the header names a third party.", "  ", c.green);
  }
  return lines.join("\n") + "\n";
}
