/**
 * The command-line program: `createProgram(deps)` builds it (tests call it in process), and
 * `main()` is the only place that touches `process`.
 *
 * @module
 */
import { Command, CommanderError } from "@commander-js/extra-typings";
import { secureRandom } from "./crypto/random.js";
import { makeContext, type Context, type Deps } from "./commands/context.js";
import { makeKeygenCommand, makePubkeyCommand } from "./commands/keygen.js";
import { makeEncryptCommand } from "./commands/encrypt.js";
import { makeDecryptCommand } from "./commands/decrypt.js";
import { makeInspectCommand } from "./commands/inspect.js";
import { makeSelftestCommand } from "./commands/selftest.js";
import { makeDemoCommand } from "./commands/demo.js";
import { fstatSync } from "node:fs";
import { regularFileIdOfFd, removeTemporaryFiles } from "./io/files.js";
import { CliError, EXIT, Messages } from "./ui/messages.js";
import { colorLevel, makeChalk } from "./ui/color.js";
import { version } from "./version.js";

/**
 * Build the program. Nothing here reads `process`: everything comes from `deps`.
 * Errors reach the caller of `parseAsync` as CliError or CommanderError.
 */
export function createProgram(deps: Deps): Command {
  let context: Context | undefined;
  const program = new Command("doormat")
    .description("age-compatible encryption that shows what a \"lawful access\" backdoor does.\nA key left for the police is a key left for everyone.")
    .version(version(), "--version", "print the version")
    .option("--color", "force colour output")
    .option("--no-color", "no colour (also: NO_COLOR=1)")
    .helpOption("-h, --help", "show help")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      outputError: outputErrorFor("doormat"),
    })
    .addHelpText("after", `
Examples:
  $ doormat demo                                  # the story: lawful access, then the leak
  $ doormat keygen -o alice.key
  $ doormat encrypt -r age1… -o msg.age msg.txt
  $ doormat decrypt -i alice.key msg.age
  $ doormat inspect msg.age

Exit status: 0 success, 1 any failure, 3 escrow found (inspect --deny-escrow),
130 interrupted (Ctrl-C), 129 or 143 stopped by SIGHUP or SIGTERM,
141 output pipe closed by its reader (e.g. "| head").
Docs: README.md, docs/FORMAT.md. npm package: keys-under-doormats.`);

  // The context (colour needs the global flags) is built once options are parsed, before any
  // action runs. With both --color and --no-color defined, commander leaves the value
  // undefined unless one of them is given.
  program.hook("preAction", async () => {
    context ??= await makeContext(deps, (program.opts() as { color?: boolean }).color);
  });
  const ctx = (): Context => {
    if (!context) throw new Error("context used before the preAction hook");
    return context;
  };
  for (const make of [makeDemoCommand, makeKeygenCommand, makePubkeyCommand, makeEncryptCommand, makeDecryptCommand, makeInspectCommand, makeSelftestCommand]) {
    const sub = make(ctx) as unknown as Command;
    inheritSettings(sub, program as unknown as Command);
    // These check their own operands, to say what is missing (`decrypt alice.key msg.age`).
    if (sub.name() === "encrypt" || sub.name() === "decrypt") sub.allowExcessArguments(true);
    program.addCommand(sub);
  }
  return program as unknown as Command;
}

/**
 * Give a subcommand, and its own subcommands (`demo leak`), the program's settings: output,
 * exit override, help option. Commander copies them only for commands made with `.command()`.
 */
function inheritSettings(cmd: Command, parent: Command, path = `doormat ${cmd.name()}`): void {
  cmd.copyInheritedSettings(parent);
  cmd.configureOutput({ ...parent.configureOutput(), outputError: outputErrorFor(path) });
  for (const sub of cmd.commands) inheritSettings(sub as unknown as Command, cmd, `${path} ${sub.name()}`);
}

/** Commander's own errors ("error: unknown option …") get our prefix and a hint to the right help. */
function outputErrorFor(path: string): (s: string, write: (s: string) => void) => void {
  return (s, write) => {
    let text = s.replace(/^error: /, "doormat: error: ").replace(/\n\(Did you mean (.*)\?\)/, "\ndoormat: hint: did you mean $1?");
    const help = path === "doormat" ? `"doormat --help" (or "doormat COMMAND --help")` : `"${path} --help"`;
    if (!text.includes("hint:")) text = text.trimEnd() + `\ndoormat: hint: see ${help}\n`;
    write(text);
  };
}

