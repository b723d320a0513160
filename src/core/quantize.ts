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
  var qmax = wtype === WEIGHT_I8 ? 127 : 32767,
    n = L.nIn;
  var W = wtype === WEIGHT_I8 ? new Int8Array(n * L.nOut) : new Int16Array(n * L.nOut);
  var scales = new Float32Array(L.nOut);
  for (var i = 0; i < L.nOut; i++) {
    var m = 0,
      j = 0;
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

export interface QuantizeOptions {
  /**
   * Fold the input normalization into layer 1 (which must be quantized): its
   * weights become W_ij invStd_j before quantizing, and its biases absorb the
   * means, b_i - scale_i sum_j q_ij mean_j (computed against the quantized
   * weights, so the means cancel exactly). The model then takes raw inputs with
   * an identity normalization, and the board skips a per-input loop. Safe when
   * the features' scales are alike; with very different scales the int8 grid of
   * a row is set by the feature with the smallest spread: compare on data first.
   */
  foldNormalization?: boolean;
}

/** A quantized copy of a float32 model: `bits` for every layer, or one entry per layer
 * (e.g. [8, 8, 16] keeps the output layer in int16). */
export function quantizeModel(model: Model, bits: WeightBits | WeightBits[], o?: QuantizeOptions): Model {
  var per = typeof bits === "number" ? null : bits;
  if (per && per.length !== model.layers.length) throw new Error(per.length + " bit widths given for " + model.layers.length + " layers");
  var layers = model.layers.map(function (L, l) {
    return quantizeLayer(
      l === 0 && o && o.foldNormalization ? scaleInputs(L, model.invStd) : L,
      bitsToType(per ? per[l] : (bits as number)),
    );
  });
  var mean = model.mean,
    invStd = model.invStd;
  if (o && o.foldNormalization) {
    // a missing input is taken as mean_j before normalizing: with the means folded away there is no mean_j left
    if (model.impute) throw new Error("a model that fills missing inputs (imputation) keeps its normalization: it cannot be folded");
    var L0 = layers[0];
    if (!L0.scales) throw new Error("folding the normalization needs a quantized first layer (8 or 16 bits)");
    var b = new Float32Array(L0.nOut),
      n = L0.nIn;
    for (var i = 0; i < L0.nOut; i++) {
      var s = 0;
      for (var j = 0; j < n; j++) s += L0.W[i * n + j] * mean[j];
      b[i] = L0.b[i] - L0.scales[i] * s;
    }
    layers[0] = { nIn: n, nOut: L0.nOut, act: L0.act, gamma: L0.gamma, wtype: L0.wtype, W: L0.W, scales: L0.scales, b: b, prelu: L0.prelu };
    mean = new Float32Array(n);
    invStd = new Float32Array(n);
    for (j = 0; j < n; j++) invStd[j] = 1;
  }
  return withMeta(model, {
    inputSize: model.inputSize,
    outputSize: model.outputSize,
    mean: mean,
    invStd: invStd,
    labels: model.labels,
    layers: layers,
  });
}

/** m with the metadata of `from` (names, target, task, imputation) */
export function withMeta(from: Model, m: Model): Model {
  if (from.features) m.features = from.features;
  if (from.target !== undefined) m.target = from.target;
  if (from.task) m.task = from.task;
  if (from.impute) m.impute = from.impute;
  return m;
}

/** The float model whose layer 1 weights are W_ij invStd_j: what a folded
 * quantization quantizes (for weight-error reports). */
export function withScaledInputs(model: Model): Model {
  var layers = model.layers.slice(0);
  layers[0] = scaleInputs(layers[0], model.invStd);
  return withMeta(model, {
    inputSize: model.inputSize,
    outputSize: model.outputSize,
    mean: model.mean,
    invStd: model.invStd,
    labels: model.labels,
    layers: layers,
  });
}

/** Layer 1 with W_ij invStd_j: the normalization's scaling moved into the weights. */
function scaleInputs(L: ModelLayer, invStd: Float32Array): ModelLayer {
  if (L.wtype !== WEIGHT_F32) throw new Error("a quantized layer cannot be quantized again: start from the float32 model");
  var W = new Float32Array(L.nIn * L.nOut);
  for (var i = 0; i < L.nOut; i++) for (var j = 0; j < L.nIn; j++) W[i * L.nIn + j] = L.W[i * L.nIn + j] * invStd[j];
  return { nIn: L.nIn, nOut: L.nOut, act: L.act, gamma: L.gamma, wtype: L.wtype, W: W, scales: null, b: L.b, prelu: L.prelu };
}

/** Per layer, the largest |w - scale q| between a float model and its quantized copy. */
export function maxWeightErrors(float: Model, quantized: Model): number[] {
  return float.layers.map(function (L, l) {
    var a = dequantizedWeights(L),
      b = dequantizedWeights(quantized.layers[l]),
      m = 0;
    for (var k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
    return m;
  });
}
