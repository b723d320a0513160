// The host's side of fine-tuning the last k layers of a stored model (what the
// board's learner, src/learn, does on the device): the frozen layers as a
// fixed feature extractor computed exactly as the runtime computes them, and
// the trained layers as a float32 Network for train() / sgdStep(). The board's
// weights after the same samples, order and hyper-parameters equal these bit
// for bit (test/learn).

import { applyActivation } from "./apply-activation";
import { Model, networkFromModel } from "./model";
import { Network } from "./network";

/** a(first) for input x: a(0) = (x - mean) invStd, then per frozen layer
 * z_i = scale_i (q_i . a) + b_i (the dot product in double, in index order),
 * stored float32, a = f(z): the runtime's arithmetic. */
export function frozenFeatures(model: Model, first: number, x: ArrayLike<number>): Float32Array {
  var a = new Float32Array(model.inputSize),
    j = 0;
  for (j = 0; j < model.inputSize; j++) a[j] = (x[j] - model.mean[j]) * model.invStd[j];
  for (var l = 0; l < first; l++) {
    var L = model.layers[l],
      z = new Float32Array(L.nOut);
    for (var i = 0; i < L.nOut; i++) {
      var s = 0;
      for (j = 0; j < L.nIn; j++) s += L.W[i * L.nIn + j] * a[j];
      z[i] = (L.scales ? s * L.scales[i] : s) + L.b[i];
    }
    applyActivation(L.act, z, z, L.nOut, new Float32Array([L.gamma]), 0, L.prelu || z, 0);
    a = z;
  }
  return a;
}

/** The layers first..L-1 as a trainable float32 network (w = scale q rounded
 * to float32); its input normalization is the model's when first is 0, else
 * the identity (its input is a(first)). */
export function tailNetwork(model: Model, first: number): Network {
  var M = model.layers[first].nIn,
    mean = new Float32Array(M),
    inv = new Float32Array(M);
  for (var j = 0; j < M; j++) inv[j] = 1;
  return networkFromModel({
    inputSize: M,
    outputSize: model.outputSize,
    mean: first ? mean : model.mean,
    invStd: first ? inv : model.invStd,
    labels: [],
    layers: model.layers.slice(first),
  });
}
