import { writeFileSync } from "node:fs";
// Trained models shared by the format, quantization and device suites.
import { join } from "node:path";
import {
  ActivationName,
  createNetwork,
  createRng,
  initialize,
  DataSet,
  encodeModel,
  modelFromNetwork,
  Model,
  Network,
  quantizeModel,
  split,
  standardization,
  train,
} from "../../src/core/index";
import { gaussianClusters } from "../../src/core/check/index";
import { FEATURE_COUNT } from "../../src/features/window-features";
import { loadIris } from "./iris";

export interface Trained {
  net: Network;
  model: Model;
  train: DataSet;
  test: DataSet;
  labels: string[];
}

function fit(
  data: { train: DataSet; test: DataSet },
  sizes: number[],
  acts: ActivationName[],
  labels: string[],
  lr: number,
  epochs: number,
): Trained {
  const net = createNetwork({ inputSize: data.train.inputSize, layers: sizes.map((size, i) => ({ size, activation: acts[i] })) });
  const st = standardization(data.train);
  net.mean.set(st.mean);
  net.invStd.set(st.invStd);
  train(net, data.train, { learningRate: lr, epochs, seed: 1 });
  return { net, model: modelFromNetwork(net, labels), train: data.train, test: data.test, labels };
}

const cache = new Map<string, Trained>();

/** iris 4-16-3, hard-tanh + softmax, fixed 80/20 split */
export function irisModel(act: ActivationName = "hard-tanh"): Trained {
  const key = "iris-" + act;
  if (!cache.has(key)) {
    const { data, labels } = loadIris();
    cache.set(key, fit(split(data, 0.2, 1), [16, 3], [act, "softmax"], labels, 0.05, 60));
  }
  return cache.get(key)!;
}

/** the seeded synthetic problem: 64-64-32-10 ReLU + softmax, 10 Gaussian clusters, 5,000 / 1,000 rows */
export function syntheticModel(): Trained {
  if (!cache.has("synthetic")) {
    const labels = Array.from({ length: 10 }, (_, i) => "class" + i);
    cache.set("synthetic", fit(gaussianClusters(5000, 1000), [64, 32, 10], ["relu", "relu", "softmax"], labels, 0.01, 5));
  }
  return cache.get("synthetic")!;
}

/** the gesture app's shape (20 window features, 8 hard-tanh, 3 classes) on 3 seeded Gaussian clusters */
export function gestureShapedModel(): Trained {
  if (!cache.has("gesture")) {
    const data = gaussianClusters(300, 100, { inputSize: 20, classes: 3, spread: 0.4, seed: 5 });
    cache.set("gesture", fit(data, [8, 3], ["hard-tanh", "softmax"], ["still", "shake", "circle"], 0.05, 20));
  }
  return cache.get("gesture")!;
}

/** a model with every activation and a PReLU layer, for format and parity checks */
export function everyActivationModel(): Trained {
  if (!cache.has("every")) {
    const { data, labels } = loadIris();
    const acts: ActivationName[] = [
      "logistic",
      "tanh",
      "hard-logistic",
      "hard-tanh",
      "relu",
      "leaky-relu",
      "prelu",
      "elu",
      "softplus",
      "linear",
      "softmax",
    ];
    cache.set("every", fit(split(data, 0.2, 1), [...acts.slice(0, -1).map(() => 7), 3], acts, labels, 0.01, 5));
  }
  return cache.get("every")!;
}

/** The iris model's held-out rows as a CSV file (header, 4 features, species) and as float32 rows. */
export function writeIrisTestCsv(file: string): Float32Array[] {
  const { test, labels } = irisModel();
  const lines = ["sepal_length,sepal_width,petal_length,petal_width,species"];
  const rows: Float32Array[] = [];
  for (let i = 0; i < test.n; i++) {
    const x = test.x.slice(i * 4, i * 4 + 4) as Float32Array;
    rows.push(x);
    lines.push([...Array.from(x), labels[test.classes![i]]].join(","));
  }
  writeFileSync(file, lines.join("\n") + "\n");
  return rows;
}

/** The two iris upload models of the serial and agent suites, written into dir:
 * int8 (iris.q8.efnn) and int8/int16 (iris-b.q8.efnn, the same net: another file). */
export function writeIrisUploadModels(dir: string): { q8: string; q8b: string } {
  const { model } = irisModel();
  const q8 = join(dir, "iris.q8.efnn"),
    q8b = join(dir, "iris-b.q8.efnn");
  writeFileSync(q8, encodeModel(quantizeModel(model, 8)));
  writeFileSync(q8b, encodeModel(quantizeModel(model, [8, 16])));
  return { q8, q8b };
}

/** An untrained int8 model shaped like the gesture app's (inputs -> hidden
 * hard-tanh -> softmax over still, shake, circle), written to file: for the
 * tests of what uploads and starts it, not of what it predicts. */
export function writeGestureModel(file: string, o: { inputs?: number; hidden?: number; seed?: number } = {}): string {
  const net = createNetwork({
    inputSize: o.inputs ?? FEATURE_COUNT,
    layers: [
      { size: o.hidden ?? 6, activation: "hard-tanh" },
      { size: 3, activation: "softmax" },
    ],
  });
  initialize(net, createRng(o.seed ?? 3));
  writeFileSync(file, encodeModel(quantizeModel(modelFromNetwork(net, ["still", "shake", "circle"]), 8)));
  return file;
}
