// A fine-tuning scenario run two ways: by the learn bundle (in Node, Duktape,
// the Espruino-surface sandbox or the interpreter's Linux build) and by the
// host core (tailNetwork, frozenFeatures, forward, outputDelta, sgdStep,
// train). Each prints the trained parameters' float32 bits as hex and the
// number of buffer samples classified right: parity means equal strings.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { everyActivationModel, gestureShapedModel, irisModel, syntheticModel } from "./models";
import {
  classificationSet,
  createNetwork,
  DataSet,
  decodeModel,
  encodeModel,
  Model,
  modelFromNetwork,
  Network,
  quantizeModel,
  WeightBits,
  FloatArray,
  forward,
  frozenFeatures,
  isCorrect,
  LossName,
  outputDelta,
  sgdStep,
  tailNetwork,
  standardization,
  train,
} from "../../src/core/index";
import { FEATURE_COUNT } from "../../src/features/window-features";

export const LEARN_BUNDLE = fileURLToPath(new URL("../../dist/edgefnn-learn.js", import.meta.url));
export const LEARN_BUNDLE_MIN = fileURLToPath(new URL("../../dist/edgefnn-learn.min.js", import.meta.url));
export const learnText = (min = false) => readFileSync(min ? LEARN_BUNDLE_MIN : LEARN_BUNDLE, "utf8");

export interface Scenario {
  model: Uint8Array;
  opts: {
    layers?: number;
    rate?: number;
    lambda?: number;
    buffer?: number;
    seed?: number;
    loss?: LossName;
    patience?: number;
    validateFrom?: number;
  };
  xs: number[][];
  ys: number[];
  /** the first `steps` samples are step()ped, the rest add()ed */
  steps: number;
  /** fit(e) for each e, in order */
  fits: number[];
}

/** ES5: the scenario SC run with the runtime `nn`, the learn module `LN` and a loaded model `m`; returns "hex right". */
export const RUN_SCENARIO = `
function runScenario(LN, m, SC) {
  var lr = LN.learner(m, SC.opts), i = 0, h = "", right = 0;
  for (; i < SC.xs.length; i++) {
    if (i < SC.steps) lr.step(SC.xs[i], SC.ys[i]);
    else lr.add(SC.xs[i], SC.ys[i]);
  }
  for (i = 0; i < SC.fits.length; i++) lr.fit(SC.fits[i]);
  var u = new Uint8Array(lr.params.buffer, lr.params.byteOffset, lr.params.length * 4);
  for (i = 0; i < u.length; i++) h += (u[i] < 16 ? "0" : "") + u[i].toString(16);
  right = Math.round(lr.accuracy() * lr.count);
  return h + " " + right;
}
`;

function hex(a: FloatArray): string {
  return Buffer.from(new Float32Array(a).buffer).toString("hex");
}

/** The host core's answer for a scenario (buffer not wrapped: samples <= buffer). */
export function hostScenario(sc: Scenario): string {
  const { net, X, data } = hostTrain(sc);
  let right = 0;
  for (let i = 0; i < data.n; i++) {
    forward(net, X, i * net.inputSize);
    if (isCorrect(net, data, i)) right++;
  }
  return hex(net.params) + " " + right;
}

/** The host core's fine-tuning of a scenario: the trained tail network, the features and the data set. */
export function hostTrain(sc: Scenario): { net: Network; X: Float32Array; data: DataSet; first: number } {
  const model = decodeModel(sc.model),
    L = model.layers.length,
    k = Math.min(sc.opts.layers ?? 1, L),
    first = L - k;
  const N = sc.opts.buffer ?? 30;
  if (sc.xs.length > N) throw new Error("hostScenario does not wrap the ring buffer");
  const net = tailNetwork(model, first),
    M = net.inputSize;
  const out = model.layers[L - 1].act;
  const loss: LossName = sc.opts.loss ?? (out === 11 || out === 2 ? "cross-entropy" : "squared-error");
  const rate = { alpha: sc.opts.rate ?? 0.05, lambda: sc.opts.lambda ?? 0 };
  const n = sc.xs.length,
    X = new Float32Array(n * M),
    Y = new Int32Array(n);
  sc.xs.forEach((x, i) => X.set(first ? frozenFeatures(model, first, x) : Float32Array.from(x), i * M));
  Y.set(sc.ys);
  const data: DataSet = { n, inputSize: M, x: X, classes: Y, numClasses: net.outputSize };
  const G = new Float32Array(net.params.length);
  for (let i = 0; i < sc.steps; i++) {
    forward(net, X, i * M);
    outputDelta(net, loss, data, i, G);
    sgdStep(net, rate, G);
  }
  sc.fits.forEach((epochs, f) => {
    const nv = n >= (sc.opts.validateFrom ?? 20) ? Math.floor(n / 5) : 0;
    const tr: number[] = [],
      va: number[] = [];
    for (let s = 0; s < n; s++) (s % 5 === 4 && va.length < nv ? va : tr).push(s);
    const pick = (rows: number[]): DataSet => ({
      n: rows.length,
      inputSize: M,
      numClasses: net.outputSize,
      x: Float32Array.from(rows.flatMap((r) => Array.from(X.subarray(r * M, r * M + M)))),
      classes: Int32Array.from(rows.map((r) => Y[r])),
    });
    train(net, nv ? pick(tr) : data, {
      epochs,
      learningRate: rate.alpha,
      lambda: rate.lambda,
      seed: (sc.opts.seed ?? 1) + f,
      loss,
      initialize: false,
      validation: nv ? pick(va) : undefined,
      patience: sc.opts.patience,
    });
  });
  return { net, X, data, first };
}

