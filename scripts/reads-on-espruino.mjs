#!/usr/bin/env node
// Flash reads per call of classify, run and the floor (the same script as
// cpu-on-espruino.mjs: espruino-calls.mjs), counted instead of timed: on the
// interpreter's Linux build every read of its emulated flash (a loadFile
// model's weights, a Storage module's code text, a copy of a section) opens,
// seeks, reads and closes ./espruino.flash, at most 16 bytes a read for code
// and data read through a string iterator (ESPR_JSVAR_FLASH_BUFFER_SIZE).
// Those reads are most of the CPU time there (~14 us each on this machine,
// against a few us for an interpreted statement), and their count does not
// move with the machine's load as timings do. Counted with strace (Debian
// package strace) as openat calls: a process making K calls minus one making
// K/2, after a first process that makes none (the first run in a fresh
// directory creates the flash file and counts ~2,000 more). Not part of the
// test suite:
//   ESPRUINO=/path/to/espruino node scripts/reads-on-espruino.mjs a.min.js [b.min.js...] [--calls=K] [--what=floor,classify,run]
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { espruinoBinary, storageDir } from "./espruino-run.mjs";
import { callScript } from "./espruino-calls.mjs";

const usage = "node scripts/reads-on-espruino.mjs a.min.js [b.min.js...] [--calls=K] [--what=floor,classify,run]";
const espruino = espruinoBinary(usage);
const arg = (k, d) => (process.argv.find((a) => a.startsWith(`--${k}=`)) ?? `=${d}`).split("=")[1];
const files = process.argv.slice(2).filter((a) => !a.startsWith("--"));
if (!files.length) {
  console.error("usage: ESPRUINO=/path/to/espruino " + usage);
  process.exit(2);
}
const K = Number(arg("calls", 20)),
  whats = arg("what", "floor,classify,run").split(",");

/** openat calls of one interpreter process running `text` in `dir` */
function opens(dir, text) {
  writeFileSync(join(dir, "run.js"), text);
  execFileSync("strace", ["-f", "-c", "-o", "st.txt", espruino, "run.js"], { cwd: dir, stdio: ["ignore", "ignore", "ignore"] });
  const line = readFileSync(join(dir, "st.txt"), "utf8")
    .split("\n")
    .find((l) => /\sopenat$/.test(l));
  return Number(line.trim().split(/\s+/)[3]);
}

for (const f of files) {
  const bundle = readFileSync(f, "utf8"),
    r = { bundle: f, bytes: Buffer.byteLength(bundle) };
  for (const what of whats) {
    const dir = storageDir("reads");
    opens(dir, callScript(bundle, what, 0));
    r[what] = (opens(dir, callScript(bundle, what, K)) - opens(dir, callScript(bundle, what, K / 2))) / (K / 2);
  }
  if (r.floor) for (const w of ["classify", "run"]) if (r[w]) r[w + "PerFloor"] = r[w] / r.floor;
  console.log(JSON.stringify(r));
}
