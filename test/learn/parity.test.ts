// Host parity to the bit: the learn bundle, given the same model, samples,
// order and hyper-parameters, ends with the same trained weights as the host
// core's SGD (sgdStep per sample, train() for epochs), in Node, in Duktape and
// on the Espruino-surface sandbox (E.convolve in the frozen layers, the model
// read from Storage by loadFile).
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DataSet, encodeModel, Model, quantizeModel } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { bundleText, BUNDLE } from "../helpers/bundle";
import { createSandbox } from "../helpers/espruino-sandbox";
import { hostScenario, LEARN_BUNDLE, learnText, RUN_SCENARIO, Scenario } from "../helpers/learn-scenario";
import { everyActivationModel, irisModel, syntheticModel } from "../helpers/models";

function rows(d: DataSet, n: number): { xs: number[][]; ys: number[] } {
  const k = d.inputSize, xs: number[][] = [], ys: number[] = [];
  for (let i = 0; i < Math.min(n, d.n); i++) {
    xs.push(Array.from(d.x.subarray(i * k, i * k + k)));
    ys.push(d.classes![i]);
  }
  return { xs, ys };
}

function scenarios(): [string, Scenario][] {
  const every = everyActivationModel(), iris = irisModel("hard-logistic"), syn = syntheticModel();
  const s = (m: Model, d: DataSet, n: number, opts: Scenario["opts"], steps: number, fits: number[]): Scenario => ({
    model: encodeModel(m), opts, ...rows(d, n), steps, fits,
  });
  return [
    // every activation (hard-logistic, hard-tanh, PReLU, ...) on the backward path, float32 and int8
    ["every activation, all 11 layers, float32", s(every.model, every.train, 24, { layers: 11, rate: 0.02, lambda: 0.001 }, 24, [2])],
    ["every activation, last 4 layers, int8", s(quantizeModel(every.model, 8), every.train, 24, { layers: 4, rate: 0.03 }, 12, [3])],
    // the stopping rule with a validation split (30 samples: 6 validate)
    ["iris hard-logistic, last layer, int8, validation split", s(quantizeModel(iris.model, 8), iris.train, 30, { rate: 0.1, patience: 2 }, 30, [20, 5])],
    ["iris hard-logistic, both layers, int8", s(quantizeModel(iris.model, 8), iris.train, 30, { layers: 2, rate: 0.05, seed: 7 }, 10, [4])],
    // the measured case: the last layer of a 64-64-32-10 int8 model
    ["64-64-32-10 int8, last layer", s(quantizeModel(syn.model, 8), syn.train, 25, { rate: 0.01, buffer: 25 }, 25, [2])],
    ["64-64-32-10 int8, last 2 layers", s(quantizeModel(syn.model, 8), syn.train, 12, { layers: 2, rate: 0.01, buffer: 12 }, 12, [1])],
  ];
}

describe("the learn bundle trains the last k layers bit for bit as the host core does", () => {
  const cases = scenarios();

  it("in Node (the bundle as a CommonJS module)", () => {
    const req = createRequire(import.meta.url);
    const nn = req(BUNDLE), LN = req(LEARN_BUNDLE);
    const run = new Function("LN", "m", "SC", `${RUN_SCENARIO}\nreturn runScenario(LN, m, SC);`);
    for (const [name, sc] of cases) expect(run(LN, nn.load(sc.model), sc), name).toBe(hostScenario(sc));
  });

  it("in Duktape (minified bundles)", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgefnn-learn-duk-"));
    for (const [name, sc] of cases) {
      const file = join(dir, "run.js");
      writeFileSync(file, `${bundleText(true)}\n${learnText(true)}\n${RUN_SCENARIO}
var SC = ${JSON.stringify({ ...sc, model: Array.from(sc.model) })};
print(runScenario(edgefnnLearn, edgefnn.load(new Uint8Array(SC.model).buffer), SC));`);
      const duk = execFileSync("duk", [file], { encoding: "utf8", maxBuffer: 64 << 20 }).trim();
      expect(duk, name).toBe(hostScenario(sc));
    }
  });

  it("on the Espruino-surface sandbox (Storage modules, loadFile, E.convolve)", () => {
    for (const [name, sc] of cases) {
      const sb = createSandbox({ viewOffsetLimit: true });
      sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
      sb.storage.set("edgefnn-learn", new TextEncoder().encode(learnText(true)));
      sb.storage.set("m.efnn", sc.model);
      sb.run(RUN_SCENARIO);
      sb.context.SC = sc;
      const go = () => sb.run(`runScenario(require("edgefnn-learn"), require("edgefnn").loadFile("m.efnn"), SC)`);
      // the sandbox has a Puck.js's 2630 blocks: 2 layers of 64-32-10 (2,410 float32
      // parameters, and fit()'s two copies) do not fit, and the learner says so
      if (name.includes("last 2 layers")) expect(go, name).toThrow(/needs about \d+ blocks, \d+ are free/);
      else expect(go(), name).toBe(hostScenario(sc));
    }
  });

  it("the runtime bundle does not carry the learner", () => {
    expect(bundleText(true)).not.toContain("learner");
    void load;
  });
});
