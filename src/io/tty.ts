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
