// Post-training symmetric quantization, one float32 scale per output row:
//   scale_i = max_j |w_ij| / qmax,  q_ij = round(w_ij / scale_i),  qmax = 127 (int8) or 32767 (int16)
// so the runtime computes z_i = scale_i (q_i . a) + b_i, accumulating in double.
// Biases, scales, gammas and the normalization stay float32.

import { WEIGHT_F32, WEIGHT_I16, WEIGHT_I8 } from "./format";
import { Model, ModelLayer } from "./model";

/** 8, 16 or 32 (float32: left as it is) */
export type WeightBits = 8 | 16 | 32;

function bitsToType(bits: number): number {
  if (bits === 8) return WEIGHT_I8;
  if (bits === 16) return WEIGHT_I16;
  if (bits === 32) return WEIGHT_F32;
  throw new Error("weights can be 8, 16 or 32 bits, not " + bits);
}

/** The real-valued weights of a layer: w_ij = scale_i q_ij (or the float weights). */
export function dequantizedWeights(L: ModelLayer): Float64Array {
  var out = new Float64Array(L.nIn * L.nOut);
  for (var i = 0; i < L.nOut; i++) {
    var s = L.scales ? L.scales[i] : 1;
    for (var j = 0; j < L.nIn; j++) out[i * L.nIn + j] = s * L.W[i * L.nIn + j];
  }
  return out;
}

function quantizeLayer(L: ModelLayer, wtype: number): ModelLayer {
  if (wtype === WEIGHT_F32 || L.wtype !== WEIGHT_F32) {
    if (wtype !== L.wtype) throw new Error("a quantized layer cannot be quantized again: start from the float32 model");
    return L;
  }
  var qmax = wtype === WEIGHT_I8 ? 127 : 32767, n = L.nIn;
  var W = wtype === WEIGHT_I8 ? new Int8Array(n * L.nOut) : new Int16Array(n * L.nOut);
  var scales = new Float32Array(L.nOut);
  for (var i = 0; i < L.nOut; i++) {
    var m = 0, j = 0;
    for (j = 0; j < n; j++) m = Math.max(m, Math.abs(L.W[i * n + j]));
    scales[i] = m / qmax; // rounded to float32 here; q is computed against the stored scale
    var s = scales[i];
    for (j = 0; j < n; j++) {
      var q = s > 0 ? Math.round(L.W[i * n + j] / s) : 0;
      W[i * n + j] = q > qmax ? qmax : q < -qmax ? -qmax : q;
    }
  }
  return { nIn: L.nIn, nOut: L.nOut, act: L.act, gamma: L.gamma, wtype: wtype, W: W, scales: scales, b: L.b, prelu: L.prelu };
}

/** A quantized copy of a float32 model: `bits` for every layer, or one entry per layer
 * (e.g. [8, 8, 16] keeps the output layer in int16). */
export function quantizeModel(model: Model, bits: WeightBits | WeightBits[]): Model {
  var per = typeof bits === "number" ? null : bits;
  if (per && per.length !== model.layers.length)
    throw new Error(per.length + " bit widths given for " + model.layers.length + " layers");
  return {
    inputSize: model.inputSize,
    outputSize: model.outputSize,
    mean: model.mean,
    invStd: model.invStd,
    labels: model.labels,
    layers: model.layers.map(function (L, l) {
      return quantizeLayer(L, bitsToType(per ? per[l] : (bits as number)));
    }),
  };
}

/** Per layer, the largest |w - scale q| between a float model and its quantized copy. */
export function maxWeightErrors(float: Model, quantized: Model): number[] {
  return float.layers.map(function (L, l) {
    var a = dequantizedWeights(L), b = dequantizedWeights(quantized.layers[l]), m = 0;
    for (var k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
    return m;
  });
}
