// Activations applied to a whole layer: the loops of the forward and backward
// passes. The cheap activations get their own loop (no call per neuron); the
// others go through the table's f and f'.

import {
  ACT_HARD_LOGISTIC, ACT_HARD_TANH, ACT_LEAKY_RELU, ACT_LINEAR, ACT_PRELU, ACT_RELU, activationById,
} from "./activations";

type Buf = Float32Array | Float64Array;

/** a = f(z) over n neurons; PReLU reads gamma_i from P[pOff + i]. */
export function applyActivation(id: number, z: Buf, a: Buf, n: number, gamma: number, P: Buf, pOff: number): void {
  var i = 0, x = 0;
  switch (id) {
    case ACT_LINEAR:
      for (; i < n; i++) a[i] = z[i];
      return;
    case ACT_RELU:
      for (; i < n; i++) { x = z[i]; a[i] = x > 0 ? x : 0; }
      return;
    case ACT_HARD_TANH:
      for (; i < n; i++) { x = z[i]; a[i] = x < -1 ? -1 : x > 1 ? 1 : x; }
      return;
    case ACT_HARD_LOGISTIC:
      for (; i < n; i++) { x = 0.25 * z[i] + 0.5; a[i] = x < 0 ? 0 : x > 1 ? 1 : x; }
      return;
    case ACT_LEAKY_RELU:
      for (; i < n; i++) { x = z[i]; a[i] = x > 0 ? x : gamma * x; }
      return;
    case ACT_PRELU:
      for (; i < n; i++) { x = z[i]; a[i] = x > 0 ? x : P[pOff + i] * x; }
      return;
    default: {
      var f = activationById(id).f;
      for (; i < n; i++) a[i] = f(z[i], gamma);
    }
  }
}

/** delta_i = e_i * f'(z_i), where e = dL/da; PReLU also adds dL/dgamma_i = e_i min(0, z_i) to G. */
export function applyDerivative(
  id: number, z: Buf, a: Buf, e: Buf, delta: Buf, n: number, gamma: number, P: Buf, pOff: number,
  G: Buf | null,
): void {
  var i = 0, x = 0;
  switch (id) {
    case ACT_LINEAR:
      for (; i < n; i++) delta[i] = e[i];
      return;
    case ACT_RELU:
      for (; i < n; i++) delta[i] = z[i] > 0 ? e[i] : 0;
      return;
    case ACT_HARD_TANH:
      for (; i < n; i++) { x = z[i]; delta[i] = x > -1 && x < 1 ? e[i] : 0; }
      return;
    case ACT_HARD_LOGISTIC:
      for (; i < n; i++) { x = z[i]; delta[i] = x > -2 && x < 2 ? 0.25 * e[i] : 0; }
      return;
    case ACT_LEAKY_RELU:
      for (; i < n; i++) delta[i] = z[i] > 0 ? e[i] : gamma * e[i];
      return;
    case ACT_PRELU:
      for (; i < n; i++) {
        x = z[i];
        if (x > 0) delta[i] = e[i];
        else {
          delta[i] = P[pOff + i] * e[i];
          if (G) G[pOff + i] += e[i] * x;
        }
      }
      return;
    default: {
      var df = activationById(id).df;
      for (; i < n; i++) delta[i] = e[i] * df(z[i], a[i], gamma);
    }
  }
}

/** a = softmax(z), shifted by max(z) so exp never overflows. */
export function softmax(z: Buf, a: Buf, n: number): void {
  var m = z[0], i = 1;
  for (; i < n; i++) if (z[i] > m) m = z[i];
  var s = 0;
  for (i = 0; i < n; i++) s += Math.exp(z[i] - m);
  for (i = 0; i < n; i++) a[i] = Math.exp(z[i] - m) / s;
}

/** log sum_k exp(z_k), stable: the cross-entropy of softmax is logSumExp(z) - z_label. */
export function logSumExp(z: Buf, n: number): number {
  var m = z[0], i = 1;
  for (; i < n; i++) if (z[i] > m) m = z[i];
  var s = 0;
  for (i = 0; i < n; i++) s += Math.exp(z[i] - m);
  return m + Math.log(s);
}
