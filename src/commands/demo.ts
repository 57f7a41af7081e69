/**
 * `doormat demo [SCENARIO]`: scripted demonstrations with real cryptography.
 *
 * Each scenario is a subcommand with its own options (`doormat demo NAME --help` lists them and
 * its scenes); the show options (`--seed`, `--json`, pacing, `--out`) are common to all. The
 * registry holds every scenario's options, so no scenario code loads until one runs.
 *
 * @module
 */
import { Argument, Command, Option } from "@commander-js/extra-typings";
import { SCENARIOS, findScenario } from "../demo/registry.js";
import { OptionError, describeDefault, describeRange, resolveOptions, type ScenarioInfo, type ScenarioOption } from "../demo/scenario.js";
import type { Pacing, RenderTarget } from "../ui/demo-render.js";
import { CliError } from "../ui/messages.js";
import type { Context } from "./context.js";

/** A parser for a whole-number flag whose error names the allowed range. */
function parseIntOption(name: string, range?: string, scenario?: string) {
  return (v: string): number => {
    if (!/^[0-9]+$/.test(v)) {
      const hints = scenario ? [`see "doormat demo ${scenario} --help"`] : [];
      throw new CliError(`--${name} must be a whole number${range ? ` from ${range}` : ""}, not ${JSON.stringify(v)}`, { hints });
    }
    return Number(v);
  };
}

/** The options every show takes, whatever the scenario. */
interface ShowOptions {
  seed?: string;
  json?: true;
  step?: true;
  pace?: number;
  out?: string;
  force?: true;
  list?: true;
  threads?: number;
}

function addShowOptions(cmd: Command, scenario: ScenarioInfo): void {
  cmd
    .option("--seed <SEED>", "reproducible run: every key and message derives from SEED (demo keys only)")
    .option("--json", "write the events as JSON lines instead of the show")
    .option("--step", "wait for Enter (on the terminal) after each scene")
    .option("--pace <MS>", "pause MS milliseconds after each scene (for recordings)", parseIntOption("pace"));
  if (scenario.writesWorld) {
    cmd
      .option("--out <DIR>", "write the world (keys, every ciphertext, a manifest) into DIR")
      .option("-f, --force", "with --out: write into a directory that is not empty");
  }
  cmd
    .addOption(new Option("--list", "list the scenarios and exit").hideHelp())
    .addOption(new Option("--threads <N>", "worker threads for bulk crypto (default: one per core)").argParser(parseIntOption("threads", "1 to 64")).hideHelp());
}

function addScenarioOption(cmd: Command, scenario: ScenarioInfo, o: ScenarioOption): void {
  if (o.kind === "flag") {
    cmd.addOption(new Option(`--${o.name}`, o.description));
    return;
  }
  const range = describeRange(o);
  cmd.addOption(new Option(`--${o.name} <N>`, `${o.description} (${range}; default ${describeDefault(o)})`).argParser(parseIntOption(o.name, range, scenario.name)));
}

function scenarioHelp(s: ScenarioInfo): string {
  const scenes = s.scenes.map((t, i) => `  ${i + 1}. ${t}`).join("\n");
  const examples = (s.examples ?? [`doormat demo ${s.name}`, `doormat demo ${s.name} --seed 42 --json`]).map((e) => `  $ ${e}`).join("\n");
  return `
Scenes:
${scenes}

Examples:
${examples}

Without a terminal (pipes, CI) the show runs without pauses or progress bars.
--seed makes keys and messages reproducible; timings are measured each run.`;
}

function listText(): string {
  return SCENARIOS.map((s) => `${s.name.padEnd(16)} ${s.summary}`).join("\n") + "\n";
}

export function makeDemoCommand(ctx: () => Context) {
  const demo = new Command("demo")
    .description("scripted demonstrations with real cryptography (default: leak)")
    .usage("[SCENARIO] [options]")
    .addHelpText("after", `
Each scenario has its own options: doormat demo SCENARIO --help.

Examples:
  $ doormat demo                              # the leak, paced for a terminal
  $ doormat demo --list                       # the scenarios, one line each
  $ doormat demo leak --help                  # its options and scenes
  $ doormat demo leak --users 200 --messages 1000 --step
  $ doormat demo leak --seed 42 --json | jq 'select(.type=="summary")'
  $ doormat demo leak --seed 42 --users 20 --messages 50 --out world/
  $ cat world/README.txt     # the exact commands to check any file with stock age`);

  for (const scenario of SCENARIOS) {
    const sub = new Command(scenario.name)
      .summary(scenario.summary)
      .description(`${scenario.title}: ${scenario.summary}`)
      // Operands only reach a scenario when its name was left out (`doormat demo nosuch`).
      .addArgument(new Argument("[operands...]").argOptional())
      .usage("[options]");
    addShowOptions(sub as unknown as Command, scenario);
    for (const o of scenario.options) addScenarioOption(sub as unknown as Command, scenario, o);
    sub.addHelpText("after", scenarioHelp(scenario));
    sub.action(async (operands: string[], opts: Record<string, unknown>) => {
      if (operands.length > 0) {
        const named = demo.args[0] === scenario.name;
        if (named) throw new CliError(`demo ${scenario.name} takes no arguments, only options: ${JSON.stringify(operands[0])}`, { hints: [`see "doormat demo ${scenario.name} --help"`] });
        throw new CliError(`unknown demo ${JSON.stringify(operands[0])}`, { hints: [`available: ${SCENARIOS.map((s) => s.name).join(", ")}`] });
      }
      return runScenario(ctx(), scenario, opts);
    });
    demo.addCommand(sub as unknown as Command, { isDefault: scenario === SCENARIOS[0] });
  }
  demo.helpCommand(false);
  return demo;
}

async function runScenario(c: Context, scenario: ScenarioInfo, given: Record<string, unknown>): Promise<void> {
  const opts = given as ShowOptions;
  const [{ seededRandom }, { openWorldDir }, { writeTo }, { jsonRenderer, terminalRenderer }, { createBulkCrypto }] = await Promise.all([
    import("../crypto/random.js"), import("../io/world.js"), import("../io/files.js"), import("../ui/demo-render.js"), import("../demo/parallel.js"),
  ]);
  if (opts.list) {
    await writeTo(c.stdout, new TextEncoder().encode(listText()));
    return;
  }
  let values;
  try {
    // commander stores --event-at as eventAt: look each option up by the name it was declared with.
    const byName = Object.fromEntries(scenario.options.map((o) => [o.name, given[o.name] ?? given[o.name.replace(/-([a-z])/g, (_m, ch: string) => ch.toUpperCase())]]));
    values = resolveOptions(scenario.options, byName);
  } catch (e) {
    if (e instanceof OptionError) throw new CliError(e.message, { hints: [`see "doormat demo ${scenario.name} --help"`] });
    throw e;
  }
  if (opts.step && opts.pace !== undefined) throw new CliError("--step and --pace cannot be combined");
  if (opts.seed === "") throw new CliError("--seed needs a value", { hints: ["any word or number, e.g. --seed 42"] });
  if (opts.force && opts.out === undefined) throw new CliError("--force only applies to --out");
  if (opts.threads !== undefined && (opts.threads < 1 || opts.threads > 64)) throw new CliError("--threads must be a whole number from 1 to 64");
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
}

/** Exposed for tests: the scenario a name selects. */
export { findScenario };
