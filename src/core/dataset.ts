// A data set as flat typed arrays (row-major), so training walks memory
// without a per-sample object: x is n x inputSize; the target is either a class
// index per row (classification) or n x targetSize values (regression, or soft
// targets).

import { createRng, shuffle } from "./rng";

import { FloatArray } from "./types";

export interface DataSet {
  n: number;
  inputSize: number;
  x: FloatArray;
  /** class index per row, 0..numClasses-1 (classification) */
  classes?: Int32Array;
  numClasses?: number;
  /** n x targetSize target values (regression) */
  targets?: FloatArray;
  targetSize?: number;
}

export function classificationSet(x: ArrayLike<number>[], classes: ArrayLike<number>, numClasses?: number): DataSet {
  var n = x.length,
    d = n > 0 ? x[0].length : 0;
  var flat = new Float32Array(n * d),
    c = new Int32Array(n),
    k = 0;
  for (var i = 0; i < n; i++) {
    if (x[i].length !== d) throw new Error("row " + i + " has " + x[i].length + " features, expected " + d);
    for (var j = 0; j < d; j++) flat[i * d + j] = x[i][j];
    c[i] = classes[i];
    if (c[i] + 1 > k) k = c[i] + 1;
  }
  return { n: n, inputSize: d, x: flat, classes: c, numClasses: numClasses || k };
}

export function regressionSet(x: ArrayLike<number>[], y: ArrayLike<number>[]): DataSet {
  var n = x.length,
    d = n > 0 ? x[0].length : 0,
    k = n > 0 ? y[0].length : 0;
  var fx = new Float32Array(n * d),
    fy = new Float32Array(n * k);
  for (var i = 0; i < n; i++) {
    for (var j = 0; j < d; j++) fx[i * d + j] = x[i][j];
    for (var t = 0; t < k; t++) fy[i * k + t] = y[i][t];
  }
  return { n: n, inputSize: d, x: fx, targets: fy, targetSize: k };
}

/** The rows listed in idx, copied into a new data set. */
export function subset(data: DataSet, idx: ArrayLike<number>): DataSet {
  var n = idx.length,
    d = data.inputSize;
  var x = new Float32Array(n * d);
  for (var i = 0; i < n; i++) for (var j = 0; j < d; j++) x[i * d + j] = data.x[idx[i] * d + j];
  var out: DataSet = { n: n, inputSize: d, x: x };
  if (data.classes) {
    out.classes = new Int32Array(n);
    for (i = 0; i < n; i++) out.classes[i] = data.classes[idx[i]];
    out.numClasses = data.numClasses;
  }
  if (data.targets) {
    var k = data.targetSize || 0;
    out.targets = new Float32Array(n * k);
    for (i = 0; i < n; i++) for (var t = 0; t < k; t++) out.targets[i * k + t] = data.targets[idx[i] * k + t];
    out.targetSize = k;
  }
  return out;
}

/** A seeded random split: the first part gets round(n * (1 - fraction)) rows. */
export function split(data: DataSet, fraction: number, seed: number): { train: DataSet; test: DataSet } {
  var order = new Int32Array(data.n);
  for (var i = 0; i < data.n; i++) order[i] = i;
  shuffle(order, data.n, createRng(seed));
  var nTest = Math.round(data.n * fraction);
  return { train: subset(data, order.subarray(nTest)), test: subset(data, order.subarray(0, nTest)) };
}

/** Per-feature mean and 1/std (population std; 1 where a feature is constant),
 * to be stored in the model so raw values go in. */
export function standardization(data: DataSet): { mean: Float64Array; invStd: Float64Array } {
  var d = data.inputSize,
    n = data.n;
  var mean = new Float64Array(d),
    invStd = new Float64Array(d);
  for (var j = 0; j < d; j++) {
    var s = 0;
    for (var i = 0; i < n; i++) s += data.x[i * d + j];
    var m = n > 0 ? s / n : 0,
      v = 0;
    for (i = 0; i < n; i++) {
      var t = data.x[i * d + j] - m;
      v += t * t;
    }
    var sd = n > 0 ? Math.sqrt(v / n) : 0;
    mean[j] = m;
    invStd[j] = sd > 1e-12 ? 1 / sd : 1;
  }
  return { mean: mean, invStd: invStd };
}
