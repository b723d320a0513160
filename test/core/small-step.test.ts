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

/** the first index where a and b differ in their bits, or -1 */
function differ(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4),
    y = new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
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
          // one expect per sample (the arrays compared by hand: toEqual on every array of every sample is slow)
          const bad: string[] = [];
          if (!Object.is(loss, b.sampleLoss)) bad.push("loss " + loss + " vs " + b.sampleLoss);
          if (trainer.correct !== correct) bad.push("correct");
          if (a.lse[0] !== b.lse[0]) bad.push("lse");
          if (differ(a.params, b.params) >= 0) bad.push("params[" + differ(a.params, b.params) + "]");
          if (differ(a.input, b.input) >= 0) bad.push("a(0)");
          for (let l = 0; l < 2; l++)
            for (const f of ["z", "a", "delta"] as const)
              if (differ(a.layers[l][f], b.layers[l][f]) >= 0)
                bad.push(f + "(" + (l + 1) + ")[" + differ(a.layers[l][f], b.layers[l][f]) + "]");
          expect(bad, "sample " + s + " (row " + row + ")").toEqual([]);
        }
      });
});
