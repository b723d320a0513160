import { describe, expect, it } from "vitest";
import { createNetwork, createRng, crc32, encodeModel, initialize, modelFromNetwork, quantizeModel } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { bundleText } from "../helpers/bundle";
import { createSandbox, declareBeforeUse } from "../helpers/espruino-sandbox";
import { everyActivationModel, syntheticModel } from "../helpers/models";

const toStr = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join("");

describe("the sandbox is strict enough to catch what the board would reject", () => {
  it("a function called before its declaration has run fails", () => {
    const sb = createSandbox();
    expect(() => sb.run("f(); function f() {}")).toThrow();
    expect(() => sb.run("function g() { return h(); } var r = g(); function h() { return 1; }")).toThrow();
    expect(sb.run("function k() { return 2; } k();")).toBe(2);
  });

  it("a var read before its declaration fails", () => {
    expect(() => declareBeforeUse("x = 1; var x;")).toThrow(/"x" is used .* before its var declaration/);
    expect(() => declareBeforeUse("function f() { return y; var y = 1; }")).toThrow(/"y"/);
  });

  it("what the board lacks is missing, and views past 64 KiB fail", () => {
    const sb = createSandbox({ viewOffsetLimit: true });
    expect(
      sb.run("typeof Math.tanh + typeof Math.imul + typeof Map + typeof Symbol + typeof Array.prototype.slice + typeof Float32Array.from"),
    ).toBe("undefined".repeat(6));
    // (as on 2v29, which has fill wherever it has subarray)
    expect(sb.run("typeof new Float32Array(1).fill")).toBe("function");
    expect(() => sb.run("new Uint8Array(new ArrayBuffer(70000), 65536, 4)")).toThrow("byteOffset too large");
    // as on the interpreter (2v29): a view given a length of 0 runs to the buffer's end
    expect(sb.run("new Uint8Array(new ArrayBuffer(16), 4, 0).length + ',' + new Float32Array(new ArrayBuffer(16), 4, 0).length")).toBe(
      "12,3",
    );
    expect(sb.run("E.CRC32('hello')")).toBe(907060870);
    expect(sb.run("E.convolve(new Int8Array([1, 2, 3]), new Float32Array([0.5, 0.25, 2, 9]), 1)")).toBe(1 * 0.25 + 2 * 2 + 3 * 9);
  });

  it("two typed arrays with the same values are === (as on 2v29); objects and arrays compare by reference", () => {
    const sb = createSandbox();
    // the interpreter's answers (the Linux build, 2v29): true false true false false true true true
    expect(
      sb.run(`[new Float32Array(2) === new Float32Array(2), new Float32Array(2) === new Float32Array(3),
      new Uint8Array([1, 2]) === new Uint8Array([1, 2]), new Uint8Array([1, 2]) === new Uint8Array([1, 3]),
      new Uint8Array([1, 2]) !== new Uint8Array([1, 2]), new Uint8Array(2) === new ArrayBuffer(2),
      new Int8Array([1]) === new Uint8Array([1]), new Float32Array([0]) == 0].join()`),
    ).toBe("true,false,true,false,false,true,true,true");
    expect(sb.run("var o = {}; [{} === {}, [] === [], o === o, 1 === 1, '1' == 1, null == undefined, null === undefined].join()")).toBe(
      "false,false,true,true,true,true,false",
    );
    // and the rewriting keeps nested code intact
    expect(sb.run("(function (a) { return [a === [1][0], { k: a !== 2 }.k, [[a]][0][0] == 1]; })(1).join()")).toBe("true,true,true");
  });

  it("a buffer over a Storage file dies when the file is written again or erased (as on 2v29)", () => {
    const sb = createSandbox();
    sb.storage.set("f", new Uint8Array([1, 2, 3, 4]));
    sb.run(`var __b = E.toArrayBuffer(require("Storage").read("f")), __c = E.toArrayBuffer("\\x01\\x02")`);
    expect(sb.run("new Uint8Array(__b)[3]")).toBe(4);
    sb.run(`require("Storage").write("f", "\\x01\\x02\\x03\\x04")`);
    expect(() => sb.run("new Uint8Array(__b)")).toThrow(/detached/);
    expect(sb.run("new Uint8Array(__c)[1]")).toBe(2); // a buffer over any other string lives on
    sb.run(`__b = E.toArrayBuffer(require("Storage").read("f", 1, 2))`);
    sb.storage.delete("f");
    expect(() => sb.run("new Uint8Array(__b)")).toThrow(/detached/);
  });
});

