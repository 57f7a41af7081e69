/**
 * A recording of the show as an asciicast v2 file (asciinema's format: a JSON header line,
 * then one `[time, code, data]` JSON array per line; see
 * https://docs.asciinema.org/manual/asciicast/v2/).
 *
 * The recorder is a render target: the terminal renderer draws the show into it exactly as it
 * draws it on a terminal, so every event type a renderer knows is recorded. Times come from
 * the pacing model (each sleep the renderer asks for moves the recording's clock), never from
 * the wall clock, so a `--seed` run records the same events every time.
 *
 * @module
 */
import type { RenderTarget } from "./demo-render.js";

/** The header fields doormat writes (asciicast v2: version, width and height are required). */
export interface CastHeader {
  /** Columns and rows the show was rendered for. */
  readonly width: number;
  readonly height: number;
  readonly title: string;
  /** Unix seconds at the start. */
  readonly timestamp: number;
}

/** Seconds with millisecond precision, as players read them. */
const seconds = (ms: number): number => Math.round(ms) / 1000;

/** Records "o" (output) and "m" (marker) events on a clock driven by the show's pacing. */
export class CastRecorder {
  readonly #lines: string[];
  #ms = 0;

  constructor(header: CastHeader) {
    // Only TERM goes in env (asciinema records SHELL and TERM; nothing secret, ever).
    this.#lines = [JSON.stringify({ version: 2, width: header.width, height: header.height, timestamp: header.timestamp, title: header.title, env: { TERM: "xterm-256color" } })];
  }

  /** A render target that records instead of writing (it is a terminal: bars redraw in place). */
  target(): RenderTarget {
    return {
      isTTY: true,
      // A program writing a recording bypasses the tty's ONLCR: line ends must be \r\n.
      write: (s) => {
        if (s !== "") this.#lines.push(JSON.stringify([seconds(this.#ms), "o", s.replace(/\r?\n/g, "\r\n")]));
      },
      sleep: async (ms) => {
        this.#ms += ms;
      },
      mark: (label) => {
        this.#lines.push(JSON.stringify([seconds(this.#ms), "m", label]));
      },
    };
  }

  /** The file: newline-delimited JSON. */
  text(): string {
    return this.#lines.join("\n") + "\n";
  }
}
