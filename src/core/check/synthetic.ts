// Seeded synthetic data, so tests, demos and benchmarks are repeatable and
// nothing is downloaded.

import { classificationSet, DataSet } from "../dataset";
import { createRng } from "../rng";

export interface ClusterOptions {
  /** features (default 64) */
  inputSize?: number;
  /** classes (default 10) */
  classes?: number;
  /** centres are N(0, spread^2 I), samples centre + N(0, I) (default 0.5: the classes overlap a little) */
  spread?: number;
  seed?: number;
}

/** k Gaussian clusters in d dimensions; train and test drawn from the same centres. */
export function gaussianClusters(nTrain: number, nTest: number, o?: ClusterOptions): { train: DataSet; test: DataSet } {
  o = o || {};
  var d = o.inputSize || 64,
    k = o.classes || 10,
    spread = o.spread === undefined ? 0.5 : o.spread;
  var rng = createRng(o.seed === undefined ? 3 : o.seed);
  var centres: number[][] = [];
  for (var c = 0; c < k; c++) {
    var m: number[] = [];
    for (var j = 0; j < d; j++) m.push(rng.normal() * spread);
    centres.push(m);
  }
  function draw(n: number): DataSet {
    var xs: number[][] = [],
      ys: number[] = [];
    for (var i = 0; i < n; i++) {
      var y = rng.int(k),
        x: number[] = [];
      for (var j = 0; j < d; j++) x.push(centres[y][j] + rng.normal());
      xs.push(x);
      ys.push(y);
    }
    return classificationSet(xs, ys, k);
  }
  var train = draw(nTrain);
  return { train: train, test: draw(nTest) };
}
