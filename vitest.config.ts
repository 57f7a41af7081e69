import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Timeouts only catch hangs; they are not speed checks. CI is a loaded 2-core machine where
    // a test that spawns the CLI, stock age or scrypt at age's work factor runs many times
    // slower than on a quiet laptop (and a spawnSync blocks the clock check until it returns),
    // so the bounds are generous. Tests that need even longer say so themselves.
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // The CLI spawn tests need dist/ built; globalSetup builds it once.
    globalSetup: ["test/global-setup.ts"],
    // fast-check runs from a fixed seed unless SLOW=1 or FC_SEED says otherwise.
    setupFiles: ["test/setup-fast-check.ts"],
  },
});
