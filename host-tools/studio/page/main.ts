/// <reference lib="dom" />
// The studio page: plain DOM, no framework. Each step (data, model, train,
// shrink, download) reads its controls from index.html and calls the same
// code the CLI runs: the CSV loader's pieces (csv-bytes.ts), the training run
// (train-run.ts, in a Web Worker), the quantization report, the board fit
// table and the report's SVG charts.
import { ACTIVATION_NAMES, type ActivationName, type EpochStats, type OptimizerName, type WeightBits } from "../../../src/core/index";
import { BOARDS } from "../../boards/boards";
import { CsvError } from "../../data/csv-error";
import type { CsvLoadOptions, LoadedCsv } from "../../data/csv-loader";
import { NA_VALUES } from "../../data/csv-rows";
import { rowsWithGaps } from "../../data/impute";
import { keptEpochLabel, renderReport } from "../../report/html-report";
import { confusionTable } from "../../report/confusion-table";
import { CSS as REPORT_CSS, layerColor, TRAIN_COLOR, VAL_COLOR } from "../../report/style";
import { lineChart, type Series } from "../../report/svg-chart";
import { formatNumber, formatPercent } from "../../report/text";
import { initBoardPanel } from "./board-panel";
import { regressionMetrics, regressionSentence } from "../../evaluation/regression-metrics";
import { runBatch } from "../../../src/device/batch";
import { load } from "../../../src/device/runtime";
import { COLLECT_WINDOW_DEFAULTS } from "../../protocols/collect-windows";
import { columnHints, suggestLabel, type ColumnHint } from "./column-hints";
import { decodeCsv, headerOf, loadParsed, parseCsvText, type ParsedCsv } from "./csv-bytes";
import { shrink, type Shrunk } from "./shrink";
import {
  HIDDEN_ACTIVATION,
  LAMBDA,
  LEARNING_RATE,
  REGRESSION_LEARNING_RATE,
  SEARCH,
  SEARCH_MAX_ROWS,
  VAL_FRACTION,
} from "../../commands/train-rates";
import { CLI_DEFAULTS, settingsProblem, type TrainOutcome, type TrainSettings } from "./train-run";
import { PAUSE, RUN, STOP, type TrainRequest, type WorkerMessage } from "./worker-protocol";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no #${id}`);
  return e as T;
};
const input = (id: string) => $<HTMLInputElement>(id);
const select = (id: string) => $<HTMLSelectElement>(id);
const button = (id: string) => $<HTMLButtonElement>(id);
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

/** Hidden activations: everything trainable; step is listed but refused (hand-set networks only). */
const HIDDEN = ACTIVATION_NAMES.filter((a) => a !== "softmax" && a !== "linear");

interface State {
  fileName: string;
  parsed: ParsedCsv | null;
  hints: ColumnHint[];
  csv: LoadedCsv | null;
  history: EpochStats[];
  outcome: TrainOutcome | null;
  shrunk: Shrunk | null;
  worker: Worker | null;
  control: Int32Array | null;
  settings: TrainSettings | null;
}
const state: State = {
  fileName: "",
  parsed: null,
  hints: [],
  csv: null,
  history: [],
  outcome: null,
  shrunk: null,
  worker: null,
  control: null,
  settings: null,
};

function showError(id: string, message: string | null): void {
  const e = $(id);
  e.hidden = message === null;
  e.textContent = message ?? "";
}

// ---- 1. Data ----------------------------------------------------------------

async function openFile(file: File): Promise<void> {
  await openBytes(file.name, new Uint8Array(await file.arrayBuffer()));
}

/** Windows recorded from the board (section 6), as a CSV: step 1's data, every feature column used, "label" the label. */
async function openRecorded(name: string, text: string): Promise<void> {
  await openBytes(name, new TextEncoder().encode(text));
  if (!state.parsed) return;
  showColumns("label");
  $("columns")
    .querySelectorAll<HTMLInputElement>("input[data-col]:not([disabled])")
    .forEach((c) => (c.checked = true));
  useColumns();
  $("data").scrollIntoView();
}

