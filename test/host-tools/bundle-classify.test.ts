// bundle --model writes classify.js for that model: readSensors() returns its
// inputs, named and counted. The template's fixed four values gave a 6-input
// model NaN outputs and class 0 every second, without an error.
import { Parser } from "acorn";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createNetwork, createRng, encodeModel, initialize, modelFromNetwork } from "../../src/core/index";
import { bundleText } from "../helpers/bundle";
import { cli, json } from "../helpers/cli";
import { createSandbox } from "../helpers/espruino-sandbox";
import { tempFiles } from "../helpers/temp-files";

const tmp = tempFiles("edgefnn-bundle-");

function sixInputModel(features?: string[]): Uint8Array {
  const net = createNetwork({
    inputSize: 6,
    layers: [
      { size: 5, activation: "tanh" },
      { size: 3, activation: "softmax" },
    ],
  });
  initialize(net, createRng(5));
  return encodeModel({ ...modelFromNetwork(net, ["idle", "walk", "run"]), features, target: features ? "activity" : undefined });
}

/** classify.js run once on the Espruino surface, with the runtime and the model in Storage */
function runOnBoard(script: string, model: Uint8Array): string[] {
  const sb = createSandbox({ viewOffsetLimit: true });
  sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
  sb.storage.set("model.efnn", model);
  sb.context.setInterval = (f: () => void) => f(); // one tick
  sb.run(script);
  return sb.printed;
}

describe("bundle --model: classify.js for this model", () => {
  const names = ["temp_c", "humidity", "pressure", "light", "co2", "noise_db"];

  it("names and counts the inputs, is ES5, and runs on the Espruino surface to a label", () => {
    const dir = tmp.folder(),
      model = join(dir, "m.efnn");
    writeFileSync(model, sixInputModel(names));
    const r = json(cli(["bundle", "--out", join(dir, "b"), "--model", model, "--json"]));
    expect(r.files.map((f: { file: string }) => f.file)).toContain(join(dir, "b", "classify.js"));
    const script = readFileSync(join(dir, "b", "classify.js"), "utf8");
    expect(() => Parser.parse(script, { ecmaVersion: 5, sourceType: "script" })).not.toThrow();
    for (const [j, n] of names.entries()) expect(script).toContain(`// input ${j + 1}: "${n}"`);
    expect(script).toContain('predicts "activity" (3 classes) from 6 inputs');
    expect(script).not.toContain("return [0, 0, 0, 0];");
    const printed = runOnBoard(script, readFileSync(model));
    expect(printed).toHaveLength(1);
    expect(["idle", "walk", "run"]).toContain(printed[0]);
    expect(readFileSync(join(dir, "b", "README.txt"), "utf8")).toContain("this model takes 6 inputs, named there");
  });

  it("a model without names (format version 1) gets its inputs counted", () => {
    const dir = tmp.folder(),
      model = join(dir, "m.efnn");
    writeFileSync(model, sixInputModel());
    expect(cli(["bundle", "--out", join(dir, "b"), "--model", model]).status).toBe(0);
    const script = readFileSync(join(dir, "b", "classify.js"), "utf8");
    expect(script.match(/\/\/ input \d+$/gm)).toHaveLength(6);
    expect(runOnBoard(script, readFileSync(model))).toHaveLength(1);
  });

  it("the template's four values into a six-input model: a clear error on the board, not NaN and class 0", () => {
    const template = readFileSync(new URL("../../firmware-scripts/classify.js", import.meta.url), "utf8");
    expect(() => runOnBoard(template, sixInputModel(names))).toThrow("4 inputs, expected 6");
  });

  it("bundling another model replaces edgefnn's unedited classify.js; an edited one is kept", () => {
    const dir = tmp.folder(),
      a = join(dir, "a.efnn"),
      b = join(dir, "b.efnn"),
      out = join(dir, "b");
    writeFileSync(a, sixInputModel(names));
    writeFileSync(b, sixInputModel(names.map((n) => n + "_2")));
    expect(cli(["bundle", "--out", out, "--model", a]).status).toBe(0);
    expect(json(cli(["bundle", "--out", out, "--model", b, "--json"])).kept).toEqual([]);
    expect(readFileSync(join(out, "classify.js"), "utf8")).toContain('"temp_c_2"');
    const mine = readFileSync(join(out, "classify.js"), "utf8").replace("    0, // input 1", "    E.getTemperature(), // input 1");
    writeFileSync(join(out, "classify.js"), mine);
    expect(json(cli(["bundle", "--out", out, "--model", a, "--json"])).kept).toEqual([join(out, "classify.js")]);
    expect(readFileSync(join(out, "classify.js"), "utf8")).toBe(mine);
  });
});
