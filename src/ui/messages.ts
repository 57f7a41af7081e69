/**
 * Every diagnostic doormat prints goes through here: one stderr line each,
 * `doormat: error: …`, `doormat: warning: …`, `doormat: hint: …`, lower-case, no final period.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";

export { CliError, EXIT } from "../errors.js";

/** Anything with a `write(string)`, e.g. process.stderr. */
export interface TextSink {
  write(s: string): unknown;
}

/** Writes diagnostics to stderr. */
export class Messages {
  readonly #err: TextSink;
  readonly #c: ChalkInstance;
  constructor(stderr: TextSink, chalk: ChalkInstance) {
    this.#err = stderr;
    this.#c = chalk;
  }
  error(message: string, hints: readonly string[] = []): void {
    this.#err.write(`doormat: ${this.#c.red.bold("error")}: ${message}\n`);
    for (const h of hints) this.hint(h);
  }
  warning(message: string): void {
    this.#err.write(`doormat: ${this.#c.yellow("warning")}: ${message}\n`);
  }
  hint(message: string): void {
    this.#err.write(`doormat: ${this.#c.cyan("hint")}: ${message}\n`);
  }
  /** A plain informational line on stderr (e.g. keygen's "Public key: …"). */
  info(message: string): void {
    this.#err.write(`${message}\n`);
  }
}
