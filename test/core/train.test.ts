import { describe, expect, it } from "vitest";
import {
  ActivationName,
  classificationSet,
  createNetwork,
  createRng,
  evaluate,
  forward,
  initialize,
  Network,
  outputDelta,
  regressionSet,
  sgdStep,
  split,
  standardization,
  train,
  TrainOptions,
} from "../../src/core/index";
import { backpropGradient } from "../../src/core/check/index";
import { loadIris } from "../helpers/iris";

const XOR = classificationSet(
  [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ],
  [0, 1, 1, 0],
);

function net(inputSize: number, layers: [number, ActivationName][], arrayType?: "float64"): Network {
  return createNetwork({ inputSize, arrayType, layers: layers.map(([size, activation]) => ({ size, activation })) });
}

function irisRun(act: ActivationName, splitSeed: number, extra?: TrainOptions) {
  const { data } = loadIris();
  const { train: tr, test } = split(data, 0.2, splitSeed);
  const inner = split(tr, 0.2, splitSeed + 100);
  const n = net(4, [
    [16, act],
    [3, "softmax"],
  ]);
  const st = standardization(inner.train);
  n.mean.set(st.mean);
  n.invStd.set(st.invStd);
  const result = train(n, inner.train, { learningRate: 0.05, epochs: 500, patience: 50, validation: inner.test, seed: 1, ...extra });
  return { net: n, result, test: evaluate(n, test, "cross-entropy") };
}

describe("learning", () => {
  const families: ActivationName[] = ["logistic", "tanh", "hard-logistic", "hard-tanh", "relu", "leaky-relu", "prelu", "elu", "softplus"];
  for (const act of families) {
    it(`a 2-4-1 network with ${act} hidden units learns XOR`, () => {
      const n = net(2, [
        [4, act],
        [1, "logistic"],
      ]);
      // XOR has no validation set of its own: train until the loss is small.
      train(n, XOR, { learningRate: 0.5, epochs: 3000, seed: 3 });
      expect(evaluate(n, XOR, "cross-entropy").accuracy).toBe(1);
    });
  }

  for (const act of ["hard-tanh", "relu"] as ActivationName[]) {
    it(`iris (fixed seeded 80/20 split) reaches >= 95% test accuracy with a ${act} hidden layer`, () => {
      const { test } = irisRun(act, 1);
      expect(test.accuracy).toBeGreaterThanOrEqual(0.95);
    });
  }

  it("iris with hard-tanh averages >= 95% over ten different splits (not a lucky seed)", () => {
    let sum = 0;
    for (let s = 1; s <= 10; s++) sum += irisRun("hard-tanh", s).test.accuracy;
    expect(sum / 10).toBeGreaterThanOrEqual(0.95);
  });

  for (const extra of [
    { optimizer: "sgd", batchSize: 8 },
    { optimizer: "momentum", batchSize: 8, learningRate: 0.02 },
    { optimizer: "adam", batchSize: 8, learningRate: 0.01 },
    { lrDecay: 0.05 },
  ] as TrainOptions[]) {
    it(`iris also learns with ${JSON.stringify(extra)}`, () => {
      const { test } = irisRun("tanh", 1, extra);
      expect(test.accuracy).toBeGreaterThanOrEqual(0.9);
    });
  }

  it("regression: a linear output with squared error fits y = 2 x0 - x1", () => {
    const rng = createRng(4);
    const xs = Array.from({ length: 200 }, () => [rng.normal(), rng.normal()]);
    const data = regressionSet(
      xs,
      xs.map(([a, b]) => [2 * a - b]),
    );
    const n = net(2, [
      [8, "tanh"],
      [1, "linear"],
    ]);
    const r = train(n, data, { learningRate: 0.01, epochs: 100, seed: 2 });
    expect(r.loss).toBe("squared-error");
    expect(evaluate(n, data, "squared-error").loss).toBeLessThan(0.01);
  });
});

