#!/usr/bin/env node
// The orgmap CLI. TypeScript sources run through tsx's loader, so there is no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv);
