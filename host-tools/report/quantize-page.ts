// `edgefnn quantize --data test.csv --report q.html`: one self-contained page
// about a quantization, in the training report's look (html-report.ts): what
// was run on what, float32 beside quantized on the data, the quantized model's
// confusion matrix, each layer's weight type and bytes, and which boards it fits.
// Numbers arrive formatted, by the command that prints them in the terminal,
// so the page and the CLI write the same number the same way.
import { confusionTable } from "./confusion-table";
import { card, empty, grid, pageHeader, reportDocument, summaryTable } from "./html-report";
import { escapeHtml } from "./text";

export interface QuantizeLayerRow {
  /** "4 -> 16 hard-tanh" */
  shape: string;
  floatBytes: number;
  /** "int8", "int16", "float32" */
  type: string;
  bytes: number;
  /** max |w - s q| over the layer, formatted */
  maxWeightError: string;
  /** max and mean |a(l) float - a(l) quantized| over rows and units, formatted */
  maxOutputDiff: string;
  meanOutputDiff: string;
}

export interface BoardFitRow {
  name: string;
  id: string;
  runtime: number;
  model: number;
  buffers: number;
  total: number;
  blocks: number;
  fits: boolean;
}

export interface QuantizePageData {
  /** "iris.efnn -> iris.q8.efnn (int8)" */
  title: string;
  /** the header's line of facts */
  meta: string[];
  /** key / value rows: files, rows used, command, version and date */
  summary: [string, string][];
  /** [what, float32, quantized] rows, e.g. ["accuracy", "96.7%", "96.7%"] */
  comparison: [string, string, string][];
  /** a sentence under the comparison (output differences, how many rows) */
  comparisonNote: string;
  /** class names; [] for regression */
  labels: string[];
  /** the quantized model's confusion counts (rows: true class), or null */
  confusion: number[][] | null;
  /** what the matrix counts, e.g. "test.csv (30 rows)" */
  confusionOn: string;
  /** why there is no matrix, when there is none for a classifier */
  noConfusion?: string;
  layers: QuantizeLayerRow[];
  boards: BoardFitRow[];
  /** the quantized file's size: what each board's Storage holds */
  flashBytes: number;
}

const n = (v: number): string => v.toLocaleString("en-US");

function comparisonSection(d: QuantizePageData): string {
  const head = `<thead><tr><th scope="col"></th><th scope="col">float32</th><th scope="col">quantized</th></tr></thead>`;
  const rows = d.comparison
    .map(([k, a, b]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(a)}</td><td>${escapeHtml(b)}</td></tr>`)
    .join("");
  return card(
    "comparison",
    "Float32 beside quantized",
    escapeHtml(d.comparisonNote),
    `<table id="comparison-table" class="numbers">${head}<tbody>${rows}</tbody></table>`,
  );
}

function confusionSection(d: QuantizePageData): string {
  if (!d.labels.length) return "";
  if (!d.confusion) return card("confusion-matrix", "Confusion matrix (quantized)", "", empty(d.noConfusion ?? "No confusion matrix."));
  const caption =
    `The quantized model on ${d.confusionOn}. Rows: true class; columns: predicted. Recall = right / row total; ` +
    `precision = right / column total.`;
  return card(
    "confusion-matrix",
    "Confusion matrix (quantized)",
    escapeHtml(caption),
    confusionTable(d.confusion, d.labels),
    d.labels.length > 8,
  );
}

function layersSection(d: QuantizePageData): string {
  const head =
    `<thead><tr><th scope="col">layer</th><th scope="col">float32 bytes</th><th scope="col">weights</th>` +
    `<th scope="col">bytes</th><th scope="col">max |w \u2212 s\u00b7q|</th>` +
    `<th scope="col">max |\u0394a(l)|</th><th scope="col">mean |\u0394a(l)|</th></tr></thead>`;
  const rows = d.layers
    .map(
      (L, i) =>
        `<tr><th scope="row">${i + 1}: ${escapeHtml(L.shape)}</th><td>${n(L.floatBytes)}</td><td>${escapeHtml(L.type)}</td>` +
        `<td>${n(L.bytes)}</td><td>${escapeHtml(L.maxWeightError)}</td>` +
        `<td>${escapeHtml(L.maxOutputDiff)}</td><td>${escapeHtml(L.meanOutputDiff)}</td></tr>`,
    )
    .join("");
  const caption =
    "Bytes of each layer in the file: weights (padded to 4), bias, and a scale per row when quantized. " +
    "max |w \u2212 s\u00b7q| is the largest rounding error of a weight. |\u0394a(l)| = |a(l) float32 \u2212 a(l) quantized|, the " +
    "layer's outputs " +
    "over every row and unit, both models run by the board runtime up to layer l (the quantized side carries the error of the layers " +
    "before it).";
  return card(
    "layers",
    "Per layer",
    escapeHtml(caption),
    `<div class="table-scroll"><table id="layers-table" class="numbers">${head}<tbody>${rows}</tbody></table></div>`,
    true,
  );
}

function boardsSection(d: QuantizePageData): string {
  const head =
    `<thead><tr><th scope="col">board</th><th scope="col">runtime</th><th scope="col">model</th><th scope="col">buffers</th>` +
    `<th scope="col">blocks needed</th><th scope="col">board's blocks</th><th scope="col">share</th><th scope="col">fits</th><th ` +
    `scope="col">flash bytes</th></tr></thead>`;
  const rows = d.boards
    .map(
      (b) =>
        `<tr data-board="${escapeHtml(b.id)}"><th ` +
        `scope="row">${escapeHtml(b.name)}</th><td>${n(b.runtime)}</td><td>${n(b.model)}</td><td>${n(b.buffers)}</td>` +
        `<td>${n(b.total)}</td><td>${n(b.blocks)}</td><td>${Math.round((100 * b.total) / b.blocks)}%</td>` +
        `<td class="${b.fits ? "yes" : "no"}">${b.fits ? "fits" : "does not fit"}</td><td>${n(d.flashBytes)}</td></tr>`,
    )
    .join("");
  const caption =
    "Blocks (JsVars) to load the runtime and this model, as edgefnn info --board estimates them: runtime + model + buffers. " +
    "Fits: at least half the board's blocks stay free for your own code. The .efnn file stays in flash (Storage): " +
    'quantizing saves flash, not blocks; check Storage with require("Storage").getFree() on the board.';
  return card(
    "boards",
    "Board fit",
    escapeHtml(caption),
    `<div class="table-scroll"><table id="boards-table" class="numbers">${head}<tbody>${rows}</tbody></table></div>`,
    true,
  );
}

export function renderQuantizeReport(d: QuantizePageData): string {
  return reportDocument(
    d.title,
    pageHeader("quantization report", d.title, d.meta) +
      grid([card("summary", "Summary", "", summaryTable(d.summary) || empty("No summary.")), comparisonSection(d)]) +
      grid([confusionSection(d), layersSection(d), boardsSection(d)]),
  );
}
