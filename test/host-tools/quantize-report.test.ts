// quantize --report: the page says what was quantized on what data (files,
// rows, command, version, date), float32 beside quantized as the CLI's --json
// gives them (written as the terminal writes them), the quantized model's
// confusion matrix as eval counts it, each layer's type and bytes, and the
// board fit table as info --board computes it. It refuses without --data and
// never replaces a file edgefnn did not write. Rendered in real Chromium.
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { inChromium } from "../helpers/chromium-page";
import { beforeAll, describe, expect, it } from "vitest";
import { BOARDS } from "../../host-tools/boards/boards";
import { cli, IRIS_CSV, json } from "../helpers/cli";
import { tempFiles } from "../helpers/temp-files";

const tmp = tempFiles("edgefnn-qreport-");
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
// the CLI's own formats (cli-support percent, quantize's toExponential(2), eval's toPrecision(4))
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const n = (v: number) => v.toLocaleString("en-US");

let dir = "",
  train = "",
  test = "",
  model = "";

beforeAll(() => {
  dir = tmp.folder();
  const iris = join(dir, "iris.csv");
  copyFileSync(IRIS_CSV, iris);
  const s = json(cli(["split", iris, "--test", "0.2", "--stratify", "--json"]));
  [train, test, model] = [s.train, s.test, join(dir, "m.efnn")];
  // --no-search: the quantize report is tested, not the rates' search
  expect(cli(["train", train, "--hidden", "8", "--out", model, "--epochs", "60", "--no-search", "--json"]).status).toBe(0);
});

