/**
 * The package version, read from package.json at run time (one source of truth).
 *
 * @module
 */
import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The version in package.json: one level above src/ and dist/, two above dist/cli/. */
export function version(): string {
  if (cached !== undefined) return cached;
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "keys-under-doormats" && pkg.version) return (cached = pkg.version);
    } catch {
      /* try the next place */
    }
  }
  return (cached = "unknown");
}
