// encodeModel writes its sections where decodeLayout says they lie (model.ts).
// These fingerprints (length and CRC-32 of the file before its checksum) are the bytes the
// encoder wrote before that rewrite, in which it laid the sections out itself:
// the rewrite changed no byte of any file.
import { describe, expect, it } from "vitest";
import {
  ActivationName,
  createNetwork,
  createRng,
  crc32,
  encodeModel,
  initialize,
  Model,
  modelFromNetwork,
  quantizeModel,
} from "../../src/core/index";

function model(sizes: number[], acts: ActivationName[], seed: number, labels?: string[]): Model {
  const net = createNetwork({ inputSize: sizes[0], layers: sizes.slice(1).map((s, i) => ({ size: s, activation: acts[i] })) });
  initialize(net, createRng(seed));
  for (let i = 0; i < net.params.length; i++) if (net.params[i] === 0) net.params[i] = (i % 7) / 50; // biases too
  for (let j = 0; j < net.inputSize; j++) {
    net.mean[j] = j / 3;
    net.invStd[j] = 1 + j / 5;
  }
  return modelFromNetwork(net, labels);
}

const CASES: [string, () => Model, string][] = [
  ["float32, PReLU and ELU layers, labels", () => model([5, 7, 6, 3], ["prelu", "elu", "softmax"], 1, ["a", "bb", "ccc"]), "568 26e45c9b"],
  [
    "int8 and int16 layers (scales), a PReLU layer",
    () => quantizeModel(model([9, 5, 4, 2], ["prelu", "relu", "softmax"], 2), [8, 16, 8]),
    "320 ccf72b8c",
  ],
  ["one logistic output, 2 labels, odd label bytes", () => model([3, 1], ["logistic"], 3, ["no", "yes!"]), "76 7874ac2"],
  [
    "version 2 metadata: names, target, task, imputation",
    () =>
      ({
        ...model([2, 3, 2], ["leaky-relu", "softmax"], 4, ["x", "y"]),
        features: ["température", "b"],
        target: "label",
        task: "classification",
        impute: "median",
      }) as Model,
    "152 2f9c2f36",
  ],
  [
    "regression, int8 odd-sized weights (padding), no labels",
    () => quantizeModel(model([3, 5, 1], ["tanh", "linear"], 5), 8),
    "132 ea06302e",
  ],
];

describe("encodeModel writes the bytes it wrote before its rewrite", () => {
  for (const [what, make, want] of CASES)
    it(what, () => {
      const bytes = encodeModel(make());
      // the CRC of all but the stored checksum (the CRC of a whole file, checksum included, is a constant)
      expect(bytes.length + " " + crc32(bytes, bytes.length - 4).toString(16)).toBe(want);
    });
});
