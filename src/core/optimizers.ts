// Parameter updates from an accumulated gradient G (the sum over a mini-batch
// of dL/dparams). All optimizers walk the one parameter buffer; the L2 term
// lambda W of the structured risk R(W, b) = mean L + (1/2) lambda ||W||_F^2
// applies to the weight ranges only, not to biases or PReLU gammas.
//   sgd:       P <- P - alpha g
//   momentum:  v <- mu v + g;  P <- P - alpha v
//   adam:      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
//              P <- P - alpha m^ / (sqrt(v^) + eps), with bias-corrected m^, v^
// where g = G / batchSize + lambda W.

import { Network } from "./network";
import { FloatArray } from "./types";

export type OptimizerName = "sgd" | "momentum" | "adam";

export interface OptimizerOptions {
  optimizer?: OptimizerName;
  /** mu for momentum (default 0.9) */
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface Optimizer {
  /** applies G (summed over `count` samples) with learning rate alpha and L2 coefficient lambda, then clears G */
  step(G: FloatArray, count: number, alpha: number, lambda: number): void;
}

export function createOptimizer(net: Network, o: OptimizerOptions): Optimizer {
  var name = o.optimizer || "sgd";
  var P = net.params,
    n = P.length;
  // isWeight[i] = 1 where the L2 penalty applies
  var isWeight = new Uint8Array(n);
  for (var l = 0; l < net.layers.length; l++) {
    var L = net.layers[l];
    for (var i = L.wOff; i < L.bOff; i++) isWeight[i] = 1;
  }
  if (name === "sgd") {
    return {
      step: function (G, count, alpha, lambda) {
        var s = 1 / count;
        for (var i = 0; i < n; i++) {
          var g = G[i] * s + (isWeight[i] ? lambda * P[i] : 0);
          P[i] -= alpha * g;
          G[i] = 0;
        }
      },
    };
  }
  if (name === "momentum") {
    var mu = o.momentum === undefined ? 0.9 : o.momentum;
    var v = new Float64Array(n);
    return {
      step: function (G, count, alpha, lambda) {
        var s = 1 / count;
        for (var i = 0; i < n; i++) {
          var g = G[i] * s + (isWeight[i] ? lambda * P[i] : 0);
          v[i] = mu * v[i] + g;
          P[i] -= alpha * v[i];
          G[i] = 0;
        }
      },
    };
  }
  if (name === "adam") {
    var b1 = o.beta1 === undefined ? 0.9 : o.beta1;
    var b2 = o.beta2 === undefined ? 0.999 : o.beta2;
    var eps = o.epsilon === undefined ? 1e-8 : o.epsilon;
    var m = new Float64Array(n),
      v2 = new Float64Array(n),
      t = 0;
    return {
      step: function (G, count, alpha, lambda) {
        t++;
        var s = 1 / count,
          c1 = 1 / (1 - Math.pow(b1, t)),
          c2 = 1 / (1 - Math.pow(b2, t));
        for (var i = 0; i < n; i++) {
          var g = G[i] * s + (isWeight[i] ? lambda * P[i] : 0);
          m[i] = b1 * m[i] + (1 - b1) * g;
          v2[i] = b2 * v2[i] + (1 - b2) * g * g;
          P[i] -= (alpha * (m[i] * c1)) / (Math.sqrt(v2[i] * c2) + eps);
          G[i] = 0;
        }
      },
    };
  }
  throw new Error('unknown optimizer "' + name + '": expected sgd, momentum or adam');
}
