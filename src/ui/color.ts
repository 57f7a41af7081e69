/**
 * The one place that decides whether output is coloured:
 * `--color`/`--no-color` → `NO_COLOR` → `FORCE_COLOR` → TTY and `TERM`.
 *
 * @module
 */
import type { ChalkInstance } from "chalk";

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

/**
 * No colour: every style (`c.red.bold(…)`, any chain) returns its text unchanged. Used when
 * colour is off, so that chalk is not even loaded (start-up time).
 */
export const plainChalk: ChalkInstance = new Proxy((...text: unknown[]) => text.join(" "), {
  // "then" must stay undefined, or `await` would take this for a promise.
  get: (_target, prop) => (prop === "level" ? 0 : prop === "then" ? undefined : plainChalk),
}) as unknown as ChalkInstance;

/** A chalk instance at a given level (never reads process state itself). */
export async function makeChalk(level: ColorLevel): Promise<ChalkInstance> {
  if (level === 0) return plainChalk;
  const { Chalk } = await import("chalk");
  return new Chalk({ level });
}
