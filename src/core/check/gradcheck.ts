// Numerical differentiation, the gradient checker: the central difference
//   f'(x) ~ (f(x + h) - f(x - h)) / 2h
// whose truncation error is O(h^2) (the one-sided form's is O(h)). Checking
// all N parameters costs 2N forward passes of O(N) each: O(N^2), fine for a checker.

import { backward } from "../backprop";
import { DataSet } from "../dataset";
import { LossName, outputDelta } from "../loss";
import { allocate, forward, Network } from "../network";
import { FloatArray } from "../types";

/** The structured risk R on the given rows: mean loss + (1/2) lambda ||W||_F^2. */
export function risk(net: Network, data: DataSet, rows: ArrayLike<number>, loss: LossName, lambda: number): number {
  var total = 0;
  for (var i = 0; i < rows.length; i++) {
    forward(net, data.x, rows[i] * data.inputSize);
    outputDelta(net, loss, data, rows[i], null);
    total += net.sampleLoss;
  }
  var w2 = 0,
    P = net.params;
  for (var l = 0; l < net.layers.length; l++) {
    var L = net.layers[l];
    for (var k = L.wOff; k < L.bOff; k++) w2 += P[k] * P[k];
  }
  return total / rows.length + 0.5 * lambda * w2;
}

/** dR/dparams by backpropagation (the engine): mean of dL/dparams plus lambda W. */
export function backpropGradient(net: Network, data: DataSet, rows: ArrayLike<number>, loss: LossName, lambda: number): FloatArray {
  var G = allocate(net.arrayType, net.params.length),
    P = net.params;
  for (var i = 0; i < rows.length; i++) {
    forward(net, data.x, rows[i] * data.inputSize);
    outputDelta(net, loss, data, rows[i], G);
    backward(net, G);
  }
  for (var k = 0; k < G.length; k++) G[k] /= rows.length;
  for (var l = 0; l < net.layers.length; l++) {
    var L = net.layers[l];
    for (k = L.wOff; k < L.bOff; k++) G[k] += lambda * P[k];
  }
  return G;
}

/** dR/dparams by central differences (the checker). Use a float64 network. */
export function numericalGradient(
  net: Network,
  data: DataSet,
  rows: ArrayLike<number>,
  loss: LossName,
  lambda: number,
  h?: number,
): Float64Array {
  var step = h || 1e-5,
    P = net.params,
    g = new Float64Array(P.length);
  for (var k = 0; k < P.length; k++) {
    var p = P[k];
    P[k] = p + step;
    var up = risk(net, data, rows, loss, lambda);
    P[k] = p - step;
    var down = risk(net, data, rows, loss, lambda);
    P[k] = p;
    g[k] = (up - down) / (2 * step);
  }
  return g;
}

/** max over k of |a_k - b_k| / max(|a_k|, |b_k|, floor): relative error, with an
 * absolute floor so components that are zero in theory do not divide by rounding noise. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor?: number): number {
  var f = floor === undefined ? 1e-8 : floor,
    worst = 0;
  for (var k = 0; k < a.length; k++) {
    var den = Math.max(Math.abs(a[k]), Math.abs(b[k]), f);
    var r = Math.abs(a[k] - b[k]) / den;
    if (r > worst || r !== r) worst = r !== r ? Infinity : r;
  }
  return worst;
}

/** Normwise relative error ||a - b|| / max(||a||, ||b||) of each parameter block
 * (every layer's W, b and PReLU gammas), worst first. Per-component relative
 * error is meaningless for components near zero, where the central difference's
 * rounding error (about eps |R| / h) dominates; per block it is not. */
export function worstBlockError(net: Network, a: ArrayLike<number>, b: ArrayLike<number>): { error: number; block: string } {
  var worst = { error: 0, block: "" };
  function block(name: string, from: number, to: number): void {
    var d = 0,
      na = 0,
      nb = 0;
    for (var k = from; k < to; k++) {
      d += (a[k] - b[k]) * (a[k] - b[k]);
      na += a[k] * a[k];
      nb += b[k] * b[k];
    }
    var den = Math.sqrt(Math.max(na, nb));
    var e = den > 0 ? Math.sqrt(d) / den : Math.sqrt(d);
    if (e > worst.error || e !== e) worst = { error: e !== e ? Infinity : e, block: name };
  }
  for (var l = 0; l < net.layers.length; l++) {
    var L = net.layers[l];
    block("W(" + (l + 1) + ")", L.wOff, L.bOff);
    block("b(" + (l + 1) + ")", L.bOff, L.bOff + L.nOut);
    if (L.pOff >= 0) block("gamma(" + (l + 1) + ")", L.pOff, L.pOff + L.nOut);
  }
  return worst;
}
