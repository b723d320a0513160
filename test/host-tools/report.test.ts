import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumForFile } from "../helpers/chromium-page";
import { renderReport, ReportData } from "../../host-tools/report/html-report";
import { logScale } from "../../host-tools/report/scale";
import {
  ActivationName,
  classify,
  countParams,
  createNetwork,
  DataSet,
  EpochStats,
  Network,
  networkSpec,
  split,
  standardization,
  train,
} from "../../src/core/index";
import { loadIris } from "../helpers/iris";

// ---- helpers ------------------------------------------------------------

function epochs(n: number, f: (e: number) => Partial<EpochStats>): EpochStats[] {
  return Array.from({ length: n }, (_, i) => ({
    epoch: i + 1,
    learningRate: 0.01,
    trainLoss: 1 / (i + 1),
    trainAccuracy: 0.5 + i / (2 * n),
    valLoss: 1.1 / (i + 1),
    valAccuracy: 0.5 + i / (2.2 * n),
    meanAbsDelta: [1e-5 / (i + 1), 1e-3 / (i + 1), 1e-1 / (i + 1)],
    ...f(i + 1),
  }));
}

function report(over: Partial<ReportData> = {}): ReportData {
  return {
    title: "toy.csv: 2-8-3 logistic",
    history: epochs(30, () => ({})),
    bestEpoch: 21,
    labels: ["a", "b", "c"],
    confusion: [
      [5, 1, 0],
      [0, 6, 2],
      [0, 0, 7],
    ],
    layers: ["2 -> 8 logistic", "8 -> 8 logistic", "8 -> 3 softmax"],
    summary: [
      ["train accuracy", "97.9%"],
      ["parameters", "131"],
    ],
    ...over,
  };
}

/** Every number in every geometry attribute of every SVG element in the page. */
function svgCoordinates(html: string): string[] {
  const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  const out: string[] = [];
  for (const svg of svgs) {
    for (const m of svg.matchAll(/\s(d|points|x|y|x1|x2|y1|y2|cx|cy|r|dy|width|height|viewBox|transform)="([^"]*)"/g)) {
      out.push(...(m[2].match(/NaN|-?Infinity|-?\d*\.?\d+(?:e[-+]?\d+)?/gi) ?? []));
    }
  }
  return out;
}

function expectFiniteSvg(html: string): void {
  const nums = svgCoordinates(html);
  expect(nums.length).toBeGreaterThan(0);
  const bad = nums.filter((s) => !Number.isFinite(Number(s)));
  expect(bad).toEqual([]);
  for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) expect(svg).not.toMatch(/NaN|Infinity|undefined/);
}

const count = (html: string, re: RegExp): number => (html.match(re) ?? []).length;

// ---- unit ---------------------------------------------------------------

