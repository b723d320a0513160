#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader (no build step for the host tools).
import { register } from "tsx/esm/api";

register();
// A reader that stops early (`edgefnn predict ... | head`) closes the pipe: stop
// quietly, as other command-line tools do, instead of dying on an unhandled EPIPE.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import("../host-tools/cli.ts");
process.exitCode = await main(process.argv.slice(2));
