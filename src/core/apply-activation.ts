// Activations applied to a whole layer: the loops of the forward and backward
// passes. Every activation's formula is written inline here rather than called
// through the table: a call that V8 does not inline returns its double boxed in
// a fresh heap object, i.e. garbage per neuron per sample. The table in
// activations.ts stays the definition; a test checks these loops equal it bit
// for bit.

import {
  ACT_ELU,
  ACT_HARD_LOGISTIC,
  ACT_HARD_TANH,
  ACT_LEAKY_RELU,
  ACT_LINEAR,
  ACT_LOGISTIC,
  ACT_PRELU,
  ACT_RELU,
  ACT_SOFTPLUS,
  ACT_STEP,
  ACT_TANH,
} from "./activations";

import type { Layer } from "./network";
import { fail } from "./format";

type Buf = Float32Array | Float64Array;

/** Set (true) by the board bundles' minifier (rollup.config.mjs): the
 * interpreter compiles nothing, and every statement of its text costs, so the
 * branchless loops below (JIT) are removed from those bundles. */
declare var EDGEFNN_BOARD_BUNDLE: boolean | undefined;

/** Engines that compile to machine code (Math.fround, ES2015: V8 on the host),
 * where a mispredicted branch costs more than the arithmetic: ReLU's sign is
 * random from neuron to neuron, so there ReLU and its derivative are computed
 * without a branch on it (docs/SPEED.md). The board keeps the shorter loops
 * with the branch; both give the same bits. */
export var JIT = typeof EDGEFNN_BOARD_BUNDLE === "undefined" && typeof (Math as unknown as { fround?: unknown }).fround === "function";

/** a = f(z) over n neurons (in place if a === z), with the activation's
 * parameter gamma = gammas[gi] (the layer's); PReLU reads gamma_i from params[pOff + i]. Shared by the
 * trainer and the board runtime. One test per layer, then a tight loop: the
 * Espruino interpreter re-reads every statement it runs, so a switch inside the
 * loop would cost more than the arithmetic. No argument is a double: a double
 * passed to a call that V8 does not inline is boxed, i.e. allocated. */
export function applyActivation(id: number, z: Buf, a: Buf, n: number, gammas: Buf, gi: number, params: Buf, pOff: number): void {
  var g = gammas[gi],
    i = 0,
    x = 0,
    e = 0,
    u = 1,
    ex = Math.exp,
    v = 0;
  // (z + |z|) / 2 = 2z / 2 = z for z > 0, and -z + z = +0 for z <= 0 (-0 too):
  // max(0, z) without a branch (JIT). It is NaN at z = -Inf or NaN, and +Inf
  // where z + |z| overflows a float64 (z > ~8.99e307): those take Math.max(0, z) itself.
  if (id === ACT_RELU && JIT)
    for (; i < n; i++) {
      x = z[i];
      v = (x + Math.abs(x)) * 0.5;
      a[i] = v < Infinity ? v : Math.max(0, x);
    }
  else if (id === ACT_LINEAR) for (; i < n; i++) a[i] = z[i];
  // ReLU and hard-tanh as Math.max/min, exactly as the board's fused row loop
  // computes them (the same NaN and -0 behaviour)
  else if (id === ACT_RELU) for (; i < n; i++) a[i] = Math.max(0, z[i]);
  else if (id === ACT_HARD_TANH) for (; i < n; i++) a[i] = Math.min(1, Math.max(-1, z[i]));
  else if (id === ACT_HARD_LOGISTIC)
    for (; i < n; i++) {
      x = 0.25 * z[i] + 0.5;
      a[i] = x < 0 ? 0 : x > 1 ? 1 : x;
    }
  else if (id === ACT_LEAKY_RELU)
    for (; i < n; i++) {
      x = z[i];
      a[i] = x > 0 ? x : g * x;
    }
  else if (id === ACT_PRELU)
    for (; i < n; i++) {
      x = z[i];
      a[i] = x > 0 ? x : params[pOff + i] * x;
    }
  else if (id === ACT_STEP) for (; i < n; i++) a[i] = z[i] > 0 ? 1 : 0;
  else if (id === ACT_ELU)
    for (; i < n; i++) {
      x = z[i];
      a[i] = x > 0 ? x : g * (ex(x) - 1);
    }
  else if (id === ACT_SOFTPLUS)
    // max(x, 0) + log1p(exp(-|x|)), log1p by Goldberg's trick (the board has no Math.log1p)
    for (; i < n; i++) {
      x = z[i];
      e = ex(x > 0 ? -x : x);
      u = 1 + e;
      a[i] = (x > 0 ? x : 0) + (u === 1 ? e : (Math.log(u) * e) / (u - 1));
    }
  else if (id === ACT_LOGISTIC || id === ACT_TANH) {
    // sigma(x) with exp(-|x|), so exp never overflows; tanh(x) = 2 sigma(2x) - 1
    if (id === ACT_TANH) u = 2;
    for (; i < n; i++) {
      x = u * z[i];
      e = ex(x >= 0 ? -x : x);
      x = x >= 0 ? 1 / (1 + e) : e / (1 + e);
      a[i] = u > 1 ? 2 * x - 1 : x;
    }
  } else fail("activation " + id + " is not elementwise");
}

