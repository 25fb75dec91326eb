#!/usr/bin/env node
// The orgmap CLI. TypeScript sources run through tsx's loader, so there is no build step.
import { register } from "tsx/esm/api";

register();
// `orgmap match` needs no database: its own entry loads only the matching engine (about 2 s less start).
const entry = process.argv[2] === "match" ? "../src/cli/match.main.ts" : "../src/cli/main.ts";
const { main } = await import(entry);
process.exitCode = await main(process.argv);
