// The board's target in `npm run bench`: classify of the seeded synthetic
// 64-64-32-10 int8 model over the 64-row floor of bare E.convolve calls, in
// CPU time, on an Espruino interpreter built for Linux. The interpreter is
// not in this repository (nothing built from Espruino's source is committed):
// the bench measures this row when ESPRUINO names a binary, and says how to
// get one otherwise. Build it like board firmware (make BOARD=LINUX RELEASE=1
// OPTIMIZEFLAGS=-Os): the default Linux build is -O0 with asserts, and its
// timings misled earlier ratios (docs/ESPRUINO-MEASUREMENTS.md). The bundle
// measured is dist/edgefnn.min.js as built now (rollup ONLY:board), through
// scripts/cpu-on-espruino.mjs: best of 5 rounds, each figure the CPU time of a
// process making 200 calls minus one making none.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** { classifyPerFloor, runPerFloor, floorMs, classifyMs, runMs, bytes } or { skipped } or { error } */
export function measureBoard(root) {
  const bin = process.env.ESPRUINO;
  if (!bin)
    return {
      skipped:
        "not measured: set ESPRUINO to an Espruino interpreter built for Linux like firmware (make BOARD=LINUX RELEASE=1 OPTIMIZEFLAGS=-Os; docs/ESPRUINO-MEASUREMENTS.md)",
    };
  if (!existsSync(bin)) return { error: `ESPRUINO=${bin}: no such file` };
  const build = spawnSync(
    process.execPath,
    [join(root, "node_modules/rollup/dist/bin/rollup"), "-c", "rollup.config.mjs", "--silent", "--environment", "ONLY:board"],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  if (build.status !== 0) return { error: "the board bundle's build failed: " + (build.stderr || build.stdout).trim().slice(-500) };
  const r = spawnSync(process.execPath, ["scripts/cpu-on-espruino.mjs", "dist/edgefnn.min.js", "--rounds=5"], {
    cwd: root,
    encoding: "utf8",
    timeout: 600_000,
  });
  const line = (r.stdout || "").split("\n").find((l) => l.startsWith("{"));
  return line ? JSON.parse(line) : { error: ((r.stderr || "") + (r.stdout || "")).trim().slice(-500) || "exit " + r.status };
}
