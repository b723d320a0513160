// Activations applied to a whole layer: the loops of the forward and backward
// passes. Every activation's formula is written inline here rather than called
// through the table: a call that V8 does not inline returns its double boxed in
// a fresh heap object, i.e. garbage per neuron per sample. The table in
// activations.ts stays the definition; a test checks these loops equal it bit
// for bit.

import {
  ACT_ELU, ACT_HARD_LOGISTIC, ACT_HARD_TANH, ACT_LEAKY_RELU, ACT_LINEAR, ACT_LOGISTIC, ACT_PRELU, ACT_RELU,
  ACT_SOFTPLUS, ACT_STEP, ACT_TANH,
} from "./activations";

import type { Layer } from "./network";

type Buf = Float32Array | Float64Array;

/** a = f(z) over n neurons (in place if a === z), with the activation's
 * parameter gamma = G[gi]; PReLU reads gamma_i from P[pOff + i]. Shared by the
 * trainer and the board runtime, so it is written small (it ships in a 4 KiB
 * bundle). No argument is a double: a double passed to a call that is not
 * inlined is boxed, i.e. allocated, per call. */
export function applyActivation(id: number, z: Buf, a: Buf, n: number, G: Buf, gi: number, P: Buf, pOff: number): void {
  var g = G[gi], x = 0, e = 0, u = 0;
  for (var i = 0; i < n; i++) {
    x = z[i];
    switch (id) {
      case ACT_LINEAR:
        break;
      case ACT_STEP:
        x = x > 0 ? 1 : 0;
        break;
      case ACT_TANH: // 2 sigma(2x) - 1
      case ACT_LOGISTIC: // sigma(x), with exp(-|x|) so it never overflows
        if (id === ACT_TANH) x *= 2;
        e = Math.exp(x >= 0 ? -x : x);
        x = x >= 0 ? 1 / (1 + e) : e / (1 + e);
        if (id === ACT_TANH) x = 2 * x - 1;
        break;
      case ACT_SOFTPLUS: // max(x, 0) + log1p(exp(-|x|)), log1p by Goldberg's trick
        e = Math.exp(x > 0 ? -x : x);
        u = 1 + e;
        x = (x > 0 ? x : 0) + (u === 1 ? e : (Math.log(u) * e) / (u - 1));
        break;
      case ACT_ELU:
        if (!(x > 0)) x = g * (Math.exp(x) - 1);
        break;
      case ACT_RELU:
        if (!(x > 0)) x = 0;
        break;
      case ACT_LEAKY_RELU:
      case ACT_PRELU:
        if (!(x > 0)) x *= id === ACT_PRELU ? P[pOff + i] : g;
        break;
      case ACT_HARD_LOGISTIC: // clip(0.25 x + 0.5, 0, 1)
      case ACT_HARD_TANH: // clip(x, -1, 1)
        u = -1;
        if (id === ACT_HARD_LOGISTIC) {
          x = 0.25 * x + 0.5;
          u = 0;
        }
        x = x < u ? u : x > 1 ? 1 : x;
        break;
      default:
        throw new Error("activation " + id + " is not elementwise");
    }
    a[i] = x;
  }
}

/** delta_i = e_i * f'(z_i) for layer L, where e = dL/da(l); PReLU also adds
 * dL/dgamma_i = e_i min(0, z_i) to G. */
export function applyDerivative(L: Layer, e: Buf, P: Buf, G: Buf | null): void {
  var z = L.z, a = L.a, delta = L.delta, n = L.nOut, gamma = L.gamma, pOff = L.pOff;
  var i = 0, x = 0, y = 0, s = 0;
  var id = L.act;
  switch (id) {
    case ACT_LINEAR:
      for (; i < n; i++) delta[i] = e[i];
      return;
    case ACT_STEP:
      for (; i < n; i++) delta[i] = 0;
      return;
    case ACT_LOGISTIC: // y (1 - y)
      for (; i < n; i++) { y = a[i]; delta[i] = e[i] * (y * (1 - y)); }
      return;
    case ACT_TANH: // 1 - y^2
      for (; i < n; i++) { y = a[i]; delta[i] = e[i] * (1 - y * y); }
      return;
    case ACT_ELU: // 1, or gamma exp(x) = y + gamma
      for (; i < n; i++) delta[i] = z[i] > 0 ? e[i] : e[i] * (a[i] + gamma);
      return;
    case ACT_SOFTPLUS: // sigma(x)
      for (; i < n; i++) {
        x = z[i];
        if (x >= 0) s = 1 / (1 + Math.exp(-x));
        else { y = Math.exp(x); s = y / (1 + y); }
        delta[i] = e[i] * s;
      }
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
    default:
      throw new Error("activation " + id + " is not elementwise");
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
