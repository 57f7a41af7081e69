/**
 * `doormat demo [SCENARIO]`: scripted demonstrations with real cryptography.
 *
 * @module
 */
import { Command, Option } from "@commander-js/extra-typings";
import { SCENARIOS, findScenario } from "../demo/registry.js";
import type { Pacing, RenderTarget } from "../ui/demo-render.js";
import { CliError } from "../ui/messages.js";
import type { Context } from "./context.js";

function parseIntOption(name: string) {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v)) throw new CliError(`--${name} must be a whole number, not ${JSON.stringify(v)}`);
    return Number(v);
  };
}

export function makeDemoCommand(ctx: () => Context) {
  const cmd = new Command("demo")
    .description("scripted demonstrations with real cryptography (default: leak)")
    .argument("[SCENARIO]", `one of: ${SCENARIOS.map((s) => s.name).join(", ")}`, "leak")
    .option("--seed <SEED>", "reproducible run: every key and message derives from SEED (demo keys only)")
    .option("--json", "write the events as JSON lines instead of the show")
    .option("--step", "wait for Enter (on the terminal) after each scene")
    .option("--pace <MS>", "pause MS milliseconds after each scene (for recordings)", parseIntOption("pace"))
    .option("--out <DIR>", "write the world (keys, every ciphertext, a manifest) into DIR")
    .option("-f, --force", "with --out: write into a directory that is not empty")
    .option("--list", "list the scenarios and exit")
    .addOption(new Option("--threads <N>", "worker threads for bulk crypto (default: one per core)").argParser(parseIntOption("threads")).hideHelp());
  // Every scenario's numeric options, e.g. --users; each is checked against its range.
  const seen = new Set<string>();
  for (const s of SCENARIOS) {
    for (const o of s.options) {
      if (seen.has(o.name)) continue;
      seen.add(o.name);
      cmd.addOption(new Option(`--${o.name} <N>`, `${s.name}: ${o.description} (default ${o.default})`).argParser(parseIntOption(o.name)));
    }
  }
  return cmd
    .addHelpText("after", `
Examples:
  $ doormat demo                              # the leak, paced for a terminal
  $ doormat demo leak --users 200 --messages 1000 --step
  $ doormat demo leak --seed 42 --json | jq 'select(.type=="summary")'
  $ doormat demo leak --seed 42 --users 20 --messages 50 --out world/
  $ cat world/README.txt     # the exact commands to check any file with stock age

Without a terminal (pipes, CI) the show runs without pauses or progress bars.
--seed makes keys and messages reproducible byte for byte; timings are measured each run.`)
    .action(async (name, opts) => {
      const c = ctx();
      const [{ seededRandom }, { openWorldDir }, { writeTo }, { jsonRenderer, terminalRenderer }, { createBulkCrypto }] = await Promise.all([
        import("../crypto/random.js"), import("../io/world.js"), import("../io/files.js"), import("../ui/demo-render.js"), import("../demo/parallel.js"),
      ]);
      if (opts.list) {
        const lines = SCENARIOS.map((s) => `${s.name.padEnd(16)} ${s.summary}`);
        await writeTo(c.stdout, new TextEncoder().encode(lines.join("\n") + "\n"));
        return;
      }
      const scenario = findScenario(name);
      if (!scenario) throw new CliError(`unknown demo ${JSON.stringify(name)}`, { hints: [`available: ${SCENARIOS.map((s) => s.name).join(", ")}`] });
      const values: Record<string, number> = {};
      const given = opts as Record<string, unknown>;
      for (const o of scenario.options) {
        const v = given[o.name];
        const n = typeof v === "number" ? v : o.default;
        if (n < o.min || n > o.max) throw new CliError(`--${o.name} must be between ${o.min} and ${o.max}`);
        values[o.name] = n;
      }
      for (const key of seen) {
        if (given[key] !== undefined && !scenario.options.some((o) => o.name === key)) throw new CliError(`--${key} is not an option of the ${scenario.name} demo`);
      }
      if (opts.step && opts.pace !== undefined) throw new CliError("--step and --pace cannot be combined");
      if (opts.seed === "") throw new CliError("--seed needs a value", { hints: ["any word or number, e.g. --seed 42"] });
      if (opts.force && opts.out === undefined) throw new CliError("--force only applies to --out");
      const world = opts.out !== undefined ? await openWorldDir(opts.out, opts.force ?? false) : undefined;

      const target: RenderTarget = {
        write: (s) => writeTo(c.stdout, new TextEncoder().encode(s)),
        isTTY: c.isTTY.stdout,
        sleep: c.sleep,
        waitForEnter: c.waitForEnter,
      };
      // No pauses when stdout is not a terminal, whatever was asked: pipes and CI run straight.
      const pacing: Pacing = !c.isTTY.stdout || opts.json ? { mode: "none" }
        : opts.step ? { mode: "step" }
        : { mode: "pace", ms: opts.pace ?? 1200 };
      const renderer = opts.json ? jsonRenderer(target) : terminalRenderer(target, c.chalk, pacing);
      if (opts.threads !== undefined && (opts.threads < 1 || opts.threads > 64)) throw new CliError("--threads must be between 1 and 64");
      const bulk = createBulkCrypto(opts.threads);
      const run = (await scenario.load())({
        random: opts.seed !== undefined ? seededRandom(opts.seed) : c.random,
        seed: opts.seed,
        options: values,
        world,
        bulk,
        now: () => globalThis.performance.now(),
      });
      try {
        for await (const event of run) await renderer.render(event);
        await renderer.end();
      } finally {
        await bulk.close();
      }
    });
}
