// train's cross-validated choice of lambda and the learning rate: folds that
// split every class evenly and cover each row once, a choice from the grid
// that the same seed repeats, its out-of-fold predictions (the report's
// confusion matrix without a validation split), and a learning rate that
// diverges left out.
import { describe, expect, it } from "vitest";
import { createNetwork } from "../../src/core/index";
import { folds, searchHyperparameters } from "../../host-tools/commands/train-search";
import { loadIris } from "../helpers/iris";

const { data } = loadIris();
const net = () =>
  createNetwork({
    inputSize: 4,
    layers: [
      { size: 8, activation: "hard-tanh" },
      { size: 3, activation: "softmax" },
    ],
  });

describe("folds", () => {
  it("each row in exactly one fold; each class 50/3 rows in every fold, rounded", () => {
    const parts = folds(data, 3, 7);
    expect(parts.map((p) => p.length)).toEqual([50, 50, 50]);
    expect([...parts.flatMap((p) => [...p])].sort((a, b) => a - b)).toEqual([...Array(150).keys()]);
    for (const p of parts)
      for (let c = 0; c < 3; c++) {
        const k = [...p].filter((r) => data.classes![r] === c).length;
        expect(k === 16 || k === 17).toBe(true);
      }
  });
  it("another seed, other folds", () => {
    expect([...folds(data, 3, 1)[0]]).not.toEqual([...folds(data, 3, 2)[0]]);
  });
});

describe("searchHyperparameters", () => {
  const base = { epochs: 30, seed: 3, loss: "cross-entropy" as const };
  const space = { lambdas: [1e-4, 1e-2], learningRates: [0.005, 0.02], folds: 3 };
  it("picks the grid point with the fewest cross-validated errors, the same for the same seed", () => {
    const a = searchHyperparameters(net(), data, base, space);
    expect(a.trials).toHaveLength(4);
    const fewest = Math.min(...a.trials.map((t) => t.errors));
    expect(a.errors).toBe(fewest);
    expect(a.trials).toContainEqual({ lambda: a.lambda, learningRate: a.learningRate, epochs: 30, errors: a.errors, loss: a.loss });
    expect(a.rows).toBe(150);
    expect(1 - a.errors / a.rows).toBeGreaterThan(0.85);
    expect(searchHyperparameters(net(), data, base, space)).toEqual(a);
  });
  it("the chosen setting's out-of-fold predictions: every row once, as many right as its cross-validated accuracy counts", () => {
    const a = searchHyperparameters(net(), data, base, space);
    const p = a.predictions!;
    expect(p).toHaveLength(150);
    let right = 0;
    for (let i = 0; i < 150; i++) {
      expect(p[i] >= 0 && p[i] < 3).toBe(true);
      if (p[i] === data.classes![i]) right++;
    }
    expect(right).toBe(150 - a.errors);
    // scored at the best epoch instead, there is no one set of fold models to have predicted the rows
    expect(searchHyperparameters(net(), data, base, { ...space, epochRule: "best" }).predictions).toBeNull();
  });
  it("a learning rate that diverges is left out; if all do, the error says to lower --lr", () => {
    // unbounded ReLU units, as in cli.test.ts's diverging run
    const relu = () =>
      createNetwork({
        inputSize: 4,
        layers: [
          { size: 64, activation: "relu" },
          { size: 64, activation: "relu" },
          { size: 3, activation: "softmax" },
        ],
      });
    const big = { lambdas: [0], learningRates: [0.01, 1e6], folds: 3 };
    const r = searchHyperparameters(relu(), data, { ...base, epochs: 5 }, big);
    expect(r.trials.map((t) => t.learningRate)).toEqual([0.01]);
    expect(() => searchHyperparameters(relu(), data, { ...base, epochs: 5 }, { ...big, learningRates: [1e6] })).toThrow(
      /^training diverged in epoch \d+: .* \(cross-validating: training diverged at every learning rate tried, 1000000: give a smaller --lr\)$/,
    );
  });
});
