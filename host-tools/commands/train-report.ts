// train --report: the page of one training run (report/html-report.ts draws
// it). Loaded only when a report is asked for. The numbers are the kept
// epoch's, formatted as the charts' captions format them, so the summary, the
// curves and the terminal say the same thing.
import { classify, DataSet, Evaluation, Network, TrainResult } from "../../src/core/index";
import { percent } from "../cli/output";
import { commandLine } from "../cli/command-line";
import { LoadedCsv } from "../data/csv-loader";
import { confusionMatrix } from "../evaluation/metrics";
import { writeFileAtomic } from "../files/model-file";
import { REPORT_FILE } from "../files/own-output";
import { PACKAGE_VERSION } from "../files/package-root";
import { renderReport } from "../report/html-report";
import { formatNumber, formatPercent } from "../report/text";
import { describeLayers, describeSearch, HeldOut, TrainOptions } from "./train";
import type { SearchResult } from "./train-search";

/** What trainCommand knows at the end of a run. */
export interface TrainingRun {
  file: string;
  o: TrainOptions;
  classification: boolean;
  impute?: string;
  csv: LoadedCsv;
  tr: DataSet;
  val: DataSet | null;
  /** rows with missing values filled (--impute) */
  gaps: number;
  net: Network;
  result: TrainResult;
  trainEval: Evaluation;
  valEval: Evaluation | null;
  held: HeldOut | null;
  params: number;
  bytes: Uint8Array;
  /** the learning rate and lambda trained with, and the search that chose them (if one ran) */
  rates: { lr: number; lambda: number; searched: SearchResult | null };
}

type Row = [string, string];

/** The summary table's rows: the data, the kept epoch's numbers, the settings and how to run it again. */
function summaryRows(r: TrainingRun): Row[] {
  const { o, csv, held, classification } = r;
  const kept = `epoch ${r.result.bestEpoch}, kept`;
  const dropped = csv.dropped ? `; ${csv.dropped} dropped (a missing value, --drop-incomplete)` : "";
  const filled = r.gaps ? `; ${r.gaps} with missing values filled with the training split's ${r.impute}` : "";
  const rows: Row[] = [
    ["data", `${r.file}: ${csv.rows} rows read, ${csv.data.n} used${dropped}${filled}`],
    ["features", `${csv.features.join(", ")}${o.exclude?.length ? ` (left out: ${o.exclude.join(", ")})` : ""}`],
  ];
  if (csv.labelColumn)
    rows.push([
      classification ? "label column" : "target column",
      `${csv.labelColumn}${classification ? ` (${csv.labels.length} classes)` : ""}`,
    ]);
  rows.push(["train / validation rows", `${r.tr.n} / ${r.val ? r.val.n : 0}`]);
  if (classification)
    rows.push(
      [`train accuracy (${kept})`, formatPercent(r.trainEval.accuracy)],
      [`validation accuracy (${kept})`, r.valEval ? formatPercent(r.valEval.accuracy) : "n/a"],
    );
  // formatted as the charts' captions format them: the same numbers, written the same way
  rows.push([`train loss (${kept})`, formatNumber(r.trainEval.loss)]);
  if (r.valEval) rows.push([`validation loss (${kept})`, formatNumber(r.valEval.loss)]);
  if (held) {
    const how = classification
      ? `accuracy ${percent(held.accuracy!)}`
      : `MAE ${held.mae!.toPrecision(4)}, RMSE ${held.rmse!.toPrecision(4)}`;
    rows.push([`test: ${o.test}`, `${held.n} rows${held.dropped ? ` (${held.dropped} dropped)` : ""}, ${how}`]);
  }
  rows.push(
    ["best epoch", `${r.result.bestEpoch} of ${r.result.history.length}`],
    ["parameters", String(r.params)],
    ["model file", `${o.out} (${r.bytes.length} bytes)`],
    ["learning rate / optimizer / batch", `${r.rates.lr} / ${o.optimizer} / ${o.batchSize}`],
    ["L2 lambda", String(r.rates.lambda)],
  );
  const searched = r.rates.searched;
  if (searched) {
    const tried = searched.trials.map((t) => `${t.lambda} / ${t.learningRate}`).join(", ");
    rows.push([
      "lambda and learning rate chosen by",
      `${searched.folds}-fold cross-validation on the training rows: ${describeSearch(searched, classification)}; tried ${tried}`,
    ]);
  }
  rows.push(
    ["seed", String(o.seed)],
    ["command", commandLine()],
    ["edgefnn", `version ${PACKAGE_VERSION}, ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`],
  );
  return rows;
}

/**
 * The confusion matrix the page shows and what it counts, said with it (the CLI's summary says the same):
 * the held-out file if given; else the validation split; else, after the search, the training rows each
 * predicted by the chosen setting's fold model that did not train on it (out of fold: rows no model trained on
 * while predicting them, as the search's cross-validated accuracy counts them); else the training rows
 * themselves, by the model they trained (which flatters it).
 */
export function confusionOf(r: TrainingRun): { matrix: number[][]; on: string } | null {
  if (!r.classification) return null;
  const k = r.csv.labels.length,
    searched = r.rates.searched;
  if (r.held) return { matrix: r.held.confusion!, on: `the held-out file ${r.o.test} (${r.held.n} rows)` };
  if (r.val) {
    const v = r.val;
    return {
      matrix: confusionMatrix(v.classes!, (i) => classify(r.net, v.x, i * v.inputSize), k),
      on: `the validation split (${v.n} rows)`,
    };
  }
  const tr = r.tr;
  if (searched?.predictions) {
    const p = searched.predictions;
    return {
      matrix: confusionMatrix(tr.classes!, (i) => p[i], k),
      on:
        `the ${tr.n} training rows, cross-validated: each predicted by the one of ${searched.folds} fold models ` +
        `(lambda ${searched.lambda}, learning rate ${searched.learningRate}, ${searched.epochs} epochs) that did not train on it, ` +
        `not by the final model (there is no validation split: give --test FILE for held-out rows)`,
    };
  }
  return {
    matrix: confusionMatrix(tr.classes!, (i) => classify(r.net, tr.x, i * tr.inputSize), k),
    on:
      `the ${tr.n} training rows, by the model they trained (no validation split and no cross-validation: ` +
      `it flatters the model; give --test FILE or --val-fraction)`,
  };
}

/** Writes the page; returns what its confusion matrix counts (null: regression, none). */
export function writeTrainingReport(file: string, r: TrainingRun): string | null {
  const layers = describeLayers(r.net);
  const confusion = confusionOf(r);
  const html = renderReport({
    confusionOn: confusion?.on,
    title: `${r.file}: ${layers.map((l) => l.split(" -> ")[1]).join(", ")}`,
    history: r.result.history,
    bestEpoch: r.result.bestEpoch,
    labels: r.classification ? r.csv.labels : [],
    confusion: confusion?.matrix ?? null,
    layers,
    summary: summaryRows(r),
  });
  writeFileAtomic(file, html, { kind: REPORT_FILE, flag: "--report" });
  return confusion?.on ?? null;
}
