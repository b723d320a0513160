// The runtime on Node calls each layer's rows through a function compiled for
// that layer at load (runtime.ts, compiled()); where the host refuses code from
// strings, or in the board bundle (whose minifier removes it), nodeRows is
// called directly, as before. All three must give the same bits, and the
// float32 ones the core's.
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { encodeModel, forward, quantizeModel } from "../../src/core/index";
import type { Model } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { bundleText, requireBundle } from "../helpers/bundle";
import { everyActivationModel, irisModel, syntheticModel } from "../helpers/models";

type Runtime = typeof import("../../src/device/index");
const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

/** The plain bundle in a context that refuses code from strings (as a page under
 * a Content-Security-Policy without 'unsafe-eval', or node
 * --disallow-code-generation-from-strings): Function() throws there. */
function cspRuntime(): Runtime {
  const g: Record<string, unknown> = {};
  runInNewContext(bundleText(false), g, { contextCodeGeneration: { strings: false } });
  return g.edgefnn as Runtime;
}

/** How many of a model's layers run through a compiled caller (its weights slot holds a function). */
function compiledLayers(m: unknown): number {
  const views = (m as { _: unknown[] })._[8] as unknown[];
  return views.filter((v) => typeof v === "function").length;
}

describe("compiled per-layer rows (Node) give the bits of nodeRows and the core", () => {
  const csp = cspRuntime();
  const min = requireBundle(true);

  it("the context really refuses code from strings, and the runtime still loads and runs there", () => {
    expect(() => runInNewContext('Function("return 1")()', {}, { contextCodeGeneration: { strings: false } })).toThrow(
      /Code generation from strings disallowed/,
    );
    const { model, test } = irisModel();
    const m = csp.load(encodeModel(model));
    expect(compiledLayers(m)).toBe(0);
    expect(m.run(test.x.subarray(0, 4)).length).toBe(3);
  });

  it("the source and the plain bundle compile every layer; the board bundle none", () => {
    const { model } = everyActivationModel();
    const bytes = encodeModel(model);
    expect(compiledLayers(load(bytes))).toBe(model.layers.length);
    expect(compiledLayers(requireBundle(false).load(bytes))).toBe(model.layers.length);
    expect(compiledLayers(min.load(bytes))).toBe(0);
    expect(bundleText(true)).not.toContain("Function(");
  });

  it("float32, int8 and mixed int8/int16 models, every activation: the same bits each way", () => {
    let rows = 0;
    for (const { net, model, test } of [everyActivationModel(), syntheticModel(), irisModel()]) {
      const mixed = model.layers.map((_, l) => (l % 2 ? 16 : 8)) as (8 | 16)[];
      const variants: Model[] = [model, quantizeModel(model, 8), quantizeModel(model, mixed), quantizeModel(model, 16)];
      for (const [k, v] of variants.entries()) {
        const bytes = encodeModel(v),
          a = load(bytes),
          b = csp.load(bytes),
          c = min.load(bytes),
          d = test.inputSize;
        expect(compiledLayers(a)).toBe(v.layers.length);
        for (let i = 0; i < Math.min(test.n, 80); i++, rows++) {
          const x = test.x.subarray(i * d, (i + 1) * d);
          const got = bits(a.run(x));
          expect(got).toBe(bits(b.run(x)));
          expect(got).toBe(bits(c.run(x)));
          if (k === 0) expect(got).toBe(bits(forward(net, test.x, i * d)));
          const cls = a.classify(x);
          expect(cls).toBe(b.classify(x));
          expect(cls).toBe(c.classify(x));
        }
      }
    }
    expect(rows).toBeGreaterThan(500);
  });

  it("two models of one shape and one model loaded twice keep their own weights", () => {
    // each compiled caller's closure holds its own model's views
    const { model, test } = syntheticModel();
    const q = quantizeModel(model, 8);
    const a = load(encodeModel(model)),
      b = load(encodeModel(q)),
      a2 = load(encodeModel(model)),
      ref = min.load(encodeModel(q));
    for (let i = 0; i < 50; i++) {
      const x = test.x.subarray(i * 64, (i + 1) * 64);
      const fa = bits(a.run(x));
      expect(bits(b.run(x))).toBe(bits(ref.run(x)));
      expect(bits(a2.run(x))).toBe(fa);
    }
  });
});
