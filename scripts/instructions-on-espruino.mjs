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
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { countPerCall } from "./espruino-calls.mjs";

/** instructions of one interpreter process running `text` in `dir` */
function instructions(espruino, dir, text) {
  writeFileSync(join(dir, "run.js"), text);
  const r = spawnSync("valgrind", ["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null", espruino, "run.js"], {
    cwd: dir,
    encoding: "utf8",
  });
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr ?? "");
  if (!m) throw new Error("no instruction count from valgrind (is it installed?):\n" + (r.error ?? r.stderr));
  return Number(m[1].replace(/,/g, ""));
}

countPerCall("instructions-on-espruino.mjs", "instructions", instructions, { key: (what) => what + "M", divisor: 1e6 });
