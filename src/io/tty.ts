/**
 * The controlling terminal: passphrase prompts and "press Enter" go here, never to
 * stdout or stderr (which may be redirected).
 *
 * @module
 */
import * as fs from "node:fs";
import * as tty from "node:tty";
import { CliError, EXIT, NoTerminalError } from "../errors.js";

function openTerminal(): { input: tty.ReadStream; output: tty.WriteStream; close: () => void } {
  let rfd: number;
  let wfd: number;
  try {
    rfd = fs.openSync("/dev/tty", "r");
    wfd = fs.openSync("/dev/tty", "w");
  } catch {
    throw new NoTerminalError();
  }
  const input = new tty.ReadStream(rfd);
  const output = new tty.WriteStream(wfd);
  return {
    input,
    output,
    close: () => {
      input.destroy();
      output.destroy();
    },
  };
}

/** Characters typed (or pasted) after the line a prompt consumed: the next prompt gets them. */
let typedAhead = "";

/**
 * Prompt on the terminal and read a line without echo.
 * @throws CliError if there is no terminal, or on Ctrl-C / Ctrl-D
 */
export function readSecretFromTerminal(prompt: string): Promise<string> {
  const { input, output, close } = openTerminal();
  output.write(prompt);
  input.setRawMode(true);
  return new Promise<string>((resolve, reject) => {
    let value = "";
    const finish = (err: CliError | null): void => {
      input.off("data", onData);
      input.setRawMode(false);
      output.write("\n");
      close();
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: Buffer | string): void => {
      const chars = [...data.toString("utf8")];
      for (let i = 0; i < chars.length; i++) {
        const ch = chars[i] as string;
        if (ch === "\r" || ch === "\n") {
          let rest = chars.slice(i + 1).join("");
          if (ch === "\r" && rest.startsWith("\n")) rest = rest.slice(1);
          typedAhead = rest;
          return finish(null);
        }
        if (ch === "\u0003") return finish(new CliError("interrupted", { exitCode: EXIT.INTERRUPTED }));
        if (ch === "\u0004") return finish(new CliError("no passphrase entered (end of input)"));
        if (ch === "\u007f" || ch === "\b") value = [...value].slice(0, -1).join("");
        else if (ch >= " ") value += ch;
      }
    };
    input.on("data", onData);
    if (typedAhead !== "") {
      const ahead = typedAhead;
      typedAhead = "";
      onData(ahead);
    }
  });
}

/** Wait for Enter on the terminal (demo `--step`). Resolves at once if there is no terminal. */
export function waitForEnterOnTerminal(prompt: string): Promise<void> {
  let term: ReturnType<typeof openTerminal>;
  try {
    term = openTerminal();
  } catch {
    return Promise.resolve();
  }
  const { input, output, close } = term;
  output.write(prompt);
  input.setRawMode(true);
  return new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer): void => {
      const s = data.toString("utf8");
      if (s.includes("\u0003")) {
        done();
        reject(new CliError("interrupted", { exitCode: EXIT.INTERRUPTED }));
      } else if (s.includes("\r") || s.includes("\n") || s.includes(" ")) {
        done();
        resolve();
      }
    };
    const done = (): void => {
      input.off("data", onData);
      input.setRawMode(false);
      output.write("\r\u001b[K");
      close();
    };
    input.on("data", onData);
  });
}

// ── The show's keys (demo --step, and no echo during any show) ────────────────────────────

/** What a key press means to a show. */
export type ShowKey = "next" | "back" | "quit" | "interrupt" | "other";

/**
 * Decode raw terminal input into show keys. Next: Enter, Space, Right, Down, PageDown, `n`.
 * Back: Left, Up, PageUp, `p`. Quit: `q`, a lone Escape, Ctrl-D. Ctrl-C interrupts. Arrow and
 * page keys come as CSI (`ESC [ C`, `ESC [ 6 ~`) or SS3 (`ESC O C`) sequences.
 */
