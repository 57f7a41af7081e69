/**
 * A demo world being written is removed whole by the signal handler's cleanup, even while
 * writes are still in libuv's thread pool (regression: Ctrl-C or SIGTERM under load left
 * `.w.doormat-….tmp/keys/users/user-0020.key` beside the target, because rmSync lists a
 * directory once and a recursive mkdir in flight made the directory again). The spawned
 * version of this is in test/talk.test.ts ("a run stopped by SIGINT…").
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeTemporaryFiles } from "../src/io/files.js";
import { openWorldDir } from "../src/io/world.js";

describe("removeTemporaryFiles with world writes in flight", () => {
  const parent = mkdtempSync(join(tmpdir(), "doormat-world-removal-"));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it("leaves nothing beside the target, however the writes in flight land", async () => {
    for (let round = 0; round < 10; round++) {
      const world = await openWorldDir(`w${round}`, false, parent);
      // Many writes at once, into directories not made yet: their mkdirs and opens queue in
      // the thread pool, and some run only after the removal below.
      const writes = Array.from({ length: 300 }, (_, i) => world.write(`keys/d${i % 7}/f${i}.key`, "x\n", { secret: true }));
      await new Promise((r) => setImmediate(r)); // let some of them land first
      removeTemporaryFiles();
      await Promise.allSettled(writes);
      expect(readdirSync(parent, { recursive: true }), `round ${round}`).toEqual([]);
    }
  });
});
