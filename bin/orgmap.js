#!/usr/bin/env node
// The orgmap CLI. TypeScript sources run through tsx's loader, so there is no build step.
// `orgmap match` needs no database: it runs bundled from its own entry (see match-bundle.mjs).
const bundled =
  process.argv[2] === "match" ? await (await import("./match-bundle.mjs")).bundledMatchEntry() : null;
let main;
if (bundled !== null) ({ main } = await import(bundled));
else {
  const { register } = await import("tsx/esm/api");
  register();
  const entry = process.argv[2] === "match" ? "../src/cli/match.main.ts" : "../src/cli/main.ts";
  ({ main } = await import(entry));
}
process.exitCode = await main(process.argv);
