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
import type { Pacing, RenderTarget, Renderer } from "../ui/demo-render.js";
import { colorLevel, makeChalk } from "../ui/color.js";
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
  clear?: true;
  fromScene?: number;
  width?: number;
  cast?: string;
  out?: string;
  force?: true;
  list?: true;
  threads?: number;
}

/**
 * With stdout in a pipe (`| tee talk.log`), how long the reader at the other end gets to pass
 * the scene on to the screen before the --step prompt is written to the terminal directly.
 * A pipe's fill level cannot be read from Node, so this is a grace period after the pipe has
 * taken every byte: `tee` and `cat` pass text on within a millisecond or two.
 */
const PIPE_SETTLE_MS = 150;

/** The pause after each scene on a terminal, and in recordings without --pace. */
const DEFAULT_PACE_MS = 1200;
/**
 * Longest --pace (an hour; --step waits for ever). Node's timers hold at most 2^31 - 1 ms and
 * turn anything longer into 1 ms with a TimeoutOverflowWarning on stderr.
 */
const MAX_PACE_MS = 3_600_000;
/** Widest layout --width and COLUMNS may ask for; wider COLUMNS values are ignored. */
const MAX_COLUMNS = 1000;

function addShowOptions(cmd: Command, scenario: ScenarioInfo): void {
  cmd
    .option("--seed <SEED>", "reproducible run: every key and message derives from SEED (demo keys only)")
    .option("--json", "write the events as JSON lines instead of the show")
    .option("--step", "slides: wait for a key after each scene (next: Enter, Space, →, ↓, PageDown, n; back: ←, ↑, PageUp, p; quit: q, Esc)")
    .option("--pace <MS>", "pause MS milliseconds after each scene (also when output is not a terminal)", parseIntOption("pace", `0 to ${MAX_PACE_MS}`))
    .option("--clear", "clear the screen at each scene, so each scene is a slide")
    .option("--from-scene <N>", `show from scene N (the scenes before it run without output, so its numbers are real; 1 to ${scenario.scenes.length})`, parseIntOption("from-scene", `1 to ${scenario.scenes.length}`, scenario.name))
    .option("--width <N>", "lay the show out for N columns (default: the terminal's, or COLUMNS; used from 40 to 100)", parseIntOption("width", `1 to ${MAX_COLUMNS}`))
    .option("--cast <FILE>", "also record the show as an asciicast v2 file (asciinema), one marker per scene");
  if (scenario.writesWorld) {
    cmd.option("--out <DIR>", "write the world (keys, every ciphertext, a manifest, a README) into DIR, whole or not at all");
  }
  cmd
    .option("-f, --force", scenario.writesWorld ? "replace an existing --cast file, or an earlier world at --out (never other files)" : "replace an existing --cast file")
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
${s.limits ? `\n${s.limits}\n` : ""}
Without a terminal (pipes, CI) the show runs without pauses or progress bars,
unless --pace or --step is given. --seed makes keys and messages reproducible;
timings are measured each run.`;
}

function listText(): string {
  return SCENARIOS.map((s) => `${s.name.padEnd(16)} ${s.summary}`).join("\n") + "\n";
}

/**
 * A scenario's help description: its title and its summary as two sentences. Joined with a
 * colon they read "Forward secrecy, measured: a seized phone ...: static keys vs ...".
 */
function helpDescription(title: string, summary: string): string {
  const sentence = (t: string): string => (/[.?!]$/.test(t) ? t : `${t}.`);
  return `${sentence(title)} ${sentence(summary.charAt(0).toUpperCase() + summary.slice(1))}`;
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
  $ doormat demo leak --users 200 --messages 1000 --step --clear   # slides
  $ doormat demo leak --seed 42 --pace 2000 --cast talk.cast        # a recording
  $ doormat demo leak --seed 42 --json | jq 'select(.type=="summary")'
  $ doormat demo leak --seed 42 --users 20 --messages 50 --out world/
  $ cat world/README.txt     # the exact commands to check any file with stock age`);

  for (const scenario of SCENARIOS) {
    const sub = new Command(scenario.name)
      .summary(scenario.summary)
      .description(helpDescription(scenario.title, scenario.summary))
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
  // The list of scenarios shows "leak [options]", not the internal "[operands...]" (which are
  // refused), and so leaves commander room to wrap each summary at the terminal's width.
  // (Not configureHelp(): the CLI copies the program's help configuration over it.)
  const createHelp = demo.createHelp.bind(demo);
  demo.createHelp = () => Object.assign(createHelp(), { subcommandTerm: (cmd: { name(): string }) => `${cmd.name()} [options]` });
  return demo;
}

