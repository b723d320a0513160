// The script the by-hand cpu-, reads- and instructions-on-espruino.mjs run in
// the interpreter: Storage filled with the runtime (the module "edgefnn") and
// the seeded synthetic 64-64-32-10 int8 model, the model loaded with loadFile,
// the floor's rows made (bench.js's floor: bare E.convolve over row views made
// beforehand, visited as a linked list), then `calls` calls of classify, run or
// the floor. The setup is the same for every kind of call.
import { readFileSync } from "node:fs";
import { register } from "tsx/esm/api";
import { espruinoBinary, storageDir, storageWrites } from "./espruino-run.mjs";

register();
const { syntheticModel } = await import("../test/helpers/models.ts");
const { encodeModel, quantizeModel } = await import("../src/core/index.ts");
const model = encodeModel(quantizeModel(syntheticModel().model, 8));

/** the script that makes `calls` calls of `what` (floor, classify or run) with the runtime `bundle` */
export function callScript(bundle, what, calls) {
  return (
    storageWrites({ edgefnn: bundle, "model.efnn": model }) +
    `var nn = require("edgefnn"), m = nn.loadFile("model.efnn"), x = new Float32Array(m.inputSize), i = 0, k = 0;
for (i = 0; i < x.length; i++) x[i] = Math.sin(i);
var buf = E.toArrayBuffer(require("Storage").read("model.efnn"));
var lay = nn.layout(new Uint8Array(buf), function (len) { return E.CRC32(require("Storage").read("model.efnn", 0, len)); });
var types = [Float32Array, Int16Array, Int8Array], bytes = [4, 2, 1], head = null, tail = null, acc = new Float32Array(lay.widest);
for (var l = 0; l < lay.T.length / 8; l++) {
  var q = 8 * l, nIn = lay.T[q], nOut = lay.T[q + 1], w = lay.T[q + 3], off = lay.T[q + 4];
  for (k = 0; k < nOut; k++) {
    var row = { v: new types[w](buf, off + k * nIn * bytes[w], nIn), next: null };
    if (tail) tail.next = row; else head = row;
    tail = row;
  }
}
lay = null;
var f = ${what === "floor" ? "function () { for (var r = head; r; r = r.next) E.convolve(r.v, acc, 0); }" : `function () { m.${what}(x); }`};
for (i = 0; i < ${calls}; i++) f();
print("DONE");
`
  );
}

/** The command line and loop of a script that counts something per call
 * instead of timing it (reads-on-espruino.mjs, instructions-on-espruino.mjs):
 * for each bundle named and each of --what, count(espruino, dir, text) of a
 * process making K calls minus one making K/2, per call, after a first process
 * that makes none (it creates the flash file); one JSON line per bundle, each
 * figure divided by `divisor` under key(what), with classify's and run's ratios
 * to the floor. */
export function countPerCall(script, kind, count, { key = (what) => what, divisor = 1 } = {}) {
  const usage = `node scripts/${script} a.min.js [b.min.js...] [--calls=K] [--what=floor,classify,run]`;
  const espruino = espruinoBinary(usage);
  const arg = (k, d) => (process.argv.find((a) => a.startsWith(`--${k}=`)) ?? `=${d}`).split("=")[1];
  const files = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  if (!files.length) {
    console.error("usage: ESPRUINO=/path/to/espruino " + usage);
    process.exit(2);
  }
  const K = Number(arg("calls", 20)),
    whats = arg("what", "floor,classify,run").split(",");
  for (const f of files) {
    const bundle = readFileSync(f, "utf8"),
      r = { bundle: f, bytes: Buffer.byteLength(bundle) };
    for (const what of whats) {
      const dir = storageDir(kind);
      count(espruino, dir, callScript(bundle, what, 0));
      const d = count(espruino, dir, callScript(bundle, what, K)) - count(espruino, dir, callScript(bundle, what, K / 2));
      r[key(what)] = Number((d / (K / 2) / divisor).toFixed(3));
    }
    if (r[key("floor")]) for (const w of ["classify", "run"]) if (r[key(w)]) r[w + "PerFloor"] = r[key(w)] / r[key("floor")];
    console.log(JSON.stringify(r));
  }
}