/** The real world, for the installed command. */
export function processDeps(): Deps {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    cwd: process.cwd(),
    // The terminal module loads only when a prompt is needed.
    readPassphrase: async (prompt) => (await import("./io/tty.js")).readSecretFromTerminal(prompt),
    waitForEnter: async (prompt) => (await import("./io/tty.js")).waitForEnterOnTerminal(prompt),
    random: secureRandom,
    now: () => new Date(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    umask: process.umask(),
    ...(process.stdout.isTTY ? { columns: process.stdout.columns, rows: process.stdout.rows } : {}),
    // The screen the show is watched on: stdout's, or stderr's when stdout is a pipe (| tee).
    ...(process.stdout.isTTY ? { currentColumns: () => process.stdout.columns } : process.stderr.isTTY ? { currentColumns: () => process.stderr.columns } : {}),
    // Ctrl-C in raw mode is a byte, not a signal: raise the signal, so the usual clean-up runs.
    openShowTerminal: async () => (await import("./io/tty.js")).openShowTerminal(() => process.kill(process.pid, "SIGINT")),
    ...stdoutFileMode(),
    ...stdioFileIds(),
  };
}

function stdioFileIds(): { stdinFileId?: string; stdoutFileId?: string } {
  const stdinFileId = regularFileIdOfFd(0);
  const stdoutFileId = regularFileIdOfFd(1);
  return { ...(stdinFileId === null ? {} : { stdinFileId }), ...(stdoutFileId === null ? {} : { stdoutFileId }) };
}

function stdoutFileMode(): { stdoutFileMode?: number } {
  try {
    const st = fstatSync(1);
    return st.isFile() ? { stdoutFileMode: st.mode & 0o777 } : {};
  } catch {
    return {};
  }
}

/**
 * Run the CLI with `argv` (without node and script) and return the exit status.
 * Every failure is one line on stderr; a stack trace only appears with DOORMAT_DEBUG=1.
 */
export async function run(argv: readonly string[], deps: Deps): Promise<number> {
  const program = createProgram(deps);
  const messages = new Messages(deps.stderr, await makeChalk(colorLevel(argv.includes("--no-color") ? false : argv.includes("--color") ? true : undefined, deps.env, deps.isTTY.stderr)));
  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return EXIT.FAILURE;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and --version exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? EXIT.OK : EXIT.FAILURE;
    }
    if (e instanceof CliError) {
      messages.error(e.message, e.hints);
      return e.exitCode;
    }
    const err = e as NodeJS.ErrnoException;
    // The reader went away (`| head`): not worth a message, but the output was cut short.
    if (err?.code === "EPIPE") return EXIT.BROKEN_PIPE;
    messages.error(`unexpected failure: ${err?.message ?? String(e)}`, ["this is a bug in doormat; please report it with the command you ran"]);
    if (deps.env["DOORMAT_DEBUG"]) deps.stderr.write(`${err?.stack ?? ""}\n`);
    return EXIT.FAILURE;
  }
}

/** Entry point of the installed command. */
export async function main(): Promise<void> {
  // On a signal, remove any output still being written (it may be partial plaintext).
  for (const [signal, code] of [["SIGINT", EXIT.INTERRUPTED], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.on(signal, () => {
      removeTemporaryFiles();
      if (signal === "SIGINT") process.stderr.write("\n");
      process.exit(code);
    });
  }
  // A closed pipe on standard output (`doormat … | head -1`) ends the run as SIGPIPE ends age's
  // and git's: status 141, no message, no partial output file left behind. An error on stderr
  // (closed too, `2>&1 | head`) must not crash with a stack trace: there is no one to tell.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") return;
    removeTemporaryFiles();
    process.exit(EXIT.BROKEN_PIPE);
  });
  process.stderr.on("error", () => {});
  process.exitCode = await run(process.argv.slice(2), processDeps());
}