function runOnBoard(sb: ReturnType<typeof createSandbox>, expr: string, xs: number[][]): { out: number[][]; cls: number[] } {
  sb.context.__xs = xs;
  return sb.run(`(function () {
    var m = ${expr}, out = [], cls = [];
    for (var i = 0; i < __xs.length; i++) {
      var o = m.run(__xs[i]), row = [];
      for (var k = 0; k < o.length; k++) row.push(o[k]);
      out.push(row);
      cls.push(m.classify(__xs[i]));
    }
    return { out: out, cls: cls };
  })()`);
}

describe("the bundle on the Espruino surface (E.convolve rows) equals the reference (plain loops)", () => {
  for (const min of [false, true]) {
    it(`float32 and int8 models, loaded from Storage as a module (${min ? "minified" : "plain"})`, () => {
      for (const { model, test } of [everyActivationModel(), syntheticModel()]) {
        for (const m of [model, quantizeModel(model, 8), quantizeModel(model, 8, { foldNormalization: true })]) {
          const bytes = encodeModel(m);
          const sb = createSandbox({ viewOffsetLimit: true });
          sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(min)));
          sb.storage.set("model", bytes);
          const d = test.inputSize,
            xs = Array.from({ length: Math.min(40, test.n) }, (_, i) => Array.from(test.x.subarray(i * d, (i + 1) * d)));
          xs.push(
            xs[0].map(() => NaN),
            xs[0].map(() => 0),
            xs[0].map(() => -1e30),
          ); // degenerate inputs behave the same too
          const ref = load(bytes);
          const want = { out: xs.map((x) => Array.from(ref.run(x))), cls: xs.map((x) => ref.classify(x)) };
          // from flash, as on a board: E.toArrayBuffer(require("Storage").read(name))
          expect(runOnBoard(sb, `require("edgefnn").load(E.toArrayBuffer(require("Storage").read("model")))`, xs)).toEqual(want);
          expect(runOnBoard(sb, `require("edgefnn").loadFile("model")`, xs)).toEqual(want);
        }
      }
    });
  }

  it("a layer whose outputs equal the other half's values (all zeros) does not overwrite its input (=== compares values there)", () => {
    // 2 -> 3 ReLU, every unit dead (negative biases) -> 2 linear: a(1) = 0, and a(0) = 0 for x = mean
    const net = createNetwork({
      inputSize: 2,
      layers: [
        { size: 3, activation: "relu" },
        { size: 2, activation: "linear" },
        { size: 2, activation: "linear" },
      ],
    });
    initialize(net, createRng(9));
    net.layers[0].b.fill(-5);
    net.layers[1].b.set([0.25, -0.5]);
    net.mean.set([1, 2]);
    for (const m of [modelFromNetwork(net), quantizeModel(modelFromNetwork(net), 8)]) {
      const bytes = encodeModel(m);
      const sb = createSandbox();
      sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
      sb.storage.set("m", bytes);
      const xs = [
        [1, 2],
        [0, 0],
      ];
      const ref = load(bytes);
      expect(runOnBoard(sb, `require("edgefnn").loadFile("m")`, xs).out).toEqual(xs.map((x) => Array.from(ref.run(x))));
    }
  });

  it("a model over 64 KiB loads with loadFile (sections and rows past 64 KiB read from Storage)", () => {
    // 64 -> 128 -> 160 -> 10 float32: 32 KiB + 80 KiB + 6 KiB of weights
    const net = createNetwork({
      inputSize: 64,
      layers: [
        { size: 128, activation: "tanh" },
        { size: 160, activation: "prelu" },
        { size: 10, activation: "softmax" },
      ],
    });
    initialize(net, createRng(5));
    for (const bits of [32, 8] as const) {
      const m = bits === 32 ? modelFromNetwork(net) : quantizeModel(modelFromNetwork(net), [8, 32, 8]);
      const bytes = encodeModel(m);
      if (bits === 32) expect(bytes.length).toBeGreaterThan(120_000);
      const sb = createSandbox({ viewOffsetLimit: true });
      sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
      sb.storage.set("big", bytes);
      const rng = createRng(6);
      const xs = Array.from({ length: 5 }, () => Array.from({ length: 64 }, () => rng.normal()));
      const ref = load(bytes);
      const want = { out: xs.map((x) => Array.from(ref.run(x))), cls: xs.map((x) => ref.classify(x)) };
      expect(runOnBoard(sb, `require("edgefnn").loadFile("big")`, xs)).toEqual(want);
      if (bytes.length > 65536)
        expect(() => runOnBoard(sb, `require("edgefnn").load(E.toArrayBuffer(require("Storage").read("big")))`, xs)).toThrow(
          /model is \d+ bytes: over 64 KiB, use loadFile\(name\)/,
        );
    }
  });

  it("NaN is refused at loadFile on the board too, also in sections past 64 KiB; float32 weight sections over 65535 values are not checked there", () => {
    const net = createNetwork({
      inputSize: 64,
      layers: [
        { size: 128, activation: "tanh" },
        { size: 160, activation: "prelu" },
        { size: 10, activation: "softmax" },
      ],
    });
    initialize(net, createRng(5));
    const bytes = encodeModel(modelFromNetwork(net));
    const sb = createSandbox({ viewOffsetLimit: true });
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    const layer2 = 16 + 3 * 8 + 8 * 64 + 4 * (128 + 2 * 160 + 10) + 4 * 128 * 64; // the weights of layer 2
    for (const [at, msg] of [
      [layer2 + 4 * 20000, "layer 2 weights: value 20001 is NaN"], // byte 127,000 or so: read from Storage
      [16 + 3 * 8 + 8 * 64 + 4 * 128 + 4 * 3, "layer 2 biases: value 4 is NaN"],
      [16 + 3 * 8 + 4 * 5, "normalization: value 6 is NaN"],
    ] as const) {
      const bad = Uint8Array.from(bytes);
      new DataView(bad.buffer).setFloat32(at, NaN, true);
      new DataView(bad.buffer).setUint32(bad.length - 4, crc32(bad, bad.length - 4), true);
      expect(at).toBeLessThan(bad.length - 4);
      sb.storage.set("bad", bad);
      expect(() => sb.run(`require("edgefnn").loadFile("bad")`)).toThrow(msg);
      expect(() => load(bad)).toThrow(msg);
    }
    // 300 x 256 float32 weights (76,800 values): checked in Node, not on the board (FORMAT.md)
    const wide = createNetwork({
      inputSize: 300,
      layers: [
        { size: 256, activation: "relu" },
        { size: 2, activation: "softmax" },
      ],
    });
    initialize(wide, createRng(6));
    const big = encodeModel(modelFromNetwork(wide));
    new DataView(big.buffer).setFloat32(16 + 16 + 8 * 300 + 4 * 258 + 4 * 70000, NaN, true);
    new DataView(big.buffer).setUint32(big.length - 4, crc32(big, big.length - 4), true);
    sb.storage.set("wide", big);
    expect(() => load(big)).toThrow("layer 1 weights: value 70001 is NaN");
    expect(sb.run(`require("edgefnn").loadFile("wide").outputSize`)).toBe(2);
  });

  it("a model without labels loads and says labels = [] (a 0-length view is the whole rest on Espruino)", () => {
    const sb = createSandbox();
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    const { model } = syntheticModel();
    sb.storage.set("m", encodeModel({ ...quantizeModel(model, 8), labels: [] }));
    expect(sb.run(`JSON.stringify(require("edgefnn").loadFile("m").labels)`)).toBe("[]");
    sb.storage.set("l", encodeModel(quantizeModel(model, 8)));
    expect(sb.run(`require("edgefnn").loadFile("l").labels.length`)).toBe(10);
  });

  it("a loadFile model finds its file again at every call: a rewritten file is an error, not a mix of two models", () => {
    const sb = createSandbox();
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    const { model, test } = syntheticModel();
    const a = encodeModel(quantizeModel(model, 8));
    sb.storage.set("m", a);
    const x = Array.from(test.x.subarray(0, 64));
    sb.context.__x = x;
    sb.run(`var __m = require("edgefnn").loadFile("m")`);
    const first = sb.run(`[].join.call(__m.run(__x), ",")`);
    expect(first).toBe(Array.from(load(a).run(x)).join(","));
    // the same bytes written again (a re-upload, or compaction moving the file): still the same model
    sb.storage.set("m", new Uint8Array(a));
    expect(sb.run(`[].join.call(__m.run(__x), ",")`)).toBe(first);
    // another model under the same name: its scales must not be mixed with the old weights
    sb.storage.set("m", encodeModel(quantizeModel(model, 16)));
    expect(() => sb.run(`__m.run(__x)`)).toThrow("m changed in Storage: loadFile() it again");
    expect(() => sb.run(`__m.labels`)).toThrow("m changed in Storage: loadFile() it again");
    sb.storage.delete("m");
    expect(() => sb.run(`__m.classify(__x)`)).toThrow("m is no longer in Storage");
  });

  it("loadFile names a missing file", () => {
    const sb = createSandbox();
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    expect(() => sb.run(`require("edgefnn").loadFile("nope")`)).toThrow('no Storage file "nope"');
  });
});

