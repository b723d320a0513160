// Batched inference, host side: the same bits as one call per row, in the
// core (forwardBatch, classifyBatch) and over the device runtime (runBatch,
// classifyBatch of src/device/batch.ts).
import { describe, expect, it } from "vitest";
import { classify, classifyBatch as coreClassifyBatch, encodeModel, forward, forwardBatch, quantizeModel } from "../../src/core/index";
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
      const m = load(bytes()), test = data(), d = test.inputSize, k = m.outputSize;
      const Y = runBatch(m, test.x, test.n), C = classifyBatch(m, test.x, test.n);
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
  for (const [what, get] of [["synthetic", syntheticModel], ["every activation", everyActivationModel]] as const) {
    it(what, () => {
      const { net, test } = get(), d = test.inputSize, k = net.outputSize;
      const Y = forwardBatch(net, test.x, test.n), C = coreClassifyBatch(net, test.x, test.n);
      for (let i = 0; i < test.n; i++) {
        expect(hex(Y.subarray(i * k, (i + 1) * k))).toBe(hex(forward(net, test.x, i * d)));
        expect(C[i]).toBe(classify(net, test.x, i * d));
      }
    });
  }
});
