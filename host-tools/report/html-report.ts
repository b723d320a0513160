// `edgefnn train --report report.html`: one self-contained HTML page about a
// training run (inline CSS and SVG, no scripts, nothing fetched): the summary,
// loss and accuracy per epoch with the best epoch marked, the confusion matrix
// on the validation split, and mean |delta(l)| per layer on a log axis, where
// vanishing gradients show as early layers sitting decades below the last.
import type { EpochStats } from "../../src/core/index";
import { confusionTable } from "./confusion-table";
import { CSS, layerColor, TRAIN_COLOR, VAL_COLOR } from "./style";
import { lineChart, Series } from "./svg-chart";
import { escapeHtml, formatNumber, formatPercent } from "./text";

export interface ReportData {
  /** e.g. "iris.csv: 4-16-3 hard-tanh" */
  title: string;
  history: EpochStats[];
  /** 1-based, marked on the curves */
  bestEpoch: number;
  /** class names ([] for regression) */
  labels: string[];
  /** rows: true class, columns: predicted; on the validation split (or confusionOn) */
  confusion: number[][] | null;
  /** what the confusion matrix counts, e.g. "the held-out file test.csv" (default: the validation split) */
  confusionOn?: string;
  /** one line per layer, e.g. "4 -> 16 hard-tanh", "16 -> 3 softmax" */
  layers: string[];
  /** key/value rows, e.g. ["train accuracy", "97.9%"], ["parameters", "131"] */
  summary: [string, string][];
}

const hasFinite = (values: number[]): boolean => values.some(Number.isFinite);
const epochsOf = (r: ReportData): number[] => r.history.map((h, i) => (Number.isFinite(h.epoch) ? h.epoch : i + 1));

export function card(id: string, title: string, caption: string, body: string, wide = false): string {
  const cap = caption ? `<p class="caption">${caption}</p>` : "";
  return `<section id="${id}" class="card${wide ? " wide" : ""}"><h2>${escapeHtml(title)}</h2>${cap}${body}</section>`;
}

export function empty(text: string): string {
  return `<div class="empty">${escapeHtml(text)}</div>`;
}

/** Whether a validation split chose the kept epoch: without one, train keeps the last epoch's weights. */
export function chosenByValidation(history: EpochStats[]): boolean {
  return history.some((h) => Number.isFinite(h.valLoss));
}

/** The curves' mark at the kept epoch, saying why it is kept (the report's and the studio page's charts). */
export function keptEpochLabel(history: EpochStats[], epoch: number): string {
  return chosenByValidation(history) ? `best: epoch ${epoch}` : `kept: epoch ${epoch}, the last`;
}

function bestMarker(r: ReportData): { x: number; label: string } | undefined {
  return r.bestEpoch >= 1 ? { x: r.bestEpoch, label: keptEpochLabel(r.history, r.bestEpoch) } : undefined;
}

function bestStats(r: ReportData): EpochStats | undefined {
  return r.history.find((h) => h.epoch === r.bestEpoch);
}

/** Train and validation series of one metric, leaving out a column with no values. */
function trainVal(r: ReportData, train: (h: EpochStats) => number, val: (h: EpochStats) => number): Series[] {
  const s: Series[] = [
    { name: "train", values: r.history.map(train), color: TRAIN_COLOR },
    { name: "validation", values: r.history.map(val), color: VAL_COLOR },
  ];
  return s.filter((x) => hasFinite(x.values));
}

function at(best: EpochStats | undefined, pick: (h: EpochStats) => number, fmt: (v: number) => string, what: string): string {
  if (!best || !Number.isFinite(pick(best))) return "";
  return `${what} ${fmt(pick(best))}`;
}

function bestCaption(r: ReportData, parts: string[]): string {
  const shown = parts.filter((p) => p);
  const why = chosenByValidation(r.history) ? "the best on validation" : "the last (no validation split to choose by)";
  return shown.length ? `At epoch ${r.bestEpoch}, ${why}, whose weights the model keeps: ${shown.join(", ")}.` : "";
}

function lossSection(r: ReportData): string {
  const series = trainVal(
    r,
    (h) => h.trainLoss,
    (h) => h.valLoss,
  );
  if (!r.history.length || !series.length) return card("loss", "Loss", "", empty("No loss values were recorded."));
  const best = bestStats(r);
  const caption = bestCaption(r, [
    at(best, (h) => h.trainLoss, formatNumber, "train"),
    at(best, (h) => h.valLoss, formatNumber, "validation"),
  ]);
  const svg = lineChart({
    id: "loss-chart",
    title: "Loss per epoch",
    x: epochsOf(r),
    series,
    yScale: "linear",
    xLabel: "epoch",
    yLabel: "loss",
    marker: bestMarker(r),
  });
  return card("loss", "Loss", escapeHtml(caption), svg);
}

function accuracySection(r: ReportData): string {
  const series = trainVal(
    r,
    (h) => h.trainAccuracy,
    (h) => h.valAccuracy,
  );
  if (!series.length) return ""; // regression: accuracy is NaN throughout
  const best = bestStats(r);
  const caption = bestCaption(r, [
    at(best, (h) => h.trainAccuracy, formatPercent, "train"),
    at(best, (h) => h.valAccuracy, formatPercent, "validation"),
  ]);
  const svg = lineChart({
    id: "accuracy-chart",
    title: "Accuracy per epoch",
    x: epochsOf(r),
    series,
    yScale: "linear",
    percent: true,
    xLabel: "epoch",
    yLabel: "accuracy",
    marker: bestMarker(r),
  });
  return card("accuracy", "Accuracy", escapeHtml(caption), svg);
}

