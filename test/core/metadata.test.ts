// Version 2 files: the model's feature names, label column, task and imputation
// (src/core/metadata.ts). Written only when a model states any of them; version
// 1 files are still read and still written for models without them. The board's
// runtime skips the metadata (it changes no output) but honours the imputation
// flag: a missing input (NaN) is taken as the normalization's center.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeLayout, decodeModel, encodeModel, Model, quantizeModel } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { bundleText, requireBundle } from "../helpers/bundle";
import { createSandbox } from "../helpers/espruino-sandbox";
import { reseal } from "../helpers/hostile-models";
import { irisModel } from "../helpers/models";

const NAMES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
const named = (): Model => ({ ...irisModel().model, features: NAMES, target: "species", task: "classification" });
const hex = (o: Float32Array) => Buffer.from(o.buffer, o.byteOffset, o.length * 4).toString("hex");

describe("the metadata section", () => {
  it("a model without metadata is still written as version 1, byte for byte as before", () => {
    const bytes = encodeModel(quantizeModel(irisModel().model, 8));
    expect(bytes[4]).toBe(1);
    expect(bytes.length).toBe(360); // docs/FORMAT.md's example
  });

  it("names, label column, task and imputation round-trip through a version 2 file; the layers are unchanged", () => {
    const plain = encodeModel(irisModel().model);
    const m: Model = { ...named(), features: ["température", "x,y", 'a "quoted" one', "d"], impute: "median" };
    const bytes = encodeModel(m);
    expect(bytes[4]).toBe(2);
    expect(bytes[12]).toBe(1); // FLAG_IMPUTE
    // everything up to the end of the weights is the version 1 file's (but for the version, the flag and the CRC)
    const lay = decodeLayout(bytes);
    expect(lay.meanOff).toBe(decodeLayout(plain).meanOff);
    expect(Buffer.from(bytes.subarray(16, plain.length - 4)).equals(Buffer.from(plain.subarray(16, plain.length - 4)))).toBe(true);
    const back = decodeModel(bytes);
    expect(back.features).toEqual(m.features);
    expect(back.target).toBe("species");
    expect(back.task).toBe("classification");
    expect(back.impute).toBe("median");
    expect(decodeModel(plain).features).toBeUndefined();
    // quantizing keeps it all
    const q = decodeModel(encodeModel(quantizeModel(back, 8)));
    expect([q.features, q.target, q.task, q.impute]).toEqual([m.features, "species", "classification", "median"]);
  });

  it("a regression model states its task and target without labels", () => {
    const m: Model = { ...irisModel().model, labels: [], features: NAMES, target: "yield", task: "regression" };
    const back = decodeModel(encodeModel(m));
    expect([back.task, back.target, back.labels]).toEqual(["regression", "yield", []]);
  });

  it("the encoder refuses names the section cannot hold", () => {
    expect(() => encodeModel({ ...named(), features: NAMES.slice(1) })).toThrow("3 feature names for 4 inputs");
    expect(() => encodeModel({ ...named(), features: ["a", "b", "a", "c"] })).toThrow('feature names 1 and 3 are both "a"');
    expect(() => encodeModel({ ...named(), features: ["a", "", "b", "c"] })).toThrow(
      "feature name 2 is 0 bytes of UTF-8: names are 1 to 255",
    );
    expect(() => encodeModel({ ...named(), target: "x".repeat(256) })).toThrow("the label column's name is 256 bytes");
    expect(() => encodeModel({ ...named(), features: ["a", "\ud800", "b", "c"] })).toThrow("feature name 2 is not valid Unicode text");
  });

  it("the host's reader says what is wrong with a malformed section", () => {
    const good = encodeModel(named());
    const meta = decodeLayout(good).T[12] + 192; // layer 2's weights (3 x 16 float32, 192 bytes) end where the metadata starts
    const cases: [string, (b: Uint8Array) => Uint8Array, string][] = [
      [
        "an unknown task",
        (b) => {
          b[meta] = 3;
          return b;
        },
        "metadata: task 3 is unknown",
      ],
      [
        "imputation without the header's flag",
        (b) => {
          b[meta + 1] = 1;
          return b;
        },
        "metadata: imputation mean but the header's flag says none",
      ],
      [
        "the flag without imputation",
        (b) => {
          b[12] = 1;
          return b;
        },
        "metadata: imputation none but the header's flag says imputed",
      ],
      [
        "a name longer than the section",
        (b) => {
          b[meta + 2] = 200;
          return b;
        },
        "metadata: truncated at the label column's name (200 bytes,",
      ],
      [
        "a name that is not UTF-8",
        (b) => {
          b[meta + 4] = 0xff;
          return b;
        },
        "metadata: the label column's name is not UTF-8",
      ],
      // name 1 (after the 4-byte head, "species", the count and its length) made "petal_length", name 3's
      [
        "a duplicate feature name",
        (b) => {
          b.set(Buffer.from("petal_length"), meta + 4 + 7 + 2 + 2);
          return b;
        },
        'metadata: feature names 1 and 3 are both "petal_length"',
      ],
      [
        "non-zero padding",
        (b) => {
          b[b.length - 5] = 7;
          return b;
        },
        "metadata: padding is not zero",
      ],
    ];
    for (const [what, mutate, msg] of cases) {
      const bad = reseal(mutate(Uint8Array.from(good)));
      expect(() => decodeModel(bad), what).toThrow(msg);
      // the runtime skips the metadata: its outputs are the same model's
      expect(() => load(bad), what).not.toThrow();
    }
  });

  it("version 2 files give the same outputs as version 1 in the runtime, and an empty section states nothing", () => {
    const { model, test } = irisModel();
    const v1 = load(encodeModel(model)),
      v2 = load(encodeModel(named()));
    for (let i = 0; i < test.n; i++) {
      const x = test.x.subarray(i * 4, i * 4 + 4);
      expect(hex(v2.run(x))).toBe(hex(v1.run(x)));
    }
    const empty = Uint8Array.from(encodeModel(model));
    empty[4] = 2;
    expect(decodeModel(reseal(empty)).features).toBeUndefined();
  });
});