async function openBytes(name: string, bytes: Uint8Array): Promise<void> {
  state.fileName = name;
  state.parsed = null;
  state.csv = null;
  $("columns-box").hidden = true;
  $("data-summary").textContent = "";
  button("train").disabled = true;
  showError("data-error", null);
  $("data-status").textContent = `${name}: reading ${bytes.length.toLocaleString("en-US")} bytes…`;
  try {
    const text = await decodeCsv(name, bytes);
    const parsed = parseCsvText(name, text);
    const { names } = headerOf(parsed);
    state.parsed = parsed;
    state.hints = columnHints(
      names,
      parsed.records.slice(1, 501).map((r) => r.record),
      naList(),
    );
    $("data-status").textContent =
      `${name}: ${names.length} columns, ${parsed.records.length - 1} rows, ` +
      `delimiter ${parsed.delimiter === "\t" ? "tab" : `"${parsed.delimiter}"`}`;
    showColumns(suggestLabel(state.hints));
    $("columns-box").hidden = false;
  } catch (e) {
    $("data-status").textContent = "";
    showError("data-error", message(e));
  }
}

function message(e: unknown): string {
  return e instanceof CsvError ? e.message : e instanceof Error ? e.message : String(e);
}

function naList(): string[] {
  const v = input("na-values").value;
  // an empty field is always missing, as with the CLI's --na-values
  return [
    "",
    ...v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  ];
}

function showColumns(label: string): void {
  const labelSel = select("label-column");
  labelSel.innerHTML = state.hints.map((h) => `<option${h.name === label ? " selected" : ""}>${esc(h.name)}</option>`).join("");
  select("task").value =
    state.hints.find((h) => h.name === label)?.kind === "number" && (state.hints.find((h) => h.name === label)?.distinct ?? 0) > 20
      ? "regression"
      : "classification";
  const first = state.parsed!.records.slice(1, 4).map((r) => r.record);
  const body = $("columns").querySelector("tbody")!;
  body.innerHTML = state.hints
    .map((h, j) => {
      const id = `use-${j}`;
      const isLabel = h.name === label;
      const on = !isLabel && h.kind === "number";
      const sample = first.map((r) => r[j] ?? "").join(", ");
      return (
        `<tr${isLabel ? ' class="label-row"' : ""}><td><input type="checkbox" ` +
        `id="${id}" data-col="${j}"${on ? " checked" : ""}${isLabel ? " disabled" : ""}></td>` +
        `<td><label for="${id}">${esc(h.name)}</label></td>` +
        `<td>${isLabel ? "the label" : esc(h.kind + (h.note ? ": " + h.note : ""))}</td>` +
        `<td class="sample">${esc(sample)}</td></tr>`
      );
    })
    .join("");
}

function loadOptions(): CsvLoadOptions {
  const label = select("label-column").value;
  const names = state.hints.map((h) => h.name);
  const used = new Set<number>();
  $("columns")
    .querySelectorAll<HTMLInputElement>("input[data-col]")
    .forEach((c) => {
      if (c.checked) used.add(Number(c.dataset.col));
    });
  const exclude = names.filter((n, j) => n !== label && !used.has(j));
  const missing = select("missing").value;
  const impute = missing === "mean" || missing === "median";
  return {
    label,
    task: select("task").value as "classification" | "regression",
    exclude: exclude.length ? exclude : undefined,
    dropIncomplete: missing === "drop",
    naValues: naList(),
    keepMissing: impute,
    missingHint: impute ? undefined : "choose to skip such rows, or to fill them with the mean or median, under Missing values",
  };
}

function useColumns(): void {
  showError("data-error", null);
  state.csv = null;
  button("train").disabled = true;
  try {
    const csv = loadParsed(state.parsed!, loadOptions());
    if (csv.features.length === 0) throw new Error("no feature columns are ticked: the network needs at least one input");
    state.csv = csv;
    const task = select("task").value;
    const gaps = rowsWithGaps(csv.data);
    $("data-summary").textContent =
      `${csv.rows} rows read, ${csv.data.n} used${csv.dropped ? ` (${csv.dropped} with a missing value skipped)` : ""}` +
      (gaps ? ` (${gaps} with missing values, to be filled with the training split's ${select("missing").value})` : "") +
      "; " +
      `${csv.features.length} features (${csv.features.join(", ")}); ` +
      (task === "classification"
        ? `${csv.labels.length} classes in ${csv.labelColumn}: ${csv.labels.join(", ")}`
        : `target ${csv.labelColumn}`);
    fillOutputs();
    button("train").disabled = false;
    updateCliLine();
  } catch (e) {
    $("data-summary").textContent = "";
    showError("data-error", message(e));
  }
}

