// An ordinary sensor log, end to end through the real CLI (an ISO timestamp
// column, six readings, gaps written as NA, a string label). train says what to
// do about the timestamp and the gaps; once trained with --exclude and
// --impute, eval and predict need no --features, take a file whose columns are
// reordered, with extra ones, no label and gaps, and fill the gaps as the model
// (and the board) does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRng, decodeModel } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { cli, json } from "../helpers/cli";
import { tempFiles } from "../helpers/temp-files";

const tmp = tempFiles("edgefnn-sensor-");
const READINGS = ["temp_c", "humidity", "pressure_hpa", "light_lux", "co2_ppm", "noise_db"];
const CENTERS: Record<string, number[]> = {
  calm: [21, 40, 1013, 300, 450, 35],
  busy: [23, 45, 1012, 500, 900, 55],
  empty: [18, 38, 1014, 50, 420, 28],
};
const SPREAD = [1, 3, 2, 60, 60, 4];

/** n rows from minute 5 * start on: timestamp, six readings (4% NA), the occupancy */
function log(n: number, seed: number, start = 0): { ts: string; values: (number | null)[]; label: string }[] {
  const rng = createRng(seed),
    names = Object.keys(CENTERS);
  return Array.from({ length: n }, (_, i) => {
    const label = names[rng.int(3)];
    const values = CENTERS[label].map((m, j) => (rng.float() < 0.04 ? null : Math.round((m + SPREAD[j] * rng.normal()) * 100) / 100));
    return { ts: new Date(Date.UTC(2026, 10, 1) + (start + i) * 300_000).toISOString().replace(".000", ""), values, label };
  });
}

const cell = (v: number | null) => (v === null ? "NA" : String(v));

describe("a sensor log with a timestamp, six readings, NA gaps and a string label", () => {
  const dir = () => tmp.dir();
  let data = "",
    model = "",
    fresh = "";

  it("train points at the timestamp, then at the gaps, then trains with --exclude and --impute", () => {
    const rows = log(400, 11);
    data = tmp.file(
      ["timestamp," + READINGS.join(",") + ",occupancy", ...rows.map((r) => [r.ts, ...r.values.map(cell), r.label].join(","))].join("\n") +
        "\n",
      "log.csv",
    );
    model = join(dir(), "occupancy.efnn");
    let r = cli(["train", data, "--out", model]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `edgefnn: ${data} line 2: column "timestamp" is "2026-11-01T00:00:00Z", expected a number (use --exclude timestamp)\n`,
    );
    r = cli(["train", data, "--exclude", "timestamp", "--out", model]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /column "\w+" is "NA" \(a missing value\), expected a number; use --drop-incomplete to skip such rows, or --impute mean \(or median\) to fill them/,
    );
    const t = json(cli(["train", data, "--exclude", "timestamp", "--impute", "median", "--out", model, "--json"]));
    expect(t.features).toEqual(READINGS);
    // 400 rows: lambda and the learning rate cross-validated; the folds' accuracy is the held-out measure
    expect(t.search.cvAccuracy).toBeGreaterThan(0.9);
    const m = decodeModel(readFileSync(model));
    expect([m.features, m.target, m.task, m.impute]).toEqual([READINGS, "occupancy", "classification", "median"]);
  });

  it("eval on the log itself: no --features, the timestamp ignored, the gaps filled", () => {
    const e = json(cli(["eval", model, data, "--json"]));
    expect(e.n).toBe(400);
    expect(e.accuracy).toBeGreaterThan(0.9);
  });

  it("quantize --data on the log keeps the normalization (the gaps' center) and the int8 model fills gaps too", () => {
    const q = join(dir(), "occupancy.q8.efnn");
    const r = json(cli(["quantize", model, "--data", data, "--out", q, "--json"]));
    expect(r.foldedNormalization).toBe(false);
    expect(r.quantizedAccuracy).toBeGreaterThan(0.9);
    expect(decodeModel(readFileSync(q)).impute).toBe("median");
    expect(json(cli(["eval", q, data, "--json"])).accuracy).toBe(r.quantizedAccuracy);
    const y = cli(["quantize", model, "--fold-normalization", "yes", "--out", join(dir(), "f.efnn")]);
    expect(y.stderr).toContain("fills missing inputs (trained with --impute), so it keeps its normalization");
  });

  it("predict on new readings: columns reordered, an extra one, no label, gaps; NA gives the outputs of the stored median", () => {
    const rows = log(30, 12, 400);
    const order = [...READINGS].reverse();
    fresh = tmp.file(
      [
        "timestamp,site," + order.join(","),
        ...rows.map((r) => [r.ts, "lab", ...order.map((n) => cell(r.values[READINGS.indexOf(n)]))].join(",")),
      ].join("\n") + "\n",
      "new.csv",
    );
    const p = json(cli(["predict", model, fresh, "--json"]));
    expect(p.n).toBe(30);
    const m = decodeModel(readFileSync(model)),
      rt = load(readFileSync(model));
    let gaps = 0,
      right = 0;
    rows.forEach((r, i) => {
      const x = r.values.map((v, j) => (v === null ? (gaps++, m.mean[j]) : Math.fround(v))); // the CSV's values are read as float32
      expect(p.predictions[i].outputs).toEqual(Array.from(rt.run(x)));
      if (p.predictions[i].label === r.label) right++;
    });
    expect(gaps).toBeGreaterThan(0);
    expect(right).toBeGreaterThanOrEqual(27);
  });
});
