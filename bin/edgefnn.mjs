#!/usr/bin/env node
// Runs the compiled CLI (dist/host/cli.mjs, built by `npm run build` and
// shipped in the package): plain JavaScript, nothing compiled at start-up.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = new URL("../dist/host/cli.mjs", import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write(`edgefnn: ${fileURLToPath(cli)} is missing: in a checkout, run npm run build first\n`);
  process.exit(1);
}
// A reader that stops early (`edgefnn predict ... | head`) closes the pipe: stop
// quietly, as other command-line tools do, instead of dying on an unhandled EPIPE.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});
const { main } = await import(cli.href);
process.exitCode = await main(process.argv.slice(2));
