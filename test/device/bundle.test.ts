import { Parser } from "acorn";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { createNetwork, createRng, encodeModel, forward, initialize, modelFromNetwork, quantizeModel } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { bundleText, requireBundle } from "../helpers/bundle";
import { everyActivationModel, irisModel, syntheticModel } from "../helpers/models";

describe("the bundle is ES5", () => {
  for (const min of [false, true]) {
    it(`acorn with ecmaVersion 5 parses ${min ? "edgefnn.min.js" : "edgefnn.js"}`, () => {
      expect(() => Parser.parse(bundleText(min), { ecmaVersion: 5, sourceType: "script" })).not.toThrow();
    });
  }

  it('both bundles keep the row loops\' "ram" directive (Espruino copies that function into RAM)', () => {
    for (const min of [false, true]) {
      const body = /function\s*\([^)]*\)\s*\{(\s|\/\/[^\n]*\n)*"ram";/.exec(bundleText(min));
      expect(body, min ? "edgefnn.min.js" : "edgefnn.js").not.toBeNull();
    }
  });

  it("the minified runtime stays small", () => {
    // The size aimed for was 4 KiB, not met: the Espruino fast paths (fused row loops,
    // small hot functions) cost more. Numbers in docs/ESPRUINO-MEASUREMENTS.md.
    // This bound only stops growth.
    const n = Buffer.byteLength(bundleText(true));
    expect(n).toBeLessThan(6.5 * 1024);
  });
});

describe("parity: the bundle in Node equals the core", () => {
  for (const min of [false, true]) {
    it(`float32 outputs equal core.forward to the last bit (${min ? "minified" : "plain"} bundle)`, () => {
      const nn = requireBundle(min);
      for (const { net, model, test } of [everyActivationModel(), syntheticModel()]) {
        const m = nn.load(encodeModel(model));
        const d = test.inputSize;
        for (let i = 0; i < test.n; i++) {
          const ref = forward(net, test.x, i * d);
          const out = m.run(test.x.subarray(i * d, (i + 1) * d));
          expect(
            Buffer.from(out.buffer, out.byteOffset, out.byteLength).equals(Buffer.from(ref.buffer, ref.byteOffset, ref.byteLength)),
          ).toBe(true);
        }
      }
    });
  }

  it("an identity normalization (a copy instead of a loop) gives the core's bits too", () => {
    const nn = requireBundle(true);
    const net = createNetwork({
      inputSize: 5,
      layers: [
        { size: 7, activation: "tanh" },
        { size: 3, activation: "softmax" },
      ],
    });
    initialize(net, createRng(3));
    const m = nn.load(encodeModel(modelFromNetwork(net)));
    const rng = createRng(4);
    for (let i = 0; i < 50; i++) {
      const x = Array.from({ length: 5 }, () => 3 * rng.normal());
      expect(Array.from(m.run(x))).toEqual(Array.from(forward(net, x)));
    }
  });

  it("quantized outputs equal the TypeScript runtime's (the code the host evaluates with)", () => {
    const nn = requireBundle(true);
    const { model, test } = syntheticModel();
    const bytes = encodeModel(quantizeModel(model, [8, 16, 8]));
    const a = nn.load(bytes),
      b = load(bytes);
    for (let i = 0; i < 200; i++) {
      const x = test.x.subarray(i * 64, (i + 1) * 64);
      expect(Array.from(a.run(x))).toEqual(Array.from(b.run(x)));
      expect(a.classify(x)).toBe(b.classify(x));
    }
  });

  it("works as a plain script: a global edgefnn", () => {
    const g: Record<string, any> = {};
    runInNewContext(bundleText(true), g);
    expect(typeof g.edgefnn.load).toBe("function");
    const m = g.edgefnn.load(encodeModel(irisModel().model));
    expect(m.labels).toEqual(["setosa", "versicolor", "virginica"]);
    expect(m.inputSize).toBe(4);
    expect(m.outputSize).toBe(3);
  });

  it("a model holds one property, its state: labels and sizes are read when asked", () => {
    // on a board every property costs blocks (ESPRUINO-MEASUREMENTS.md)
    const nn = requireBundle(true);
    const m = nn.load(encodeModel(irisModel().model));
    expect(Object.keys(m)).toEqual(["_"]);
    expect(m.labels).toEqual(["setosa", "versicolor", "virginica"]);
    expect(m.labels).not.toBe(m.labels); // a fresh array each time, nothing kept
    expect([m.inputSize, m.outputSize]).toEqual([4, 3]);
    const { model } = syntheticModel();
    const unlabelled = nn.load(encodeModel({ ...model, labels: [] }));
    expect(unlabelled.labels).toEqual([]);
    expect([unlabelled.inputSize, unlabelled.outputSize]).toEqual([64, 10]);
  });

  it("run() returns the same reused buffer; classify() agrees with run() without softmax's exp", () => {
    const nn = requireBundle();
    const { model, test } = syntheticModel();
    const m = nn.load(encodeModel(model));
    const first = m.run(test.x.subarray(0, 64));
    for (let i = 0; i < 300; i++) {
      const x = test.x.subarray(i * 64, (i + 1) * 64);
      const out = m.run(x);
      expect(out).toBe(first);
      let best = 0;
      for (let k = 1; k < 10; k++) if (out[k] > out[best]) best = k;
      expect(m.classify(x)).toBe(best);
    }
  });

  it("load() rejects what is not a model with the decoder's message", () => {
    const nn = requireBundle(true);
    expect(() => nn.load(new Uint8Array([1, 2, 3]))).toThrow("not an .efnn file");
    expect(() => nn.load(null as never)).toThrow();
    const bytes = encodeModel(irisModel().model);
    bytes[bytes.length - 9] ^= 1;
    expect(() => nn.load(bytes)).toThrow("checksum mismatch: file is corrupt");
  });
});

describe("Duktape, an embedded-class ES5 engine, runs the bundle", () => {
  it("outputs match Node's exactly, for float32 and int8 models", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgefnn-duk-"));
    for (const { model, test } of [everyActivationModel(), syntheticModel()]) {
      for (const m of [model, quantizeModel(model, 8)]) {
        const bytes = encodeModel(m);
        const rows = Math.min(test.n, 50),
          d = test.inputSize;
        const xs = Array.from({ length: rows }, (_, i) => Array.from(test.x.subarray(i * d, (i + 1) * d)));
        const script = `${bundleText(true)}
var bytes = new Uint8Array(${JSON.stringify(Array.from(bytes))});
var m = edgefnn.load(bytes.buffer), xs = ${JSON.stringify(xs)};
// the float32 bits as hex: number-to-string differs between engines in the last digit
for (var i = 0; i < xs.length; i++) {
  var out = m.run(xs[i]), b = new Uint8Array(out.buffer, out.byteOffset, out.length * 4), s = "";
  for (var k = 0; k < b.length; k++) s += (b[k] < 16 ? "0" : "") + b[k].toString(16);
  print(s + ";" + m.classify(xs[i]));
}`;
        const file = join(dir, "run.js");
        writeFileSync(file, script);
        const duk = execFileSync("duk", [file], { encoding: "utf8" }).trim().split("\n");
        const ref = load(bytes);
        const hex = (o: Float32Array) => Buffer.from(o.buffer, o.byteOffset, o.length * 4).toString("hex");
        const node = xs.map((x) => hex(ref.run(x)) + ";" + ref.classify(x));
        expect(duk).toEqual(node);
      }
    }
  });
});
