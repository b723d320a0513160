// edgefnn split: a train and a test file, every row in exactly one, stratified
// on request, never over a file that exists. eval of a regression model: MAE,
// RMSE and R^2.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, IRIS_CSV, json } from "../helpers/cli";
import { tempFiles } from "../helpers/temp-files";

const tmp = tempFiles("edgefnn-split-");
const lines = (f: string) => readFileSync(f, "utf8").trim().split("\n");

describe("split", () => {
  it("writes data.train.csv and data.test.csv: the header in both, each row once, in the file's order", () => {
    const data = join(tmp.folder(), "iris.csv");
    writeFileSync(data, readFileSync(IRIS_CSV));
    const r = json(cli(["split", data, "--test", "0.2", "--seed", "3", "--json"]));
    expect([r.trainRows, r.testRows]).toEqual([120, 30]);
    const [all, tr, te] = [lines(data), lines(r.train), lines(r.test)];
    expect(tr[0]).toBe(all[0]);
    expect(te[0]).toBe(all[0]);
    expect([...tr.slice(1), ...te.slice(1)].sort()).toEqual(all.slice(1).sort());
    // the same seed, the same split; an existing file is never replaced
    const again = cli(["split", data, "--seed", "3"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("iris.train.csv exists: split never replaces a file");
    expect(lines(r.train)).toEqual(tr);
  });

  it("--stratify keeps each class's share; quoted fields and timestamps are copied as written", () => {
    const dir = tmp.folder(),
      data = join(dir, "d.csv");
    const rows = Array.from(
      { length: 100 },
      (_, i) => `2026-11-01T00:${String(i % 60).padStart(2, "0")}:00Z,"${i}, quoted",${i},${i < 80 ? "a" : "b"}`,
    );
    writeFileSync(data, ["time,note,x,y", ...rows].join("\n") + "\n");
    const r = json(cli(["split", data, "--test", "0.25", "--stratify", "--json"]));
    const te = lines(r.test).slice(1);
    expect(te.filter((l) => l.endsWith(",b"))).toHaveLength(5);
    expect(te.filter((l) => l.endsWith(",a"))).toHaveLength(20);
    for (const l of te) expect(rows).toContain(l);
    // in the file's order (these rows are unique): each file's rows are a subsequence of the data's
    const pos = te.map((l) => rows.indexOf(l));
    expect(pos).toEqual([...pos].sort((a, b) => a - b));
  });

  it("refuses a fraction outside (0, 1) and a missing stratify column", () => {
    const data = join(tmp.folder(), "iris.csv");
    writeFileSync(data, readFileSync(IRIS_CSV));
    expect(cli(["split", data, "--test", "1"]).stderr).toContain("--test");
    expect(cli(["split", data, "--stratify", "--label", "kind"]).stderr).toContain('there is no label column "kind" to stratify by');
  });
});

describe("eval of a regression model", () => {
  it("prints MAE, RMSE and R^2 (R^2 = 1 - SSE/SST, checked against predict's values)", () => {
    const dir = tmp.folder(),
      data = join(dir, "r.csv"),
      model = join(dir, "r.efnn");
    const rows = Array.from({ length: 200 }, (_, i) => {
      const a = (i % 20) / 10,
        b = Math.floor(i / 20) / 5;
      return `${a},${b},${(2 * a - b + 0.05 * Math.sin(i)).toFixed(4)}`;
    });
    writeFileSync(data, ["a,b,y", ...rows].join("\n") + "\n");
    expect(cli(["train", data, "--task", "regression", "--out", model, "--epochs", "60"]).status).toBe(0);
    const e = json(cli(["eval", model, data, "--json"]));
    const p = json(cli(["predict", model, data, "--json"]));
    const y = rows.map((r) => Number(r.split(",")[2])),
      yhat = p.predictions.map((q: { outputs: number[] }) => q.outputs[0]);
    const mean = y.reduce((s, v) => s + Math.fround(v), 0) / y.length;
    const sse = y.reduce((s, v, i) => s + (yhat[i] - Math.fround(v)) ** 2, 0),
      sst = y.reduce((s, v) => s + (Math.fround(v) - mean) ** 2, 0);
    expect(e.r2).toBeCloseTo(1 - sse / sst, 9);
    expect(e.mae).toBeCloseTo(y.reduce((s, v, i) => s + Math.abs(yhat[i] - Math.fround(v)), 0) / y.length, 9);
    expect(e.r2).toBeGreaterThan(0.9);
    expect(cli(["eval", model, data]).stdout).toMatch(/MAE [\d.e-]+, RMSE [\d.e-]+, R\^2 0\.9\d{3}/);
  });
});
