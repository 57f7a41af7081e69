/**
 * The CLI's expected failures and exit statuses: a leaf module that io/, ui/, commands/ and
 * cli.ts all use (crypto/ has its own errors in crypto/errors.ts).
 *
 * @module
 */

/** Exit statuses (documented in the README). */
export const EXIT = {
  OK: 0,
  /** Any failure: bad input, wrong key, corrupted file, I/O error. */
  FAILURE: 1,
  /** `inspect --deny-escrow`: the file carries a lawful-access stanza. */
  ESCROW_FOUND: 3,
  /** Interrupted by Ctrl-C. */
  INTERRUPTED: 130,
  /**
   * The reader of standard output went away (`| head`): the output was cut short. 128 + SIGPIPE
   * (13), the status a shell shows for stock age and git in the same place; no message.
   */
  BROKEN_PIPE: 141,
} as const;

/** An expected failure: printed as one error line plus hints, never as a stack trace. */
export class CliError extends Error {
  readonly hints: readonly string[];
  readonly exitCode: number;
  constructor(message: string, options: { hints?: readonly string[]; exitCode?: number } = {}) {
    super(message);
    this.name = "CliError";
    this.hints = options.hints ?? [];
    this.exitCode = options.exitCode ?? EXIT.FAILURE;
  }
}

/** No controlling terminal to prompt on (io/tty.ts); callers may say what they needed it for. */
export class NoTerminalError extends CliError {
  constructor() {
    super("no terminal is available to read from", {
      hints: ["run doormat from an interactive terminal, or use keys (-r/-i) instead of a passphrase in scripts"],
    });
    this.name = "NoTerminalError";
  }
}
