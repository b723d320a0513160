// The per-sample SGD step of a small classifier in one function: one hidden
// layer, a softmax output trained with cross-entropy on class labels, float32,
// batch 1, plain SGD. train-step.ts's general step makes ~8 calls per sample
// (forward, the activation loop, softmaxLse, outputDelta, isCorrect, sgdStep,
// two layer updates, the derivative loop) and re-reads each layer's fields in
// every one; on an iris-sized net (4-16-3) those fixed costs are a third of the
// step (docs/SPEED.md). Here the whole sample is one function, so V8 keeps the
// sizes, offsets and running values in registers.
//
// The same arithmetic in the same order as the general step, operation for
// operation, so the same bits (test/core/small-step.test.ts compares the two):
//   z(1) = W(1) a(0) + b(1), each row summed in index order from 0, then b
//   a(1) = f(z(1)); z(2) likewise; a(2) = softmax(z(2)) as softmaxLse computes it
//   L = lse - z_c,  delta(2) = a(2) - y
//   e = W(2)^T delta(2) (old W, four-row groups then single rows, as denseSgd),
//   W(2) <- W(2) (1 - alpha lambda) - alpha delta(2) a(1)^T,  b(2) <- b(2) - alpha delta(2)
//   delta(1) = f'(z(1)) e;  W(1), b(1) the same update with a(0)
// Host only (JIT): the board bundles never select it, and drop it.

import { ACT_HARD_TANH } from "./activations";
import { applyActivation, applyDerivative } from "./apply-activation";
import { SgdRate } from "./backprop";
import { Network } from "./network";

/** Math with ES2015's fround, which the core's ES5 typings leave out */
interface MathFround {
  fround(v: number): number;
}

/** One step on the sample at x[off..], class c; sets net.sampleLoss, net.lse
 * and every layer's z, a and delta as the general step does; returns whether
 * the sample was classified right (isCorrect). The caller checks the shape
 * (smallStepFits). */