describe("renderReport: the page", () => {
  it("is one HTML document with the summary, layers, the three charts and the confusion matrix", () => {
    const html = renderReport(report());
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).toMatch(/<\/html>\s*$/);
    for (const id of ["summary", "architecture", "loss", "accuracy", "confusion-matrix", "deltas"]) expect(html).toContain(`id="${id}"`);
    for (const id of ["loss-chart", "accuracy-chart", "delta-chart"]) expect(html).toMatch(new RegExp(`<svg id="${id}"`));
    expect(count(html, /<svg /g)).toBe(3);
    expect(html).toContain('<table id="confusion"');
    expect(html).toContain("<td>97.9%</td>");
    // legends, best-epoch markers and one line per delta layer
    expect(html).toContain('data-series="train"');
    expect(html).toContain('data-series="validation"');
    expect(count(html, /<g class="marker"><title>best: epoch 21/g)).toBe(3);
    expect(count(html, /data-series="layer \d+"/g)).toBe(3);
    expectFiniteSvg(html);
  });

  it("without a validation split, says the kept epoch is the last, not the best", () => {
    const history = epochs(30, () => ({ valLoss: NaN, valAccuracy: NaN }));
    const html = renderReport(report({ history, bestEpoch: 30 }));
    expect(count(html, /<g class="marker"><title>kept: epoch 30, the last/g)).toBe(3);
    expect(html).not.toContain("best: epoch");
    expect(html).not.toContain("the best on validation");
    expect(html).toContain("At epoch 30, the last (no validation split to choose by), whose weights the model keeps: train 98.3%.");
    expect(html).not.toContain('data-series="validation"');
  });

  it("is self-contained: no scripts, no external URLs, no links", () => {
    const html = renderReport(report());
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import|https?:/i);
  });

  it("escapes every user string", () => {
    const evil = "<script>alert(1)</script>";
    const html = renderReport(
      report({
        title: evil,
        labels: [evil, "b & c", '"q"'],
        layers: [evil, "x", "y"],
        summary: [
          [evil, evil],
          ["a'b", "<b>"],
        ],
      }),
    );
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("b &amp; c");
    expect(html).toContain("&quot;q&quot;");
    expect(html).toContain("a&#39;b");
  });

  it("computes recall per row and precision per column", () => {
    const html = renderReport(report());
    const table = html.match(/<table id="confusion"[\s\S]*?<\/table>/)![0];
    // row "b": 6 of 8 right; column "c": 7 of 9 predicted c
    expect(table).toContain("75.0%");
    expect(table).toContain("77.8%");
    // overall: 18 of 21
    expect(table).toContain("85.7%");
  });

  it("handles one epoch and NaN values without NaN in any SVG coordinate", () => {
    const one = epochs(1, () => ({ valLoss: NaN, valAccuracy: NaN, meanAbsDelta: [NaN, 0.5, 0.5] }));
    const html = renderReport(report({ history: one, bestEpoch: 1 }));
    expectFiniteSvg(html);
    expect(html).toContain('<svg id="loss-chart"');
    // a single point is drawn as a dot, not as a path of one point
    const loss = html.match(/<svg id="loss-chart"[\s\S]*?<\/svg>/)![0];
    expect(loss).toMatch(/data-series="train"[^>]*><title>train<\/title><circle/);
    // the all-NaN validation column is left out, not drawn
    expect(loss).not.toContain('data-series="validation"');

    const gaps = epochs(12, (e) => ({
      trainLoss: e % 3 === 0 ? NaN : 1 / e,
      valLoss: e === 5 ? Infinity : 2 / e,
      trainAccuracy: e === 2 ? NaN : 0.7,
      meanAbsDelta: e === 4 ? null : [e % 2 ? NaN : 1e-6, 1e-3, -1],
    }));
    expectFiniteSvg(renderReport(report({ history: gaps, bestEpoch: 7 })));
  });

  it("clamps zero and equal values on the log axis", () => {
    const flat = epochs(5, () => ({ meanAbsDelta: [0, 0, 0] }));
    expectFiniteSvg(renderReport(report({ history: flat })));
    const equal = epochs(5, () => ({ meanAbsDelta: [1e-3, 1e-3, 1e-3] }));
    expectFiniteSvg(renderReport(report({ history: equal })));
    const s = logScale([0, 0, 1e-3]);
    expect(s.lo).toBeGreaterThan(0);
    expect(s.unit(0)).toBe(0);
    expect(s.unit(1e-3)).toBeGreaterThan(0);
    const e = logScale([1e-3, 1e-3]);
    expect(e.unit(1e-3)).toBeCloseTo(0.5);
  });

  it("places smaller values lower on the log axis and labels decades", () => {
    const s = logScale([3e-9, 0.2]);
    expect(s.unit(3e-9)).toBeLessThan(s.unit(1e-5));
    expect(s.unit(1e-5)).toBeLessThan(s.unit(0.2));
    expect(s.ticks.length).toBeGreaterThanOrEqual(3);
    expect(s.ticks.length).toBeLessThanOrEqual(10);
    expect(s.ticks.every((t) => Number.isFinite(t) && t > 0)).toBe(true);
    expect(s.label(1e-6)).toContain("10<tspan");
  });

  it("regression: no accuracy chart and no confusion matrix", () => {
    const h = epochs(10, () => ({ trainAccuracy: NaN, valAccuracy: NaN }));
    const html = renderReport(report({ history: h, labels: [], confusion: null }));
    expect(html).not.toContain("accuracy-chart");
    expect(html).not.toContain('id="confusion');
    expect(html).toContain("loss-chart");
    expectFiniteSvg(html);
  });

  it("says the error terms were not recorded when meanAbsDelta is null", () => {
    const html = renderReport(report({ history: epochs(10, () => ({ meanAbsDelta: null })) }));
    expect(html).not.toContain("delta-chart");
    expect(html).toMatch(/not recorded/);
  });

  it("copes with an empty history", () => {
    const html = renderReport(report({ history: [], bestEpoch: 0, confusion: null }));
    expect(html).toMatch(/No loss values/);
    expect(html).toMatch(/not recorded/);
  });

  it("20+ classes with long labels: every class gets a row, a column and its full name", () => {
    const k = 24;
    const labels = Array.from({ length: k }, (_, i) => `a rather long class name number ${i} <${i}>`);
    const confusion = labels.map((_, i) => labels.map((_, j) => (i === j ? 20 + i : (i * j) % 3)));
    const html = renderReport(report({ labels, confusion }));
    const table = html.match(/<table id="confusion"[\s\S]*?<\/table>/)![0];
    expect(table).toContain('class="confusion dense"');
    expect(count(table, /<th scope="row" class="true"/g)).toBe(k);
    expect(count(table, /<th scope="col" class="pred"/g)).toBe(k);
    expect(table).toContain('title="a rather long class name number 23 &lt;23&gt;"');
    expect(count(table, /<td class="cell/g)).toBe(k * k);
  });
});