describe("imputation: a missing input (NaN) is the normalization's center, on the host and the board alike", () => {
  const imputed = (): Model => ({ ...named(), impute: "mean" });
  const rows = () => {
    const { test } = irisModel();
    const xs: number[][] = [];
    for (let i = 0; i < 12; i++) {
      const x = Array.from(test.x.subarray(i * 4, i * 4 + 4));
      x[i % 4] = NaN;
      if (i % 3 === 0) x[(i + 1) % 4] = NaN;
      xs.push(x);
    }
    xs.push([NaN, NaN, NaN, NaN]);
    return xs;
  };

  it("in Node (both bundles and the TypeScript runtime): NaN gives the outputs of x_j = mean_j, to the bit; a model without the flag gives NaN as before", () => {
    const m = imputed(),
      bytes = encodeModel(m);
    for (const nn of [{ load }, requireBundle(false), requireBundle(true)]) {
      const r = nn.load(bytes),
        plain = nn.load(encodeModel(irisModel().model));
      for (const x of rows()) {
        const filled = x.map((v, j) => (Number.isNaN(v) ? m.mean[j] : v));
        expect(hex(r.run(x))).toBe(hex(r.run(filled)));
        expect(r.classify(x)).toBe(r.classify(filled));
        expect(Array.from(plain.run(x)).every(Number.isNaN)).toBe(true);
      }
    }
  });

  it("quantized (int8), the same; folding the normalization away is refused (there would be no center left)", () => {
    const q = quantizeModel(imputed(), 8);
    expect(() => quantizeModel(imputed(), 8, { foldNormalization: true })).toThrow("cannot be folded");
    const r = load(encodeModel(q));
    for (const x of rows()) expect(hex(r.run(x))).toBe(hex(r.run(x.map((v, j) => (Number.isNaN(v) ? q.mean[j] : v)))));
  });

  it("in Duktape and on the Espruino surface, the outputs are Node's, bit for bit", () => {
    for (const m of [imputed(), quantizeModel(imputed(), 8)]) {
      const bytes = encodeModel(m),
        xs = rows(),
        ref = load(bytes);
      const want = xs.map((x) => hex(ref.run(x)) + ";" + ref.classify(x));
      const body = `var out = [], xs = ${JSON.stringify(xs).replace(/null/g, "NaN")};
for (var i = 0; i < xs.length; i++) {
  var o = m.run(xs[i]), b = new Uint8Array(o.buffer, o.byteOffset, o.length * 4), s = "";
  for (var k = 0; k < b.length; k++) s += (b[k] < 16 ? "0" : "") + b[k].toString(16);
  out.push(s + ";" + m.classify(xs[i]));
}`;
      const dir = mkdtempSync(join(tmpdir(), "edgefnn-meta-"));
      const file = join(dir, "run.js");
      writeFileSync(
        file,
        `${bundleText(true)}\nvar m = edgefnn.load(new Uint8Array(${JSON.stringify(Array.from(bytes))}).buffer);\n${body}\nprint(out.join("\\n"));`,
      );
      expect(execFileSync("duk", [file], { encoding: "utf8" }).trim().split("\n")).toEqual(want);
      const sb = createSandbox({ viewOffsetLimit: true });
      sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
      sb.storage.set("model", bytes);
      expect(sb.run(`(function () { var m = require("edgefnn").loadFile("model"); ${body} return out; })()`)).toEqual(want);
    }
  });
});

describe("an input of the wrong length is refused, not run into NaN", () => {
  const msg = "3 inputs, expected 4";
  it("in Node", () => {
    for (const nn of [{ load }, requireBundle(true)]) {
      const m = nn.load(encodeModel(irisModel().model));
      expect(() => m.run([1, 2, 3])).toThrow(msg);
      expect(() => m.classify([1, 2, 3, 4, 5])).toThrow("5 inputs, expected 4");
      // a quantized model with its normalization folded (a copy instead of a loop) too
      const f = nn.load(encodeModel(quantizeModel(irisModel().model, 8, { foldNormalization: true })));
      expect(() => f.run([1, 2, 3])).toThrow(msg);
    }
  });

  it("in Duktape and on the Espruino surface", () => {
    const bytes = encodeModel(irisModel().model);
    const dir = mkdtempSync(join(tmpdir(), "edgefnn-len-"));
    const file = join(dir, "run.js");
    writeFileSync(
      file,
      `${bundleText(true)}\nvar m = edgefnn.load(new Uint8Array(${JSON.stringify(Array.from(bytes))}).buffer);\ntry { m.run([1, 2, 3]); print("ran"); } catch (e) { print(e.message); }`,
    );
    expect(execFileSync("duk", [file], { encoding: "utf8" }).trim()).toBe(msg);
    const sb = createSandbox({ viewOffsetLimit: true });
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    sb.storage.set("model", bytes);
    expect(
      sb.run(
        `(function () { try { require("edgefnn").loadFile("model").classify([1, 2, 3]); return "ran"; } catch (e) { return e.message; } })()`,
      ),
    ).toBe(msg);
  });
});
