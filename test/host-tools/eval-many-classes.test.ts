// eval on a model with 65,535 outputs (the format's maximum): memory and
// output bounded by the data's classes, never a 65,535 x 65,535 matrix (which
// took 30 s to die out of memory). The CLI runs with a 128 MB heap cap, which
// the dense matrix exceeds in its first second.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createNetwork, encodeModel, modelFromNetwork, quantizeModel } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { MAX_CLASS_ROWS, MAX_MATRIX_CLASSES } from "../../host-tools/commands/eval";
import { cliAsync, json, tempDir } from "../helpers/cli";

const K = 65535;
const dir = tempDir();
const modelFile = join(dir, "wide.efnn");
const HEAP = { NODE_OPTIONS: "--max-old-space-size=128" };

/** 1 input -> 65,535 softmax outputs, int8: z_k = k x / 32768 - k^2 / 2^26 peaks
 * at k = 1024 x, so x picks the predicted class (a 590 KB file). */
function wideModel(): Uint8Array {
  const net = createNetwork({ inputSize: 1, layers: [{ size: K, activation: "softmax" }] });
  for (let k = 0; k < K; k++) {
    net.layers[0].W[k] = k / 32768;
    net.layers[0].b[k] = -(k * k) / 2 ** 26;
  }
  return encodeModel(quantizeModel(modelFromNetwork(net), 8));
}

/** the runtime's classes for these inputs: what eval must have counted */
function expectedCells(xs: number[], truth: number[]): Map<string, number> {
  const m = load(readFileSync(modelFile)),
    cells = new Map<string, number>();
  xs.forEach((x, i) => {
    const key = `${truth[i]},${m.classify([x])}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
  });
  return cells;
}

function writeData(file: string, xs: number[], truth: number[]): string {
  writeFileSync(file, ["x,label", ...xs.map((x, i) => `${x},${truth[i]}`)].join("\n") + "\n");
  return file;
}

beforeAll(() => writeFileSync(modelFile, wideModel()));

describe("eval on a 65,535-output model", () => {
  // right (0 -> 0, 1024 -> 1024), wrong to a class in the data, wrong to a class only predicted, the last class
  const xs = [0, 0, 1, 2, 2, 3, 64, 0.5];
  const truth = [0, 0, 1024, 2048, 3072, 65534, 9, 512];

  it("--json: labels, per-class rows and sparse cells only for the classes that occur; counts equal the runtime's", async () => {
    const r = await cliAsync(["eval", modelFile, writeData(join(dir, "small.csv"), xs, truth), "--json"], { env: HEAP });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const j = json(r);
    const want = expectedCells(xs, truth);
    const occurring = [...new Set([...want.keys()].flatMap((k) => k.split(",").map(Number)))].sort((a, b) => a - b);
    expect(j.modelClasses).toBe(K);
    expect(j.labels).toEqual(occurring.map(String));
    expect(j.perClass.map((c: { label: string }) => c.label)).toEqual(j.labels);
    const got = new Map<string, number>(j.confusion.map(([t, p, v]: number[]) => [`${j.labels[t]},${j.labels[p]}`, v]));
    expect(got).toEqual(want);
    const right = [...want].filter(([k]) => k.split(",")[0] === k.split(",")[1]).reduce((a, [, v]) => a + v, 0);
    expect(j.accuracy).toBeCloseTo(right / xs.length, 12);
    // support and predicted of a class come from the cells
    for (const c of j.perClass as { label: string; support: number; predicted: number }[]) {
      expect(c.support).toBe(truth.filter((t) => String(t) === c.label).length);
      expect(c.predicted).toBe([...want].filter(([k]) => k.split(",")[1] === c.label).reduce((a, [, v]) => a + v, 0));
    }
    expect(r.stdout.length).toBeLessThan(4000);
  }, 120_000);

  it("human output: says how many of the model's classes occur and prints the matrix over those", async () => {
    const r = await cliAsync(["eval", modelFile, join(dir, "small.csv")], { env: HEAP });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/accuracy \d+\.\d%/);
    expect(r.stdout).toMatch(/\d+ of the model's 65535 classes occur in the data or the predictions/);
    expect(r.stdout).toMatch(/confusion \(rows: true class, columns: predicted\)/);
    expect(r.stdout.split("\n").length).toBeLessThan(40);
  }, 120_000);

  // 200 rows of 200 classes (each a 65,535-output row on the CLI's side: 2,000 rows were ~8 CPU-s of this file's
  // two evals): more classes than every cap eval prints by (30 rows, a 12-class matrix, 10 confusions), so every
  // cap and its "not shown" line is reached, and more than the printed lines' bound of 60
  it("200 classes in the data: the printed tables are capped and say what they left out; --json holds at most a cell a row", async () => {
    const n = 200,
      xs2: number[] = [],
      t2: number[] = [];
    for (let i = 0; i < n; i++) {
      xs2.push(i / 64);
      t2.push((i * 13) % K);
    }
    expect(new Set(t2).size).toBeGreaterThan(Math.max(60, MAX_CLASS_ROWS, MAX_MATRIX_CLASSES));
    const csv = writeData(join(dir, "many.csv"), xs2, t2);
    const [h, js] = await Promise.all([
      cliAsync(["eval", modelFile, csv], { env: HEAP }),
      cliAsync(["eval", modelFile, csv, "--json"], { env: HEAP }),
    ]);
    expect(h.stderr).toBe("");
    expect(h.status).toBe(0);
    const lines = h.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThan(60);
    expect(h.stdout).toMatch(/\.\.\. \d+ more classes not shown \(the 30 with the most rows are; --json has them all\)/);
    expect(h.stdout).toMatch(/most frequent confusions \(\d+ classes are too many for a matrix; --json has every cell\)/);
    expect(h.stdout).toMatch(/\.\.\. \d+ more \(true, predicted\) pairs not shown/);
    const j = json(js);
    expect(j.n).toBe(n);
    expect(j.confusion.length).toBeLessThanOrEqual(n);
    expect(j.confusion.reduce((a: number, c: number[]) => a + c[2], 0)).toBe(n);
    expect(j.labels.length).toBeLessThanOrEqual(2 * n);
    expect(j.labels.length).toBeGreaterThanOrEqual(new Set(t2).size);
    expect(j.perClass.length).toBe(j.labels.length);
  }, 240_000);
});