async function runScenario(c: Context, scenario: ScenarioInfo, given: Record<string, unknown>): Promise<void> {
  const opts = given as ShowOptions;
  const [{ seededRandom }, { openWorldDir }, { writeTo, fileOutput }, render, { slideShow, ShowQuit }, { CastRecorder }, { createBulkCrypto }] = await Promise.all([
    import("../crypto/random.js"), import("../io/world.js"), import("../io/files.js"), import("../ui/demo-render.js"), import("../ui/show.js"), import("../ui/cast.js"), import("../demo/parallel.js"),
  ]);
  if (opts.list) {
    await writeTo(c.stdout, new TextEncoder().encode(listText()));
    return;
  }
  let values;
  try {
    // Commander stores --ghost-at as ghostAt; scenarios name their options by the flag.
    values = resolveOptions(scenario.options, Object.fromEntries(scenario.options.map((o) => [o.name, given[new Option(`--${o.name}`).attributeName()]])));
  } catch (e) {
    if (e instanceof OptionError) throw new CliError(e.message, { hints: [`see "doormat demo ${scenario.name} --help"`] });
    throw e;
  }
  const help = [`see "doormat demo ${scenario.name} --help"`];
  if (opts.step && opts.pace !== undefined) throw new CliError("--step and --pace cannot be combined");
  if (opts.seed === "") throw new CliError("--seed needs a value", { hints: ["any word or number, e.g. --seed 42"] });
  if (opts.out === "") throw new CliError("--out needs a directory name", { hints: ["e.g. --out world/"] });
  if (opts.cast === "") throw new CliError("--cast needs a file name", { hints: ["e.g. --cast talk.cast"] });
  if (opts.force && opts.out === undefined && opts.cast === undefined) throw new CliError(`--force only applies to ${scenario.writesWorld ? "--out and --cast" : "--cast"}`);
  if (opts.threads !== undefined && (opts.threads < 1 || opts.threads > 64)) throw new CliError("--threads must be a whole number from 1 to 64");
  if (opts.width !== undefined && (opts.width < 1 || opts.width > MAX_COLUMNS)) throw new CliError(`--width must be a whole number from 1 to ${MAX_COLUMNS}`, { hints: help });
  if (opts.pace !== undefined && opts.pace > MAX_PACE_MS) throw new CliError(`--pace must be a whole number from 0 to ${MAX_PACE_MS} (milliseconds), not ${opts.pace}`, { hints: ["for a pause that waits for you, use --step"] });
  const fromScene = opts.fromScene ?? 1;
  if (fromScene < 1 || fromScene > scenario.scenes.length) throw new CliError(`--from-scene must be a whole number from 1 to ${scenario.scenes.length}, not ${fromScene}`, { hints: help });
  if (opts.json && (opts.step || opts.clear || opts.fromScene !== undefined || opts.cast !== undefined)) throw new CliError("--json writes events, not a show: --step, --clear, --from-scene and --cast do not apply");

  // Pacing: explicit --pace/--step are honoured anywhere; by default only a terminal is paced.
  const pacing: Pacing = opts.json ? { mode: "none" }
    : opts.step ? { mode: "step" }
    : opts.pace !== undefined ? { mode: "pace", ms: opts.pace }
    : c.isTTY.stdout ? { mode: "pace", ms: DEFAULT_PACE_MS } : { mode: "none" };

  // Everything that can be refused is checked before any work: the terminal, then outputs.
  const wantKeys = !opts.json && (opts.step === true || c.isTTY.stdout);
  const terminal = wantKeys ? ((await c.openShowTerminal?.()) ?? null) : null;

  // The width: --width, else COLUMNS, else the terminal's (stdout's, or the one --step reads
  // keys from when stdout is a pipe: the speaker's screen), else 80; laid out within 40–100.
  const envColumns = /^[0-9]+$/.test(c.env["COLUMNS"] ?? "") ? Number(c.env["COLUMNS"]) : undefined;
  // A COLUMNS the --width check would refuse (0, or 400 nines: Infinity, a null cast width) is ignored.
  const fixedWidth = opts.width ?? (envColumns !== undefined && envColumns > 0 && envColumns <= MAX_COLUMNS ? envColumns : undefined);
  const screenNow = (): number => fixedWidth ?? c.currentColumns?.() ?? c.columns ?? terminal?.columns ?? render.WIDTH;
  const screen = screenNow();
  const width = render.layoutWidth(screen);
  if (!opts.json && screen < render.MIN_WIDTH) c.messages.warning(`the show needs at least ${render.MIN_WIDTH} columns and has ${screen}: long lines will wrap`);
  let world: Awaited<ReturnType<typeof openWorldDir>> | undefined;
  let cast: Awaited<ReturnType<typeof fileOutput>> | undefined;
  const bulk = createBulkCrypto(opts.threads);
  let finished = false;
  try {
    if (opts.step && !terminal) throw new CliError("--step reads keys from the terminal, and there is none", { hints: ["use --pace MS for a timed show without a terminal"] });
    world = opts.out !== undefined ? await openWorldDir(opts.out, opts.force ?? false, c.cwd) : undefined;
    cast = opts.cast !== undefined ? await fileOutput(opts.cast, opts.force ?? false, c.umask) : undefined;

    const target: RenderTarget = {
      write: (s) => writeTo(c.stdout, new TextEncoder().encode(s)),
      isTTY: c.isTTY.stdout,
      sleep: c.sleep,
      now: () => globalThis.performance.now(),
    };
    let renderer: Renderer;
    let recorder: InstanceType<typeof CastRecorder> | undefined;
    if (opts.json) renderer = render.jsonRenderer(target);
    else {
      // The live show follows a resized terminal from the next scene on (--width and COLUMNS fix
      // it); a recording keeps the width its header names.
      const live = render.terminalRenderer(target, c.chalk, { width: () => render.layoutWidth(screenNow()), pacing, clear: opts.clear === true });
      const recorders: Renderer[] = [];
      if (cast) {
        // The recording is the same show, drawn by the same renderer into a recorder whose
        // clock the pacing moves (the --pace value, else the default), bars drawn by count.
        recorder = new CastRecorder({ width: Math.max(screen, width), height: c.rows ?? 24, title: `doormat demo ${scenario.name}`, timestamp: Math.floor(c.now().getTime() / 1000) });
        const castChalk = c.chalk.level > 0 || c.colorFlag === false ? c.chalk : await makeChalk(colorLevel(c.colorFlag, c.env, true));
        recorders.push(render.terminalRenderer(recorder.target(), castChalk, { width, pacing: { mode: "pace", ms: opts.pace ?? DEFAULT_PACE_MS }, clear: opts.clear === true, progress: "count" }));
      }
      // Before a --step prompt: every byte of the scene written out (the write callback of an
      // empty write comes after all earlier writes), and, through a pipe, read on to the screen.
      const beforePrompt = async (): Promise<void> => {
        await new Promise<void>((resolve) => c.stdout.write("", () => resolve()));
        if (!c.isTTY.stdout) await c.sleep(PIPE_SETTLE_MS);
      };
      renderer = slideShow(live, terminal, { step: opts.step === true, fromScene, chalk: c.chalk, beforePrompt }, recorders);
    }
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
      if (world) {
        await world.commit();
        const dir = (opts.out as string).endsWith("/") ? (opts.out as string) : `${opts.out as string}/`;
        await renderer.render({ type: "step", text: `wrote the world to ${dir} (keys, archive, manifest.json): start with ${dir}README.txt` });
      }
      await renderer.end();
    } catch (e) {
      if (!(e instanceof ShowQuit)) throw e;
      await writeTo(c.stdout, new TextEncoder().encode("\n"));
    }
    if (cast && recorder) {
      await cast.write(new TextEncoder().encode(recorder.text()));
      await cast.commit();
    }
    finished = true;
  } finally {
    terminal?.close();
    await bulk.close();
    if (!finished) {
      await world?.abort();
      await cast?.abort();
    } else await world?.abort(); // a quit before the end: no half world (a no-op once committed)
  }
}

/** Exposed for tests: the scenario a name selects. */
export { findScenario };
