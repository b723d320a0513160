// learner.save(name, { float32: true }): the trained layers kept float32 (weight
// type 0, no scales), byte for byte the host's model of the same fine-tuning;
// and saving models whose sections lie past 64 KiB into the file, where the
// board's typed-array views cannot start: the learner reads the source file by
// offset from Storage and writes the new one in chunks. On the virtual board
// (its views throw "byteOffset too large" past 65535, as the interpreter's do)
// and in Node, where a trained layer's parameters past 64 KiB of their buffer
// take the chunk-copy path.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  createNetwork,
  createRng,
  crc32,
  decodeModel,
  encodeModel,
  initialize,
  modelFromNetwork,
  quantizeModel,
} from "../../src/core/index";
import { decodeLayout, T_W } from "../../src/core/format";
import { load } from "../../src/device/runtime";
import { VirtualBoard } from "../../host-tools/sim/virtual-board";
import { BUNDLE, BUNDLE_MIN } from "../helpers/bundle";
import { hostModel, LEARN_BUNDLE, LEARN_BUNDLE_MIN, Scenario, scenarios } from "../helpers/learn-scenario";
import { BUSY_EXEC_MS } from "../helpers/virtual-boards";

const req = createRequire(import.meta.url);
const nn = req(BUNDLE),
  LN = req(LEARN_BUNDLE);

function trained(sc: Scenario) {
  const lr = LN.learner(nn.load(sc.model), sc.opts);
  sc.xs.forEach((x, i) => (i < sc.steps ? lr.step(x, sc.ys[i]) : lr.add(x, sc.ys[i])));
  sc.fits.forEach((e) => lr.fit(e));
  return lr;
}

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** 16-512-128-10, int8: 8 KiB + 64 KiB of weights before the last layer's, which start past 64 KiB into the file */
function largeScenario(layers: number): Scenario {
  const net = createNetwork({
    inputSize: 16,
    layers: [
      { size: 512, activation: "relu" },
      { size: 128, activation: "hard-tanh" },
      { size: 10, activation: "softmax" },
    ],
  });
  initialize(net, createRng(3));
  const model = encodeModel(quantizeModel(modelFromNetwork(net, "abcdefghij".split("")), 8));
  const rng = createRng(5),
    xs: number[][] = [],
    ys: number[] = [];
  for (let i = 0; i < 8; i++) {
    xs.push(Array.from({ length: 16 }, () => 2 * rng.float() - 1));
    ys.push(i % 10);
  }
  return { model, opts: { layers, rate: 0.02, buffer: 8 }, xs, ys, steps: 8, fits: [1] };
}

/** the byte offset of the last layer's weights in the file (T_W of the layer table) */
const lastWeights = (model: Uint8Array): number => {
  const T = decodeLayout(model).T;
  return T[T.length - 8 + T_W];
};

describe("save with the trained layers float32", () => {
  it("model({ float32: true }) equals, byte for byte, the host's model with the trained layers float32 (every scenario)", () => {
    for (const [name, sc] of scenarios()) {
      const lr = trained(sc);
      const bytes: Uint8Array = lr.model({ float32: true });
      expect(same(bytes, encodeModel(hostModel(sc, true))), name).toBe(true);
      // the trained layers are float32 now, the frozen ones as they were
      const m = decodeModel(bytes),
        src = decodeModel(sc.model);
      m.layers.forEach((L, l) => expect(L.wtype, `${name}, layer ${l + 1}`).toBe(l >= lr.first ? 0 : src.layers[l].wtype));
    }
  });
});

describe("save for models with sections past 64 KiB", () => {
  it("the model's last layer's weights start past 64 KiB into the file (what the test is about)", () => {
    const sc = largeScenario(1);
    expect(sc.model.length).toBeGreaterThan(65536);
    expect(lastWeights(sc.model)).toBeGreaterThan(65535);
  });

  it("in Node: the last 2 layers trained (their parameters past 64 KiB of their buffer are copied chunk by chunk) give the host's model, int8 and float32", () => {
    const sc = largeScenario(2),
      lr = trained(sc);
    expect(4 * lr.params.length).toBeGreaterThan(65536);
    expect(same(lr.model(), encodeModel(hostModel(sc))), "int8").toBe(true);
    expect(same(lr.model({ float32: true }), encodeModel(hostModel(sc, true))), "float32").toBe(true);
  });

  for (const float32 of [false, true])
    it(`on the virtual board: loadFile, fine-tune the last layer, save${float32 ? " float32" : ""}: the host's bytes, active, and they load`, () => {
      const sc = largeScenario(1);
      const b = new VirtualBoard({ board: "banglejs2", execTimeoutMs: BUSY_EXEC_MS }, () => {});
      try {
        b.storage.write("edgefnn", readFileSync(BUNDLE_MIN));
        b.storage.write("edgefnn-learn", readFileSync(LEARN_BUNDLE_MIN));
        b.storage.write("big.efnn", sc.model);
        // the board's views stop at 64 KiB: a view of the whole file cannot reach the last layer
        expect(() =>
          b.sandbox.run(`var F = E.toArrayBuffer(require("Storage").read("big.efnn")); new Int8Array(F, ${lastWeights(sc.model)}, 10)`),
        ).toThrow(/byteOffset too large/);
        b.sandbox.context.SC = sc;
        const file = b.sandbox.run(`
var nn = require("edgefnn"), LN = require("edgefnn-learn");
var lr = LN.learner(nn.loadFile("big.efnn"), SC.opts);
for (var i = 0; i < SC.xs.length; i++) lr.step(SC.xs[i], SC.ys[i]);
lr.fit(1);
lr.save("big", { float32: ${float32} })`) as string;
        const want = encodeModel(hostModel(sc, float32));
        expect(file).toBe(
          "big." +
            crc32(want, want.length - 4)
              .toString(16)
              .padStart(8, "0"),
        );
        expect(same(b.storage.read(file)!, want)).toBe(true);
        expect(JSON.parse(Buffer.from(b.storage.read("edgefnn.active")!).toString("latin1")).file).toBe(file);
        const board = b.sandbox.run(
          `var m2 = nn.loadFile("${file}"), o = ""; for (i = 0; i < SC.xs.length; i++) o += m2.classify(SC.xs[i]); o`,
        );
        const host = load(want);
        expect(board).toBe(sc.xs.map((x) => host.classify(x)).join(""));
      } finally {
        b.stop();
      }
    });
});