export function smallStep(net: Network, x: ArrayLike<number>, off: number, c: number, rate: SgdRate): boolean {
  var P = net.params,
    H = net.layers[0],
    O = net.layers[1],
    a0 = net.input,
    mean = net.mean,
    inv = net.invStd,
    nI = net.inputSize,
    nH = H.nOut,
    nK = O.nOut,
    zH = H.z,
    aH = H.a,
    dH = H.delta,
    zO = O.z,
    aO = O.a,
    dO = O.delta,
    e = net.scratch,
    hardTanh = H.act === ACT_HARD_TANH,
    m = Math as unknown as MathFround;
  var i = 0,
    j = 0,
    k = 0,
    r0 = 0,
    r1 = 0,
    r2 = 0,
    r3 = 0,
    s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    v = 0,
    w0 = 0,
    w1 = 0,
    w2 = 0,
    w3 = 0,
    off0 = H.wOff,
    b0 = H.bOff,
    off1 = O.wOff,
    b1 = O.bOff;
  // a(0) = (x - mean) * invStd (setInput)
  for (j = 0; j < nI; j++) a0[j] = (x[off + j] - mean[j]) * inv[j];
  // z(1), a(1): denseForward's sums, four rows at a time; hard-tanh as
  // applyActivation's Math.min/max of z as stored (rounded to float32 in a register)
  for (i = 0; i + 3 < nH; i += 4) {
    r0 = off0 + i * nI;
    r1 = r0 + nI;
    r2 = r1 + nI;
    r3 = r2 + nI;
    s0 = s1 = s2 = s3 = 0;
    for (j = 0; j < nI; j++) {
      v = a0[j];
      s0 += P[r0 + j] * v;
      s1 += P[r1 + j] * v;
      s2 += P[r2 + j] * v;
      s3 += P[r3 + j] * v;
    }
    if (hardTanh) {
      s0 = zH[i] = m.fround(s0 + P[b0 + i]);
      s1 = zH[i + 1] = m.fround(s1 + P[b0 + i + 1]);
      s2 = zH[i + 2] = m.fround(s2 + P[b0 + i + 2]);
      s3 = zH[i + 3] = m.fround(s3 + P[b0 + i + 3]);
      aH[i] = Math.min(1, Math.max(-1, s0));
      aH[i + 1] = Math.min(1, Math.max(-1, s1));
      aH[i + 2] = Math.min(1, Math.max(-1, s2));
      aH[i + 3] = Math.min(1, Math.max(-1, s3));
    } else {
      zH[i] = s0 + P[b0 + i];
      zH[i + 1] = s1 + P[b0 + i + 1];
      zH[i + 2] = s2 + P[b0 + i + 2];
      zH[i + 3] = s3 + P[b0 + i + 3];
    }
  }
  for (k = i; k < nH; k++) {
    r0 = off0 + k * nI;
    s0 = 0;
    for (j = 0; j < nI; j++) s0 += P[r0 + j] * a0[j];
    zH[k] = s0 + P[b0 + k];
  }
  if (!hardTanh) applyActivation(H.act, zH, aH, nH, net.gammas, 0, P, H.pOff);
  else for (; i < nH; i++) aH[i] = Math.min(1, Math.max(-1, zH[i]));
  // z(2): three rows at a time, then one (each row's sum as denseForward's)
  for (k = 0; k + 2 < nK; k += 3) {
    r0 = off1 + k * nH;
    r1 = r0 + nH;
    r2 = r1 + nH;
    s0 = s1 = s2 = 0;
    for (j = 0; j < nH; j++) {
      v = aH[j];
      s0 += P[r0 + j] * v;
      s1 += P[r1 + j] * v;
      s2 += P[r2 + j] * v;
    }
    zO[k] = s0 + P[b1 + k];
    zO[k + 1] = s1 + P[b1 + k + 1];
    zO[k + 2] = s2 + P[b1 + k + 2];
  }
  for (; k < nK; k++) {
    r0 = off1 + k * nH;
    s0 = 0;
    for (j = 0; j < nH; j++) s0 += P[r0 + j] * aH[j];
    zO[k] = s0 + P[b1 + k];
  }
  // softmaxLse: the largest z's term is exp(0) = 1, not computed (unless the max is not finite)
  var mx = zO[0],
    top = 0,
    sum = 0,
    t = 0;
  for (k = 1; k < nK; k++) if (zO[k] > mx) mx = zO[(top = k)];
  if (mx - mx !== 0) top = -1;
  for (k = 0; k < nK; k++) {
    t = k === top ? 1 : Math.exp(zO[k] - mx);
    sum += t;
    aO[k] = t;
  }
  var lse = mx + Math.log(sum),
    loss = 0,
    y = 0;
  net.lse[0] = lse;
  // a = e / sum, and outputDelta (softmax + cross-entropy, one-hot y of class c)
  for (k = 0; k < nK; k++) {
    v = aO[k] = m.fround(aO[k] / sum);
    y = c === k ? 1 : 0;
    dO[k] = v - y;
    if (y !== 0) loss += y * (lse - zO[k]);
  }
  net.sampleLoss = loss;
  // isCorrect: c is the first maximal output
  var right = true;
  for (k = 0; k < nK; k++) if (k !== c && aO[k] > aO[c]) right = false;
  for (k = 0; k < c; k++) if (aO[k] === aO[c]) right = false;
  // output layer: e = W^T delta fused with the update (denseSgd: four-row groups
  // add their four terms, then single rows one term each, e rounded to float32 after each)
  var alpha = rate.alpha,
    decay = 1 - alpha * rate.lambda,
    c0 = 0,
    c1 = 0,
    c2 = 0,
    c3 = 0,
    d0 = 0,
    d1 = 0,
    d2 = 0,
    d3 = 0;
  for (j = 0; j < nH; j++) e[j] = 0;
  for (i = 0; i + 3 < nK; i += 4) {
    r0 = off1 + i * nH;
    r1 = r0 + nH;
    r2 = r1 + nH;
    r3 = r2 + nH;
    d0 = dO[i];
    d1 = dO[i + 1];
    d2 = dO[i + 2];
    d3 = dO[i + 3];
    c0 = alpha * d0;
    c1 = alpha * d1;
    c2 = alpha * d2;
    c3 = alpha * d3;
    for (j = 0; j < nH; j++) {
      v = aH[j];
      w0 = P[r0 + j];
      w1 = P[r1 + j];
      w2 = P[r2 + j];
      w3 = P[r3 + j];
      e[j] += w0 * d0 + w1 * d1 + w2 * d2 + w3 * d3;
      P[r0 + j] = w0 * decay - c0 * v;
      P[r1 + j] = w1 * decay - c1 * v;
      P[r2 + j] = w2 * decay - c2 * v;
      P[r3 + j] = w3 * decay - c3 * v;
    }
    P[b1 + i] -= c0;
    P[b1 + i + 1] -= c1;
    P[b1 + i + 2] -= c2;
    P[b1 + i + 3] -= c3;
  }
  if (nK - i === 3) {
    // three rows left (a 3-class output is nothing else): one pass, e rounded in a register as its store would
    r0 = off1 + i * nH;
    r1 = r0 + nH;
    r2 = r1 + nH;
    d0 = dO[i];
    d1 = dO[i + 1];
    d2 = dO[i + 2];
    c0 = alpha * d0;
    c1 = alpha * d1;
    c2 = alpha * d2;
    for (j = 0; j < nH; j++) {
      v = aH[j];
      w0 = P[r0 + j];
      w1 = P[r1 + j];
      w2 = P[r2 + j];
      e[j] = m.fround(m.fround(m.fround(e[j] + w0 * d0) + w1 * d1) + w2 * d2);
      P[r0 + j] = w0 * decay - c0 * v;
      P[r1 + j] = w1 * decay - c1 * v;
      P[r2 + j] = w2 * decay - c2 * v;
    }
    P[b1 + i] -= c0;
    P[b1 + i + 1] -= c1;
    P[b1 + i + 2] -= c2;
    i += 3;
  }
  for (; i < nK; i++) {
    r0 = off1 + i * nH;
    d0 = dO[i];
    c0 = alpha * d0;
    for (j = 0; j < nH; j++) {
      w0 = P[r0 + j];
      e[j] += w0 * d0;
      P[r0 + j] = w0 * decay - c0 * aH[j];
    }
    P[b1 + i] -= c0;
  }
  // delta(1) = f'(z(1)) e (hard-tanh: 1 inside (-1, 1), else 0), then
  // W <- W (1 - alpha lambda) - alpha delta a(0)^T, b <- b - alpha delta, four rows at a time
  if (!hardTanh) applyDerivative(H, e, P, null);
  for (i = 0; i + 3 < nH; i += 4) {
    if (hardTanh) {
      v = zH[i];
      dH[i] = v > -1 && v < 1 ? e[i] : 0;
      v = zH[i + 1];
      dH[i + 1] = v > -1 && v < 1 ? e[i + 1] : 0;
      v = zH[i + 2];
      dH[i + 2] = v > -1 && v < 1 ? e[i + 2] : 0;
      v = zH[i + 3];
      dH[i + 3] = v > -1 && v < 1 ? e[i + 3] : 0;
    }
    r0 = off0 + i * nI;
    r1 = r0 + nI;
    r2 = r1 + nI;
    r3 = r2 + nI;
    c0 = alpha * dH[i];
    c1 = alpha * dH[i + 1];
    c2 = alpha * dH[i + 2];
    c3 = alpha * dH[i + 3];
    if (decay === 1)
      for (j = 0; j < nI; j++) {
        v = a0[j];
        P[r0 + j] -= c0 * v;
        P[r1 + j] -= c1 * v;
        P[r2 + j] -= c2 * v;
        P[r3 + j] -= c3 * v;
      }
    else
      for (j = 0; j < nI; j++) {
        v = a0[j];
        P[r0 + j] = P[r0 + j] * decay - c0 * v;
        P[r1 + j] = P[r1 + j] * decay - c1 * v;
        P[r2 + j] = P[r2 + j] * decay - c2 * v;
        P[r3 + j] = P[r3 + j] * decay - c3 * v;
      }
    P[b0 + i] -= c0;
    P[b0 + i + 1] -= c1;
    P[b0 + i + 2] -= c2;
    P[b0 + i + 3] -= c3;
  }
  for (; i < nH; i++) {
    if (hardTanh) {
      v = zH[i];
      dH[i] = v > -1 && v < 1 ? e[i] : 0;
    }
    r0 = off0 + i * nI;
    c0 = alpha * dH[i];
    for (j = 0; j < nI; j++) P[r0 + j] = P[r0 + j] * decay - c0 * a0[j];
    P[b0 + i] -= c0;
  }
  return right;
}
