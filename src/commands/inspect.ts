/**
 * `doormat inspect [--json] [--deny-escrow] [FILE]`: the header laid bare.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import type { InspectReport } from "../crypto/inspect.js";
import { CliError, EXIT } from "../ui/messages.js";
import type { Context } from "./context.js";

/** The documented snake_case JSON document. */
export function inspectJson(r: InspectReport, file: string | undefined): Record<string, unknown> {
  return {
    file: file === undefined || file === "-" ? null : file,
    version: r.version,
    armored: r.armored,
    header_size: r.headerSize,
    payload_size: r.payloadSize,
    plaintext_size: r.plaintextSize,
    lawful_access: r.lawfulAccess,
    escrow_authorities: r.escrowAuthorities,
    x25519_stanzas: r.x25519Count,
    possible_covert_escrow: r.x25519Count >= 2,
    stanzas: r.stanzas.map((s) => ({
      type: s.type,
      args: s.args,
      body_size: s.bodySize,
      kind: s.kind,
      ...(s.authorityId !== undefined ? { authority_id: s.authorityId } : {}),
      description: s.description,
    })),
  };
}

export function makeInspectCommand(ctx: () => Context) {
  return new Command("inspect")
    .description("show an age file's header: recipients, escrow stanzas, armor, sizes (no key needed)")
    .argument("[FILE]", "file to inspect; default or \"-\": standard input")
    .option("--json", "print one JSON document (snake_case) instead of text")
    .option("--deny-escrow", `exit with status ${EXIT.ESCROW_FOUND} if the file carries a lawful-access stanza (for CI)`)
    .addHelpText("after", `
Examples:
  $ doormat inspect msg.age
  $ doormat inspect --json msg.age | jq .escrow_authorities
  $ doormat inspect --deny-escrow upload.age || echo "rejected: escrowed file"

Exit status: 0 ok, 1 not a readable age file, ${EXIT.ESCROW_FOUND} escrow found with --deny-escrow.`)
    .action(async (file, opts) => {
      const c = ctx();
      // The report must not land in the file being inspected (`inspect f.age >> f.age`).
      await (await import("./shared.js")).checkPaths(c, [{ path: file, what: "input" }], undefined);
      const [{ Inspector }, { openInput, writeTo }, { describeAgeError }, { renderInspect }] = await Promise.all([
        import("../crypto/inspect.js"), import("../io/files.js"), import("../ui/age-errors.js"), import("../ui/inspect-view.js"),
      ]);
      const inspector = new Inspector();
      let report: InspectReport;
      try {
        for await (const chunk of openInput(file, c.stdin)) inspector.push(chunk);
        report = inspector.finish();
      } catch (e) {
        throw describeAgeError(e, file);
      }
      const text = opts.json ? JSON.stringify(inspectJson(report, file), null, 2) + "\n" : renderInspect(report, file, c.chalk);
      await writeTo(c.stdout, new TextEncoder().encode(text));
      if (opts.denyEscrow && report.lawfulAccess) {
        throw new CliError(`lawful-access escrow found (authority ${report.escrowAuthorities.join(", ")}): a third party can read this file`, { exitCode: EXIT.ESCROW_FOUND });
      }
      if (report.plaintextSize === null) {
        throw new CliError(`${file === undefined || file === "-" ? "standard input" : JSON.stringify(file)}: the header is intact but the payload is truncated or has an impossible size`);
      }
    });
}