// ---- 2. Model ---------------------------------------------------------------

function addLayer(size = 16, activation: ActivationName = HIDDEN_ACTIVATION): void {
  const list = $("layers");
  const li = document.createElement("li");
  const n = list.children.length + 1;
  const k = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
  const stepOnly = ' disabled title="step: hand-set networks only (its derivative is 0 almost everywhere)"';
  const options = HIDDEN.map((a) => `<option${a === activation ? " selected" : ""}${a === "step" ? stepOnly : ""}>${a}</option>`).join("");
  li.innerHTML =
    `<label for="size-${k}">units</label> ` +
    `<input id="size-${k}" class="layer-size" type="number" min="1" max="65535" step="1" value="${size}"> ` +
    `<label for="act-${k}">activation</label> <select id="act-${k}" class="layer-act">${options}</select> ` +
    `<button type="button" class="remove-layer" aria-label="remove hidden layer ${n}">Remove</button>`;
  li.querySelector("button")!.addEventListener("click", () => {
    li.remove();
    updateCliLine();
  });
  li.querySelectorAll("input,select").forEach((e) => e.addEventListener("change", updateCliLine));
  list.appendChild(li);
  updateCliLine();
}

function fillOutputs(): void {
  const task = select("task").value;
  const two = state.csv?.labels.length === 2;
  const options =
    task === "classification"
      ? two
        ? ["softmax", "logistic"]
        : ["softmax"]
      : ACTIVATION_NAMES.filter((a) => a !== "softmax" && a !== "step");
  const sel = select("output-act");
  sel.innerHTML = options.map((a) => `<option>${a}</option>`).join("");
  sel.value = task === "classification" ? "softmax" : "linear";
  $("loss-name").textContent = task === "classification" ? "loss: cross-entropy" : "loss: squared error";
}

/** The fields that can be left to train ("auto", as the CLI without the option). */
const AUTO_FIELDS = ["lr", "lambda", "val-fraction"];

function settings(): TrainSettings {
  const num = (id: string) => Number(input(id).value);
  const given = (id: string) => (input(`${id}-auto`).checked ? undefined : num(id));
  const missing = select("missing").value;
  return {
    ...CLI_DEFAULTS,
    task: select("task").value as TrainSettings["task"],
    hidden: Array.from($("layers").querySelectorAll("li"), (li) => ({
      size: Number(li.querySelector<HTMLInputElement>(".layer-size")!.value),
      activation: li.querySelector<HTMLSelectElement>(".layer-act")!.value as ActivationName,
    })),
    output: select("output-act").value as ActivationName,
    optimizer: select("optimizer").value as OptimizerName,
    lr: given("lr"),
    momentum: num("momentum"),
    batchSize: num("batch-size"),
    lambda: given("lambda"),
    lrDecay: num("lr-decay"),
    epochs: num("epochs"),
    patience: num("patience"),
    seed: num("seed"),
    valFraction: given("val-fraction"),
    impute: missing === "mean" || missing === "median" ? missing : undefined,
  };
}

