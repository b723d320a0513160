// learner.model() and learner.save(name): the fine-tuned model as a new .efnn
// (trained layers requantized per row as the host's quantizer does), and on
// the virtual board written, proved and made active through edgefnn.active,
// so that a power cut at any point of the save leaves a loadable active model:
// the previous one until the pointer is rewritten, the new one after.
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { crc32, encodeModel } from "../../src/core/index";
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

describe("learner.model(): the fine-tuned .efnn", () => {
  it("equals, byte for byte, the host's model of the same fine-tuning (frozen layers kept, trained ones requantized)", () => {
    for (const [name, sc] of scenarios()) {
      const bytes: Uint8Array = trained(sc).model();
      expect(Buffer.from(bytes).equals(Buffer.from(encodeModel(hostModel(sc)))), name).toBe(true);
    }
  });

  it("addClass(): one more output row, zero-initialised, taught by step(); the saved model knows the new label", () => {
    const [, sc] = scenarios().find(([n]) => n.startsWith("gesture"))!;
    const lr = LN.learner(nn.load(sc.model), { rate: 0.1 });
    sc.xs.forEach((x, i) => lr.add(x, sc.ys[i]));
    const before = lr.run(sc.xs[0]).length;
    expect(lr.addClass("tap")).toBe(before);
    // a new gesture: the first sample shifted far from every class
    const tap = sc.xs[0].map((v, j) => v + (j % 2 ? 3 : -3));
    for (let e = 0; e < 40; e++) lr.step(tap, before);
    expect(lr.classify(tap)).toBe(before);
    const m = load(lr.model());
    expect(m.labels).toEqual(["still", "shake", "circle", "tap"]);
    expect(m.outputSize).toBe(before + 1);
    expect(m.classify(tap)).toBe(before);
  });
});

/** a board whose Storage persists in a file (what survives a power cut), with the bundles and model "gest" active as upload leaves it */
function boardWithModel(dir: string, model: Uint8Array): VirtualBoard {
  const b = new VirtualBoard({ board: "puckjs", storagePath: join(dir, "flash.json"), execTimeoutMs: BUSY_EXEC_MS }, () => {});
  b.storage.write("edgefnn", readFileSync(BUNDLE_MIN));
  b.storage.write("edgefnn-learn", readFileSync(LEARN_BUNDLE_MIN));
  const file =
    "gest." +
    crc32(model, model.length - 4)
      .toString(16)
      .padStart(8, "0");
  b.storage.write(file, model);
  b.storage.write(
    "edgefnn.active",
    Buffer.from(JSON.stringify({ file, name: "gest", bytes: model.length, crc: crc32(model, model.length - 4) })),
  );
  return b;
}

const TEACH = `
var S = require("Storage"), nn = require("edgefnn"), LN = require("edgefnn-learn");
var lr = LN.learner(nn.loadFile(JSON.parse(S.read("edgefnn.active")).file), SC.opts);
for (var i = 0; i < SC.xs.length; i++) lr.step(SC.xs[i], SC.ys[i]);
lr.fit(3);
`;

describe("learner.save(name) on the virtual board's flash", () => {
  const [, sc] = scenarios().find(([n]) => n.startsWith("gesture"))!;

  for (const f32 of [false, true])
    it(`writes <name>.<crc>${f32 ? " (trained layers float32)" : ""}, proves it and switches edgefnn.active to it; the saved model answers as the learner's bytes do in Node`, () => {
      const dir = mkdtempSync(join(tmpdir(), "edgefnn-learn-save-"));
      const b = boardWithModel(dir, sc.model);
      try {
        b.sandbox.context.SC = sc;
        b.sandbox.run(TEACH);
        const file = b.sandbox.run(`lr.save("gest", { float32: ${f32} })`) as string;
        const want: Uint8Array = trained({ ...sc, steps: sc.xs.length, fits: [3] }).model({ float32: f32 });
        expect(file).toBe(
          "gest." +
            crc32(want, want.length - 4)
              .toString(16)
              .padStart(8, "0"),
        );
        expect(Buffer.from(b.storage.read(file)!).equals(Buffer.from(want))).toBe(true);
        expect(JSON.parse(Buffer.from(b.storage.read("edgefnn.active")!).toString("latin1")).file).toBe(file);
        expect(b.storage.read("edgefnn.saving")).toBeUndefined();
        const board = b.sandbox.run(`var m2 = nn.loadFile("${file}"), o = ""; for (i = 0; i < 5; i++) o += m2.classify(SC.xs[i]); o`);
        const host = load(want);
        expect(board).toBe(
          sc.xs
            .slice(0, 5)
            .map((x) => host.classify(x))
            .join(""),
        );
      } finally {
        b.stop();
      }
    });

  for (const f32 of [false, true])
    it(`a power cut at any flash operation of save(${f32 ? "float32" : ""}) leaves an active model that loads: the previous one until the pointer is written`, () => {
      const dir = mkdtempSync(join(tmpdir(), "edgefnn-learn-cut-"));
      let sawNew = false,
        ops: number;
      // count the flash operations of a whole save, then cut the power after each of them in turn
      {
        const b = boardWithModel(join(dir), sc.model);
        b.sandbox.context.SC = sc;
        b.sandbox.run(
          TEACH +
            `var n = 0, w = S.write, er = S.erase; S.write = function (a, c, d, e) { n++; return w(a, c, d, e); }; S.erase = function (a) { n++; return er(a); };`,
        );
        b.sandbox.run(`lr.save("gest", { float32: ${f32} })`);
        ops = b.sandbox.run("n") as number;
        b.stop();
      }
      expect(ops).toBeGreaterThan(4);
      for (let cut = 0; cut < ops; cut++) {
        const d = mkdtempSync(join(dir, "cut-"));
        const b = boardWithModel(d, sc.model);
        b.sandbox.context.SC = sc;
        b.sandbox.run(
          TEACH +
            `var left = ${cut}, w = S.write, er = S.erase;
S.write = function (a, c, d, e) { if (left-- <= 0) throw new Error("power cut"); return w(a, c, d, e); };
S.erase = function (a) { if (left-- <= 0) throw new Error("power cut"); return er(a); };`,
        );
        expect(() => b.sandbox.run(`lr.save("gest", { float32: ${f32} })`)).toThrow("power cut");
        b.stop();
        // power on again from what the flash holds
        const again = new VirtualBoard({ board: "puckjs", storagePath: join(d, "flash.json"), execTimeoutMs: BUSY_EXEC_MS }, () => {});
        try {
          const active = again.sandbox.run(
            `var p = JSON.parse(require("Storage").read("edgefnn.active")); require("edgefnn").loadFile(p.file); p.file`,
          ) as string;
          if (active.startsWith("gest.") && !Buffer.from(again.storage.read(active)!).equals(Buffer.from(sc.model))) sawNew = true;
          else expect(Buffer.from(again.storage.read(active)!).equals(Buffer.from(sc.model)), `cut after ${cut} operations`).toBe(true);
        } finally {
          again.stop();
        }
      }
      // the last cut falls after the pointer switch only if the pointer write is not the last operation: it is
      expect(sawNew).toBe(false);
    });
});
