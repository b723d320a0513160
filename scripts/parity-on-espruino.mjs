#!/usr/bin/env node
// The synthetic and every-activation models of the tests, as float32, int8 and
// int16, 12 rows each (one all -0, one all NaN) on a real Espruino interpreter
// (its Linux build, made by hand outside this repository) through loadFile,
// against the bundle in Node: prints the rows whose float32 bits differ. Not
// part of the test suite (it needs the interpreter); run it as
//   ESPRUINO=/path/to/espruino node scripts/parity-on-espruino.mjs
// (An all-NaN input gives NaN outputs on both, but NaN's sign bit differs:
// the interpreter's NaN has it clear, V8's set.)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { register } from "tsx/esm/api";
import { espruinoBinary, runEspruino, storageDir, storageWrites } from "./espruino-run.mjs";
register();
const espruino = espruinoBinary();
const { syntheticModel, everyActivationModel } = await import("../test/helpers/models.ts");
const { encodeModel, quantizeModel } = await import("../src/core/index.ts");
const bundle = readFileSync(new URL("../dist/edgefnn.min.js", import.meta.url), "utf8");
const nn = createRequire(import.meta.url)("../dist/edgefnn.js");
const hex = (o) => Buffer.from(o.buffer, o.byteOffset, o.length * 4).toString("hex");
let script =
  storageWrites({ edgefnn: bundle }) +
  `var nn = require("edgefnn");
function hx(o) { var b = new Uint8Array(o.buffer, o.byteOffset, o.length * 4), s = ""; for (var k = 0; k < b.length; k++) s += (b[k] < 16 ? "0" : "") + b[k].toString(16); return s; }\n`;
const want = [];
let c = 0;
for (const { model, test } of [syntheticModel(), everyActivationModel()])
  for (const m of [model, quantizeModel(model, 8), quantizeModel(model, 16)]) {
    const bytes = Buffer.from(encodeModel(m)),
      d = test.inputSize,
      ref = nn.load(bytes);
    script += `require("Storage").write("m", atob("${bytes.toString("base64")}")); var m = nn.loadFile("m");\n`;
    for (let i = 0; i < 12; i++) {
      let x = Float32Array.from(test.x.subarray(i * d, (i + 1) * d));
      if (i === 10) x = x.map(() => NaN);
      if (i === 11) x = x.map(() => -0);
      want.push(hex(ref.run(x)) + ";" + ref.classify(x));
      script += `var x = new Float32Array(E.toArrayBuffer(atob("${Buffer.from(x.buffer).toString("base64")}"))); print("R" + ${c++} + " " + hx(m.run(x)) + ";" + m.classify(x));\n`;
    }
  }
const out = runEspruino(espruino, storageDir("par"), "run.js", script);
const got = new Map();
for (const l of out.split("\n")) {
  const mm = /^R(\d+) (.*)$/.exec(l.trim());
  if (mm) got.set(Number(mm[1]), mm[2]);
}
let same = 0;
want.forEach((w, i) => {
  if (got.get(i) === w) same++;
  else console.log("DIFF", i, w, got.get(i));
});
console.log(same + "/" + want.length + " rows bit-identical");
