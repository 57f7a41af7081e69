/**
 * What a scenario is: a name, its own options, its scenes, and an async generator of events
 * that performs real cryptography through src/crypto/.
 *
 * @module
 */
import type { RandomSource } from "../crypto/random.js";
import type { BulkCrypto } from "./parallel.js";
import type { WorldWriter } from "../io/world.js";

export type { WorldWriter };
import type { DemoEvent } from "./events.js";

/** A resolved option value: a whole number or a flag. */
export type OptionValue = number | boolean;

/** Option values by name, as a scenario receives them (every option present, range-checked). */
export type OptionValues = Readonly<Record<string, OptionValue>>;

/**
 * The value of whole-number option `name`. A name the scenario did not declare (a typo) is a
 * bug, not a user's mistake: it throws instead of giving `undefined` to arithmetic.
 * @throws Error if `name` is not a resolved whole-number option
 */
export function intOption(values: OptionValues, name: string): number {
  const v = values[name];
  if (typeof v !== "number") throw new Error(`no whole-number option --${name} in this scenario`);
  return v;
}

/**
 * The value of flag option `name` (false unless given).
 * @throws Error if `name` is not a resolved flag option
 */
export function flagOption(values: OptionValues, name: string): boolean {
  const v = values[name];
  if (typeof v !== "boolean") throw new Error(`no flag option --${name} in this scenario`);
  return v;
}

/**
 * A whole-number option, e.g. `--users 1000`.
 *
 * `default` and `max` may be computed from the options declared before this one (e.g.
 * `--event-at` defaults to half of `--messages` and may not exceed it); give `defaultText` /
 * `maxText` for the help then, since help is shown before any value is known.
 */
export interface IntOption {
  readonly kind: "int";
  /** Long flag name without dashes, e.g. `users`. */
  readonly name: string;
  readonly description: string;
  readonly default: number | ((earlier: OptionValues) => number);
  /** How the help describes a computed default, e.g. "half of --messages". */
  readonly defaultText?: string;
  readonly min: number;
  readonly max: number | ((earlier: OptionValues) => number);
  /** How the help and errors describe a computed maximum, e.g. "--messages". */
  readonly maxText?: string;
}

/** An on/off flag, e.g. `--full`; false unless given. */
export interface FlagOption {
  readonly kind: "flag";
  readonly name: string;
  readonly description: string;
}

/** An option of one scenario: `doormat demo NAME --help` lists them; other scenarios do not take them. */
export type ScenarioOption = IntOption | FlagOption;

/** What a running scenario receives. */
export interface ScenarioContext {
  /** Seeded for `--seed`, the OS CSPRNG otherwise. */
  readonly random: RandomSource;
  /** The seed, if any (recorded in written key files). */
  readonly seed: string | undefined;
  /** This scenario's option values, by name, every one present and range-checked. */
  readonly options: OptionValues;
  readonly world: WorldWriter | undefined;
  /** Bulk encryption and decryption, spread over the cores. */
  readonly bulk: BulkCrypto;
  /** Milliseconds from an arbitrary origin (for measured rates). */
  now(): number;
}

/** A scenario's code: performs real cryptography and emits events. */
export type ScenarioRun = (ctx: ScenarioContext) => AsyncGenerator<DemoEvent, void, void>;

/** A catalogue entry: what `--help` shows, and how to load the code. */
export interface ScenarioInfo {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  /** This scenario's own options, resolved in this order. */
  readonly options: readonly ScenarioOption[];
  /** The scene titles, in order, for `doormat demo NAME --help`. */
  readonly scenes: readonly string[];
  /** Example command lines (without the leading `$ `) for the help. */
  readonly examples?: readonly string[];
  /** What the largest sizes cost (time, memory), for `doormat demo NAME --help`. */
  readonly limits?: string;
  /** Whether the scenario writes a world with `--out` (the others refuse the flag). */
  readonly writesWorld?: boolean;
  load(): Promise<ScenarioRun>;
}

/** A user's mistake in the options: the message names the flag and the allowed values. */
export class OptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OptionError";
  }
}

/** The range of an int option as people read it: "1 to 500000", "0 to --messages". */
export function describeRange(o: IntOption): string {
  return `${o.min} to ${typeof o.max === "number" ? o.max : (o.maxText ?? "its maximum")}`;
}

/** The default of an option as the help shows it. */
export function describeDefault(o: ScenarioOption): string {
  if (o.kind === "flag") return "off";
  return typeof o.default === "number" ? String(o.default) : (o.defaultText ?? "computed");
}

/**
 * Resolve a scenario's options from what the user gave: defaults (computed ones from the
 * options before them) and range checks, in declaration order.
 *
 * @param given - values parsed from the command line, by option name (absent: not given)
 * @throws OptionError naming the flag and its allowed range when a value is out of range
 */
export function resolveOptions(options: readonly ScenarioOption[], given: Readonly<Record<string, unknown>>): OptionValues {
  const values: Record<string, OptionValue> = {};
  for (const o of options) {
    const v = given[o.name];
    if (o.kind === "flag") {
      values[o.name] = v === true;
      continue;
    }
    const n = typeof v === "number" ? v : typeof o.default === "number" ? o.default : o.default(values);
    const max = typeof o.max === "number" ? o.max : o.max(values);
    if (!Number.isSafeInteger(n) || n < o.min || n > max) {
      const range = typeof o.max === "number" ? describeRange(o) : `${o.min} to ${max} (${o.maxText ?? "its maximum"})`;
      throw new OptionError(`--${o.name} must be a whole number from ${range}, not ${n}`);
    }
    values[o.name] = n;
  }
  return values;
}
