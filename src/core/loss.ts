// Losses and the output layer's error term delta(L) = dL/dz(L).
//   softmax + cross-entropy  L = -y^T log(y_hat) = logSumExp(z) - y^T z,  delta(L) = y_hat - y
//   logistic + cross-entropy L = sum_k softplus(z_k) - y_k z_k,          delta(L) = y_hat - y
//   squared error            L = 1/2 ||y_hat - y||^2,                    delta(L) = (y_hat - y) * f'(z)

import { ACT_LOGISTIC, ACT_SOFTMAX } from "./activations";
import { applyDerivative } from "./apply-activation";
import { DataSet } from "./dataset";
import { FloatArray } from "./types";
import { Network } from "./network";

export type LossName = "cross-entropy" | "squared-error";

/** The loss a network's output layer implies unless told otherwise. */
export function defaultLoss(net: Network): LossName {
  var act = net.layers[net.layers.length - 1].act;
  return act === ACT_SOFTMAX || act === ACT_LOGISTIC ? "cross-entropy" : "squared-error";
}

export function checkLoss(net: Network, loss: LossName, data: DataSet): void {
  var out = net.layers[net.layers.length - 1];
  if (loss === "cross-entropy" && out.act !== ACT_SOFTMAX && out.act !== ACT_LOGISTIC)
    throw new Error("cross-entropy needs a softmax or logistic output layer, not " + out.activation.name);
  if (loss === "squared-error" && out.act === ACT_SOFTMAX)
    throw new Error("softmax outputs are trained with cross-entropy; use a linear output for squared error");
  if (data.inputSize !== net.inputSize) throw new Error("data has " + data.inputSize + " features but the network takes " + net.inputSize);
  if (data.classes) {
    var k = data.numClasses || 0;
    var fits = net.outputSize === 1 ? k <= 2 && out.act === ACT_LOGISTIC : k <= net.outputSize;
    if (!fits)
      throw new Error(
        "data has " +
          k +
          " classes but the network has " +
          net.outputSize +
          " output" +
          (net.outputSize > 1 ? "s" : "") +
          (net.outputSize === 1 ? " (one output needs 2 classes and a logistic output)" : ""),
      );
  } else if (data.targets) {
    if (data.targetSize !== net.outputSize)
      throw new Error("data has " + data.targetSize + " target values per row but the network has " + net.outputSize + " outputs");
  } else throw new Error("data set has neither classes nor targets");
}

/** y_k for row `row`: one-hot of the class (or the class itself for a single output), or the target. */
function target(data: DataSet, row: number, k: number, nOut: number): number {
  if (data.classes) {
    var c = data.classes[row];
    return nOut === 1 ? c : c === k ? 1 : 0;
  }
  return (data.targets as FloatArray)[row * nOut + k];
}

/** After forward(): sets delta(L) and net.sampleLoss, the sample's loss. G
 * receives dL/dgamma for a PReLU output layer (squared error). */
export function outputDelta(net: Network, loss: LossName, data: DataSet, row: number, G: FloatArray | null): void {
  var out = net.layers[net.layers.length - 1];
  var n = out.nOut,
    a = out.a,
    z = out.z,
    delta = out.delta,
    sampleLoss = 0,
    k = 0,
    y = 0,
    x = 0,
    t = 0,
    u = 0;
  if (loss === "cross-entropy") {
    if (out.act === ACT_SOFTMAX) {
      var lse = net.lse[0]; // log sum_k exp(z_k), left by the forward pass
      for (k = 0; k < n; k++) {
        y = target(data, row, k, n);
        delta[k] = a[k] - y;
        if (y !== 0) sampleLoss += y * (lse - z[k]);
      }
    } else {
      for (k = 0; k < n; k++) {
        y = target(data, row, k, n);
        delta[k] = a[k] - y;
        // softplus(z) - y z, softplus written out: a called function's double result is boxed
        x = z[k];
        t = Math.exp(x > 0 ? -x : x);
        u = 1 + t;
        sampleLoss += (x > 0 ? x : 0) + (u === 1 ? t : (Math.log(u) * t) / (u - 1)) - y * x;
      }
    }
    net.sampleLoss = sampleLoss;
    return;
  }
  var e = net.scratch;
  for (k = 0; k < n; k++) {
    e[k] = a[k] - target(data, row, k, n);
    sampleLoss += 0.5 * e[k] * e[k];
  }
  applyDerivative(out, e, net.params, G);
  net.sampleLoss = sampleLoss;
}

/** Is the prediction for `row` right? (classification only) */
export function isCorrect(net: Network, data: DataSet, row: number): boolean {
  var c = (data.classes as Int32Array)[row],
    a = net.output,
    n = net.outputSize;
  if (n === 1) return (a[0] > 0.5 ? 1 : 0) === c;
  for (var k = 0; k < n; k++) if (k !== c && a[k] > a[c]) return false;
  // ties: the first maximal index wins, as in argmax
  for (k = 0; k < c; k++) if (a[k] === a[c]) return false;
  return true;
}
