// The fast kernels against the plain ones they replaced, bit for bit. The
// reference kernels below are verbatim copies of the code before the speed
// work of issue 16 (the fused SGD step with its always-applied weight-decay
// factor and per-weight test of e, and softmax with one exp per output), so a
// later "optimisation" that moves a bit fails here, not in a user's model.
/* eslint-disable no-var, no-useless-assignment -- the reference kernels are verbatim copies of the old ES5-style code */
import { describe, expect, it } from "vitest";
import {
  ActivationName,
  applyDerivative,
  createNetwork,
  createRng,
  DataSet,
  FloatArray,
  forward,
  initialize,
  Layer,
  Network,
  classificationSet,
  outputDelta,
  SgdRate,
  sgdStep,
  softmax,
  softmaxLse,
} from "../../src/core/index";

type Buf = Float32Array | Float64Array;

function zero(v: FloatArray, n: number): void {
  for (var i = 0; i < n; i++) v[i] = 0;
}

/** One layer's fused update: e = W^T delta (old W), then W <- W (1 - alpha lambda) - alpha delta a^T, b <- b - alpha delta. */
function oldDenseSgd(P: FloatArray, L: Layer, ain: FloatArray, e: FloatArray | null, rate: SgdRate): void {
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
    var c0 = alpha * d0,
      c1 = alpha * d1,
      c2 = alpha * d2,
      c3 = alpha * d3;
    if (e) {
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
  for (; i < nOut; i++) {
    var r = L.wOff + i * nIn,
      d = delta[i],
      c = alpha * d;
    for (j = 0; j < nIn; j++) {
      w0 = P[r + j];
      if (e) e[j] += w0 * d;
      P[r + j] = w0 * decay - c * ain[j];
    }
    P[bOff + i] -= c;
  }
}

/** The textbook's per-sample SGD step, after forward() and outputDelta().
 * Gp is a scratch gradient buffer (the network's size): only its PReLU entries
 * are used, and they are left at zero. */
function oldSgdStep(net: Network, rate: SgdRate, Gp: FloatArray): void {
  var P = net.params,
    layers = net.layers,
    e = net.scratch,
    alpha = rate.alpha;
  for (var l = layers.length - 1; l >= 0; l--) {
    var L = layers[l];
    if (l === 0) {
      oldDenseSgd(P, L, net.input, null, rate);
      break;
    }
    var below = layers[l - 1];
    oldDenseSgd(P, L, below.a, e, rate);
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

function oldSoftmax(z: Buf, a: Buf, n: number, lse?: Buf | null): void {
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

const bits = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

/** a classification set of n rows of d standard-normal features */
function randomSet(n: number, d: number, k: number, seed: number): DataSet {
  const rng = createRng(seed),
    x: number[][] = [],
    y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < d; j++) row.push(rng.normal());
    x.push(row);
    y.push(rng.int(k));
  }
  return classificationSet(x, y, k);
}

function twin(sizes: number[], act: ActivationName, kind: "float32" | "float64", seed: number): [Network, Network] {
  const spec = {
    inputSize: sizes[0],
    arrayType: kind,
    layers: sizes.slice(1).map((s, i) => ({ size: s, activation: (i === sizes.length - 2 ? "softmax" : act) as ActivationName })),
  };
  const a = createNetwork(spec),
    b = createNetwork(spec);
  initialize(a, createRng(seed));
  b.params.set(a.params);
  return [a, b];
}

describe("the per-sample SGD step equals the old kernel bit for bit", () => {
  // shapes whose layers are and are not multiples of four rows; lambda 0 takes the loops without the decay factor
  const SHAPES = [
    [4, 16, 3],
    [5, 7, 6, 3],
    [64, 64, 32, 10],
    [3, 1, 2],
  ];
  for (const sizes of SHAPES)
    for (const act of ["hard-tanh", "relu", "tanh", "prelu"] as ActivationName[])
      for (const lambda of [0, 1e-3])
        for (const kind of ["float32", "float64"] as const)
          it(sizes.join("-") + " " + act + ", lambda " + lambda + ", " + kind, () => {
            const [a, b] = twin(sizes, act, kind, sizes.length + sizes[1]);
            const data = randomSet(40, sizes[0], sizes[sizes.length - 1], 7);
            const Ga = new (kind === "float32" ? Float32Array : Float64Array)(a.params.length);
            const Gb = new (kind === "float32" ? Float32Array : Float64Array)(a.params.length);
            const rate: SgdRate = { alpha: 0.05, lambda: lambda };
            for (let s = 0; s < 120; s++) {
              const row = (s * 17) % data.n;
              forward(a, data.x, row * data.inputSize);
              outputDelta(a, "cross-entropy", data, row, Ga);
              oldSgdStep(a, rate, Ga);
              forward(b, data.x, row * data.inputSize);
              outputDelta(b, "cross-entropy", data, row, Gb);
              sgdStep(b, rate, Gb);
              expect(b.sampleLoss).toBe(a.sampleLoss);
            }
            expect(bits(b.params)).toBe(bits(a.params));
          });
});

describe("softmax and softmaxLse equal the old kernel bit for bit", () => {
  it("on random vectors, ties, and infinite and NaN entries", () => {
    const rng = createRng(3),
      cases: number[][] = [
        [0],
        [1, 1, 1],
        [2, 5, 5],
        [-Infinity, 0, 1],
        [Infinity, 0],
        [Infinity, Infinity],
        [NaN, 1, 2],
        [1, NaN, 2],
        [-Infinity, -Infinity],
        [1e308, -1e308, 3],
        [-0, 0],
      ];
    for (let t = 0; t < 200; t++) {
      const v: number[] = [];
      for (let i = 0, n = 1 + rng.int(12); i < n; i++) v.push(rng.normal() * (t % 4 === 0 ? 50 : 3));
      cases.push(v);
    }
    for (const v of cases)
      for (const Kind of [Float32Array, Float64Array]) {
        const z = Kind.from(v),
          a1 = new Kind(v.length),
          a2 = new Kind(v.length),
          l1 = new Kind(1),
          l2 = new Kind(1);
        oldSoftmax(z, a1, v.length, l1);
        softmaxLse(z, a2, v.length, l2);
        expect(bits(a2) + " " + bits(l2), String(v)).toBe(bits(a1) + " " + bits(l1));
        softmax(z, a2, v.length, l2);
        expect(bits(a2) + " " + bits(l2), String(v)).toBe(bits(a1) + " " + bits(l1));
      }
  });
});
