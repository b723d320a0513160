// The two benchmark problems, built identically in every worker process from
// fixed seeds: data, split, standardization, initial weights and the per-epoch
// sample order. Every library gets the same numbers; the fingerprint lets the
// runner check that no process saw anything different.

import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import * as core from "../src/core/index";
import { gaussianClusters } from "../src/core/check/index";

export type ProblemName = "iris" | "iris-ht" | "synthetic";
export var PROBLEMS: ProblemName[] = ["iris", "iris-ht", "synthetic"];

export interface LayerShape {
  nIn: number;
  nOut: number;
  /** offsets into the edgefnn parameter layout (W row-major nOut x nIn, then b) */
  wOff: number;
  bOff: number;
  activation: core.ActivationName;
}

export interface Problem {
  name: ProblemName;
  title: string;
  spec: core.NetworkSpec;
  shapes: LayerShape[];
  learningRate: number;
  epochs: number;
  numClasses: number;
  /** raw features: edgefnn standardizes inside the model (net.mean / net.invStd) */
  train: core.DataSet;
  test: core.DataSet;
  /** float32, exactly what edgefnn stores in the model */
  mean: Float32Array;
  invStd: Float32Array;
  /** standardized rows for the peers, bit-identical to edgefnn's a(0) */
  trainStd: Float32Array;
  testStd: Float32Array;
  /** one-hot targets of the training rows, n x numClasses */
  trainOneHot: Float32Array;
  /** initial parameters in edgefnn's layout; the peers copy them (biases are 0) */
  init: Float32Array;
  /** one shuffled order of the training rows per epoch */
  orders: Int32Array[];
  fingerprint: string;
}

// Distinct seeds per purpose, so changing one thing does not move the others.
var SEED_INIT = 1,
  SEED_ORDER = 2,
  SEED_DATA = 3;

var ROOT = new URL("../", import.meta.url);

function loadIris(): core.DataSet {
  var text = readFileSync(new URL("examples/data/iris.csv", ROOT), "utf8");
  var rows: Record<string, string>[] = parse(text, { columns: true, skip_empty_lines: true, trim: true });
  var featureNames = Object.keys(rows[0]).filter(function (c) {
    return c !== "species";
  });
  // Sorted label names: class indices do not depend on row order.
  var labels = Array.from(
    new Set(
      rows.map(function (r) {
        return r.species;
      }),
    ),
  ).sort();
  return core.classificationSet(
    rows.map(function (r) {
      return featureNames.map(function (c) {
        return Number(r[c]);
      });
    }),
    rows.map(function (r) {
      return labels.indexOf(r.species);
    }),
    labels.length,
  );
}

/** 10 Gaussian clusters in 64 dimensions (gaussianClusters, src/core/check: centres
 * N(0, 0.5^2 I), samples centre + N(0, I)). The classes overlap a little
 * (edgefnn reaches ~95 % in 5 epochs, not 100 %), so accuracy still tells
 * libraries apart. */
function synthetic(nTrain: number, nTest: number): { train: core.DataSet; test: core.DataSet } {
  return gaussianClusters(nTrain, nTest, { inputSize: 64, classes: 10, spread: 0.5, seed: SEED_DATA });
}

function standardize(data: core.DataSet, mean: Float32Array, invStd: Float32Array): Float32Array {
  // Same arithmetic as core.setInput: (x - mean) * invStd on float32 operands, stored as float32.
  var d = data.inputSize,
    out = new Float32Array(data.n * d);
  for (var i = 0; i < data.n; i++) for (var j = 0; j < d; j++) out[i * d + j] = (data.x[i * d + j] - mean[j]) * invStd[j];
  return out;
}

/** FNV-1a over the raw bytes: equal fingerprints mean identical inputs, weights and orders. */
function fingerprint(arrays: ArrayBufferView[]): string {
  var h = 0x811c9dc5;
  for (var a = 0; a < arrays.length; a++) {
    var v = arrays[a],
      bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193);
    }
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

export function buildProblem(name: ProblemName): Problem {
  var split: { train: core.DataSet; test: core.DataSet }, spec: core.NetworkSpec, lr: number, epochs: number, title: string;
  if (name === "iris" || name === "iris-ht") {
    // iris-ht: the same net with hard-tanh hidden units, so the two rows show what tanh's exp costs
    var hidden: core.ActivationName = name === "iris" ? "tanh" : "hard-tanh";
    split = core.split(loadIris(), 0.2, 1);
    spec = {
      inputSize: 4,
      layers: [
        { size: 16, activation: hidden },
        { size: 3, activation: "softmax" },
      ],
    };
    lr = 0.05;
    epochs = 200;
    title = "iris 4-16-3: " + hidden + " hidden, softmax + cross-entropy, lr 0.05, 200 epochs x 120 samples (80/20 split, seed 1)";
  } else if (name === "synthetic") {
    split = synthetic(5000, 1000);
    spec = {
      inputSize: 64,
      layers: [
        { size: 64, activation: "relu" },
        { size: 32, activation: "relu" },
        { size: 10, activation: "softmax" },
      ],
    };
    lr = 0.01;
    epochs = 5;
    title = "synthetic 64-64-32-10: ReLU hidden, softmax + cross-entropy, lr 0.01, 5 epochs x 5,000 samples (1,000 test)";
  } else throw new Error("unknown problem " + name);

  var train = split.train,
    test = split.test,
    k = train.numClasses || 0;
  var st = core.standardization(train);
  var mean = Float32Array.from(st.mean),
    invStd = Float32Array.from(st.invStd);

  // Initial weights: edgefnn's own initializer (Xavier for tanh/softmax, He for
  // ReLU layers). Every peer starts from these exact values.
  var net = core.createNetwork(spec);
  core.initialize(net, core.createRng(SEED_INIT));
  var init = Float32Array.from(net.params);
  var shapes: LayerShape[] = net.layers.map(function (L) {
    return { nIn: L.nIn, nOut: L.nOut, wOff: L.wOff, bOff: L.bOff, activation: L.activation.name };
  });

  // One fresh permutation per epoch from one seeded stream.
  var rng = core.createRng(SEED_ORDER),
    orders: Int32Array[] = [];
  for (var e = 0; e < epochs; e++) {
    var order = new Int32Array(train.n);
    for (var i = 0; i < train.n; i++) order[i] = i;
    core.shuffle(order, train.n, rng);
    orders.push(order);
  }

  var oneHot = new Float32Array(train.n * k);
  for (i = 0; i < train.n; i++) oneHot[i * k + (train.classes as Int32Array)[i]] = 1;

  var trainStd = standardize(train, mean, invStd),
    testStd = standardize(test, mean, invStd);
  return {
    name: name,
    title: title,
    spec: spec,
    shapes: shapes,
    learningRate: lr,
    epochs: epochs,
    numClasses: k,
    train: train,
    test: test,
    mean: mean,
    invStd: invStd,
    trainStd: trainStd,
    testStd: testStd,
    trainOneHot: oneHot,
    init: init,
    orders: orders,
    fingerprint: fingerprint(
      [train.x, train.classes as Int32Array, test.x, test.classes as Int32Array, trainStd, testStd, init].concat(orders),
    ),
  };
}

/** Index of the largest value (ties: the first), for peers whose outputs are plain arrays. */
export function argmax(a: ArrayLike<number>): number {
  var best = 0;
  for (var i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}
