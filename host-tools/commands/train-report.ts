// train --report: the page of one training run (report/html-report.ts draws
// it). Loaded only when a report is asked for. The numbers are the kept
// epoch's, formatted as the charts' captions format them, so the summary, the
// curves and the terminal say the same thing.
import { DataSet, Evaluation, Network, TrainResult } from "../../src/core/index";
import { percent } from "../cli/output";
import { commandLine } from "../cli/command-line";
import { LoadedCsv } from "../data/csv-loader";
import { writeFileAtomic } from "../files/model-file";
import { REPORT_FILE } from "../files/own-output";
import { PACKAGE_VERSION } from "../files/package-root";
import { renderReport } from "../report/html-report";
import { formatNumber, formatPercent } from "../report/text";
import { describeLayers, describeSearch, HeldOut, TrainOptions } from "./train";
import type { SearchResult } from "./train-search";
import { Confusion, trainingConfusion } from "./train-confusion";

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

/** The confusion matrix the page shows and what it counts (the CLI's summary says the same): the held-out file
 * if given, else as trainingConfusion decides (train-confusion.ts). */
export function confusionOf(r: TrainingRun): Confusion | null {
  if (!r.classification) return null;
  if (r.held) return { matrix: r.held.confusion!, on: `the held-out file ${r.o.test} (${r.held.n} rows)` };
  return trainingConfusion(r.net, r.tr, r.val, r.rates.searched, r.csv.labels.length);
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
