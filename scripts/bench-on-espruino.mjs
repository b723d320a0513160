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
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { register } from "tsx/esm/api";

register();
const { syntheticModel } = await import("../test/helpers/models.ts");
const { encodeModel, quantizeModel } = await import("../src/core/index.ts");
const espruino = process.env.ESPRUINO;
if (!espruino) {
  console.error("set ESPRUINO to the interpreter's binary (make BOARD=LINUX in the Espruino source)");
  process.exit(2);
}
const root = new URL("..", import.meta.url).pathname;
const rounds = Number(process.argv[2] ?? 1);
const bundle = readFileSync(process.argv[3] ?? join(root, "dist/edgefnn.min.js"), "utf8");
const model = Buffer.from(encodeModel(quantizeModel(syntheticModel().model, 8)));
const bench = readFileSync(join(root, "firmware-scripts/bench.js"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "edgefnn-bench-"));
writeFileSync(
  join(dir, "run.js"),
  process.env.BLOCKS
    ? `require("Storage").eraseAll();
require("Storage").write("edgefnn", ${JSON.stringify(bundle)});
var u0 = 0, u1 = 0, nn = null;
u0 = process.memory().usage;
nn = require("edgefnn");
u1 = process.memory().usage;
print("BENCH " + JSON.stringify({ requireBlocks: u1 - u0 }));`
    : `require("Storage").eraseAll();
require("Storage").write("edgefnn", ${JSON.stringify(bundle)});
require("Storage").write("model.efnn", atob(${JSON.stringify(model.toString("base64"))}));
${bench}`,
);
console.error(`model ${model.length} bytes, runtime ${Buffer.byteLength(bundle)} bytes`);
for (let r = 0; r < rounds; r++) {
  const out = execFileSync(espruino, [join(dir, "run.js")], { cwd: dir, encoding: "utf8", timeout: 600_000 });
  const line = out.split("\n").find((l) => l.startsWith("BENCH "));
  if (!line) throw new Error("no BENCH line in the interpreter's output:\n" + out.slice(-2000));
  console.log(line.slice(6));
}
