/**
 * The package version, read from package.json at run time (one source of truth).
 *
 * @module
 */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The version in package.json (dist/ and src/ both sit one level below it). */
export function version(): string {
  cached ??= (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
  return cached;
}
