import { describe, expect, it } from "vitest";
import {
  ActivationName,
  classificationSet,
  createNetwork,
  createRng,
  DataSet,
  initialize,
  LossName,
  Network,
  regressionSet,
} from "../../src/core/index";
import { backpropGradient, maxRelativeError, numericalGradient, risk, worstBlockError } from "../../src/core/check/index";
import { graphGradient } from "../helpers/graph-network";

const HIDDEN: ActivationName[] = [
  "linear",
  "logistic",
  "tanh",
  "hard-logistic",
  "hard-tanh",
  "relu",
  "leaky-relu",
  "prelu",
  "elu",
  "softplus",
];

function randomNet(sizes: number[], acts: ActivationName[], seed: number): Network {
  const net = createNetwork({
    inputSize: sizes[0],
    arrayType: "float64",
    layers: acts.map((activation, i) => ({ size: sizes[i + 1], activation })),
  });
  const rng = createRng(seed);
  initialize(net, rng);
  // non-zero biases and gammas, a non-trivial normalization: every parameter matters
  for (const L of net.layers) {
    for (let i = 0; i < L.nOut; i++) net.params[L.bOff + i] = 0.3 * rng.normal();
    if (L.pOff >= 0) for (let i = 0; i < L.nOut; i++) net.params[L.pOff + i] = 0.1 + 0.3 * rng.float();
  }
  for (let j = 0; j < net.inputSize; j++) {
    net.mean[j] = rng.normal();
    net.invStd[j] = 0.5 + rng.float();
  }
  return net;
}

function randomData(d: number, n: number, k: number, seed: number, regression: boolean): DataSet {
  const rng = createRng(seed);
  const xs = Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * rng.normal()));
  if (regression)
    return regressionSet(
      xs,
      Array.from({ length: n }, () => Array.from({ length: k }, () => rng.normal())),
    );
  return classificationSet(
    xs,
    Array.from({ length: n }, () => rng.int(k)),
    k,
  );
}

/** numErr: the worst normwise relative error of any parameter block (a layer's
 * W, b or gammas) against central differences (h = 1e-5); adErr: the worst
 * per-component relative error against reverse-mode AD, which is exact up to
 * rounding and so can be held to a far tighter bound. */
function check(net: Network, data: DataSet, loss: LossName, lambda: number) {
  const rows = Array.from({ length: data.n }, (_, i) => i);
  const bp = backpropGradient(net, data, rows, loss, lambda);
  const num = numericalGradient(net, data, rows, loss, lambda, 1e-5);
  const ad = graphGradient(net, data, rows, loss, lambda);
  return { bp, num, ad, numErr: worstBlockError(net, bp, num).error, adErr: maxRelativeError(bp, ad, 1e-12) };
}

describe("backpropagation against the gradient checker and the autodiff oracle (float64)", () => {
  for (const act of HIDDEN) {
    it(`${act} hidden layers, softmax + cross-entropy, L2 included`, () => {
      const net = randomNet([4, 6, 5, 3], [act, act, "softmax"], 11);
      const data = randomData(4, 3, 3, 12, false);
      const r = check(net, data, "cross-entropy", 0.01);
      expect(r.numErr).toBeLessThan(1e-6);
      expect(r.adErr).toBeLessThan(1e-9);
    });
  }

  it("every layer's gradient is non-trivial (the check is not vacuous)", () => {
    const net = randomNet([4, 6, 5, 3], ["tanh", "elu", "softmax"], 11);
    const data = randomData(4, 3, 3, 12, false);
    const { bp } = check(net, data, "cross-entropy", 0.01);
    for (const L of net.layers) {
      const w = bp.subarray(L.wOff, L.bOff);
      expect(Math.max(...Array.from(w, Math.abs))).toBeGreaterThan(1e-3);
    }
  });

  it("PReLU's learned gammas get the right gradient d/dgamma_i = e_i min(0, z_i)", () => {
    const net = randomNet([3, 7, 2], ["prelu", "softmax"], 5);
    const data = randomData(3, 6, 2, 6, false);
    const r = check(net, data, "cross-entropy", 0);
    const L = net.layers[0];
    const g = r.bp.subarray(L.pOff, L.pOff + L.nOut);
    expect(Math.max(...Array.from(g, Math.abs))).toBeGreaterThan(1e-3);
    expect(r.numErr).toBeLessThan(1e-6);
    expect(r.adErr).toBeLessThan(1e-9);
  });

  it("logistic output + binary cross-entropy, one output", () => {
    const net = randomNet([2, 4, 1], ["tanh", "logistic"], 8);
    const data = randomData(2, 4, 2, 9, false);
    const r = check(net, data, "cross-entropy", 0.1);
    expect(r.numErr).toBeLessThan(1e-6);
    expect(r.adErr).toBeLessThan(1e-9);
  });

  for (const out of ["linear", "prelu", "logistic", "softplus"] as ActivationName[]) {
    it(`${out} output + squared error (regression)`, () => {
      const net = randomNet([3, 5, 2], ["hard-tanh", out], 21);
      const data = randomData(3, 4, 2, 22, true);
      const r = check(net, data, "squared-error", 0.05);
      expect(r.numErr).toBeLessThan(1e-6);
      expect(r.adErr).toBeLessThan(1e-9);
    });
  }

  it("a deep mixed network: every activation in one stack", () => {
    const acts: ActivationName[] = ["elu", "tanh", "prelu", "softplus", "leaky-relu", "logistic", "softmax"];
    const net = randomNet([5, 6, 6, 6, 6, 6, 6, 4], acts, 31);
    const data = randomData(5, 3, 4, 32, false);
    const r = check(net, data, "cross-entropy", 0.001);
    expect(r.numErr).toBeLessThan(1e-6);
    expect(r.adErr).toBeLessThan(1e-9);
  });

  it("the risk is the mean loss plus (1/2) lambda ||W||_F^2", () => {
    const net = randomNet([2, 3, 2], ["relu", "softmax"], 1);
    const data = randomData(2, 2, 2, 2, false);
    let w2 = 0;
    for (const L of net.layers) for (let k = L.wOff; k < L.bOff; k++) w2 += net.params[k] ** 2;
    expect(risk(net, data, [0, 1], "cross-entropy", 0.2) - risk(net, data, [0, 1], "cross-entropy", 0)).toBeCloseTo(0.1 * w2, 12);
  });
});
