// Backpropagation, as derived in the textbook. After forward() and outputDelta():
//   e(l-1)     = W(l)^T delta(l)                      (dL/da(l-1))
//   delta(l-1) = f'_(l-1)(z(l-1)) * e(l-1)            (elementwise)
//   dL/dW(l)   = delta(l) a(l-1)^T,  dL/db(l) = delta(l)
// Two forms: backward() accumulates the gradient into G (mini-batches,
// momentum, Adam, gradient checks); sgdStep() is the textbook's per-sample
// update W <- W - alpha (delta a^T + lambda W), b <- b - alpha delta, fused
// with the computation of e in the same pass over W (e uses W before its update,
// exactly as if all deltas were computed first).

import { applyDerivative, JIT } from "./apply-activation";
import { Layer, Network } from "./network";
import { FloatArray } from "./types";

/** Math with ES2015's fround, which the core's ES5 typings leave out (the board's interpreter has none) */
interface MathFround {
  fround(v: number): number;
}

function zero(v: FloatArray, n: number): void {
  for (var i = 0; i < n; i++) v[i] = 0;
}

/** G += dL/dW, dL/db of one layer; e = W^T delta when e is given. Four rows at a time. */
function denseGrad(P: FloatArray, G: FloatArray, L: Layer, ain: FloatArray, e: FloatArray | null): void {
  var nIn = L.nIn,
    nOut = L.nOut,
    delta = L.delta,
    i = 0,
    j = 0;
  if (e) zero(e, nIn);
  for (; i + 3 < nOut; i += 4) {
    var r0 = L.wOff + i * nIn,
      r1 = r0 + nIn,
      r2 = r1 + nIn,
      r3 = r2 + nIn;
    var d0 = delta[i],
      d1 = delta[i + 1],
      d2 = delta[i + 2],
      d3 = delta[i + 3];
    G[L.bOff + i] += d0;
    G[L.bOff + i + 1] += d1;
    G[L.bOff + i + 2] += d2;
    G[L.bOff + i + 3] += d3;
    for (j = 0; j < nIn; j++) {
      var x = ain[j];
      G[r0 + j] += d0 * x;
      G[r1 + j] += d1 * x;
      G[r2 + j] += d2 * x;
      G[r3 + j] += d3 * x;
    }
    if (e) for (j = 0; j < nIn; j++) e[j] += P[r0 + j] * d0 + P[r1 + j] * d1 + P[r2 + j] * d2 + P[r3 + j] * d3;
  }
  for (; i < nOut; i++) {
    var r = L.wOff + i * nIn,
      d = delta[i];
    G[L.bOff + i] += d;
    for (j = 0; j < nIn; j++) G[r + j] += d * ain[j];
    if (e) for (j = 0; j < nIn; j++) e[j] += P[r + j] * d;
  }
}

/** Accumulates dL/dparams of the current sample into G (G is not cleared). */
export function backward(net: Network, G: FloatArray): void {
  var P = net.params,
    layers = net.layers,
    e = net.scratch;
  for (var l = layers.length - 1; l >= 0; l--) {
    var L = layers[l];
    if (l === 0) {
      denseGrad(P, G, L, net.input, null);
      break;
    }
    var below = layers[l - 1];
    denseGrad(P, G, L, below.a, e);
    applyDerivative(below, e, P, G);
  }
}

/** The learning rate alpha and L2 coefficient lambda of an SGD step. An object,
 * not two numbers: doubles passed to calls that are not inlined are boxed
 * (allocated), and this runs per sample. */
export interface SgdRate {
  alpha: number;
  lambda: number;
}

/** One layer's fused update: e = W^T delta (old W), then W <- W (1 - alpha lambda) - alpha delta a^T, b <- b - alpha delta.
 * Without L2 (lambda 0) the factor is exactly 1 and w * 1 = w bit for bit, so
 * those loops leave the multiply out; the remainder rows test e once, not per weight. */
