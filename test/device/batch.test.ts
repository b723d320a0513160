// Batched inference, host side: the same bits as one call per row, in the
// core (forwardBatch, classifyBatch) and over the device runtime (runBatch,
// classifyBatch of src/device/batch.ts).
import { describe, expect, it } from "vitest";
import {
  classify,
  classifyBatch as coreClassifyBatch,
  createNetwork,
  createRng,
  encodeModel,
  forward,
  forwardBatch,
  initialize,
  quantizeModel,
} from "../../src/core/index";
import { classifyBatch, runBatch } from "../../src/device/batch";
import { load } from "../../src/device/runtime";
import { everyActivationModel, irisModel, syntheticModel } from "../helpers/models";

const hex = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

describe("runtime batches equal run()/classify() row by row", () => {
  const cases = [
    ["synthetic float32", () => encodeModel(syntheticModel().model), () => syntheticModel().test],
    ["synthetic int8/int16/int8", () => encodeModel(quantizeModel(syntheticModel().model, [8, 16, 8])), () => syntheticModel().test],
    ["every activation", () => encodeModel(everyActivationModel().model), () => everyActivationModel().test],
    ["iris hard-tanh, int8", () => encodeModel(quantizeModel(irisModel().model, 8)), () => irisModel().test],
  ] as const;
  for (const [what, bytes, data] of cases) {
    it(what, () => {
      const m = load(bytes()),
        test = data(),
        d = test.inputSize,
        k = m.outputSize;
      const Y = runBatch(m, test.x, test.n),
        C = classifyBatch(m, test.x, test.n);
      expect(Y.length).toBe(test.n * k);
      for (let i = 0; i < test.n; i++) {
        const x = test.x.subarray(i * d, (i + 1) * d);
        expect(hex(Y.subarray(i * k, (i + 1) * k))).toBe(hex(m.run(x)));
        expect(C[i]).toBe(m.classify(x));
      }
    });
  }

  it("writes into a given array and checks the sizes, saying what is short", () => {
    const { model, test } = syntheticModel();
    const m = load(encodeModel(model));
    const out = new Float32Array(30);
    expect(runBatch(m, test.x, 3, out)).toBe(out);
    expect(() => runBatch(m, test.x, 3, new Float32Array(29))).toThrow("batch: the output array has room for 29 values, 30 needed");
    expect(() => classifyBatch(m, test.x.subarray(0, 100), 2)).toThrow("batch: 2 rows of 64 values need 128 values, the input has 100");
    expect(() => classifyBatch(m, test.x, 1.5)).toThrow("batch: the row count must be a whole number >= 0, got 1.5");
    expect(classifyBatch(m, test.x, 0).length).toBe(0);
  });
});

describe("core batches equal forward()/classify() row by row", () => {
  for (const [what, get] of [
    ["synthetic", syntheticModel],
    ["every activation", everyActivationModel],
    ["iris hard-tanh", () => irisModel()],
  ] as const) {
    it(what, () => {
      const { net, test } = get(),
        d = test.inputSize,
        k = net.outputSize;
      const Y = forwardBatch(net, test.x, test.n),
        C = coreClassifyBatch(net, test.x, test.n);
      for (let i = 0; i < test.n; i++) {
        expect(hex(Y.subarray(i * k, (i + 1) * k))).toBe(hex(forward(net, test.x, i * d)));
        expect(C[i]).toBe(classify(net, test.x, i * d));
      }
    });
  }
});

describe("the core's batch kernel (four rows at a time) keeps each row's bits", () => {
  it("for every row count 0..9 (whole groups of four and the rows after them), float32 and float64, NaN inputs", () => {
    for (const kind of ["float32", "float64"] as const) {
      const net = createNetwork({
        inputSize: 5,
        arrayType: kind,
        layers: [
          { size: 7, activation: "prelu" },
          { size: 6, activation: "tanh" },
          { size: 3, activation: "softmax" },
        ],
      });
      initialize(net, createRng(9));
      const rng = createRng(4),
        X = new Float64Array(9 * 5);
      for (let i = 0; i < X.length; i++) X[i] = rng.normal() * 3;
      X[7] = NaN;
      for (let n = 0; n <= 9; n++) {
        const Y = forwardBatch(net, X, n),
          C = coreClassifyBatch(net, X, n);
        for (let i = 0; i < n; i++) {
          expect(hex(Y.subarray(i * 3, (i + 1) * 3)), kind + " n " + n + " row " + i).toBe(hex(forward(net, X, i * 5)));
          expect(C[i]).toBe(classify(net, X, i * 5));
        }
      }
    }
  });

  it("one logistic output: classify's threshold, row by row", () => {
    const net = createNetwork({
      inputSize: 3,
      layers: [
        { size: 4, activation: "relu" },
        { size: 1, activation: "logistic" },
      ],
    });
    initialize(net, createRng(2));
    const X = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i) * 4);
    const Y = forwardBatch(net, X, 10),
      C = coreClassifyBatch(net, X, 10);
    for (let i = 0; i < 10; i++) {
      expect(hex(Y.subarray(i, i + 1))).toBe(hex(forward(net, X, i * 3)));
      expect(C[i]).toBe(classify(net, X, i * 3));
    }
  });
});
