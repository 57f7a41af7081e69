/**
 * `doormat inspect [--json | --format F] [--deny-escrow] [PATH...]`: the header laid bare, for
 * one file or for every `*.age` file under directories (a CI gate).
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import type { InspectReport } from "../crypto/inspect.js";
import type { InspectEntry } from "../ui/inspect-list.js";
import { CliError, EXIT } from "../ui/messages.js";
import type { Context } from "./context.js";
import { checkPaths, openOutput } from "./shared.js";

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
    possible_covert_escrow: r.x25519Count >= 2 || r.mlkem768x25519Count >= 2,
    mlkem768x25519_stanzas: r.mlkem768x25519Count,
    classic_weak_links: r.classicWeakLinks,
    stanzas: r.stanzas.map((s) => ({
      type: s.type,
      args: s.args,
      body_size: s.bodySize,
      kind: s.kind,
      ...(s.authorityId !== undefined ? { authority_id: s.authorityId } : {}),
      description: s.description,
    })),
    // age-inspect's fields (FiloSottile/age doc/age-inspect.1.ronn), beside ours.
    postquantum: r.postQuantum,
    armor: r.armored,
    stanza_types: r.stanzas.map((s) => s.type),
    sizes: ageInspectSizes(r),
  };
}

/**
 * age-inspect's `sizes`: header, armor, overhead (nonce and tags) and payload add up to the
 * input's size. When the payload size is impossible, overhead and payload are null.
 */
export function ageInspectSizes(r: InspectReport): Record<string, number | null> {
  const overhead = r.plaintextSize === null ? null : r.payloadSize - r.plaintextSize;
  return {
    header: r.headerSize,
    armor: r.inputSize - r.headerSize - r.payloadSize,
    overhead,
    min_payload: r.plaintextSize,
    max_payload: r.plaintextSize,
    min_padding: 0,
    max_padding: 0,
  };
}

/** The output formats of inspect. */
export const INSPECT_FORMATS = ["text", "json", "github", "sarif"] as const;
type InspectFormat = (typeof INSPECT_FORMATS)[number];