// ---- real rendering -----------------------------------------------------

function layerLines(net: Network): string[] {
  return net.layers.map((l) => `${l.nIn} -> ${l.nOut} ${l.activation.name}`);
}

function confusionOn(net: Network, data: DataSet, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < data.n; i++) m[data.classes![i]][classify(net, data.x, i * data.inputSize)]++;
  return m;
}

/** Trains on iris (80/20 split) with mean |delta| recorded, and builds the report's data. */
function irisReport(hidden: { size: number; activation: ActivationName }[], epochs: number, learningRate: number): ReportData {
  const { data, labels } = loadIris();
  const { train: tr, test: val } = split(data, 0.2, 1);
  const net = createNetwork({ inputSize: 4, layers: [...hidden, { size: 3, activation: "softmax" }] });
  const st = standardization(tr);
  net.mean.set(st.mean);
  net.invStd.set(st.invStd);
  const r = train(net, tr, { learningRate, epochs, patience: 60, validation: val, seed: 1, recordDeltas: true });
  const best = r.history[r.bestEpoch - 1];
  const shape = [4, ...net.layers.map((l) => l.nOut)].join("-");
  return {
    title: `iris.csv: ${shape} ${hidden[0].activation}`,
    history: r.history,
    bestEpoch: r.bestEpoch,
    labels,
    confusion: confusionOn(net, val, labels.length),
    layers: layerLines(net),
    summary: [
      ["train accuracy", (100 * best.trainAccuracy).toFixed(1) + "%"],
      ["validation accuracy", (100 * best.valAccuracy).toFixed(1) + "%"],
      ["validation loss", best.valLoss.toFixed(4)],
      ["parameters", String(countParams(networkSpec(net)))],
      ["epochs", `${r.history.length}${r.stoppedEarly ? " (stopped early)" : ""}`],
      ["rows", `${tr.n} train, ${val.n} validation`],
      ["optimizer", `SGD, learning rate ${learningRate}, batch 1`],
    ],
  };
}

interface Rendered {
  consoleErrors: string[];
  failed: string[];
  foreign: string[];
  svgSizes: Record<string, { w: number; h: number }>;
  /** rendered vertical centre (px, down is larger) of each delta line */
  deltaY: number[];
  png: string;
}

