#!/usr/bin/env node
// `doormat --version` answers without loading the CLI: scripts call it often, and it should
// cost no more than starting Node. Everything else goes through main().
if (process.argv.length === 3 && process.argv[2] === "--version") {
  const { version } = await import("./version.js");
  process.stdout.write(`${version()}\n`);
} else {
  const { main } = await import("./cli.js");
  await main();
}
