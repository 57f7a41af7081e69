/**
 * `doormat selftest [--json]`: known-answer tests of every primitive, on both backends, and
 * round trips of the format. Exit status 1 if anything fails.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { CliError } from "../ui/messages.js";
import type { Context } from "./context.js";

export function makeSelftestCommand(ctx: () => Context) {
  return new Command("selftest")
    .description("run known-answer tests (RFC vectors) of every primitive and format round trips")
    .option("--json", "print one JSON document")
    .addHelpText("after", `
Examples:
  $ doormat selftest
  $ doormat selftest --json | jq .passed

Both backends are tested: node (OpenSSL, in use) and noble (pure JS, the reference).
Exit status 0 only if every test passed.`)
    .action(async (opts) => {
      const c = ctx();
      const [{ loadBackends, primitives }, { runKnownAnswerTests }, { runRoundTrips }, { writeTo }] = await Promise.all([
        import("../crypto/primitives.js"), import("../crypto/selftest.js"), import("../crypto/roundtrip.js"), import("../io/files.js"),
      ]);
      const backends = await loadBackends();
      const kats = backends.flatMap((p) => runKnownAnswerTests(p));
      const trips = runRoundTrips(c.random).map((r) => ({ backend: primitives.name, group: "age v1 round trip", ...r }));
      const all = [...kats, ...trips];
      const failed = all.filter((r) => !r.ok);
      let text: string;
      if (opts.json) {
        text = JSON.stringify({ backend: primitives.name, backends_tested: backends.map((b) => b.name), passed: all.length - failed.length, failed: failed.length, results: all }, null, 2) + "\n";
      } else {
        const lines = [`doormat selftest: backend in use: ${c.chalk.bold(primitives.name)} (tested: ${backends.map((b) => b.name).join(", ")})`];
        let group = "";
        for (const r of all) {
          const g = `${r.group} [${r.backend}]`;
          if (g !== group) lines.push(c.chalk.bold(g));
          group = g;
          lines.push(`  ${r.ok ? c.chalk.green("ok  ") : c.chalk.red("FAIL")} ${r.name}${r.detail ? ` (${r.detail})` : ""}`);
        }
        lines.push(`${all.length - failed.length} passed, ${failed.length} failed`);
        text = lines.join("\n") + "\n";
      }
      await writeTo(c.stdout, new TextEncoder().encode(text));
      if (failed.length > 0) throw new CliError(`${failed.length} self-test${failed.length === 1 ? "" : "s"} failed: do not trust this installation`);
    });
}
