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
      const [{ loadBackends, primitives }, { runKnownAnswerTests }, { runRoundTrips }, { writeTo }, { renderSelftest }] = await Promise.all([
        import("../crypto/primitives.js"), import("../crypto/selftest.js"), import("../crypto/roundtrip.js"), import("../io/files.js"), import("../ui/selftest-view.js"),
      ]);
      const backends = await loadBackends();
      const kats = backends.flatMap((p) => runKnownAnswerTests(p));
      // Post-quantum (X-Wing, mlkem768x25519): noble only, see src/crypto/recipients/mlkem768x25519-kats.ts.
      const [, { runPostQuantumKnownAnswerTests }] = await Promise.all([(await import("../crypto/primitives.js")).loadXWing(), import("../crypto/recipients/mlkem768x25519-kats.js")]);
      kats.push(...runPostQuantumKnownAnswerTests());
      // Signal protocol: libsignal's vectors and the primitives the protocol added.
      const { runSignalKnownAnswerTests } = await import("../crypto/signal/selftest.js");
      kats.push(...(await Promise.all(backends.map((p) => runSignalKnownAnswerTests(p)))).flat());
      const trips = runRoundTrips(c.random).map((r) => ({ backend: primitives.name, group: "age v1 round trip", ...r }));
      const all = [...kats, ...trips];
      const failed = all.filter((r) => !r.ok);
      const text = opts.json
        ? JSON.stringify({ backend: primitives.name, backends_tested: backends.map((b) => b.name), passed: all.length - failed.length, failed: failed.length, results: all }, null, 2) + "\n"
        : renderSelftest(primitives.name, backends.map((b) => b.name), all, c.chalk);
      await writeTo(c.stdout, new TextEncoder().encode(text));
      if (failed.length > 0) throw new CliError(`${failed.length} self-test${failed.length === 1 ? "" : "s"} failed: do not trust this installation`);
    });
}
