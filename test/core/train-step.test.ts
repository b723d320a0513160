// The public training step and train()'s `order` option: the same bits as the
// loop train() ran before they existed (copied below as the reference).
import { describe, expect, it } from "vitest";
import {
  ActivationName,
  allocate,
  backward,
  createNetwork,
  createOptimizer,
  createRng,
  createTrainer,
  DataSet,
  forward,
  initialize,
  Network,
  outputDelta,
  SgdRate,
  sgdStep,
  shuffle,
  split,
  standardization,
  train,
  TrainOptions,
} from "../../src/core/index";
import { loadIris } from "../helpers/iris";

/** train()'s epoch loop as it was (no validation, no decay), with its orders recorded or given. */
function referenceLoop(net: Network, data: DataSet, o: TrainOptions, epochs: number, orders?: Int32Array[]): number[] {
  const rng = createRng(o.seed === undefined ? 1 : o.seed);
  initialize(net, rng);
  const batch = o.batchSize || 1,
    fused = batch === 1 && (o.optimizer || "sgd") === "sgd";
  const optimizer = fused ? null : createOptimizer(net, o);
  const G = allocate(net.arrayType, net.params.length),
    alpha = o.learningRate!,
    lambda = o.lambda || 0;
  const n = data.n,
    d = data.inputSize,
    order = new Int32Array(n),
    losses: number[] = [];
  for (let i = 0; i < n; i++) order[i] = i;
  const rate: SgdRate = { alpha: alpha, lambda: lambda };
  for (let epoch = 0; epoch < epochs; epoch++) {
    const rows = orders ? orders[epoch] : order;
    if (!orders) shuffle(order, n, rng);
    let total = 0,
      inBatch = 0;
    for (let s = 0; s < rows.length; s++) {
      const row = rows[s];
      forward(net, data.x, row * d);
      outputDelta(net, "cross-entropy", data, row, G);
      total += net.sampleLoss;
      if (fused) sgdStep(net, rate, G);
      else {
        backward(net, G);
        if (++inBatch === batch || s === rows.length - 1) {
          optimizer!.step(G, inBatch, alpha, lambda);
          inBatch = 0;
        }
      }
    }
    losses.push(total / rows.length);
  }
  return losses;
}

function irisNet(act: ActivationName): { net: Network; data: DataSet } {
  const { data } = loadIris();
  const { train: tr } = split(data, 0.2, 1);
  const net = createNetwork({
    inputSize: 4,
    layers: [
      { size: 16, activation: act },
      { size: 3, activation: "softmax" },
    ],
  });
  const st = standardization(tr);
  net.mean.set(st.mean);
  net.invStd.set(st.invStd);
  return { net, data: tr };
}

const bits = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

const CASES: [string, ActivationName, TrainOptions][] = [
  ["per-sample SGD (the fused path), L2", "tanh", { learningRate: 0.05, lambda: 1e-3, seed: 4 }],
  ["PReLU (the scratch gradient's only user)", "prelu", { learningRate: 0.05, seed: 5 }],
  ["Adam, batches of 7 (a partial batch at each epoch's end)", "relu", { learningRate: 0.01, batchSize: 7, optimizer: "adam", seed: 6 }],
  ["momentum, batch 1", "hard-tanh", { learningRate: 0.01, optimizer: "momentum", lambda: 1e-4, seed: 7 }],
];

describe("train() drives the public Trainer with the same bits as the loop it replaced", () => {
  for (const [what, act, o] of CASES) {
    it(what, () => {
      const a = irisNet(act),
        b = irisNet(act);
      const want = referenceLoop(a.net, a.data, o, 6);
      const r = train(b.net, b.data, { ...o, epochs: 6 });
      expect(bits(b.net.params)).toBe(bits(a.net.params));
      expect(r.history.map((h) => h.trainLoss)).toEqual(want);
    });
  }
});

describe("train()'s order option", () => {
  it("trains on the given rows in the given order, the same bits as the reference loop over them", () => {
    const rng = createRng(11);
    const orders: Int32Array[] = [];
    for (let e = 0; e < 4; e++) {
      // a subset with repeats: any rows, any order
      const o = new Int32Array(90);
      for (let i = 0; i < o.length; i++) o[i] = rng.int(120);
      orders.push(o);
    }
    for (const [, act, o] of CASES) {
      const a = irisNet(act),
        b = irisNet(act);
      const want = referenceLoop(a.net, a.data, o, 4, orders);
      const r = train(b.net, b.data, { ...o, epochs: 4, order: (e) => orders[e] });
      expect(bits(b.net.params)).toBe(bits(a.net.params));
      expect(r.history.map((h) => h.trainLoss)).toEqual(want);
    }
  });

  it("a caller's own loop over createTrainer equals train() with that order", () => {
    const orders = [0, 1, 2].map((e) => {
      const o = new Int32Array(120);
      for (let i = 0; i < 120; i++) o[i] = (i * 7 + e) % 120;
      return o;
    });
    const a = irisNet("relu"),
      b = irisNet("relu");
    const o: TrainOptions = { learningRate: 0.02, batchSize: 5, optimizer: "adam", seed: 2 };
    train(a.net, a.data, { ...o, epochs: 3, order: (e) => orders[e] });
    initialize(b.net, createRng(2));
    const t = createTrainer(b.net, b.data, o);
    for (const order of orders) {
      for (const row of order) t.step(row);
      t.flush();
    }
    expect(bits(b.net.params)).toBe(bits(a.net.params));
  });

  it("rejects an order with no rows or a row that is not in the data, saying which", () => {
    const a = irisNet("relu");
    expect(() => train(a.net, a.data, { epochs: 2, order: () => [] })).toThrow("order(0) gave no rows: an epoch needs at least one");
    expect(() => train(a.net, a.data, { epochs: 2, order: (e) => (e ? [0, 120] : [1]) })).toThrow(
      "order(1)[1] is 120: expected a row index 0..119",
    );
    expect(() => train(a.net, a.data, { epochs: 1, order: () => [0.5] })).toThrow("order(0)[0] is 0.5");
  });
});