export function makeInspectCommand(ctx: () => Context) {
  return new Command("inspect")
    .description("show age files' headers: recipients, escrow stanzas, armor, sizes (no key needed); gate many files in CI")
    .argument("[PATH...]", "files, or directories searched recursively for *.age files; default or \"-\": standard input")
    .option("--json", "JSON: one document for one file, JSON lines (one per file) for several (same as --format json)")
    .addOption(new Option("--format <FORMAT>", "report format: github prints workflow annotations, sarif writes SARIF 2.1.0").choices(INSPECT_FORMATS))
    .option("--deny-escrow", `exit with status ${EXIT.ESCROW_FOUND} if any file carries a lawful-access stanza (for CI)`)
    .option("-o, --output <FILE>", "write the report to FILE (atomically; never overwrites without --force)")
    .option("-f, --force", "with -o: replace an existing file")
    .addHelpText("after", `
Examples:
  $ doormat inspect msg.age
  $ doormat inspect --json msg.age | jq .escrow_authorities
  $ doormat inspect --deny-escrow upload.age || echo "rejected: escrowed file"
  $ doormat inspect --deny-escrow secrets/ config/prod.env.age      # every *.age below secrets/
  $ doormat inspect --json secrets/ | jq -r 'select(.lawful_access) | .file'
  $ doormat inspect --deny-escrow --format github secrets/           # in a GitHub Actions step
  $ doormat inspect --format sarif -o escrow.sarif secrets/          # for code scanning upload

One file (or standard input) gives the full report; directories or several paths give one
line per file and a summary (JSON: one object per line; unreadable files as {"file","error"}).
Files that are not readable age files are reported and do not stop the others.
--format github prints one ::error annotation per escrowed file (::warning for unreadable
ones) and a summary line. GitHub shows only the first 10 annotations of each kind in a step;
the rest are in the log, and every flagged file is listed in the job summary when
$GITHUB_STEP_SUMMARY is set. --format sarif writes one result per escrowed file.

Exit status: 0 ok; 1 a usage error, or a path that is not a readable age file;
${EXIT.ESCROW_FOUND} with --deny-escrow, if any file is escrowed (checked before unreadable files).
Escrow disguised as a plain X25519 recipient (--escrow-covert) cannot be seen in a header.`)
    .action(async (paths, opts) => {
      const c = ctx();
      if (opts.json && opts.format !== undefined && opts.format !== "json") {
        throw new CliError(`--json and --format ${opts.format} contradict each other`, { hints: ["use one of them"] });
      }
      if (opts.force && opts.output === undefined) throw new CliError("--force only applies with -o/--output");
      const format: InspectFormat = opts.json ? "json" : opts.format ?? "text";
      const [{ Inspector }, { openInput }, { describeAgeError }, { expandInputs }] = await Promise.all([
        import("../crypto/inspect.js"), import("../io/files.js"), import("../ui/age-errors.js"), import("../io/walk.js"),
      ]);
      const args = paths.length === 0 ? ["-"] : paths;
      if (args.filter((a) => a === "-").length > 1) throw new CliError("standard input is given more than once");
      // The report must not land in a file being inspected (`-o f.age`, `inspect f.age >> f.age`).
      await checkPaths(c, args.map((a) => ({ path: a, what: "input" })), opts.output);
      const expanded = await expandInputs(args);
      const single = args.length === 1 && !expanded.sawDirectory && (format === "text" || format === "json");

      const inspectOne = async (file: string, found = false, fsPath?: Buffer): Promise<InspectReport> => {
        const inspector = new Inspector();
        try {
          for await (const chunk of openInput(file, c.stdin, { regularOnly: found, ...(fsPath ? { fsPath } : {}) })) inspector.push(chunk);
          return inspector.finish();
        } catch (e) {
          throw describeAgeError(e, file);
        }
      };

      // ...nor in a file found under a directory argument, whatever its spelling (hard links too).
      await checkPaths(c, expanded.entries.filter((e) => e.error === undefined && e.skipped === undefined && e.path !== "-").map((e) => ({ path: e.path, what: "input" })), opts.output);
      const out = await openOutput(c, opts.output, opts.force === true);
      try {
        if (single) {
          const file = args[0] as string;
          const entry = expanded.entries[0];
          if (entry?.error) throw entry.error;
          const report = await inspectOne(file);
          const given = paths.length === 0 ? undefined : file;
          const text = format === "json" ? JSON.stringify(inspectJson(report, given), null, 2) + "\n" : (await import("../ui/inspect-view.js")).renderInspect(report, given, c.chalk, opts.output === undefined ? c.columns : undefined);
          await out.write(new TextEncoder().encode(text));
          await out.commit();
          if (opts.denyEscrow && report.lawfulAccess) {
            throw new CliError(`lawful-access escrow found (authority ${report.escrowAuthorities.join(", ")}): a third party can read this file`, { exitCode: EXIT.ESCROW_FOUND });
          }
          if (report.plaintextSize === null) {
            throw new CliError(`${given === undefined || given === "-" ? "standard input" : JSON.stringify(given)}: the header is intact but the payload is truncated or has an impossible size`);
          }
          return;
        }

        const entries: InspectEntry[] = [];
        /** `*.age` names under a directory that are not regular files: never opened, but said. */
        const skipped: { file: string; skipped: string }[] = [];
        for (const e of expanded.entries) {
          if (e.skipped !== undefined) {
            skipped.push({ file: e.path, skipped: e.skipped });
            continue;
          }
          if (e.error) {
            entries.push({ file: e.path, error: e.error.message });
            continue;
          }
          try {
            entries.push({ file: e.path, report: await inspectOne(e.path, e.found === true, e.fsPath) });
          } catch (err) {
            if (!(err instanceof CliError)) throw err;
            // The line already names the file: drop the name that starts the message.
            const prefix = `${JSON.stringify(e.path)}: `;
            entries.push({ file: e.path, error: err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message });
          }
        }
        for (const d of expanded.emptyDirectories) c.messages.warning(`no *.age file under ${JSON.stringify(d)}`);
        for (const s of skipped) c.messages.warning(`skipped ${JSON.stringify(s.file)}: ${s.skipped}`);
        const list = await import("../ui/inspect-list.js");
        let text: string;
        switch (format) {
          case "json":
            text = entries.map((e) => JSON.stringify(e.report ? inspectJson(e.report, e.file) : { file: e.file === "-" ? null : e.file, error: e.error }) + "\n").join("") +
              skipped.map((s) => JSON.stringify(s) + "\n").join("");
            break;
          case "github":
            text = list.renderGithubInspect(entries);
            await (await import("../io/step-summary.js")).appendStepSummary(c.env, list.githubSummaryInspect(entries));
            break;
          case "sarif":
            text = list.renderSarifInspect(entries, (await import("../version.js")).version());
            break;
          default:
            text = list.renderInspectList(entries, c.chalk);
        }
        await out.write(new TextEncoder().encode(text));
        await out.commit();
        const t = list.totals(entries);
        const escrowed = entries.filter((e) => list.entryStatus(e) === "escrowed");
        if (opts.denyEscrow && escrowed.length > 0) {
          throw new CliError(`lawful-access escrow found in ${escrowed.length} file${escrowed.length === 1 ? "" : "s"}: ${escrowed.map((e) => e.file === "-" ? "standard input" : e.file).join(", ")}`, { exitCode: EXIT.ESCROW_FOUND });
        }
        const bad = t.unreadable + t.damaged;
        if (bad > 0) throw new CliError(`${bad} of ${t.files} file${t.files === 1 ? "" : "s"} could not be read as age files`);
      } catch (e) {
        await out.abort();
        throw e;
      }
    });
}
