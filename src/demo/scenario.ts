/**
 * What a scenario is: a name, its numeric options, and an async generator of events that
 * performs real cryptography through src/crypto/.
 *
 * @module
 */
import type { RandomSource } from "../crypto/random.js";
import type { BulkCrypto } from "./parallel.js";
import type { WorldWriter } from "../io/world.js";

export type { WorldWriter };
import type { DemoEvent } from "./events.js";

/** A numeric option a scenario accepts, e.g. `--users 1000`. */
export interface ScenarioOption {
  /** Long flag name without dashes, e.g. `users`. */
  readonly name: string;
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** What a running scenario receives. */
export interface ScenarioContext {
  /** Seeded for `--seed`, the OS CSPRNG otherwise. */
  readonly random: RandomSource;
  /** The seed, if any (recorded in written key files). */
  readonly seed: string | undefined;
  /** Option values, by name, already range-checked. */
  readonly options: Readonly<Record<string, number>>;
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
  readonly options: readonly ScenarioOption[];
  load(): Promise<ScenarioRun>;
}