export function decodeKeys(input: string): ShowKey[] {
  const keys: ShowKey[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (ch === "\u001b") {
      const m = /^\u001b(?:\[([0-9;]*)([A-Za-z~])|O([A-Za-z]))/.exec(input.slice(i));
      if (m) {
        const final = m[2] ?? m[3];
        const param = m[1] ?? "";
        if (final === "C" || final === "B" || (final === "~" && param === "6")) keys.push("next");
        else if (final === "D" || final === "A" || (final === "~" && param === "5")) keys.push("back");
        else keys.push("other");
        i += m[0].length;
      } else if (i + 1 >= input.length || input[i + 1] === "\u001b") {
        keys.push("quit"); // a lone Escape
        i++;
      } else {
        keys.push("other"); // Alt+key
        i += 2;
      }
      continue;
    }
    if (ch === "\r" || ch === "\n" || ch === " " || ch === "n" || ch === "N") keys.push("next");
    else if (ch === "p" || ch === "P") keys.push("back");
    else if (ch === "q" || ch === "Q" || ch === "\u0004") keys.push("quit");
    else if (ch === "\u0003") keys.push("interrupt");
    else keys.push("other");
    i++;
  }
  return keys;
}

/** A terminal input stream as the show needs it (a tty.ReadStream, or a fake in tests). */
export interface KeyStream {
  on(event: "data", listener: (data: Buffer | string) => void): unknown;
  off(event: "data", listener: (data: Buffer | string) => void): unknown;
  setRawMode?(mode: boolean): unknown;
  resume?(): unknown;
}

/** The terminal during a show: raw mode, no echo; keys are read only when asked for. */
export interface ShowTerminal {
  /**
   * The next next/back/quit key pressed after this call. Keys pressed before it (while a
   * scene computed) are discarded, as are keys with no meaning to the show.
   */
  nextKey(): Promise<Exclude<ShowKey, "other" | "interrupt">>;
  /** Write a prompt where the speaker sees it (the terminal itself). */
  prompt(text: string): void;
  /** Leave raw mode and stop reading: the terminal is as it was. Safe to call twice. */
  close(): void;
  /**
   * The terminal's width in columns now, when known (the show's width when stdout is a pipe);
   * read from the terminal at each use, so it follows a resize.
   */
  readonly columns?: number;
}

/**
 * Read show keys from `input`, which is put in raw mode (no echo, no line editing) until
 * {@link ShowTerminal.close}. Input is read all the time and dropped unless a key is awaited, so
 * nothing typed during a scene is taken as an answer or reaches the shell afterwards.
 *
 * @param onInterrupt - called on Ctrl-C (raw mode turns it into a byte, not a signal)
 */
export function keyReader(input: KeyStream, onInterrupt: () => void, output?: { write(s: string): unknown }, onClose?: () => void): ShowTerminal {
  let waiter: ((k: Exclude<ShowKey, "other" | "interrupt">) => void) | null = null;
  let closed = false;
  const onData = (data: Buffer | string): void => {
    const keys = decodeKeys(typeof data === "string" ? data : data.toString("utf8"));
    if (keys.includes("interrupt")) {
      onInterrupt();
      return;
    }
    const k = keys.find((x): x is Exclude<ShowKey, "other" | "interrupt"> => x !== "other" && x !== "interrupt");
    if (k !== undefined && waiter !== null) {
      const w = waiter;
      waiter = null;
      w(k);
    }
  };
  input.setRawMode?.(true);
  input.on("data", onData);
  input.resume?.();
  return {
    async nextKey() {
      // Let input already queued (typed during the scene) arrive, and be dropped, first.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      return new Promise((resolve) => {
        waiter = resolve;
      });
    },
    prompt(text) {
      output?.write(text);
    },
    close() {
      if (closed) return;
      closed = true;
      input.off("data", onData);
      input.setRawMode?.(false);
      onClose?.();
    },
  };
}

/**
 * The controlling terminal (`/dev/tty`) for a show, or null when there is none. It is
 * restored when the show ends, and also if the process exits any other way (a signal).
 */
export function openShowTerminal(onInterrupt: () => void): ShowTerminal | null {
  let term: ReturnType<typeof openTerminal>;
  try {
    term = openTerminal();
  } catch {
    return null;
  }
  /** Whether a --step prompt is on the screen (a signal must not leave it beside the shell's). */
  let prompted = false;
  const restore = (): void => {
    try {
      if (prompted) term.output.write("\r\u001b[K"); // a terminal stream writes synchronously
      prompted = false;
      term.input.setRawMode(false);
    } catch {
      /* exiting: nothing more to do */
    }
  };
  process.once("exit", restore);
  // Ctrl-C: erase the prompt before the signal handler moves to a new line, or it stays on screen.
  const interrupt = (): void => {
    restore();
    onInterrupt();
  };
  const reader = keyReader(term.input, interrupt, term.output, () => {
    process.off("exit", restore);
    restore();
    term.close();
  });
  const keys: ShowTerminal = {
    ...reader,
    prompt(text) {
      reader.prompt(text);
      prompted = !text.startsWith("\r");
    },
  };
  const columns = (): number | undefined => {
    try {
      const [cols] = term.output.getWindowSize();
      return cols > 0 ? cols : undefined;
    } catch {
      return undefined; // closed, or not a terminal after all
    }
  };
  return Object.defineProperty(keys, "columns", { get: columns, enumerable: true }) as ShowTerminal;
}