/** The host's fine-tuned model: the source's frozen layers, the trained ones in their source weight types. */
export function hostModel(sc: Scenario, float32 = false): Model {
  const src = decodeModel(sc.model),
    { net, first } = hostTrain(sc);
  const tail = modelFromNetwork(net).layers;
  const float: Model = { ...src, layers: src.layers.slice(0, first).concat(tail) };
  // float32: the trained layers as trained (learner.save(name, { float32: true }))
  const bits = src.layers.map((L, l) => (float32 && l >= first ? 32 : L.wtype === 2 ? 8 : L.wtype === 1 ? 16 : 32)) as WeightBits[];
  return quantizeModel(float, bits);
}

function rows(d: DataSet, n: number): { xs: number[][]; ys: number[] } {
  const k = d.inputSize,
    xs: number[][] = [],
    ys: number[] = [];
  for (let i = 0; i < Math.min(n, d.n); i++) {
    xs.push(Array.from(d.x.subarray(i * k, i * k + k)));
    ys.push(d.classes![i]);
  }
  return { xs, ys };
}

export function scenarios(): [string, Scenario][] {
  const gest = gestureShapedModel(),
    every = everyActivationModel(),
    iris = irisModel("hard-logistic"),
    syn = syntheticModel();
  const s = (m: Model, d: DataSet, n: number, opts: Scenario["opts"], steps: number, fits: number[]): Scenario => ({
    model: encodeModel(m),
    opts,
    ...rows(d, n),
    steps,
    fits,
  });
  return [
    // every activation (hard-logistic, hard-tanh, PReLU, ...) on the backward path, float32 and int8
    ["every activation, all 11 layers, float32", s(every.model, every.train, 24, { layers: 11, rate: 0.02, lambda: 0.001 }, 24, [2])],
    ["every activation, last 4 layers, int8", s(quantizeModel(every.model, 8), every.train, 24, { layers: 4, rate: 0.03 }, 12, [3])],
    // the stopping rule with a validation split (30 samples: 6 validate)
    [
      "iris hard-logistic, last layer, int8, validation split",
      s(quantizeModel(iris.model, 8), iris.train, 30, { rate: 0.1, patience: 2 }, 30, [20, 5]),
    ],
    ["iris hard-logistic, both layers, int8", s(quantizeModel(iris.model, 8), iris.train, 30, { layers: 2, rate: 0.05, seed: 7 }, 10, [4])],
    // the measured case: the last layer of a 64-64-32-10 int8 model
    ["64-64-32-10 int8, last layer", s(quantizeModel(syn.model, 8), syn.train, 25, { rate: 0.01, buffer: 25 }, 25, [2])],
    // the gesture app's shape: 20 window features, 8 hard-tanh, 3 classes, int8
    ["gesture-shaped 20-8-3 int8, last layer", s(quantizeModel(gest.model, 8), gest.train, 30, { rate: 0.05 }, 30, [3])],
    ["64-64-32-10 int8, last 2 layers", s(quantizeModel(syn.model, 8), syn.train, 12, { layers: 2, rate: 0.01, buffer: 12 }, 12, [1])],
  ];
}

/** The gesture app's shipped model in the personalisation stories: 20-8-3 hard-tanh trained on feature windows of the
 * generator's own style (xs, labels ys indexing classes), then int8. */
export function shippedGestureModel(xs: Float32Array[], ys: number[], classes: readonly string[]): Uint8Array {
  const data = classificationSet(xs, ys, classes.length);
  const net = createNetwork({
    inputSize: FEATURE_COUNT,
    layers: [
      { size: 8, activation: "hard-tanh" },
      { size: classes.length, activation: "softmax" },
    ],
  });
  const st = standardization(data);
  net.mean.set(st.mean);
  net.invStd.set(st.invStd);
  train(net, data, { learningRate: 0.05, epochs: 60, seed: 1 });
  return encodeModel(quantizeModel(modelFromNetwork(net, [...classes]), 8));
}
