import { describe, expect, it } from "vitest";
import { countParams, decodeModel, encodeModel, networkSpec, quantizeModel, WEIGHT_I16, WEIGHT_I8 } from "../../src/core/index";
import { quantizationReport } from "../../host-tools/evaluation/quantize-report";
import { irisModel, syntheticModel } from "../helpers/models";

describe("per-row symmetric quantization", () => {
  it("stores int8 in [-127, 127] with one scale per row; every weight within half a step", () => {
    const { model } = syntheticModel();
    const q = quantizeModel(model, 8);
    q.layers.forEach((L, l) => {
      expect(L.wtype).toBe(WEIGHT_I8);
      expect(L.W).toBeInstanceOf(Int8Array);
      const F = model.layers[l];
      for (let i = 0; i < L.nOut; i++) {
        const s = L.scales![i];
        let maxQ = 0;
        for (let j = 0; j < L.nIn; j++) {
          const k = i * L.nIn + j;
          maxQ = Math.max(maxQ, Math.abs(L.W[k]));
          expect(Math.abs(F.W[k] - s * L.W[k])).toBeLessThanOrEqual(s / 2 + 1e-7 * Math.abs(F.W[k]));
        }
        expect(maxQ).toBe(127); // the row's largest weight uses the full range
      }
    });
  });

  it("keeps a per-layer choice (the last layer in int16) through the file", () => {
    const { model } = syntheticModel();
    const back = decodeModel(encodeModel(quantizeModel(model, [8, 8, 16])));
    expect(back.layers.map((L) => L.wtype)).toEqual([WEIGHT_I8, WEIGHT_I8, WEIGHT_I16]);
    expect(back.layers[2].W).toBeInstanceOf(Int16Array);
  });

  it("refuses bad bit widths and re-quantization", () => {
    const { model } = irisModel();
    expect(() => quantizeModel(model, 4 as 8)).toThrow("weights can be 8, 16 or 32 bits, not 4");
    expect(() => quantizeModel(model, [8] as never)).toThrow("1 bit widths given for 2 layers");
    expect(() => quantizeModel(quantizeModel(model, 8), 16)).toThrow(/cannot be quantized again/);
  });
});

describe("the quantization report and the targets", () => {
  for (const [name, get] of [
    ["iris", irisModel],
    ["synthetic 64-64-32-10", syntheticModel],
  ] as const) {
    it(`${name}: int8 accuracy within 1 percentage point of float32`, () => {
      const { model, test } = get();
      const r = quantizationReport(model, 8, test);
      expect(r.floatAccuracy).toBeGreaterThan(0.9);
      expect(Math.abs(r.floatAccuracy - r.quantizedAccuracy)).toBeLessThanOrEqual(0.01);
      expect(r.maxOutputDiff).toBeLessThan(0.1);
      expect(r.meanOutputDiff).toBeLessThan(r.maxOutputDiff);
      expect(r.maxWeightError.length).toBe(model.layers.length);
      const r16 = quantizationReport(model, 16, test);
      expect(r16.quantizedAccuracy).toBe(r16.floatAccuracy);
      expect(r16.maxOutputDiff).toBeLessThan(r.maxOutputDiff);
    });
  }

  it("a model of 1,000+ parameters: the int8 file is at most 30% of the float32 file", () => {
    const { net, model, test } = syntheticModel();
    expect(countParams(networkSpec(net))).toBeGreaterThan(1000);
    const r = quantizationReport(model, 8, test);
    expect(r.quantizedBytes / r.floatBytes).toBeLessThanOrEqual(0.3);
  });
});

describe("folding the input normalization into layer 1", () => {
  it("synthetic int8 folded: identity normalization in the file, accuracy within 1 point of float", () => {
    const { model, test } = syntheticModel();
    const r = quantizationReport(model, 8, test, { foldNormalization: true });
    const back = decodeModel(r.bytes);
    expect(Array.from(back.mean).every((m) => m === 0)).toBe(true);
    expect(Array.from(back.invStd).every((s) => s === 1)).toBe(true);
    expect(Math.abs(r.floatAccuracy - r.quantizedAccuracy)).toBeLessThanOrEqual(0.01);
    // every layer-1 weight within half a step of W_ij invStd_j
    expect(r.maxWeightError[0]).toBeLessThanOrEqual(Math.max(...Array.from(r.quantized.layers[0].scales!)) / 2 + 1e-6);
  });

  it("the means cancel against the quantized weights: folded and unfolded int8 agree closely", () => {
    const { model, test } = syntheticModel();
    const a = quantizationReport(model, 16, test);
    const b = quantizationReport(model, 16, test, { foldNormalization: true });
    expect(b.maxOutputDiff).toBeLessThan(1e-3);
    expect(b.quantizedAccuracy).toBe(a.quantizedAccuracy);
  });

  it("refuses to fold into a float32 first layer", () => {
    expect(() => quantizeModel(irisModel().model, [32, 8], { foldNormalization: true })).toThrow(/needs a quantized first layer/);
  });
});
