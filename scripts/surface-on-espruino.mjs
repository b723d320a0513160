#!/usr/bin/env node
// The conformance table (host-tools/sim/espruino-conformance.ts) on a real
// Espruino interpreter: runs every probe there and prints, per probe, the
// table's answer and the interpreter's, marking each that differs. Not part
// of the test suite (it needs the interpreter, built by hand outside the
// repo: make BOARD=LINUX in a copy of the Espruino source); run it as
//   ESPRUINO=/path/to/espruino node scripts/surface-on-espruino.mjs
// It exits 1 when an answer differs (then the table, or the board, changed).
import { register } from "tsx/esm/api";
import { espruinoBinary, runEspruino, storageDir } from "./espruino-run.mjs";

register();
const { PROBES, probeLine } = await import("../host-tools/sim/espruino-conformance.ts");
const espruino = espruinoBinary();
// a silent stdin that stays open (at end of file it reads garbage into its console); it runs until the timeout
const out = runEspruino(espruino, storageDir("surface"), "probes.js", PROBES.map(probeLine).join("\n") + "\nprint('@@done');\n", {
  openStdin: true,
  timeoutS: 60,
  tolerate: true,
  encoding: "latin1",
});
const got = new Map();
for (const m of out.matchAll(/^@@(\d+)=(.*?)\r?$/gm)) got.set(Number(m[1]), m[2]);
const version = /(\d+v\d+(\.\d+)?)/.exec(out)?.[1] ?? "?";
let differ = 0;
PROBES.forEach((p, i) => {
  const real = got.get(i) ?? "(no answer)";
  const same = p.board.startsWith("throws") ? real.startsWith("throws") : real === p.board;
  if (!same) differ++;
  console.log(`${same ? "  " : "! "}${p.name}: table ${p.board} | interpreter ${real}`);
});
console.log(`${PROBES.length} probes on ${espruino} (version ${version}): ${differ} differ from the table`);
process.exit(differ ? 1 : 0);
