/**
 * The one place that decides whether output is coloured:
 * `--color`/`--no-color` → `NO_COLOR` → `FORCE_COLOR` → TTY and `TERM`.
 *
 * @module
 */
import { Chalk, type ChalkInstance } from "chalk";

/** Colour level: 0 none, 1 basic, 2 256 colours, 3 truecolor. */
export type ColorLevel = 0 | 1 | 2 | 3;

/**
 * Decide the colour level for one stream.
 * @param flag - `true` for `--color`, `false` for `--no-color`, `undefined` if neither
 */
export function colorLevel(flag: boolean | undefined, env: Readonly<Record<string, string | undefined>>, isTTY: boolean): ColorLevel {
  if (flag === false) return 0;
  if (flag === true) return 1;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return 0;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    if (force === "2") return 2;
    if (force === "3") return 3;
    return 1;
  }
  if (!isTTY || env["TERM"] === "dumb") return 0;
  const ct = env["COLORTERM"];
  if (ct === "truecolor" || ct === "24bit") return 3;
  if (env["TERM"]?.includes("256")) return 2;
  return 1;
}

/** A chalk instance at a given level (never reads process state itself). */
export function makeChalk(level: ColorLevel): ChalkInstance {
  return new Chalk({ level });
}
