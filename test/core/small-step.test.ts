// The fused step of a one-hidden-layer softmax classifier (src/core/small-step.ts,
// which createTrainer's step runs for such nets on the host) against the
// general step it replaces, written out below from the exported pieces: the same
// bits for every parameter, every layer's z, a and delta, the loss and `correct`,
// sample after sample, over shapes that take each of its branches.
import { describe, expect, it } from "vitest";
import {
  ActivationName,
  allocate,
  classificationSet,
  createNetwork,
  createRng,
  createTrainer,
  DataSet,
  forward,
  initialize,
  isCorrect,
  Network,
  outputDelta,
  SgdRate,
  sgdStep,
} from "../../src/core/index";

function bits(v: Float32Array | Float64Array): Uint32Array {
  return new Uint32Array(v.buffer, v.byteOffset, v.byteLength / 4);
}

/** n random rows of d features (some far out, so hard-tanh saturates both ways) and k classes */
function data(n: number, d: number, k: number, seed: number): DataSet {
  const rng = createRng(seed),
    x: number[][] = [],
    c: number[] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let j = 0; j < d; j++) row.push((rng.float() - 0.5) * (i % 7 === 0 ? 40 : 4));
    x.push(row);
    c.push(i % k);
  }
  return classificationSet(x, c, k);
}

function pair(d: number, h: number, k: number, act: ActivationName): [Network, Network] {
  const spec = {
    inputSize: d,
    layers: [
      { size: h, activation: act },
      { size: k, activation: "softmax" as ActivationName },
    ],
  };
  const a = createNetwork(spec),
    b = createNetwork(spec);
  initialize(a, createRng(7));
  // a wider spread than the initialization's, so some hidden units leave (-1, 1)
  for (let i = 0; i < a.params.length; i++) a.params[i] *= 3;
  b.params.set(a.params);
  for (let j = 0; j < d; j++) {
    a.mean[j] = b.mean[j] = 0.25 * j;
    a.invStd[j] = b.invStd[j] = 1 + 0.125 * j;
  }
  return [a, b];
}

const SHAPES: [number, number, number, ActivationName][] = [
  [4, 16, 3, "hard-tanh"], // iris
  [4, 13, 3, "hard-tanh"], // a hidden width that leaves one row after the groups of four
  [5, 6, 7, "hard-tanh"], // a group of four output rows, then three
  [3, 9, 2, "hard-tanh"], // two output rows
  [6, 8, 4, "hard-tanh"], // one group of four output rows
  [4, 16, 3, "tanh"],
  [4, 10, 5, "relu"],
  [4, 16, 3, "logistic"],
  [4, 7, 3, "leaky-relu"],
];

describe("the fused small-net step", () => {
  for (const [d, h, k, act] of SHAPES)
    for (const lambda of [0, 0.01])
      it(`${d}-${h}-${k} ${act}, lambda ${lambda}: the bits of the general step`, () => {
        const ds = data(60, d, k, d * 100 + h),
          [a, b] = pair(d, h, k, act);
        const trainer = createTrainer(a, ds, { learningRate: 0.05, lambda: lambda });
        const G = allocate("float32", b.params.length),
          rate: SgdRate = { alpha: 0.05, lambda: lambda };
        for (let s = 0; s < 300; s++) {
          const row = (s * 37) % ds.n;
          // a learning-rate schedule: the step must read it each time
          if (s === 150) trainer.learningRate = rate.alpha = 0.02;
          const loss = trainer.step(row);
          forward(b, ds.x, row * d);
          const correct = isCorrect(b, ds, row);
          outputDelta(b, "cross-entropy", ds, row, G);
          sgdStep(b, rate, G);
          expect(Object.is(loss, b.sampleLoss)).toBe(true);
          expect(trainer.correct).toBe(correct);
          expect(bits(a.params)).toEqual(bits(b.params));
          expect(bits(a.input)).toEqual(bits(b.input));
          expect(a.lse[0]).toBe(b.lse[0]);
          for (let l = 0; l < 2; l++) {
            expect(bits(a.layers[l].z)).toEqual(bits(b.layers[l].z));
            expect(bits(a.layers[l].a)).toEqual(bits(b.layers[l].a));
            expect(bits(a.layers[l].delta)).toEqual(bits(b.layers[l].delta));
          }
        }
      });
});