const inChromium = chromiumForFile();

async function renderInChromium(html: string, dir: string, name: string): Promise<Rendered> {
  const file = join(dir, name + ".html");
  writeFileSync(file, html);
  const png = join(dir, name + ".png");
  const { value, consoleErrors, failed, foreign } = await inChromium(pathToFileURL(file).href, async (page) => {
    // boundingBox() measures in the page without DOM types (tsconfig has no "dom" lib)
    const svgSizes: Record<string, { w: number; h: number }> = {};
    for (const svg of await page.locator("svg").all()) {
      const box = await svg.boundingBox();
      svgSizes[(await svg.getAttribute("id")) ?? "?"] = { w: box?.width ?? 0, h: box?.height ?? 0 };
    }
    const deltaY: number[] = [];
    for (const path of await page.locator("#delta-chart g.series path").all()) {
      const box = await path.boundingBox();
      deltaY.push(box ? box.y + box.height / 2 : NaN);
    }
    await page.screenshot({ path: png, fullPage: true });
    return { svgSizes, deltaY };
  });
  return { consoleErrors, failed, foreign, ...value, png };
}

function expectPng(file: string): void {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  // a blank page compresses to a few kB; charts, tables and text do not
  expect(statSync(file).size).toBeGreaterThan(40_000);
  // IHDR: width and height, big-endian, at bytes 16 and 20
  expect(bytes.readUInt32BE(16)).toBe(1280);
  expect(bytes.readUInt32BE(20)).toBeGreaterThan(800);
}

describe("renderReport in headless Chromium, on data from real training", () => {
  const dir = mkdtempSync(join(tmpdir(), "edgefnn-report-"));
  // the screenshots worth keeping are copied to /tmp/edgefnn-report*.png
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("iris 4-16-3 hard-tanh: renders with no errors and no requests", async () => {
    const data = irisReport([{ size: 16, activation: "hard-tanh" }], 400, 0.05);
    const html = renderReport(data);
    expectFiniteSvg(html);
    const r = await renderInChromium(html, dir, "iris");
    expect(r.consoleErrors).toEqual([]);
    expect(r.failed).toEqual([]);
    expect(r.foreign).toEqual([]);
    expect(Object.keys(r.svgSizes).sort()).toEqual(["accuracy-chart", "delta-chart", "loss-chart"]);
    for (const s of Object.values(r.svgSizes)) {
      expect(s.w).toBeGreaterThan(300);
      expect(s.h).toBeGreaterThan(100);
    }
    expectPng(r.png);
    copyFileSync(r.png, "/tmp/edgefnn-report.png");
  }, 60_000);

  it("10-layer logistic: the delta chart shows layer 1 decades below layer 10", async () => {
    const hidden = Array.from({ length: 9 }, () => ({ size: 16, activation: "logistic" as ActivationName }));
    const data = irisReport(hidden, 40, 0.01);
    const last = data.history[data.history.length - 1].meanAbsDelta!;
    expect(last[0] / last[9]).toBeLessThan(1e-3);
    const html = renderReport(data);
    expectFiniteSvg(html);
    expect(html).toMatch(/orders of magnitude less/);
    const r = await renderInChromium(html, dir, "deep-logistic");
    expect(r.consoleErrors).toEqual([]);
    expect(r.failed).toEqual([]);
    expect(r.foreign).toEqual([]);
    expect(r.svgSizes["delta-chart"].w).toBeGreaterThan(300);
    // on screen, down is larger y: the first layer's line sits below the last one's,
    // and each layer below the next
    expect(r.deltaY).toHaveLength(10);
    for (let l = 0; l < 9; l++) expect(r.deltaY[l]).toBeGreaterThan(r.deltaY[l + 1]);
    expectPng(r.png);
    copyFileSync(r.png, "/tmp/edgefnn-report-deep.png");
  }, 60_000);
});
