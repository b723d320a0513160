// A model made by train knows its columns (format version 2): eval, predict,
// quantize --data and verify find them by name in any CSV that has them, in any
// order, ignoring the rest. Reordered columns once gave wrong answers with exit
// 0; now they give the same answers as the training file's order.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModel, encodeModel } from "../../src/core/index";
import { cli, IRIS_CSV, json } from "../helpers/cli";
import { tempFiles } from "../helpers/temp-files";

const tmp = tempFiles("edgefnn-names-");
const iris = () =>
  readFileSync(IRIS_CSV, "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(","));

/** the iris rows with columns picked (by header name, "id" a row number, "note" a text) */
function irisWith(cols: string[]): string {
  const [head, ...rows] = iris();
  const cell = (r: string[], c: string, k: number) => (c === "id" ? String(k) : c === "note" ? "n/a" : r[head.indexOf(c)]);
  return [cols.join(","), ...rows.map((r, k) => cols.map((c) => cell(r, c, k)).join(","))].join("\n") + "\n";
}

describe("columns by name", () => {
  let dir = "",
    model = "";
  it("train stores the feature names, the label column and the task; info shows them", () => {
    dir = tmp.folder();
    model = join(dir, "m.efnn");
    // --no-search: the columns' names are what is tested, not the rates' search
    expect(cli(["train", IRIS_CSV, "--out", model, "--epochs", "40", "--no-search"]).status).toBe(0);
    const m = decodeModel(readFileSync(model));
    expect([m.features, m.target, m.task]).toEqual([
      ["sepal_length", "sepal_width", "petal_length", "petal_width"],
      "species",
      "classification",
    ]);
    const info = cli(["info", model]);
    expect(info.stdout).toContain('inputs: "sepal_length", "sepal_width", "petal_length", "petal_width"');
    expect(info.stdout).toContain('label column: "species" (classification)');
    expect(json(cli(["info", model, "--json"])).labelColumn).toBe("species");
  });

  it("a CSV with the columns reordered and extra ones gives the same accuracy, predictions and quantized accuracy", () => {
    const re = tmp.file(irisWith(["species", "petal_length", "id", "sepal_length", "note", "petal_width", "sepal_width"]), "re.csv");
    const a = json(cli(["eval", model, IRIS_CSV, "--json"])),
      b = json(cli(["eval", model, re, "--json"]));
    expect(b.accuracy).toBe(a.accuracy);
    expect(b.confusion).toEqual(a.confusion);
    expect(a.accuracy).toBeGreaterThan(0.9);
    const p = cli(["predict", model, IRIS_CSV]),
      q = cli(["predict", model, re]);
    expect(q.status).toBe(0);
    expect(q.stdout).toBe(p.stdout);
    const qa = json(cli(["quantize", model, "--data", IRIS_CSV, "--out", join(dir, "a.q8.efnn"), "--json"]));
    const qb = json(cli(["quantize", model, "--data", re, "--out", join(dir, "b.q8.efnn"), "--json"]));
    expect([qb.floatAccuracy, qb.quantizedAccuracy]).toEqual([qa.floatAccuracy, qa.quantizedAccuracy]);
  });

  it("predict takes a file with no label column and extra columns", () => {
    const unlabelled = tmp.file(irisWith(["note", "petal_width", "petal_length", "sepal_width", "sepal_length", "id"]), "u.csv");
    const r = cli(["predict", model, unlabelled]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(cli(["predict", model, IRIS_CSV]).stdout);
  });

  it("a CSV missing a feature is refused, naming it; so is --features in another order", () => {
    const missing = tmp.file(irisWith(["sepal_length", "petal_length", "petal_width", "species"]), "miss.csv");
    for (const cmd of [
      ["eval", model, missing],
      ["predict", model, missing],
      ["quantize", model, "--data", missing, "--out", join(dir, "c.efnn")],
    ]) {
      const r = cli(cmd);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('there is no column "sepal_width", input 2 of');
    }
    const r = cli(["eval", model, IRIS_CSV, "--features", "petal_length,sepal_length,petal_width,sepal_width"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("in another order than it takes them");
  });

  it("a version 1 model (no names) keeps today's behaviour: the file's order, all but the last column; --features picks them", () => {
    const m = decodeModel(readFileSync(model));
    delete m.features;
    delete m.target;
    delete m.task;
    const v1 = join(dir, "v1.efnn");
    writeFileSync(v1, encodeModel(m));
    expect(readFileSync(v1)[4]).toBe(1);
    expect(json(cli(["eval", v1, IRIS_CSV, "--json"])).accuracy).toBe(json(cli(["eval", model, IRIS_CSV, "--json"])).accuracy);
    expect(cli(["info", v1]).stdout).toContain("inputs: not named in this file (format version 1)");
    // predict with --features and an extra last column: the extra column is ignored, not taken as a label
    const extra = tmp.file(irisWith(["sepal_length", "sepal_width", "petal_length", "petal_width", "note"]), "x.csv");
    const r = cli(["predict", v1, extra, "--features", "sepal_length,sepal_width,petal_length,petal_width"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(cli(["predict", model, IRIS_CSV]).stdout);
  });
});
