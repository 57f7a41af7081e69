// Bundles the command-line program into dist/cli/ (run by `npm run build`, after tsc).
//
// Why a bundle: on Node 20 (no module compile cache) the ESM loader costs about a millisecond
// per module, and commander loads through the CommonJS bridge. Measured here, a 1 KiB encrypt
// took 2.06x `node -e 0` from tsc's ~30 modules and 1.55x from this bundle (issue: <= 1.6x).
// tsc still type-checks and emits dist/ (the library entry and its declarations); only the
// `doormat` command runs from the bundle. Lazy imports stay lazy: they become chunks.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { build } from "esbuild";

/**
 * commander requires node:child_process at load time, only to run external subcommands,
 * which doormat has none of; loading it (with net, dgram and friends) cost ~5 ms of every
 * start. This defers that one require to first use.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error("commander changed: update scripts/bundle.mjs");
      const lazy = "const childProcess = new Proxy({}, { get: (_t, k) => require('node:child_process')[k] });";
      return { contents: source.replace(eager, lazy), loader: "js" };
    });
  },
};

// Built beside dist/cli, then moved in file by file (each rename replaces a file atomically),
// then stale chunks of earlier builds are removed. Deleting dist/cli before building left it
// missing for seconds, and a `doormat` run meanwhile (a linked command on stage, a second test
// run, `npm test` beside the demo) died with ERR_MODULE_NOT_FOUND. With unchanged sources the
// chunk names are the same, so a rebuild never takes away a file a running program may import.
const outdir = `dist/cli.tmp-${process.pid}`;
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { doormat: "src/bin.ts", worker: "src/demo/worker.ts", "payload-worker": "src/io/payload-worker.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "[name]-[hash]", // beside the entries, so that "./worker.js" resolves from any chunk
  // commander is CommonJS and calls require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  plugins: [lazyChildProcess],
  logLevel: "warning",
});

const built = new Set(readdirSync(outdir));
mkdirSync("dist/cli", { recursive: true });
for (const f of built) renameSync(`${outdir}/${f}`, `dist/cli/${f}`);
rmSync(outdir, { recursive: true, force: true });
for (const f of readdirSync("dist/cli")) if (!built.has(f)) rmSync(`dist/cli/${f}`, { recursive: true, force: true }); // stale chunks
