#!/usr/bin/env node
// CPU time (user + system, from /usr/bin/time) of the interpreter per call of
// classify, run and the floor (bench.js's bare E.convolve rows as a linked
// list), for one or more builds of the runtime. Wall-clock timings inside the
// interpreter (getTime) moved by 30% between batches on a shared machine; the
// process's CPU time does not count the time other processes take. Each figure
// is a process making K calls minus one making none (same setup: Storage
// written, module required, model loaded), best of R rounds; the builds and
// calls are run in turns within each round (one process making no calls per
// build and round: the setup is the same for every kind of call). --what=
// measures only some of floor, classify, run (the floor is needed for the
// ratios); every round's figures go to stderr. Not part of the test suite:
//   ESPRUINO=/path/to/espruino node scripts/cpu-on-espruino.mjs a.min.js [b.min.js...] [--calls=K] [--rounds=R] [--what=floor,classify]
// The model is the seeded synthetic 64-64-32-10 int8 model, loaded with loadFile.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { callScript } from "./espruino-calls.mjs";
import { cpuSeconds, espruinoBinary, storageDir } from "./espruino-run.mjs";
const espruino = espruinoBinary("node scripts/cpu-on-espruino.mjs a.min.js [b.min.js...] [--calls=K] [--rounds=R]");
const opt = (k, d) => Number((process.argv.find((a) => a.startsWith(`--${k}=`)) ?? `=${d}`).split("=")[1]);
const files = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (!files.length) {
  console.error("usage: ESPRUINO=/path/to/espruino node scripts/cpu-on-espruino.mjs a.min.js [b.min.js...] [--calls=K] [--rounds=R]");
  process.exit(2);
}
const K = opt("calls", 200),
  R = opt("rounds", 3),
  whats = (process.argv.find((a) => a.startsWith("--what=")) ?? "--what=floor,classify,run").slice(7).split(",");
const dir = storageDir("cpu");

function measure(text) {
  writeFileSync(join(dir, "run.js"), text);
  const r = cpuSeconds(espruino, dir, "run.js");
  if (!r.out.includes("DONE")) throw new Error("the script did not finish:\n" + r.out.slice(-1000));
  return r.seconds;
}

const bundles = files.map((f) => readFileSync(f, "utf8"));
const best = {};
for (let r = 0; r < R; r++)
  for (const [b, bundle] of bundles.entries()) {
    const zero = measure(callScript(bundle, "floor", 0)),
      line = [];
    for (const what of whats) {
      const t = (measure(callScript(bundle, what, K)) - zero) / K;
      const key = `${b}:${what}`;
      best[key] = Math.min(best[key] ?? Infinity, t);
      line.push(`${what} ${(t * 1e3).toFixed(2)}`);
    }
    console.error(`round ${r + 1} ${files[b]}: ${line.join(", ")} ms`);
  }
for (const [b, f] of files.entries()) {
  const fl = best[`${b}:floor`];
  console.log(
    JSON.stringify({
      bundle: f,
      bytes: Buffer.byteLength(bundles[b]),
      floorMs: fl * 1e3,
      classifyMs: best[`${b}:classify`] * 1e3,
      runMs: best[`${b}:run`] * 1e3,
      classifyPerFloor: best[`${b}:classify`] / fl,
      runPerFloor: best[`${b}:run`] / fl,
    }),
  );
}