/** The same run from the command line: what a user can repeat, and what the tests compare with. */
function updateCliLine(): void {
  if (!state.csv) return;
  const s = settings(),
    o = loadOptions();
  const q = (v: string) => (/^[\w.,/-]+$/.test(v) ? v : `'${v.replace(/'/g, "'\\''")}'`);
  const parts = [
    "edgefnn train",
    q(state.fileName),
    "--label",
    q(o.label!),
    "--task",
    s.task,
    "--hidden",
    s.hidden.length ? s.hidden.map((h) => h.size).join(",") : "none",
  ];
  if (s.hidden.length) parts.push("--activation", s.hidden.map((h) => h.activation).join(","));
  parts.push(
    "--output",
    s.output,
    "--optimizer",
    s.optimizer,
    "--batch-size",
    String(s.batchSize),
    "--epochs",
    String(s.epochs),
    "--patience",
    String(s.patience),
    "--seed",
    String(s.seed),
  );
  // auto: the option left out, so train chooses as the page does
  if (s.lr !== undefined) parts.push("--lr", String(s.lr));
  if (s.lambda !== undefined) parts.push("--lambda", String(s.lambda));
  if (s.valFraction !== undefined) parts.push("--val-fraction", String(s.valFraction));
  if (s.optimizer === "momentum") parts.push("--momentum", String(s.momentum));
  if (s.lrDecay) parts.push("--lr-decay", String(s.lrDecay));
  if (o.exclude) parts.push("--exclude", q(o.exclude.join(",")));
  if (o.dropIncomplete) parts.push("--drop-incomplete");
  if (s.impute) parts.push("--impute", s.impute);
  $("cli-line").textContent = "The same run on the command line: " + parts.join(" ");
}

// ---- 3. Train ---------------------------------------------------------------

let drawQueued = false;
function drawSoon(): void {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(() => {
    drawQueued = false;
    drawCharts();
  });
}

function drawCharts(): void {
  const h = state.history,
    x = h.map((e) => e.epoch);
  $("charts").hidden = !h.length;
  if (!h.length) return;
  const best = state.outcome?.bestEpoch ?? bestSoFar(h);
  const marker = best ? { x: best, label: keptEpochLabel(h, best) } : undefined;
  const tv = (t: (e: EpochStats) => number, v: (e: EpochStats) => number): Series[] =>
    [
      { name: "train", values: h.map(t), color: TRAIN_COLOR },
      { name: "validation", values: h.map(v), color: VAL_COLOR },
    ].filter((s) => s.values.some(Number.isFinite));
  $("loss-chart").innerHTML = lineChart({
    id: "loss-svg",
    title: "Loss per epoch",
    x,
    series: tv(
      (e) => e.trainLoss,
      (e) => e.valLoss,
    ),
    yScale: "linear",
    xLabel: "epoch",
    yLabel: "loss",
    marker,
  });
  const acc = tv(
    (e) => e.trainAccuracy,
    (e) => e.valAccuracy,
  );
  $("acc-fig").hidden = acc.length === 0;
  if (acc.length)
    $("acc-chart").innerHTML = lineChart({
      id: "acc-svg",
      title: "Accuracy per epoch",
      x,
      series: acc,
      yScale: "linear",
      percent: true,
      xLabel: "epoch",
      yLabel: "accuracy",
      marker,
    });
  const nL = h[h.length - 1].meanAbsDelta?.length ?? 0;
  const deltas: Series[] = [];
  for (let l = 0; l < nL; l++)
    deltas.push({ name: `layer ${l + 1}`, values: h.map((e) => e.meanAbsDelta?.[l] ?? NaN), color: layerColor(l, nL) });
  if (nL)
    $("delta-chart").innerHTML = lineChart({
      id: "delta-svg",
      title: "Mean |delta| per layer per epoch (log scale)",
      x,
      series: deltas,
      yScale: "log",
      xLabel: "epoch",
      yLabel: "mean |δ(l)|",
      marker,
      endLabels: deltas.map((_, l) => "L" + (l + 1)),
    });
  const last = h[h.length - 1].meanAbsDelta;
  if (last && last.length >= 2 && last[0] > 0 && last[nL - 1] > 0) {
    const ratio = last[0] / last[nL - 1],
      decades = Math.log10(ratio);
    $("delta-note").textContent =
      `Epoch ${h[h.length - 1].epoch}: layer 1 gets ${formatNumber(ratio)} × layer ${nL}'s error signal` +
      (decades <= -1 ? `, ${(-decades).toFixed(1)} orders of magnitude less: it barely learns (vanishing gradients).` : ".");
  } else $("delta-note").textContent = "";
}

/** The best epoch so far, by train()'s rule: fewest validation errors, then lowest validation loss. */
function bestSoFar(h: EpochStats[]): number {
  let best = 0,
    bestErr = Infinity,
    bestLoss = Infinity;
  for (const e of h) {
    const err = Number.isFinite(e.valAccuracy) ? 1 - e.valAccuracy : Number.isFinite(e.valLoss) ? e.valLoss : 0;
    const loss = Number.isFinite(e.valLoss) ? e.valLoss : 0;
    if (err < bestErr || (err === bestErr && loss < bestLoss)) [best, bestErr, bestLoss] = [e.epoch, err, loss];
  }
  return best;
}

