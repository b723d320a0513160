#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (no build step for the host tools).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../host-tools/cli.ts");
process.exitCode = await main(process.argv.slice(2));
