import { describe, expect, it } from "vitest";
import { ActivationName, createNetwork, standardization, train } from "../../src/core/index";
import { loadIris } from "../helpers/iris";

// The textbook's point: the error term is multiplied by f'(z) on every layer on
// its way back; logistic's f' <= 1/4, so a deep logistic network's early layers
// starve, while ReLU and hard-tanh (f' = 1 where active) pass it through.
function deltaProfile(act: ActivationName): number[] {
  const { data } = loadIris();
  const layers = Array.from({ length: 9 }, () => ({ size: 16, activation: act }));
  const net = createNetwork({ inputSize: 4, layers: [...layers, { size: 3, activation: "softmax" }] });
  const st = standardization(data);
  net.mean.set(st.mean);
  net.invStd.set(st.invStd);
  const r = train(net, data, { learningRate: 0.01, epochs: 3, seed: 1, recordDeltas: true });
  expect(r.history.every((h) => h.meanAbsDelta!.length === 10)).toBe(true);
  return r.history[0].meanAbsDelta!;
}

describe("vanishing gradients on a 10-layer network (mean |delta(l)| per layer, first epoch)", () => {
  it("logistic: the first hidden layer gets < 1e-4 of the last hidden layer's error", () => {
    const d = deltaProfile("logistic");
    expect(d[0] / d[8]).toBeLessThan(1e-4);
    // and it shrinks layer after layer on the way back
    for (let l = 0; l < 8; l++) expect(d[l]).toBeLessThan(d[l + 1]);
  });

  for (const act of ["relu", "hard-tanh"] as ActivationName[]) {
    it(`${act}: the first hidden layer keeps more than a third of it`, () => {
      const d = deltaProfile(act);
      expect(d[0] / d[8]).toBeGreaterThan(1 / 3);
    });
  }
});