function setRunning(running: boolean, paused = false): void {
  const isolated = state.control !== null;
  button("train").disabled = running || !state.csv;
  button("pause").disabled = !running || paused || !isolated;
  button("resume").disabled = !running || !paused;
  button("stop").disabled = !running;
  button("quantize").disabled = running || !state.outcome;
}

function startTraining(): void {
  if (!state.csv) return;
  const s = settings();
  showError("train-error", null);
  const problem = settingsProblem(s, state.csv.labels.length) ?? numbersProblem(s);
  if (problem) {
    showError("train-error", problem);
    return;
  }
  state.history = [];
  state.outcome = null;
  state.shrunk = null;
  state.settings = s;
  $("result").hidden = true;
  for (const id of ["download-model", "download-quantized", "download-report"]) button(id).disabled = true;
  $("compare").hidden = $("boards").hidden = true;
  // pause and resume need memory shared with the worker: a cross-origin-isolated page
  // (edgefnn studio serves it so); elsewhere Stop ends the run and nothing is kept
  state.control =
    globalThis.crossOriginIsolated && typeof SharedArrayBuffer === "function" ? new Int32Array(new SharedArrayBuffer(4)) : null;
  const worker = new Worker("worker.js");
  state.worker = worker;
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => onWorker(e.data);
  worker.onerror = (e) => {
    showError("train-error", `the training worker failed: ${e.message}`);
    finishRun();
  };
  const req: TrainRequest = {
    type: "train",
    csv: state.csv,
    settings: s,
    control: state.control ? (state.control.buffer as SharedArrayBuffer) : null,
  };
  worker.postMessage(req);
  $("train-status").textContent = "training…";
  setRunning(true);
}

function numbersProblem(s: TrainSettings): string | null {
  const checks: [string, number, (n: number) => boolean, string][] = [
    ["learning rate", s.lr ?? 1, (n) => n > 0, "a positive number (or auto)"],
    ["batch size", s.batchSize, (n) => Number.isInteger(n) && n >= 1, "an integer >= 1"],
    ["L2 lambda", s.lambda ?? 0, (n) => n >= 0, ">= 0 (or auto)"],
    ["epochs", s.epochs, (n) => Number.isInteger(n) && n >= 1, "an integer >= 1"],
    ["patience", s.patience, (n) => Number.isInteger(n) && n >= 1, "an integer >= 1"],
    ["seed", s.seed, (n) => Number.isInteger(n) && n >= 0, "an integer >= 0"],
    ["momentum", s.momentum, (n) => n >= 0 && n < 1, "in [0, 1)"],
    ["learning-rate decay", s.lrDecay, (n) => n >= 0, ">= 0"],
  ];
  for (const [name, v, ok, what] of checks) if (!Number.isFinite(v) || !ok(v)) return `${name} must be ${what}`;
  return null;
}

function onWorker(m: WorkerMessage): void {
  switch (m.type) {
    case "epoch": {
      state.history.push(m.stats);
      const e = m.stats;
      $("train-status").textContent =
        `epoch ${e.epoch}: train loss ${formatNumber(e.trainLoss)}` +
        (Number.isFinite(e.valLoss) ? `, validation loss ${formatNumber(e.valLoss)}` : "") +
        (Number.isFinite(e.valAccuracy) ? `, validation accuracy ${formatPercent(e.valAccuracy)}` : "");
      drawSoon();
      break;
    }
    case "search":
      // the folds run before the first epoch: say so, or the page looks stuck
      $("train-status").textContent =
        `choosing lambda and the learning rate by ${SEARCH.folds}-fold cross-validation: ` +
        `run ${m.done} of ${m.total} (each candidate on each fold), then training on all rows`;
      break;
    case "paused":
      $("train-status").textContent = `paused after ${m.at}`;
      setRunning(true, true);
      break;
    case "resumed":
      setRunning(true, false);
      break;
    case "done":
      state.outcome = m.outcome;
      finishRun();
      showOutcome(m.outcome, m.seconds);
      break;
    case "error":
      showError("train-error", m.message);
      finishRun();
      break;
  }
}

