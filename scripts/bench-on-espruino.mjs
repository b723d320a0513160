#!/usr/bin/env node
// firmware-scripts/bench.js on a real Espruino interpreter (its Linux build,
// made by hand outside this repository), with the minified runtime as the
// Storage module "edgefnn" and the seeded synthetic 64-64-32-10 model of the
// tests, int8, in Storage: prints bench.js's JSON line, one per round. Not part
// of the test suite (it needs the interpreter); run it as
//   ESPRUINO=/path/to/espruino node scripts/bench-on-espruino.mjs [rounds] [bundle.js]
// With BLOCKS=1 it prints only the blocks require("edgefnn") takes as a bare
// Storage module (usage before and after, nothing else loaded): quick on any build.
// Timings mean something only on a build compiled like board firmware
// (RELEASE=1 OPTIMIZEFLAGS=-Os); block counts on either (docs/ESPRUINO-MEASUREMENTS.md).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { register } from "tsx/esm/api";
import { espruinoBinary, runEspruino, storageDir, storageWrites } from "./espruino-run.mjs";

register();
const { syntheticModel } = await import("../test/helpers/models.ts");
const { encodeModel, quantizeModel } = await import("../src/core/index.ts");
const espruino = espruinoBinary();
const root = new URL("..", import.meta.url).pathname;
const rounds = Number(process.argv[2] ?? 1);
const bundle = readFileSync(process.argv[3] ?? join(root, "dist/edgefnn.min.js"), "utf8");
const model = Buffer.from(encodeModel(quantizeModel(syntheticModel().model, 8)));
const bench = readFileSync(join(root, "firmware-scripts/bench.js"), "utf8");
const dir = storageDir("bench");
const script = process.env.BLOCKS
  ? storageWrites({ edgefnn: bundle }) +
    `var u0 = 0, u1 = 0, nn = null;
u0 = process.memory().usage;
nn = require("edgefnn");
u1 = process.memory().usage;
print("BENCH " + JSON.stringify({ requireBlocks: u1 - u0 }));`
  : storageWrites({ edgefnn: bundle, "model.efnn": model }) + bench;
console.error(`model ${model.length} bytes, runtime ${Buffer.byteLength(bundle)} bytes`);
for (let r = 0; r < rounds; r++) {
  const out = runEspruino(espruino, dir, "run.js", script);
  const line = out.split("\n").find((l) => l.startsWith("BENCH "));
  if (!line) throw new Error("no BENCH line in the interpreter's output:\n" + out.slice(-2000));
  console.log(line.slice(6));
}