describe("the textbook's update rule", () => {
  it("one fused SGD step equals W - alpha (dL/dW + lambda W), b - alpha dL/db (float64)", () => {
    const acts: ActivationName[] = ["prelu", "elu", "softmax"];
    const n = net(
      3,
      [
        [9, acts[0]],
        [6, acts[1]],
        [4, acts[2]],
      ],
      "float64",
    );
    initialize(n, createRng(9));
    const rng = createRng(10);
    const data = classificationSet([[rng.normal(), rng.normal(), rng.normal()]], [2], 4);
    const alpha = 0.1,
      lambda = 0.03;
    const expected = Float64Array.from(n.params);
    const g = backpropGradient(n, data, [0], "cross-entropy", lambda);
    for (let k = 0; k < g.length; k++) expected[k] -= alpha * g[k];
    const scratch = new Float64Array(n.params.length);
    forward(n, data.x, 0);
    outputDelta(n, "cross-entropy", data, 0, scratch);
    sgdStep(n, { alpha, lambda }, scratch);
    for (let k = 0; k < g.length; k++) expect(n.params[k]).toBeCloseTo(expected[k], 13);
    expect(Array.from(scratch).every((v) => v === 0)).toBe(true);
  });

  it("refuses the step activation for gradient training, with a clear error", () => {
    const n = net(2, [
      [4, "step"],
      [1, "logistic"],
    ]);
    expect(() => train(n, XOR)).toThrow(/layer 1 uses the step activation.*gradient training cannot learn through it/);
  });

  it("a hand-set network of step (McCulloch-Pitts) neurons computes XOR", () => {
    const n = net(2, [
      [2, "step"],
      [1, "step"],
    ]);
    // h1 = x0 OR x1, h2 = x0 AND x1, y = h1 AND NOT h2
    n.layers[0].W.set([1, 1, 1, 1]);
    n.layers[0].b.set([-0.5, -1.5]);
    n.layers[1].W.set([1, -1]);
    n.layers[1].b.set([-0.5]);
    const out = [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ].map((x) => forward(n, x)[0]);
    expect(out).toEqual([0, 1, 1, 0]);
  });
});

describe("reproducibility and early stopping", () => {
  it("the same seed gives the same weights, bit for bit; another seed does not", () => {
    const a = irisRun("relu", 3).net.params;
    const b = irisRun("relu", 3).net.params;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const c = irisRun("relu", 3, { seed: 2 }).net.params;
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it("restores the best epoch's weights when the validation error rises", () => {
    // Validation = the training rows with their labels flipped: the better the
    // network fits, the worse it does there, so the validation error rises.
    const { data } = loadIris();
    const { train: tr } = split(data, 0.2, 1);
    const flipped = { ...tr, classes: tr.classes!.map((c) => (c + 1) % 3) };
    const n = net(4, [
      [8, "tanh"],
      [3, "softmax"],
    ]);
    const snapshots: Float32Array[] = [];
    const r = train(n, tr, {
      learningRate: 0.05,
      epochs: 60,
      patience: 5,
      validation: flipped,
      seed: 1,
      onEpoch: () => {
        snapshots.push(Float32Array.from(n.params));
      },
    });
    const acc = r.history.map((h) => h.valAccuracy);
    expect(r.stoppedEarly).toBe(true);
    expect(r.history.length).toBe(r.bestEpoch + 5);
    expect(Math.max(...acc.slice(r.bestEpoch))).toBeLessThanOrEqual(acc[r.bestEpoch - 1]);
    expect(acc[acc.length - 1]).toBeLessThan(acc[r.bestEpoch - 1]);
    expect(Array.from(n.params)).toEqual(Array.from(snapshots[r.bestEpoch - 1]));
    expect(Array.from(n.params)).not.toEqual(Array.from(snapshots[snapshots.length - 1]));
  });

  it("a diverging run stops with a clear error and keeps finite weights", () => {
    const rng = createRng(4);
    const xs = Array.from({ length: 50 }, () => [10 * rng.normal(), 10 * rng.normal()]);
    const data = regressionSet(
      xs,
      xs.map(([a]) => [1000 * a]),
    );
    const n = net(2, [
      [8, "relu"],
      [1, "linear"],
    ]);
    expect(() => train(n, data, { learningRate: 10, epochs: 50, seed: 1 })).toThrow(
      /training diverged in epoch \d+: the loss became (NaN|Infinity)\. Lower the learning rate \(now 10\)/,
    );
    expect(Array.from(n.params).every(Number.isFinite)).toBe(true);
  });

  it("rejects bad options and mismatched data with messages that say what to fix", () => {
    const n = net(4, [
      [3, "relu"],
      [3, "softmax"],
    ]);
    expect(() => train(n, XOR)).toThrow("data has 2 features but the network takes 4");
    const n2 = net(2, [
      [3, "relu"],
      [2, "softmax"],
    ]);
    expect(() => train(n2, classificationSet([[0, 0]], [4]))).toThrow("data has 5 classes but the network has 2 outputs");
    expect(() => train(n2, XOR, { learningRate: -1 })).toThrow("learning rate must be a positive number, got -1");
    expect(() => train(n2, XOR, { optimizer: "rmsprop" as never, batchSize: 2 })).toThrow(/unknown optimizer "rmsprop"/);
    expect(() => train(n2, XOR, { loss: "squared-error" })).toThrow(/softmax outputs are trained with cross-entropy/);
  });
});