function denseSgd(P: FloatArray, L: Layer, ain: FloatArray, e: FloatArray | null, rate: SgdRate): void {
  var nIn = L.nIn,
    nOut = L.nOut,
    delta = L.delta,
    bOff = L.bOff,
    i = 0,
    j = 0;
  var alpha = rate.alpha,
    decay = 1 - rate.alpha * rate.lambda;
  var w0 = 0,
    w1 = 0,
    w2 = 0,
    w3 = 0,
    x = 0;
  // a layer of exactly three rows with the one-pass tail below starts e from 0 there, not from a zeroed e
  var m = Math as unknown as MathFround,
    three = JIT && nOut % 4 === 3 && e !== null && e instanceof Float32Array,
    fresh = three && nOut === 3;
  if (e && !fresh) zero(e, nIn);
  for (; i + 3 < nOut; i += 4) {
    var r0 = L.wOff + i * nIn,
      r1 = r0 + nIn,
      r2 = r1 + nIn,
      r3 = r2 + nIn;
    var d0 = delta[i],
      d1 = delta[i + 1],
      d2 = delta[i + 2],
      d3 = delta[i + 3];
    var c0 = alpha * d0,
      c1 = alpha * d1,
      c2 = alpha * d2,
      c3 = alpha * d3;
    if (e) {
      if (decay === 1)
        for (j = 0; j < nIn; j++) {
          x = ain[j];
          w0 = P[r0 + j];
          w1 = P[r1 + j];
          w2 = P[r2 + j];
          w3 = P[r3 + j];
          e[j] += w0 * d0 + w1 * d1 + w2 * d2 + w3 * d3;
          P[r0 + j] = w0 - c0 * x;
          P[r1 + j] = w1 - c1 * x;
          P[r2 + j] = w2 - c2 * x;
          P[r3 + j] = w3 - c3 * x;
        }
      else
        for (j = 0; j < nIn; j++) {
          x = ain[j];
          w0 = P[r0 + j];
          w1 = P[r1 + j];
          w2 = P[r2 + j];
          w3 = P[r3 + j];
          e[j] += w0 * d0 + w1 * d1 + w2 * d2 + w3 * d3;
          P[r0 + j] = w0 * decay - c0 * x;
          P[r1 + j] = w1 * decay - c1 * x;
          P[r2 + j] = w2 * decay - c2 * x;
          P[r3 + j] = w3 * decay - c3 * x;
        }
    } else if (decay === 1) {
      for (j = 0; j < nIn; j++) {
        x = ain[j];
        P[r0 + j] -= c0 * x;
        P[r1 + j] -= c1 * x;
        P[r2 + j] -= c2 * x;
        P[r3 + j] -= c3 * x;
      }
    } else {
      for (j = 0; j < nIn; j++) {
        x = ain[j];
        P[r0 + j] = P[r0 + j] * decay - c0 * x;
        P[r1 + j] = P[r1 + j] * decay - c1 * x;
        P[r2 + j] = P[r2 + j] * decay - c2 * x;
        P[r3 + j] = P[r3 + j] * decay - c3 * x;
      }
    }
    P[bOff + i] -= c0;
    P[bOff + i + 1] -= c1;
    P[bOff + i + 2] -= c2;
    P[bOff + i + 3] -= c3;
  }
  // Three rows left (a 3-class output layer is nothing else) and e to
  // compute: one pass for the three. e[j] still takes their terms one at a
  // time in row order, each sum rounded to float32 as e's store would round
  // it, but in a register (Math.fround, which JIT engines have). Elsewhere
  // (float64, or the board's interpreter: not in its bundles) the row-by-row loop below.
  // Math through a local: a constant to the compiler, so the calls become one
  // instruction each; through a module variable V8 left them calls that boxed
  // every result (under vitest: test/core/allocation.test.ts caught it).
  if (three && e) {
    r0 = L.wOff + i * nIn;
    r1 = r0 + nIn;
    r2 = r1 + nIn;
    d0 = delta[i];
    d1 = delta[i + 1];
    d2 = delta[i + 2];
    c0 = alpha * d0;
    c1 = alpha * d1;
    c2 = alpha * d2;
    for (j = 0; j < nIn; j++) {
      x = ain[j];
      w0 = P[r0 + j];
      w1 = P[r1 + j];
      w2 = P[r2 + j];
      e[j] = m.fround(m.fround(m.fround((fresh ? 0 : e[j]) + w0 * d0) + w1 * d1) + w2 * d2);
      P[r0 + j] = w0 * decay - c0 * x;
      P[r1 + j] = w1 * decay - c1 * x;
      P[r2 + j] = w2 * decay - c2 * x;
    }
    P[bOff + i] -= c0;
    P[bOff + i + 1] -= c1;
    P[bOff + i + 2] -= c2;
    return;
  }
  for (; i < nOut; i++) {
    var r = L.wOff + i * nIn,
      d = delta[i],
      c = alpha * d;
    if (e)
      for (j = 0; j < nIn; j++) {
        w0 = P[r + j];
        e[j] += w0 * d;
        P[r + j] = w0 * decay - c * ain[j];
      }
    else for (j = 0; j < nIn; j++) P[r + j] = P[r + j] * decay - c * ain[j];
    P[bOff + i] -= c;
  }
}

/** The textbook's per-sample SGD step, after forward() and outputDelta().
 * Gp is a scratch gradient buffer (the network's size): only its PReLU entries
 * are used, and they are left at zero. */
export function sgdStep(net: Network, rate: SgdRate, Gp: FloatArray): void {
  var P = net.params,
    layers = net.layers,
    e = net.scratch,
    alpha = rate.alpha;
  for (var l = layers.length - 1; l >= 0; l--) {
    var L = layers[l];
    if (l === 0) {
      denseSgd(P, L, net.input, null, rate);
      break;
    }
    var below = layers[l - 1];
    denseSgd(P, L, below.a, e, rate);
    applyDerivative(below, e, P, Gp);
  }
  // PReLU's gamma_i <- gamma_i - alpha dL/dgamma_i (no L2: the textbook's penalty is on W only)
  for (l = 0; l < layers.length; l++) {
    L = layers[l];
    if (L.pOff < 0) continue;
    for (var i = 0; i < L.nOut; i++) {
      P[L.pOff + i] -= alpha * Gp[L.pOff + i];
      Gp[L.pOff + i] = 0;
    }
  }
}
