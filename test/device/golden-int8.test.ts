// A golden test in tflite-micro's manner: one small int8 layer whose expected
// outputs are worked out by hand, here, from the quantization formula, not taken
// from another implementation. The runtime's reference kernel (Node), its
// E.convolve rows (the bundle on the Espruino surface), the bundle in Node and
// in Duktape must all give exactly these float32 values.
//
//   scale_i = max_j |w_ij| / 127,   q_ij = round(w_ij / scale_i)         (quantize.ts)
//   z_i = scale_i (sum_j q_ij a_j) + b_i,  a_j = (x_j - mean_j) invStd_j
//   y_i = f(z_i), summed in index order in double, rounded to float32 once
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACT_HARD_TANH, ACT_LINEAR, ACT_RELU, encodeModel, quantizeModel, WEIGHT_F32, WEIGHT_I8, type Model } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { bundleText, requireBundle } from "../helpers/bundle";
import { createSandbox } from "../helpers/espruino-sandbox";

const f32 = Math.fround;

// 4 inputs -> 3 outputs. Rows 0 and 1 have a largest |w| of 127 * 2^-6 and
// 127 * 2^-5, so their scales are 2^-6 and 2^-5 and every q is exact; row 2's
// scale, 0.4 / 127 rounded to float32, is not a power of two, and its q's are
// away from .5 ties (0.1, -0.15, 0.3 are 31.75, -47.625, 95.25 steps of 0.4/127).
const W = [
  [127 / 64, -0.5, 0.25, 0],
  [-127 / 32, 1, -0.5, 0.75],
  [0.1, -0.15, 0.3, 0.4],
];
const b = [0.5, -0.25, 0.125];
const s2 = f32(0.4 / 127);
// by hand: q = round(w / scale)
const scales = [1 / 64, 1 / 32, s2];
const Q = [
  [127, -32, 16, 0], //  1.984375 / 2^-6 = 127,  -0.5 / 2^-6 = -32,  0.25 / 2^-6 = 16
  [-127, 32, -16, 24], // -3.96875 / 2^-5 = -127, 1 / 2^-5 = 32, -0.5 / 2^-5 = -16, 0.75 / 2^-5 = 24
  [32, -48, 95, 127], // 31.75 -> 32, -47.625 -> -48, 95.25 -> 95, 127
];
// the normalization: a = (x - mean) * invStd
const mean = [1, 0, 0, -1],
  invStd = [1, 0.5, 2, 1];
const inputs = [
  [2, 4, -0.5, -0.5], // a = [1, 2, -1, 0.5]
  [1, 0, 0, -1], //      a = [0, 0, 0, 0]: the biases
  [-3, -8, 1.5, 3], //   a = [-4, -4, 3, 4]
];

/** y for x, worked out from the formula above (q . a is an exact small-integer sum here) */
function expected(x: number[], f: (z: number) => number): number[] {
  const a = x.map((v, j) => (v - mean[j]) * invStd[j]);
  return Q.map((q, i) => f32(f(scales[i] * q.reduce((sum, qj, j) => sum + qj * a[j], 0) + b[i])));
}

// the first input's a = [1, 2, -1, 0.5] in full: q . a = 127 - 64 - 16 + 0 = 47,
// -127 + 64 + 16 + 12 = -35, 32 - 96 - 95 + 63.5 = -95.5
const HAND_FIRST_LINEAR = [47 / 64 + 0.5, -35 / 32 - 0.25, f32(s2 * -95.5 + 0.125)];

function floatModel(act: number): Model {
  return {
    inputSize: 4,
    outputSize: 3,
    mean: Float32Array.from(mean),
    invStd: Float32Array.from(invStd),
    labels: [],
    layers: [
      {
        nIn: 4,
        nOut: 3,
        act,
        gamma: 0,
        wtype: WEIGHT_F32,
        W: Float32Array.from(W.flat()),
        scales: null,
        b: Float32Array.from(b),
        prelu: null,
      },
    ],
  };
}

const ACTS: [string, number, (z: number) => number][] = [
  ["linear", ACT_LINEAR, (z) => z],
  ["ReLU", ACT_RELU, (z) => Math.max(0, z)],
  ["hard-tanh", ACT_HARD_TANH, (z) => Math.min(1, Math.max(-1, z))],
];

describe("golden: one int8 layer, outputs worked out by hand from the quantization formula", () => {
  it("the quantizer gives the scales and q's worked out by hand", () => {
    const L = quantizeModel(floatModel(ACT_LINEAR), 8).layers[0];
    expect(L.wtype).toBe(WEIGHT_I8);
    expect(Array.from(L.scales!)).toEqual(scales);
    expect(Array.from(L.W)).toEqual(Q.flat());
    expect(expected(inputs[0], (z) => z)).toEqual(HAND_FIRST_LINEAR.map(f32));
  });

  for (const [name, act, f] of ACTS) {
    const bytes = encodeModel(quantizeModel(floatModel(act), 8));
    const want = inputs.map((x) => expected(x, f));

    it(`${name}: the runtime's reference kernel (Node) and the minified bundle in Node`, () => {
      for (const m of [load(bytes), requireBundle(true).load(bytes)]) expect(inputs.map((x) => Array.from(m.run(x)))).toEqual(want);
    });

    it(`${name}: the bundle's E.convolve rows on the Espruino surface, from Storage`, () => {
      const sb = createSandbox({ viewOffsetLimit: true });
      sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
      sb.storage.set("golden", bytes);
      sb.context.__xs = inputs;
      const got = sb.run(`(function () {
        var m = require("edgefnn").loadFile("golden"), out = [];
        for (var i = 0; i < __xs.length; i++) { var o = m.run(__xs[i]); out.push([o[0], o[1], o[2]]); }
        return out;
      })()`);
      expect(got).toEqual(want);
    });

    it(`${name}: the bundle in Duktape (float32 bits)`, () => {
      const file = join(mkdtempSync(join(tmpdir(), "edgefnn-golden-")), "run.js");
      writeFileSync(
        file,
        `${bundleText(true)}
var m = edgefnn.load(new Uint8Array(${JSON.stringify(Array.from(bytes))}).buffer), xs = ${JSON.stringify(inputs)};
for (var i = 0; i < xs.length; i++) {
  var o = m.run(xs[i]), u = new Uint8Array(o.buffer, o.byteOffset, 12), s = "";
  for (var k = 0; k < 12; k++) s += (u[k] < 16 ? "0" : "") + u[k].toString(16);
  print(s);
}`,
      );
      const hex = (v: number[]) => Buffer.from(Float32Array.from(v).buffer).toString("hex");
      expect(execFileSync("duk", [file], { encoding: "utf8" }).trim().split("\n")).toEqual(want.map(hex));
    });
  }
});
