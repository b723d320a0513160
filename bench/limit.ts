// "The limit": the speed ceiling for a per-sample training step in plain JS.
// Only the multiply-adds a step cannot avoid, on Float32Arrays, for each layer:
//   forward    z = W a + b
//   backward   e = W^T delta            (not for the first layer: nothing below it)
//   update     W -= lr delta a^T, b -= lr delta
// rows four at a time with four independent accumulators (one accumulator
// would serialise the adds), backward fused with the update in one pass over W.
// No activation functions, no softmax, no loss: the output delta is a - y
// and hidden deltas are e unchanged. So it trains a *linear* network: its
// accuracy is not comparable and is not reported. Inference is the forward
// multiply-adds plus an argmax.
// Learning rate: LIMIT_LR, not the problem's. The work does not depend on the
// values, but at lr 0.01 the linear 64-64-32-10 net diverges to NaN within
// ~1000 samples, and a benchmark should not time Inf/NaN arithmetic.
//
// Two small plain functions over one Float32Array of parameters (edgefnn's
// layout), which V8 inlines into the per-sample loop: as close to "just the
// arithmetic" as JS gets. edgefnn does the same arithmetic plus activations,
// softmax, loss and bookkeeping. The harness also uses a second copy of this
// as the yardstick every contestant is timed against (harness.ts).

import { Contestant, Model } from "./harness";

/** out = W x + b, x read at offset xOff. */
function matVec(
  P: Float32Array,
  wOff: number,
  bOff: number,
  x: Float32Array,
  xOff: number,
  out: Float32Array,
  nIn: number,
  nOut: number,
): void {
  var i = 0;
  for (; i + 3 < nOut; i += 4) {
    var r0 = wOff + i * nIn,
      r1 = r0 + nIn,
      r2 = r1 + nIn,
      r3 = r2 + nIn;
    var s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (var j = 0; j < nIn; j++) {
      var v = x[xOff + j];
      s0 += P[r0 + j] * v;
      s1 += P[r1 + j] * v;
      s2 += P[r2 + j] * v;
      s3 += P[r3 + j] * v;
    }
    out[i] = s0 + P[bOff + i];
    out[i + 1] = s1 + P[bOff + i + 1];
    out[i + 2] = s2 + P[bOff + i + 2];
    out[i + 3] = s3 + P[bOff + i + 3];
  }
  for (; i < nOut; i++) {
    var r = wOff + i * nIn,
      s = 0;
    for (var k = 0; k < nIn; k++) s += P[r + k] * x[xOff + k];
    out[i] = s + P[bOff + i];
  }
}

/** e = W^T delta (old W) when e is given, fused with W -= lr delta x^T, b -= lr delta. */
function backUpdate(
  P: Float32Array,
  wOff: number,
  bOff: number,
  x: Float32Array,
  xOff: number,
  delta: Float32Array,
  e: Float32Array | null,
  nIn: number,
  nOut: number,
  lr: number,
): void {
  var i = 0,
    j = 0;
  if (e) for (j = 0; j < nIn; j++) e[j] = 0;
  for (; i + 3 < nOut; i += 4) {
    var r0 = wOff + i * nIn,
      r1 = r0 + nIn,
      r2 = r1 + nIn,
      r3 = r2 + nIn;
    var d0 = delta[i],
      d1 = delta[i + 1],
      d2 = delta[i + 2],
      d3 = delta[i + 3];
    var c0 = lr * d0,
      c1 = lr * d1,
      c2 = lr * d2,
      c3 = lr * d3;
    if (e) {
      for (j = 0; j < nIn; j++) {
        var v = x[xOff + j],
          w0 = P[r0 + j],
          w1 = P[r1 + j],
          w2 = P[r2 + j],
          w3 = P[r3 + j];
        e[j] += w0 * d0 + w1 * d1 + w2 * d2 + w3 * d3;
        P[r0 + j] = w0 - c0 * v;
        P[r1 + j] = w1 - c1 * v;
        P[r2 + j] = w2 - c2 * v;
        P[r3 + j] = w3 - c3 * v;
      }
    } else {
      for (j = 0; j < nIn; j++) {
        var u = x[xOff + j];
        P[r0 + j] -= c0 * u;
        P[r1 + j] -= c1 * u;
        P[r2 + j] -= c2 * u;
        P[r3 + j] -= c3 * u;
      }
    }
    P[bOff + i] -= c0;
    P[bOff + i + 1] -= c1;
    P[bOff + i + 2] -= c2;
    P[bOff + i + 3] -= c3;
  }
  for (; i < nOut; i++) {
    var r = wOff + i * nIn,
      d = delta[i],
      c = lr * d;
    for (j = 0; j < nIn; j++) {
      var w = P[r + j];
      if (e) e[j] += w * d;
      P[r + j] = w - c * x[xOff + j];
    }
    P[bOff + i] -= c;
  }
}

var LIMIT_LR = 1e-3;

export var limit: Contestant = {
  label: "the limit (Float32 loop)",
  notes: function () {
    return [
      "multiply-adds only: forward W a + b, fused backward W^T delta + update W -= lr delta a^T per layer, 4 rows x 4 accumulators; " +
        "no activations/softmax/loss (output delta = a - y), standardized inputs read in place, lr " +
        LIMIT_LR +
        " (a linear net diverges at the real lr); accuracy n/a",
    ];
  },
  create: function (p): Model {
    var shapes = p.shapes,
      nL = shapes.length,
      lr = LIMIT_LR,
      k = p.numClasses,
      d = p.spec.inputSize;
    var P = Float32Array.from(p.init);
    // a[l] is layer l's output; delta[l] its error term (hidden: e from the layer above, written in place).
    var a: Float32Array[] = [],
      delta: Float32Array[] = [];
    for (var l = 0; l < nL; l++) {
      a.push(new Float32Array(shapes[l].nOut));
      delta.push(new Float32Array(shapes[l].nOut));
    }
    var X = p.trainStd,
      T = p.trainOneHot,
      Xt = p.testStd;

    function forward(x: Float32Array, off: number): Float32Array {
      var S = shapes[0];
      matVec(P, S.wOff, S.bOff, x, off, a[0], S.nIn, S.nOut);
      for (var l = 1; l < nL; l++) {
        S = shapes[l];
        matVec(P, S.wOff, S.bOff, a[l - 1], 0, a[l], S.nIn, S.nOut);
      }
      return a[nL - 1];
    }

    return {
      hasAccuracy: false,
      trainEpoch: function (order) {
        for (var s = 0; s < order.length; s++) {
          var row = order[s],
            out = forward(X, row * d),
            dl = delta[nL - 1];
          for (var j = 0; j < k; j++) dl[j] = out[j] - T[row * k + j];
          for (var l = nL - 1; l > 0; l--) {
            var S = shapes[l];
            backUpdate(P, S.wOff, S.bOff, a[l - 1], 0, delta[l], delta[l - 1], S.nIn, S.nOut, lr);
          }
          S = shapes[0];
          backUpdate(P, S.wOff, S.bOff, X, row * d, delta[0], null, S.nIn, S.nOut, lr);
        }
        for (j = 0; j < P.length; j++) if (!isFinite(P[j])) throw new Error("the limit's weights became " + P[j]);
      },
      predict: function (i) {
        var out = forward(Xt, i * d),
          best = 0;
        for (var j = 1; j < out.length; j++) if (out[j] > out[best]) best = j;
        return best;
      },
    };
  },
};
