// The host evaluates with the ES5 bundle that goes to the boards
// (host-runtime.ts): eval, predict, verify and the quantization report. The
// bundle, the TypeScript source it is built from and the core must stay
// bit-identical, so that either could serve as the other's oracle.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { encodeModel, forward, quantizeModel } from "../../src/core/index";
import { load as sourceLoad } from "../../src/device/runtime";
import { DIST_JS } from "../../host-tools/files/bundle-files";
import { hostRuntime, load } from "../../host-tools/evaluation/host-runtime";
import { requireRuntime } from "../../host-tools/agent/bundle-runtime";
import { quantizationReport } from "../../host-tools/evaluation/quantize-report";
import { everyActivationModel, irisModel, syntheticModel } from "../helpers/models";

const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

describe("hostRuntime(): the host's one runtime is the board's bundle", () => {
  it("is the module dist/edgefnn.js itself, the agent's runtime too", () => {
    expect(hostRuntime()).toBe(createRequire(import.meta.url)(DIST_JS));
    expect(requireRuntime()).toBe(hostRuntime());
    const bytes = encodeModel(irisModel().model);
    // a model of the bundle: its prototype is the bundle's, not the source's
    expect(Object.getPrototypeOf(load(bytes))).toBe(Object.getPrototypeOf(hostRuntime().load(bytes)));
    expect(Object.getPrototypeOf(load(bytes))).not.toBe(Object.getPrototypeOf(sourceLoad(bytes)));
  });

  it("bundle, source and core give the same bits and classes (float32, int8, int8/int16/int8)", () => {
    for (const { net, model, test } of [everyActivationModel(), syntheticModel(), irisModel()]) {
      const variants = [model, quantizeModel(model, 8), quantizeModel(model, model.layers.length === 3 ? [8, 16, 8] : 16)];
      for (const [k, m] of variants.entries()) {
        const bytes = encodeModel(m),
          b = load(bytes),
          s = sourceLoad(bytes),
          d = test.inputSize;
        for (let i = 0; i < Math.min(test.n, 60); i++) {
          const x = test.x.subarray(i * d, (i + 1) * d);
          const got = bits(b.run(x));
          expect(got).toBe(bits(s.run(x)));
          if (k === 0) expect(got).toBe(bits(forward(net, test.x, i * d)));
          expect(b.classify(x)).toBe(s.classify(x));
        }
      }
    }
  });

  it("the quantization report (computed through the bundle) matches the source runtime's accuracies", () => {
    const { model, test } = irisModel();
    const r = quantizationReport(model, 8, test);
    const f = sourceLoad(encodeModel(model)),
      g = sourceLoad(encodeModel(quantizeModel(model, 8))),
      d = test.inputSize;
    let fa = 0,
      ga = 0;
    for (let i = 0; i < test.n; i++) {
      const x = test.x.subarray(i * d, (i + 1) * d),
        y = test.classes![i];
      if (f.classify(x) === y) fa++;
      if (g.classify(x) === y) ga++;
    }
    expect([r.floatAccuracy, r.quantizedAccuracy]).toEqual([fa / test.n, ga / test.n]);
  });
});
