#!/usr/bin/env node
// The on-board learning scenarios of test/learn/parity.test.ts on a real
// Espruino interpreter (its Linux build, made by hand outside this
// repository), compared with the host core: the trained weights' float32 bits
// must be equal. Also prints, per scenario, the blocks the learner holds
// (process.memory().usage after creating it and adding the samples, minus
// before) and the ms per step() and per fit() sample-epoch. Run it as
//   ESPRUINO=/path/to/espruino [CPU=200] node scripts/learn-on-espruino.mjs [name part]
// (an unoptimised build for bits and blocks, a RELEASE=1 -Os build for ms;
// CPU=n also times n step() calls in CPU time, the interpreter's user+sys
// seconds of a run with n steps minus one with none).
// The bundles and the model go into the interpreter's emulated Storage; the
// model is loaded with loadFile (weights in flash).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { register } from "tsx/esm/api";
import { cpuSeconds, espruinoBinary, runInTurn, storageDir, storageWrites } from "./espruino-run.mjs";

register();
const { hostScenario, scenarios, RUN_SCENARIO } = await import("../test/helpers/learn-scenario.ts");
const espruino = espruinoBinary();
const root = new URL("..", import.meta.url).pathname;
const runtime = readFileSync(join(root, "dist/edgefnn.min.js"), "utf8");
const learn = readFileSync(join(root, "dist/edgefnn-learn.min.js"), "utf8");
const only = process.argv[2];

for (const [name, sc] of scenarios()) {
  if (only && !name.includes(only)) continue;
  const dir = storageDir("learn-esp");
  // first run: the files into Storage (kept in ./espruino.flash); the second
  // runs the scenario without the bundles' text in RAM
  const setup = storageWrites({ edgefnn: runtime, "edgefnn-learn": learn, "m.efnn": sc.model }) + "quit();\n";
  const script = `
var SC = ${JSON.stringify({ ...sc, model: 0 })};
// the samples as float32 rows (their values are float32 already): a number array costs a block a number
SC.xs = SC.xs.map(function (r) { return new Float32Array(r); });
${RUN_SCENARIO}
var nn = require("edgefnn"), LN = require("edgefnn-learn"), m = nn.loadFile("m.efnn");
var res = "";
try { res = runScenario(LN, m, SC); } catch (e) { res = "error: " + e.message; }
print("RESULT " + res);
// blocks: a learner with its buffer filled
var u1 = process.memory().usage, lr = null;
try { lr = LN.learner(m, SC.opts); } catch (e) { print("REFUSED " + e.message); }
if (lr) {
  for (var i = 0; i < SC.xs.length; i++) lr.add(SC.xs[i], SC.ys[i]);
  var u2 = process.memory().usage;
  var t0 = getTime(), reps = 0;
  for (reps = 0; reps < 40; reps++) lr.step(SC.xs[reps % SC.xs.length], SC.ys[reps % SC.xs.length]);
  var t1 = getTime();
  lr.fit(2);
  var t2 = getTime(), u3 = process.memory().usage;
  print("MEASURE blocks " + (u2 - u1) + " afterFit " + (u3 - u1) + " stepMs " + ((t1 - t0) * 1000 / reps).toFixed(3) +
    " fitMsPerSampleEpoch " + ((t2 - t1) * 1000 / (2 * lr.count)).toFixed(3) + " count " + lr.count + " blocksize " + process.memory().blocksize + " free " + process.memory().free);
}
quit();
`;
  const out = runInTurn(
    espruino,
    dir,
    [
      ["setup.js", setup],
      ["run.js", script],
    ],
    { openStdin: true },
  );
  // ms per step() in CPU time (the machine may be shared: wall time is not the
  // interpreter's): the difference between runs of REPS and of 0 steps
  const cpu = (reps) => {
    writeFileSync(
      join(dir, "cpu.js"),
      `var SC = ${JSON.stringify({ ...sc, model: 0 })};
SC.xs = SC.xs.map(function (r) { return new Float32Array(r); });
var lr = require("edgefnn-learn").learner(require("edgefnn").loadFile("m.efnn"), SC.opts), i = 0;
for (i = 0; i < SC.xs.length; i++) lr.add(SC.xs[i], SC.ys[i]);
for (i = 0; i < ${reps}; i++) lr.step(SC.xs[i % SC.xs.length], SC.ys[i % SC.xs.length]);
quit();`,
    );
    return cpuSeconds(espruino, dir, "cpu.js", { openStdin: true }).seconds;
  };
  let cpuMs = "";
  if (process.env.CPU && !/REFUSED/.test(out)) {
    const reps = Number(process.env.CPU);
    cpuMs = ` cpuMsPerStep ${((1000 * (cpu(reps) - cpu(0))) / reps).toFixed(2)}`;
  }
  const got = /RESULT (.*)/.exec(out)?.[1] ?? "none: " + out.slice(-400);
  const want = hostScenario(sc);
  const measure = /MEASURE (.*)/.exec(out)?.[1] ?? /REFUSED (.*)/.exec(out)?.[0] ?? "";
  console.log(`${got === want ? "SAME" : "DIFFERENT"}  ${name}: ${measure}${cpuMs}`);
  if (got !== want) console.log(`  got  ${got.slice(0, 200)}\n  want ${want.slice(0, 200)}`);
}
