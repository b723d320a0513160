// The script the by-hand cpu-on-espruino.mjs and reads-on-espruino.mjs run in
// the interpreter: Storage filled with the runtime (the module "edgefnn") and
// the seeded synthetic 64-64-32-10 int8 model, the model loaded with loadFile,
// the floor's rows made (bench.js's floor: bare E.convolve over row views made
// beforehand, visited as a linked list), then `calls` calls of classify, run or
// the floor. The setup is the same for every kind of call.
import { register } from "tsx/esm/api";
import { storageWrites } from "./espruino-run.mjs";

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
