#!/usr/bin/env node
// Instructions per call of classify, run and the floor (the same script as
// cpu-on-espruino.mjs and reads-on-espruino.mjs: espruino-calls.mjs), counted
// instead of timed: valgrind's cachegrind (Debian package valgrind) counts the
// interpreter's instructions ("I refs", user space: the interpreter and libc,
// not the kernel), which, like the flash reads, do not move with the machine's
// load. CPU time on this machine is roughly ~11 us a flash read plus ~0.1 ns an
// instruction (docs/ESPRUINO-MEASUREMENTS.md): the two counts together say
// where a change's time goes. Each figure is a process making K calls minus one
// making K/2, after a first process that makes none (it creates the flash
// file). ~50x slower than the interpreter alone. Not part of the test suite:
//   ESPRUINO=/path/to/espruino node scripts/instructions-on-espruino.mjs a.min.js [b.min.js...] [--calls=K] [--what=floor,classify,run]
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { espruinoBinary, storageDir } from "./espruino-run.mjs";
import { callScript } from "./espruino-calls.mjs";

const usage = "node scripts/instructions-on-espruino.mjs a.min.js [b.min.js...] [--calls=K] [--what=floor,classify,run]";
const espruino = espruinoBinary(usage);
const arg = (k, d) => (process.argv.find((a) => a.startsWith(`--${k}=`)) ?? `=${d}`).split("=")[1];
const files = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (!files.length) {
  console.error("usage: ESPRUINO=/path/to/espruino " + usage);
  process.exit(2);
}
const K = Number(arg("calls", 20)),
  whats = arg("what", "floor,classify,run").split(",");

/** instructions of one interpreter process running `text` in `dir` */
function instructions(dir, text) {
  writeFileSync(join(dir, "run.js"), text);
  const r = spawnSync("valgrind", ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", espruino, "run.js"], {
    cwd: dir,
    encoding: "utf8",
  });
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr ?? "");
  if (!m) throw new Error("no instruction count from valgrind (is it installed?):\n" + (r.error ?? r.stderr));
  return Number(m[1].replace(/,/g, ""));
}

for (const f of files) {
  const bundle = readFileSync(f, "utf8"),
    r = { bundle: f, bytes: Buffer.byteLength(bundle) };
  for (const what of whats) {
    const dir = storageDir("instructions");
    instructions(dir, callScript(bundle, what, 0));
    const d = instructions(dir, callScript(bundle, what, K)) - instructions(dir, callScript(bundle, what, K / 2));
    r[what + "M"] = Number((d / (K / 2) / 1e6).toFixed(3));
  }
  if (r.floorM) for (const w of ["classify", "run"]) if (r[w + "M"]) r[w + "PerFloor"] = r[w + "M"] / r.floorM;
  console.log(JSON.stringify(r));
}
