import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The CLI spawn tests need dist/ built; globalSetup builds it once.
    globalSetup: ["test/global-setup.ts"],
    // fast-check runs from a fixed seed unless SLOW=1 or FC_SEED says otherwise.
    setupFiles: ["test/setup-fast-check.ts"],
  },
});
