/**
 * `doormat selftest [--format F] [--output FILE] [--slow]`: known-answer tests of every
 * primitive, on both backends, negative checks that must fail, CCTV vectors and round trips
 * of the format. Exit status 1 if anything fails.
 *
 * @module
 */
import { versions } from "node:process";
import { Command, Option } from "@commander-js/extra-typings";
import { CliError } from "../ui/messages.js";
import type { SourcedResult } from "../crypto/selftest-checks.js";
import type { Context } from "./context.js";
import { openOutput } from "./shared.js";

/** The report formats of selftest. */
export const SELFTEST_FORMATS = ["text", "json", "tap", "junit", "github"] as const;

export function makeSelftestCommand(ctx: () => Context) {
  return new Command("selftest")
    .description("run known-answer tests (RFC, Wycheproof, CCTV vectors) of every primitive, negative checks and format round trips")
    .option("--json", "print one JSON document (same as --format json)")
    .addOption(new Option("--format <FORMAT>", "report format: tap is TAP version 14, junit is JUnit XML, github is workflow commands").choices(SELFTEST_FORMATS))
    .option("-o, --output <FILE>", "write the report to FILE (atomically; never overwrites without --force)")
    .option("-f, --force", "with -o: replace an existing file")
    .option("--slow", "also run the slow published vectors (RFC 7748 1,000,000 iterations, RFC 7914 N=2^20: minutes, 1 GiB)")
    .addHelpText("after", `
Examples:
  $ doormat selftest
  $ doormat selftest --json | jq .passed
  $ doormat selftest --format junit -o selftest.xml     # for a CI test report
  $ doormat selftest --format tap | npx tap-parser
  $ doormat selftest --format github                    # in a GitHub Actions step

Every check names its source: RFC and section, Wycheproof case or C2SP CCTV vector.
Negative checks must fail: a tampered tag, low-order X25519 points, non-canonical base64,
a wrong header MAC. Both backends are tested: node (OpenSSL, in use) and noble (pure JS).
The report ends with "N passed, N failed, N skipped". With --format github, GitHub shows
at most 10 error annotations per step: all failures are in the log, and in the job summary
when $GITHUB_STEP_SUMMARY is set.
Exit status 0 only if every check that ran passed; 1 otherwise, or for a usage error.`)
    .action(async (opts) => {
      const c = ctx();
      if (opts.json && opts.format !== undefined && opts.format !== "json") {
        throw new CliError(`--json and --format ${opts.format} contradict each other`, { hints: ["use one of them"] });
      }
      if (opts.force && opts.output === undefined) throw new CliError("--force only applies with -o/--output");
      const format = opts.json ? "json" : opts.format ?? "text";
      const out = await openOutput(c, opts.output, opts.force === true);
      try {
        const [{ loadBackends, primitives }, { runKnownAnswerTests }, checks, { runRoundTrips }, view, report] = await Promise.all([
          import("../crypto/primitives.js"), import("../crypto/selftest.js"), import("../crypto/selftest-checks.js"), import("../crypto/roundtrip.js"),
          import("../ui/selftest-view.js"), import("../ui/selftest-report.js"),
        ]);
        const startedAt = c.now();
        const t0 = performance.now();
        const backends = await loadBackends();
        const kats = backends.flatMap((p) => [...runKnownAnswerTests(p), ...checks.runNegativeChecks(p)]);
        // Post-quantum (X-Wing, mlkem768x25519): noble only, see src/crypto/recipients/mlkem768x25519-kats.ts.
        const [, { runPostQuantumKnownAnswerTests }] = await Promise.all([(await import("../crypto/primitives.js")).loadXWing(), import("../crypto/recipients/mlkem768x25519-kats.js")]);
        kats.push(...runPostQuantumKnownAnswerTests());
        // Signal protocol: libsignal's vectors and the primitives the protocol added.
        const { runSignalKnownAnswerTests } = await import("../crypto/signal/selftest.js");
        kats.push(...(await Promise.all(backends.map((p) => runSignalKnownAnswerTests(p)))).flat());
        const trips = runRoundTrips(c.random).map((r) => ({ backend: primitives.name, group: "age v1 round trip", ...r, source: `doormat round trip (age-encryption.org/v1): ${r.name}` }));
        const all: SourcedResult[] = checks.groupResults([...kats, ...checks.runFormatChecks(), ...checks.runSlowChecks(opts.slow === true), ...trips])
          .map((r) => ({ ...r, source: checks.sourceOf(r), ...(checks.isNegative(r) ? { negative: true } : {}) }));
        const info = {
          backend: primitives.name,
          backendsTested: backends.map((b) => b.name),
          environment: { node: versions.node, openssl: versions.openssl ?? "none" },
          startedAt,
          seconds: (performance.now() - t0) / 1000,
        };
        let text: string;
        switch (format) {
          case "json": text = report.renderSelftestJson(info, all); break;
          case "tap": text = report.renderSelftestTap(info, all); break;
          case "junit": text = report.renderSelftestJunit(info, all); break;
          case "github":
            text = report.renderSelftestGithub(view.renderSelftest(info.backend, info.backendsTested, all, c.chalk), all);
            await (await import("../io/step-summary.js")).appendStepSummary(c.env, report.githubSummarySelftest(all));
            break;
          default: text = view.renderSelftest(info.backend, info.backendsTested, all, c.chalk);
        }
        await out.write(new TextEncoder().encode(text));
        await out.commit();
        const failed = all.filter((r) => r.skipped === undefined && !r.ok);
        if (failed.length > 0) throw new CliError(`${failed.length} self-test${failed.length === 1 ? "" : "s"} failed: do not trust this installation`);
      } catch (e) {
        await out.abort();
        throw e;
      }
    });
}