export { toStr };

describe("process.memory() measures what is alive (it said 0 whatever was kept)", () => {
  it("garbage adds nothing; what a global or a closure keeps adds blocks; letting go gives them back", () => {
    const sb = createSandbox();
    const usage = () => sb.run("process.memory().usage") as number;
    const u0 = usage();
    sb.run("for (var i = 0; i < 1000; i++) new Float32Array(16), [1, 2, 3], { a: 1 };");
    expect(usage()).toBe(u0);
    // a view 2 blocks, its buffer 1 and 64 bytes of data 5: 8 a Float32Array(16)
    sb.run("var kept = []; for (var i = 0; i < 100; i++) kept.push(new Float32Array(16));");
    expect(usage() - u0).toBeGreaterThanOrEqual(800);
    sb.run("kept = null;");
    expect(usage()).toBe(u0);
    // in a closure, out of every global's reach
    sb.run("var f = (function () { var k = []; return function () { k.push(new Int8Array(1)); }; })();");
    const u1 = usage();
    sb.run("for (var i = 0; i < 100; i++) f();");
    expect(usage() - u1).toBeGreaterThanOrEqual(100 * 4);
  });

  it("bench.js's runBlocks is the leak of a runtime that keeps one Float32Array a run (it passed as 0 before)", async () => {
    const { readFileSync } = await import("node:fs");
    const sb = createSandbox({ viewOffsetLimit: true });
    sb.storage.set("edgefnn-real", new TextEncoder().encode(bundleText(true)));
    // the real runtime, with a run() that keeps what it made
    sb.storage.set(
      "edgefnn",
      new TextEncoder().encode(`
      var real = require("edgefnn-real"), kept = [];
      exports.layout = real.layout;
      exports.loadFile = function (name) {
        var m = real.loadFile(name), run = m.run;
        m.run = function (x) { kept.push(new Float32Array(1)); return run.call(m, x); };
        return m;
      };`),
    );
    sb.storage.set("model.efnn", encodeModel(quantizeModel(syntheticModel().model, 8)));
    sb.run("var BENCH_RUNS = 3;");
    sb.run(readFileSync(new URL("../../firmware-scripts/bench.js", import.meta.url), "utf8"));
    const r = JSON.parse(sb.printed.find((l) => l.startsWith("BENCH "))!.slice(6));
    expect(r.runBlocks).toBeGreaterThanOrEqual(1000 * 4);
  });
});

describe("firmware-scripts/bench.js", () => {
  it("runs on the Espruino surface and prints one BENCH line", async () => {
    const { readFileSync } = await import("node:fs");
    const sb = createSandbox({ viewOffsetLimit: true });
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    sb.storage.set("model.efnn", encodeModel(quantizeModel(syntheticModel().model, 8)));
    sb.run("var BENCH_RUNS = 3;");
    sb.run(readFileSync(new URL("../../firmware-scripts/bench.js", import.meta.url), "utf8"));
    const line = sb.printed.find((l) => l.startsWith("BENCH "));
    const r = JSON.parse(line!.slice(6));
    expect(r.model).toBe("model.efnn");
    expect(r.ms).toBeGreaterThan(0);
    expect(r.floorMs).toBeGreaterThan(0);
    expect(r.nativeMs).toBeGreaterThan(0);
    expect(r.runBlocks).toBe(0);
    // measured now (process.memory() counts what is alive): the runtime and a model cost blocks
    expect(r.requireBlocks).toBeGreaterThan(20);
    expect(r.loadBlocks).toBeGreaterThan(5);
    console.log("bench.js on the sandbox: " + line);
  });
});