function finishRun(): void {
  state.worker?.terminate();
  state.worker = null;
  setRunning(false);
  drawCharts();
}

function control(v: number): void {
  if (!state.control) return;
  Atomics.store(state.control, 0, v);
  Atomics.notify(state.control, 0);
}

function stopTraining(): void {
  if (state.control) {
    control(STOP);
    return;
  }
  // no shared memory: the worker cannot be asked between epochs, only ended
  finishRun();
  $("train-status").textContent = "stopped; nothing kept (pause and a kept stop need the page from edgefnn studio: cross-origin isolation)";
}

function showOutcome(o: TrainOutcome, seconds: number): void {
  const classification = state.settings!.task === "classification";
  $("train-status").textContent =
    `${o.stoppedEarly ? "stopped early" : "finished"} after ${o.history.length} epochs in ${seconds.toFixed(2)} s; ` +
    `kept epoch ${o.bestEpoch}${o.valRows ? " (best on validation)" : ""}`;
  const rows: [string, string][] = [
    ["network", o.layers.join(", ")],
    ["parameters", String(o.params)],
    ["model file", `${o.bytes.length} bytes`],
    ["train / validation rows", `${o.trainRows} / ${o.valRows}`],
    ["best epoch", `${o.bestEpoch} of ${o.history.length}`],
    ...rateRows(o),
    ...(classification
      ? ([
          ["train accuracy", formatPercent(o.trainAccuracy)],
          ["validation accuracy", o.valAccuracy === null ? "none (no validation split)" : formatPercent(o.valAccuracy)],
        ] as [string, string][])
      : []),
    ["train loss", formatNumber(o.trainLoss)],
    ["validation loss", o.valLoss === null ? "none (no validation split)" : formatNumber(o.valLoss)],
  ];
  if (!classification) {
    // as `edgefnn eval model.efnn data.csv`: the model file through the board runtime, on every row of the data
    const d = state.csv!.data;
    const r = regressionMetrics(runBatch(load(o.bytes), d.x, d.n), d.targets!, d.n);
    rows.push([`on all ${d.n} rows (as edgefnn eval)`, regressionSentence(r)]);
  }
  $("result-table").innerHTML = rows
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td data-key="${esc(k)}">${esc(v)}</td></tr>`)
    .join("");
  $("confusion").innerHTML = o.confusion
    ? `<p class="hint">On ${esc(o.confusionOn)}. Rows: true class; columns: predicted. ` +
      `Recall = right / row total; precision = right / column total.</p>` +
      confusionTable(o.confusion, state.csv!.labels)
    : "<p>Regression: no classes, no confusion matrix.</p>";
  $("result").hidden = false;
  button("download-model").disabled = false;
  button("download-report").disabled = false;
  button("quantize").disabled = false;
}

/** The learning rate and lambda the model trained with, and where they came from (the CLI's report says the same). */
function rateRows(o: TrainOutcome): [string, string][] {
  const s = state.settings!,
    cv = o.search;
  const from = (given: number | undefined) =>
    given !== undefined ? "given" : cv ? `chosen by ${cv.folds}-fold cross-validation` : "the default";
  return [
    ["learning rate", `${o.learningRate} (${from(s.lr)})`],
    ["L2 lambda", `${o.lambda} (${from(s.lambda)})`],
    ...(cv
      ? ([
          [
            "cross-validated accuracy",
            `${cv.cvAccuracy === null ? "n/a" : formatPercent(cv.cvAccuracy)}, loss ${formatNumber(cv.cvLoss)} ` +
              `(${cv.folds} folds, ${cv.epochs} epochs each)`,
          ],
        ] as [string, string][])
      : []),
  ];
}

// ---- 4. Shrink ----------------------------------------------------------------

function quantize(): void {
  if (!state.outcome || !state.csv) return;
  const bits = Number(select("bits").value) as WeightBits;
  try {
    const s = shrink(state.outcome.bytes, bits, state.csv.data);
    state.shrunk = s;
    const r = s.report,
      pc = (v: number) => formatPercent(v);
    const rows: [string, string, string][] = [
      ["file size", `${r.floatBytes} bytes`, `${r.quantizedBytes} bytes (${pc(r.quantizedBytes / r.floatBytes)})`],
      ...(s.classifier
        ? ([[`accuracy on all ${r.n} rows`, pc(r.floatAccuracy), pc(r.quantizedAccuracy)]] as [string, string, string][])
        : []),
      ...(Number.isFinite(r.floatMae)
        ? ([
            ["MAE", r.floatMae.toPrecision(4), r.quantizedMae.toPrecision(4)],
            ["RMSE", r.floatRmse.toPrecision(4), r.quantizedRmse.toPrecision(4)],
          ] as [string, string, string][])
        : []),
    ];
    $("compare").innerHTML =
      `<caption>float32 beside int${bits}, both run by the board's runtime</caption>` +
      `<tr><th></th><th scope="col">float32</th><th scope="col">int${bits}</th></tr>` +
      rows.map(([k, a, b]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(a)}</td><td data-key="${esc(k)}">${esc(b)}</td></tr>`).join("");
    $("compare").hidden = false;
    $("shrink-status").textContent =
      `outputs: max |float − quantized| ${r.maxOutputDiff.toExponential(2)}, mean ${r.meanOutputDiff.toExponential(2)}; ` +
      `max weight error per layer ${r.maxWeightError.map((e) => e.toExponential(2)).join(", ")}; ` +
      `input normalization ${s.folded ? "folded into layer 1" : "kept separate"}`;
    showBoards();
    button("download-quantized").disabled = false;
  } catch (e) {
    $("shrink-status").textContent = message(e);
  }
}

function showBoards(): void {
  if (!state.shrunk) return;
  const chosen = select("board").value;
  $("boards").querySelector("tbody")!.innerHTML = state.shrunk.boards
    .map(
      (b) =>
        `<tr${b.id === chosen ? ' class="chosen"' : ""}><th scope="row">${esc(b.name)}</th>` +
        `<td>${b.runtime}</td><td>${b.model}</td><td>${b.buffers}</td>` +
        `<td>${b.total}</td><td>${b.blocks}</td><td>${b.fits ? "yes" : "no"}</td></tr>`,
    )
    .join("");
  $("boards").hidden = false;
}

// ---- 5. Download ----------------------------------------------------------------

function download(name: string, data: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof data === "string" ? data : (data as Uint8Array<ArrayBuffer>)], { type });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const baseName = () => state.fileName.replace(/\.[^.]*$/, "") || "model";

function reportHtml(): string {
  const o = state.outcome!,
    s = state.settings!,
    csv = state.csv!;
  return renderReport({
    title: `${state.fileName}: ${o.layers.map((l) => l.split(" -> ")[1]).join(", ")}`,
    history: o.history,
    bestEpoch: o.bestEpoch,
    labels: s.task === "classification" ? csv.labels : [],
    confusion: o.confusion,
    confusionOn: o.confusionOn,
    layers: o.layers,
    summary: [
      ["data", `${state.fileName}: ${csv.rows} rows read, ${csv.data.n} used`],
      ["features", csv.features.join(", ")],
      ["train / validation rows", `${o.trainRows} / ${o.valRows}`],
      ["best epoch", `${o.bestEpoch} of ${o.history.length}`],
      ["parameters", String(o.params)],
      ["learning rate / optimizer / batch", `${o.learningRate} / ${s.optimizer} / ${s.batchSize}`],
      ["L2 lambda", String(o.lambda)],
      ...(o.search
        ? ([
            [
              "chosen by cross-validation",
              `lambda ${o.search.lambda}, learning rate ${o.search.learningRate}: ${o.search.folds}-fold ` +
                (o.search.cvAccuracy === null ? "" : `accuracy ${formatPercent(o.search.cvAccuracy)}, `) +
                `loss ${formatNumber(o.search.cvLoss)}`,
            ],
          ] as [string, string][])
        : []),
      ["seed", String(s.seed)],
      ["made by", "edgefnn studio"],
    ],
  });
}

// ---- wiring -----------------------------------------------------------------------

function init(): void {
  // the report's stylesheet first, so studio.css (linked in the page) can override it
  const style = document.createElement("style");
  style.textContent = REPORT_CSS;
  document.head.prepend(style);
  input("na-values").value = NA_VALUES.filter((v) => v !== "").join(", ");
  select("board").innerHTML = BOARDS.map((b) => `<option value="${b.id}">${esc(b.name)}</option>`).join("");
  input("csv-file").addEventListener("change", () => {
    const f = input("csv-file").files?.[0];
    if (f) void openFile(f);
  });
  const zone = $("drop-zone");
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    const f = e.dataTransfer?.files[0];
    if (f) void openFile(f);
  });
  select("label-column").addEventListener("change", () => showColumns(select("label-column").value));
  select("task").addEventListener("change", fillOutputs);
  button("load-data").addEventListener("click", useColumns);
  button("add-layer").addEventListener("click", () => addLayer());
  for (const id of [
    "output-act",
    "optimizer",
    "lr",
    "momentum",
    "batch-size",
    "lambda",
    "lr-decay",
    "epochs",
    "patience",
    "seed",
    "val-fraction",
    "missing",
  ])
    $(id).addEventListener("change", updateCliLine);
  // the value an unticked auto starts from: the CLI's fixed default
  input("lr").dataset.value = String(LEARNING_RATE);
  input("lambda").dataset.value = String(LAMBDA);
  input("val-fraction").dataset.value = String(VAL_FRACTION);
  for (const id of AUTO_FIELDS)
    input(`${id}-auto`).addEventListener("change", () => {
      // auto shows an empty field (placeholder "auto": no number the run might not use); unticked, the last value given
      // or the CLI's fixed default comes back (data-value)
      const field = input(id),
        auto = input(`${id}-auto`).checked;
      if (auto) {
        field.dataset.value = field.value;
        field.value = "";
      } else field.value = field.dataset.value ?? "";
      field.disabled = auto;
      updateCliLine();
    });
  $("auto-note").textContent =
    "auto: as edgefnn train without --lr, --lambda, --val-fraction. On a classification of up to " +
    `${SEARCH_MAX_ROWS} rows, lambda (${SEARCH.lambdas.join(", ")}) and the learning rate (${SEARCH.learningRates.join(", ")}) ` +
    `are chosen by ${SEARCH.folds}-fold cross-validation, then all rows train the model (no validation split); otherwise ` +
    `learning rate ${LEARNING_RATE} (regression ${REGRESSION_LEARNING_RATE}), lambda ${LAMBDA}, validation split ${VAL_FRACTION}. ` +
    "Untick auto to give a value.";
  button("train").addEventListener("click", startTraining);
  button("pause").addEventListener("click", () => control(PAUSE));
  button("resume").addEventListener("click", () => control(RUN));
  button("stop").addEventListener("click", stopTraining);
  button("quantize").addEventListener("click", quantize);
  select("board").addEventListener("change", showBoards);
  button("download-model").addEventListener(
    "click",
    () => state.outcome && download(`${baseName()}.efnn`, state.outcome.bytes, "application/octet-stream"),
  );
  button("download-quantized").addEventListener(
    "click",
    () => state.shrunk && download(`${baseName()}.q${select("bits").value}.efnn`, state.shrunk.report.bytes, "application/octet-stream"),
  );
  button("download-report").addEventListener(
    "click",
    () => state.outcome && download(`${baseName()}.report.html`, reportHtml(), "text/html"),
  );
  input("acc-rate").value = String(COLLECT_WINDOW_DEFAULTS.rate);
  input("acc-window").value = String(COLLECT_WINDOW_DEFAULTS.window);
  input("acc-hop").value = String(COLLECT_WINDOW_DEFAULTS.window);
  // the model the board gets: the quantized one when there is one, else the float32 one
  initBoardPanel(
    () =>
      state.outcome && state.csv
        ? {
            name: baseName()
              .replace(/[^A-Za-z0-9_-]/g, "_")
              .slice(0, 19),
            bytes: state.shrunk ? state.shrunk.report.bytes : state.outcome.bytes,
            data: state.csv.data,
          }
        : null,
    (name, text) => void openRecorded(name, text),
  );
  addLayer();
  fillOutputs();
}

init();