describe("quantize --report", () => {
  it("shows the CLI's numbers, eval's confusion of the quantized model, per-layer bytes and info's board fit", () => {
    const report = join(dir, "q.html"),
      out = join(dir, "q8.efnn");
    const r = cli(["quantize", model, "--data", test, "--out", out, "--report", report, "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const q = JSON.parse(r.stdout);
    expect(q.report).toBe(report);
    const html = readFileSync(report, "utf8");
    const page = text(html);
    // what was run on what
    expect(page).toContain(`model file ${model} (${q.floatBytes} bytes, float32)`);
    expect(page).toContain(`quantized file ${out} (${q.bytes} bytes, int8)`);
    expect(page).toContain(`data ${test}: 30 rows read, 30 used`);
    expect(q.n).toBe(30);
    expect(page).toContain(`command edgefnn quantize ${model} --data ${test} --out ${out} --report ${report} --json`);
    expect(page).toMatch(/edgefnn version \d+\.\d+\.\d+, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    // float32 beside quantized: the --json numbers, as the terminal writes them
    expect(page).toContain(`accuracy ${pct(q.floatAccuracy)} ${pct(q.quantizedAccuracy)}`);
    expect(page).toContain(`file size (bytes) ${q.floatBytes} ${q.bytes} (${pct(q.bytes / q.floatBytes)})`);
    expect(page).toContain(`max |float \u2212 quantized| ${q.maxOutputDiff.toExponential(2)}, mean ${q.meanOutputDiff.toExponential(2)}`);
    // the confusion matrix is the quantized model's, cell for cell as eval counts it
    const e = json(cli(["eval", out, test, "--json"]));
    expect(e.accuracy).toBe(q.quantizedAccuracy);
    const cells = [...html.matchAll(/title="true ([^,]+), predicted ([^:]+): (\d+)"/g)].map((m) => [m[1], m[2], Number(m[3])] as const);
    expect(cells).toHaveLength(9);
    const counted = e.confusion.map(([t, p, v]: number[]) => [e.labels[t], e.labels[p], v]);
    expect(cells.filter((c) => c[2] > 0).sort()).toEqual([...counted].sort());
    expect(html).toContain(`title="overall accuracy">${pct(q.quantizedAccuracy)}</td>`);
    // per layer: int8 weights, bytes, their rounding error as the CLI gives it, and |a(l) float - a(l) quantized|
    const layerRows = [...html.matchAll(/<tr><th scope="row">(\d+): ([^<]*)<\/th>((?:<td>[^<]*<\/td>){6})<\/tr>/g)].map((m) => [
      m[2],
      ...[...m[3].matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]),
    ]);
    expect(layerRows).toHaveLength(2);
    // a 4-8-3 model: 32 + 24 int8 weights, 8 + 3 biases and as many scales, 4 bytes each
    expect(layerRows[0].slice(0, 4)).toEqual([layerRows[0][0], "160", "int8", "96"]);
    expect(layerRows[0][0]).toMatch(/^4 -&gt; 8 /);
    expect(layerRows[1].slice(1, 4)).toEqual(["108", "int8", "48"]);
    for (const [l, err] of (q.maxWeightError as number[]).entries()) expect(layerRows[l][4]).toBe(err.toExponential(2));
    // the last layer's outputs are the model's: the differences the CLI measures
    expect(layerRows[1].slice(5)).toEqual([q.maxOutputDiff.toExponential(2), q.meanOutputDiff.toExponential(2)]);
    expect(Number(layerRows[0][5])).toBeGreaterThan(0);
    // the board table: every board, its numbers those of info --board on the quantized file
    for (const b of BOARDS) {
      const row = new RegExp(`<tr data-board="${b.id}">(.*?)</tr>`).exec(html);
      expect(row, b.id).not.toBeNull();
      const m = json(cli(["info", out, "--board", b.id, "--json"])).memory;
      const fits = m.fits ? "fits" : "does not fit";
      expect(text(row![1]).trim()).toBe(
        `${b.name} ${n(m.runtime)} ${n(m.model)} ${n(m.buffers)} ${n(m.total)} ${n(b.blocks)} ${Math.round((100 * m.total) / b.blocks)}% ${fits} ${n(q.bytes)}`,
      );
    }
  });

  it("regression: MAE and RMSE of both models, the quantized ones as eval measures them", () => {
    const reg = join(dir, "reg.efnn"),
      out = join(dir, "reg.q8.efnn"),
      report = join(dir, "reg.html");
    const t = cli([
      "train",
      train,
      "--task",
      "regression",
      "--label",
      "petal_width",
      "--exclude",
      "species",
      "--hidden",
      "8",
      "--epochs",
      "40",
      "--out",
      reg,
      "--json",
    ]);
    expect(t.status, t.stderr).toBe(0);
    const q = json(cli(["quantize", reg, "--data", test, "--out", out, "--report", report, "--json"]));
    const e = json(cli(["eval", out, test, "--json"]));
    expect(q.quantizedMae).toBeCloseTo(e.mae, 6);
    expect(q.quantizedRmse).toBeCloseTo(e.rmse, 6);
    const page = text(readFileSync(report, "utf8"));
    expect(page).toContain(`MAE ${q.floatMae.toPrecision(4)} ${q.quantizedMae.toPrecision(4)}`);
    expect(page).toContain(`RMSE ${q.floatRmse.toPrecision(4)} ${q.quantizedRmse.toPrecision(4)}`);
    expect(page).not.toContain("Confusion matrix");
    for (const b of BOARDS) expect(page).toContain(b.name);
  });

  it("refuses without --data, before writing anything", () => {
    const report = join(dir, "no-data.html"),
      out = join(dir, "no-data.efnn");
    const r = cli(["quantize", model, "--out", out, "--report", report]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--report needs --data");
    expect(existsSync(report)).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it("never replaces a file edgefnn did not write, and replaces its own report", () => {
    const report = join(dir, "notes.html"),
      out = join(dir, "foreign.efnn");
    const mine = "<!DOCTYPE html><p>my own notes</p>";
    writeFileSync(report, mine);
    const r = cli(["quantize", model, "--data", test, "--out", out, "--report", report]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${report} exists and is not an edgefnn HTML report`);
    expect(readFileSync(report, "utf8")).toBe(mine);
    expect(existsSync(out)).toBe(false);
    // a report edgefnn wrote is replaced
    const own = join(dir, "own.html");
    expect(cli(["quantize", model, "--data", test, "--out", out, "--report", own]).status).toBe(0);
    const first = statSync(own).size;
    const again = cli(["quantize", model, "--data", test, "--out", out, "--report", own]);
    expect(again.status, again.stderr).toBe(0);
    expect(statSync(own).size).toBeGreaterThan(first / 2);
  });

  it("renders in headless Chromium with no errors and no requests", async () => {
    const report = join(dir, "render.html");
    expect(cli(["quantize", model, "--data", test, "--out", join(dir, "render.efnn"), "--report", report]).status).toBe(0);
    const html = readFileSync(report, "utf8");
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import|https?:/i);
    const url = pathToFileURL(report).href;
    const png = join(dir, "render.png");
    const r = await inChromium(url, async (page) => {
      const table = await page.locator("#boards-table").boundingBox();
      await page.screenshot({ path: png, fullPage: true });
      return {
        boardRows: await page.locator("#boards-table tbody tr").count(),
        confusionRows: await page.locator("#confusion tbody tr").count(),
        table,
      };
    });
    expect(r.value.boardRows).toBe(BOARDS.length);
    expect(r.value.confusionRows).toBe(3);
    // the wide tables fit the page: no board row is cut off
    expect(r.value.table!.width).toBeGreaterThan(600);
    expect(r.value.table!.x + r.value.table!.width).toBeLessThanOrEqual(1280);
    expect(r.consoleErrors).toEqual([]);
    expect(r.failed).toEqual([]);
    expect(r.foreign).toEqual([]);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    // kept for a look (the temp folder goes after the tests)
    copyFileSync(png, "/tmp/edgefnn-quantize-report.png");
  }, 60_000);
});