/** delta_i = e_i * f'(z_i) for one layer, where e = dL/da(l); PReLU reads
 * gamma_i from params and also adds dL/dgamma_i = e_i min(0, z_i) to grad
 * (the gradient, laid out as params; null: no gradient wanted). */
export function applyDerivative(layer: Layer, e: Buf, params: Buf, grad: Buf | null): void {
  var z = layer.z,
    a = layer.a,
    delta = layer.delta,
    n = layer.nOut,
    gamma = layer.gamma,
    pOff = layer.pOff;
  var i = 0,
    x = 0,
    y = 0,
    s = 0,
    m = 0;
  var id = layer.act;
  switch (id) {
    case ACT_LINEAR:
      for (; i < n; i++) delta[i] = e[i];
      return;
    case ACT_STEP:
      for (; i < n; i++) delta[i] = 0;
      return;
    case ACT_LOGISTIC: // y (1 - y)
      for (; i < n; i++) {
        y = a[i];
        delta[i] = e[i] * (y * (1 - y));
      }
      return;
    case ACT_TANH: // 1 - y^2
      for (; i < n; i++) {
        y = a[i];
        delta[i] = e[i] * (1 - y * y);
      }
      return;
    case ACT_ELU: // 1, or gamma exp(x) = y + gamma
      for (; i < n; i++) delta[i] = z[i] > 0 ? e[i] : e[i] * (a[i] + gamma);
      return;
    case ACT_SOFTPLUS: // sigma(x)
      for (; i < n; i++) {
        x = z[i];
        if (x >= 0) s = 1 / (1 + Math.exp(-x));
        else {
          y = Math.exp(x);
          s = y / (1 + y);
        }
        delta[i] = e[i] * s;
      }
      return;
    // e_i [z_i > 0] (NaN: 0), selected without a branch on z (see
    // JIT): m = [z_i > 0] as a 0/1 integer (a setcc, no jump), then
    // e m + (0 - m) 0 is e + -0 = e (-0 kept) for m = 1 and +-0 + 0 = +0 for
    // m = 0; NaN only when e is NaN, or infinite with m = 0, which then selects.
    case ACT_RELU:
      if (!JIT) for (; i < n; i++) delta[i] = z[i] > 0 ? e[i] : 0;
      else
        for (; i < n; i++) {
          x = e[i];
          m = ((z[i] > 0) as unknown as number) | 0;
          y = x * m + (0 - m) * 0;
          delta[i] = y === y ? y : m ? x : 0;
        }
      return;
    case ACT_HARD_TANH:
      for (; i < n; i++) {
        x = z[i];
        delta[i] = x > -1 && x < 1 ? e[i] : 0;
      }
      return;
    case ACT_HARD_LOGISTIC:
      for (; i < n; i++) {
        x = z[i];
        delta[i] = x > -2 && x < 2 ? 0.25 * e[i] : 0;
      }
      return;
    case ACT_LEAKY_RELU:
      for (; i < n; i++) delta[i] = z[i] > 0 ? e[i] : gamma * e[i];
      return;
    case ACT_PRELU:
      for (; i < n; i++) {
        x = z[i];
        if (x > 0) delta[i] = e[i];
        else {
          delta[i] = params[pOff + i] * e[i];
          if (grad) grad[pOff + i] += e[i] * x;
        }
      }
      return;
    default:
      throw new Error("activation " + id + " is not elementwise");
  }
}

/** a = softmax(z) (in place if a === z), shifted by max(z) so exp never
 * overflows; one exp per output. lse, when given, receives log sum_k exp(z_k),
 * which the cross-entropy needs: L = lse - z_label. The board runtime's (the
 * smallest code: the bundle's size is bounded). */
export function softmax(z: Buf, a: Buf, n: number, lse?: Buf | null): void {
  var m = z[0],
    i = 1,
    s = 0,
    e = 0;
  for (; i < n; i++) if (z[i] > m) m = z[i];
  for (i = 0; i < n; i++) {
    e = Math.exp(z[i] - m);
    s += e;
    a[i] = e;
  }
  for (i = 0; i < n; i++) a[i] = a[i] / s;
  if (lse) lse[0] = m + Math.log(s);
}

/** softmax() for the host's forward pass and training step, the same bits:
 * the largest z's term is exp(z_max - max) = exp(0) = 1 exactly, so it is not
 * computed (one exp fewer per sample; on a 3-class output, a third of them),
 * unless the max is infinite or NaN (then exp gives NaN, as in softmax()). */
export function softmaxLse(z: Buf, a: Buf, n: number, lse: Buf): void {
  var m = z[0],
    i = 1,
    s = 0,
    e = 0,
    top = 0;
  for (; i < n; i++) if (z[i] > m) m = z[(top = i)];
  if (m - m !== 0) top = -1;
  for (i = 0; i < n; i++) {
    e = i === top ? 1 : Math.exp(z[i] - m);
    s += e;
    a[i] = e;
  }
  for (i = 0; i < n; i++) a[i] = a[i] / s;
  lse[0] = m + Math.log(s);
}
