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
import { countPerCall } from "./espruino-calls.mjs";

/** openat calls of one interpreter process running `text` in `dir` */
function opens(espruino, dir, text) {
  writeFileSync(join(dir, "run.js"), text);
  execFileSync("strace", ["-f", "-c", "-o", "st.txt", espruino, "run.js"], { cwd: dir, stdio: ["ignore", "ignore", "ignore"] });
  const line = readFileSync(join(dir, "st.txt"), "utf8")
    .split("\n")
    .find((l) => /\sopenat$/.test(l));
  return Number(line.trim().split(/\s+/)[3]);
}

countPerCall("reads-on-espruino.mjs", "reads", opens);
