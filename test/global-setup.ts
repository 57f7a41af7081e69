// Spawn tests run the built command (dist/cli/doormat.js), and the demo's worker threads run
// dist/demo/worker.js: build both once before any test runs, exactly as `npm run build` does.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("..", import.meta.url));
  execFileSync(process.execPath, [root + "node_modules/typescript/bin/tsc", "-p", root + "tsconfig.build.json"], { stdio: "inherit", cwd: root });
  execFileSync(process.execPath, [root + "scripts/bundle.mjs"], { stdio: "inherit", cwd: root });
}