function confusionSection(r: ReportData): string {
  const m = r.confusion;
  if (!m || !m.length)
    return r.labels.length ? card("confusion-matrix", "Confusion matrix", "", empty("No validation split: no confusion matrix.")) : "";
  const k = Math.max(m.length, ...m.map((row) => row.length));
  const caption =
    `On ${r.confusionOn ?? "the validation split"}. Rows: true class; columns: predicted. Recall = right / row total; ` +
    `precision = right / column total.`;
  return card("confusion-matrix", "Confusion matrix", escapeHtml(caption), confusionTable(m, r.labels), k > 8);
}

/** A sentence comparing the first layer's error signal with the last one's, in the last epoch where both were recorded. */
function deltaCaption(r: ReportData, nLayers: number): string {
  for (let i = r.history.length - 1; i >= 0; i--) {
    const d = r.history[i].meanAbsDelta;
    if (!d || d.length < 2) continue;
    const first = d[0],
      last = d[nLayers - 1];
    if (!(first > 0 && last > 0 && Number.isFinite(first) && Number.isFinite(last))) continue;
    const ratio = first / last;
    const decades = Math.log10(ratio);
    const where = `In epoch ${r.history[i].epoch}, layer 1 gets ${formatNumber(ratio)} \u00d7 layer ${nLayers}'s error signal`;
    if (decades <= -1) return `${where}: ${(-decades).toFixed(1)} orders of magnitude less, so it barely learns (vanishing gradients).`;
    return `${where}.`;
  }
  return "";
}

function deltaSection(r: ReportData): string {
  const title = "Error signal per layer";
  const nLayers = r.history.reduce((n, h) => Math.max(n, h.meanAbsDelta ? h.meanAbsDelta.length : 0), 0);
  const intro =
    "Mean |\u03b4(l)| over each epoch's samples, log scale. Backpropagation multiplies the error by f\u2032(z) at every layer; " +
    "a layer whose line sits orders of magnitude below the last one barely learns.";
  if (nLayers === 0)
    return card("deltas", title, "", empty("Per-layer error terms were not recorded for this run (train with recordDeltas to see them)."));
  const series: Series[] = [];
  for (let l = 0; l < nLayers; l++) {
    series.push({
      name: "layer " + (l + 1),
      values: r.history.map((h) => (h.meanAbsDelta ? (h.meanAbsDelta[l] ?? NaN) : NaN)),
      color: layerColor(l, nLayers),
      tooltip: "layer " + (l + 1) + (r.layers[l] ? ": " + r.layers[l] : ""),
    });
  }
  const clamped = series.some((s) => s.values.some((v) => v <= 0));
  const notes = [intro, deltaCaption(r, nLayers), clamped ? "Zero values are drawn at the bottom of the axis." : ""];
  const svg = lineChart({
    id: "delta-chart",
    title: "Mean |delta| per layer per epoch (log scale)",
    x: epochsOf(r),
    series,
    yScale: "log",
    xLabel: "epoch",
    yLabel: "mean |\u03b4(l)|",
    marker: bestMarker(r),
    endLabels: series.map((_, l) => "L" + (l + 1)),
  });
  return card("deltas", title, escapeHtml(notes.filter((n) => n).join(" ")), svg);
}

/** Key / value rows as the summary shows them ("" when there are none). */
export function summaryTable(rows: [string, string][]): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
  return body ? `<table class="summary">${body}</table>` : "";
}

function summarySection(r: ReportData): string {
  return card("summary", "Summary", "", summaryTable(r.summary) || empty("No summary."));
}

function layersSection(r: ReportData): string {
  const n = r.layers.length;
  const items = r.layers.map((l, i) => `<li style="--c:${layerColor(i, n)}">${escapeHtml(l)}</li>`).join("");
  return card("architecture", "Layers", "", items ? `<ol class="layers">${items}</ol>` : empty("No layers listed."));
}

function header(r: ReportData): string {
  const n = r.history.length;
  const meta = [`${n} epoch${n === 1 ? "" : "s"}`];
  if (r.bestEpoch >= 1) meta.push(`best epoch ${r.bestEpoch}`);
  if (r.labels.length) meta.push(`${r.labels.length} classes`);
  else meta.push("regression");
  return pageHeader("training report", r.title, meta);
}

/** The heading every report opens with: what kind of report, its title, a line of facts. */
export function pageHeader(kind: string, title: string, meta: string[]): string {
  return (
    `<header><div class="eyebrow">edgefnn \u00b7 ${escapeHtml(kind)}</div>` +
    `<h1>${escapeHtml(title)}</h1><div class="meta">${escapeHtml(meta.join(" \u00b7 "))}</div></header>`
  );
}

/** In every report's head: how edgefnn knows a report it may replace (own-output.ts). */
export const REPORT_GENERATOR = `<meta name="generator" content="edgefnn">`;

/** Cards side by side, leaving out the empty ones. */
export function grid(parts: string[]): string {
  const shown = parts.filter((p) => p);
  return shown.length ? `<div class="grid">${shown.join("")}</div>` : "";
}

/** The whole document around a report's body: one stylesheet, no scripts, the generator mark. */
export function reportDocument(title: string, body: string): string {
  return (
    `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">${REPORT_GENERATOR}` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)} \u2013 edgefnn report</title><style>${CSS}</style></head>` +
    `<body><main>` +
    body +
    `<footer>Generated by edgefnn. This page is self-contained: no scripts, no external resources.</footer>` +
    `</main></body></html>\n`
  );
}

export function renderReport(r: ReportData): string {
  return reportDocument(
    r.title,
    header(r) +
      grid([summarySection(r), layersSection(r)]) +
      grid([lossSection(r), accuracySection(r), confusionSection(r), deltaSection(r)]),
  );
}
