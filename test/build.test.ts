/**
 * scripts/bundle.mjs (run by `npm run build` and by the tests' global setup) must never leave
 * dist/cli missing: it used to delete the folder and build it again, and for those seconds a
 * `doormat` started meanwhile (the linked command during a talk, a second test run) failed with
 * ERR_MODULE_NOT_FOUND and a Node stack trace. Found running the README's commands while
 * `npm test` ran. The check is on what the build does to the folder, not on timing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BIN, cliEnv } from "./cli-harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist/cli");

describe("scripts/bundle.mjs", () => {
  it("rebuilds dist/cli in place: the folder is never removed, entry files are replaced by rename, stale chunks go", () => {
    const before = statSync(CLI).ino;
    const entry = statSync(BIN).ino;
    const stale = join(CLI, "chunk-STALE000.js");
    writeFileSync(stale, "// a chunk from an earlier build\n");
    const r = spawnSync(process.execPath, ["scripts/bundle.mjs"], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(statSync(CLI).ino).toBe(before); // not deleted and made again
    expect(statSync(BIN).ino).not.toBe(entry); // a new file renamed over the old one
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(join(ROOT, "dist")).filter((f) => f.startsWith("cli.tmp-"))).toEqual([]);
    const v = spawnSync(process.execPath, [BIN, "--version"], { env: cliEnv(), encoding: "utf8", timeout: 120_000 });
    expect(v.status).toBe(0);
  }, 300_000);
});
