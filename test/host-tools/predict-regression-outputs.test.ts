// A model of several outputs without labels is a regression model of several
// outputs: predict names a column per output (its header said "prediction"
// over rows of two values), and eval, which compares one output with the one
// label column, says so instead of comparing output 0 alone.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { createNetwork, encodeModel, modelFromNetwork } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { cli, tempDir } from "../helpers/cli";

describe("a 2-output linear model without labels", () => {
  const dir = tempDir();
  const net = createNetwork({ inputSize: 2, layers: [{ size: 2, activation: "linear" }] });
  net.layers[0].W.set([1, 2, -3, 0.5]);
  net.layers[0].b.set([0.25, -1]);
  const model = join(dir, "two.efnn");
  writeFileSync(model, encodeModel(modelFromNetwork(net)));
  const xs = [
    [0, 0],
    [1, -1],
    [2.5, 4],
  ];

  it("predict: a header column per output, each row the runtime's outputs", () => {
    const data = join(dir, "x.csv");
    writeFileSync(data, ["a,b", ...xs.map((x) => x.join(","))].join("\n") + "\n");
    const r = cli(["predict", model, data]);
    expect(r.stderr).toBe("");
    const rows: string[][] = parse(r.stdout);
    expect(rows[0]).toEqual(["output_0", "output_1"]);
    const m = load(new Uint8Array(readFileSync(model)));
    expect(rows.slice(1).map((row) => row.map(Number))).toEqual(xs.map((x) => Array.from(m.run(x))));
  });

  it("eval: refuses, saying why and what to use", () => {
    const data = join(dir, "xy.csv");
    writeFileSync(data, ["a,b,y", ...xs.map((x) => [...x, 1].join(","))].join("\n") + "\n");
    const r = cli(["eval", model, data]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `edgefnn: ${model} has 2 outputs and no labels: eval compares one regression output with the label column (use predict to see all outputs)\n`,
    );
  });
});
