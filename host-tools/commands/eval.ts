// edgefnn eval model.efnn data.csv: accuracy, per-class precision and recall,
// the confusion matrix. The model runs through the board runtime: the ES5 bundle (host-runtime.ts).
import { Model } from "../../src/core/index";
import { classNames, isClassifier } from "../model-kind";
import { classifyBatch, runBatch } from "../../src/device/batch";
import { load } from "../host-runtime";
import { fail, Output, percent, quoteValue, table } from "../cli-support";
import { loadCsv, LoadedCsv } from "../data/csv-loader";
import { ClassMetrics, Confusion, confusionOf, perClass } from "../metrics";
import { readModelFile } from "../model-file";
import { naValues } from "../data/na-values";

export { classNames, isBinary, isClassifier } from "../model-kind";

/** The feature columns to read for a model: --features if given (checked
 * against the names the model stores, if any), else the model's own names (a
 * version 2 file: found by name, in any order), else undefined (a version 1
 * file: every column but the label, in the file's order, as trained). */
export function featuresFor(model: Model, modelFile: string, given?: string[]): string[] | undefined {
  if (!given || !model.features) return given ?? model.features;
  const same = given.length === model.features.length && given.every((g, i) => g === model.features![i]);
  const permuted = given.length === model.features.length && [...given].sort().join("\0") === [...model.features].sort().join("\0");
  // the same names in another order would feed column k to input j: wrong answers, no error
  if (!same && permuted)
    fail(`--features lists ${modelFile}'s inputs in another order than it takes them (${model.features.map((n) => quoteValue(n)).join(", ")}): leave --features out, the columns are found by name`);
  return given;
}

/** The data-reading options every command that reads a CSV for a model takes. */
export interface DataOptions {
  label?: string;
  features?: string[];
  exclude?: string[];
  naValues?: string[];
  dropIncomplete?: boolean;
}

/** The missing-value options for a model: an imputing model takes gaps (it fills them as trained). */
export function missingFor(model: Model, o: DataOptions) {
  return {
    naValues: naValues(o.naValues), keepMissing: model.impute !== undefined,
    missingHint: "use --drop-incomplete to skip such rows (or train with --impute mean: the model then fills gaps itself)",
  };
}

export async function loadDataFor(model: Model, modelFile: string, dataFile: string, o: DataOptions): Promise<LoadedCsv> {
  const classifier = isClassifier(model);
  const features = featuresFor(model, modelFile, o.features);
  const csv = await loadCsv(dataFile, {
    label: o.label ?? (model.features ? model.target : undefined), features, dropIncomplete: o.dropIncomplete, exclude: o.exclude,
    ...missingFor(model, o),
    task: classifier ? "classification" : "regression",
    labels: classifier ? classNames(model) : undefined,
    featuresOf: features && !o.features ? modelFile : undefined,
  });
  if (csv.data.inputSize !== model.inputSize)
    fail(
      `${dataFile} has ${csv.data.inputSize} feature columns (${csv.features.join(", ")}) but ${modelFile} takes ${model.inputSize}: pick them with --features`,
    );
  return csv;
}

export async function evalCommand(modelFile: string, dataFile: string, o: DataOptions, out: Output) {
  const { bytes, model } = readModelFile(modelFile);
  const csv = await loadDataFor(model, modelFile, dataFile, o);
  const m = load(bytes), d = csv.data;
  if (!isClassifier(model)) {
    // a CSV has one target column: a model of several regression outputs has no data to compare with
    if (model.outputSize !== 1)
      fail(`${modelFile} has ${model.outputSize} outputs and no labels: eval compares one regression output with the label column (use predict to see all outputs)`);
    let se = 0, ae = 0, mean = 0, st = 0;
    for (let i = 0; i < d.n; i++) mean += d.targets![i] / d.n;
    const y = runBatch(m, d.x, d.n);
    for (let i = 0; i < d.n; i++) {
      const e = y[i] - d.targets![i];
      se += e * e;
      ae += Math.abs(e);
      st += (d.targets![i] - mean) ** 2;
    }
    // R^2 = 1 - SSE / SST: the share of the target's variance around its mean the model explains (undefined for a constant target)
    const r2 = st > 0 ? 1 - se / st : null;
    const r = { n: d.n, mse: se / d.n, mae: ae / d.n, rmse: Math.sqrt(se / d.n), r2, dropped: csv.dropped };
    out.say(
      `${modelFile} on ${dataFile}: ${d.n} rows${csv.dropped ? ` (${csv.dropped} incomplete dropped)` : ""}, MAE ${r.mae.toPrecision(4)}, RMSE ${r.rmse.toPrecision(4)}, R^2 ${r2 === null ? "undefined (the target is constant)" : r2.toFixed(4)}`,
    );
    return r;
  }
  const names = classNames(model);
  const predicted = classifyBatch(m, d.x, d.n);
  const c = confusionOf(d.classes!, (i) => predicted[i], names.length);
  const ids = c.classes(); // the classes in the data or the predictions: what the output is bounded by
  const labels = ids.map((id) => names[id]);
  const classes = perClass(c, names);
  const accuracy = c.accuracy();
  out.say(`${modelFile} on ${dataFile}: ${d.n} rows${csv.dropped ? ` (${csv.dropped} incomplete dropped)` : ""}, accuracy ${percent(accuracy)}`);
  if (ids.length < names.length) out.say(`  ${ids.length} of the model's ${names.length} classes occur in the data or the predictions; the others are not listed`);
  out.say();
  sayClassTable(classes, out);
  out.say();
  sayConfusion(c, ids, names, out);
  // JSON: per class that occurs, and the confusion as [true, predicted, rows]
  // cells (indices into labels), one per pair that occurs: at most a cell a row
  const at = new Map(ids.map((id, k) => [id, k]));
  const confusion = c.entries().map(([t, p, v]) => [at.get(t)!, at.get(p)!, v]);
  return { accuracy, n: d.n, modelClasses: names.length, labels, confusion, perClass: classes, dropped: csv.dropped };
}

/** Rows of the per-class table printed at most; past it the largest classes are shown. */
export const MAX_CLASS_ROWS = 30;
/** Classes up to which the confusion is printed as a matrix; past it, the most frequent confusions. */
export const MAX_MATRIX_CLASSES = 12;
const MAX_CONFUSIONS = 10;

function sayClassTable(classes: ClassMetrics[], out: Output): void {
  let shown = classes;
  if (classes.length > MAX_CLASS_ROWS)
    shown = [...classes].sort((a, b) => b.support - a.support || b.predicted - a.predicted).slice(0, MAX_CLASS_ROWS);
  for (const line of table([["class", "precision", "recall", "rows"], ...shown.map((k) => [k.label, percent(k.precision), percent(k.recall), k.support])]))
    out.say("  " + line);
  if (shown.length < classes.length)
    out.say(`  ... ${classes.length - shown.length} more classes not shown (the ${shown.length} with the most rows are; --json has them all)`);
}

function sayConfusion(c: Confusion, ids: number[], names: string[], out: Output): void {
  if (ids.length <= MAX_MATRIX_CLASSES) {
    out.say("  confusion (rows: true class, columns: predicted)");
    const header = ids.map((id) => names[id]);
    for (const line of table([["", ...header], ...ids.map((t) => [names[t], ...ids.map((p) => c.count(t, p))])])) out.say("  " + line);
    return;
  }
  const wrong = c.entries().filter(([t, p]) => t !== p).sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
  if (!wrong.length) {
    out.say(`  confusion: every row predicted right`);
    return;
  }
  out.say(`  most frequent confusions (${ids.length} classes are too many for a matrix; --json has every cell)`);
  const top = wrong.slice(0, MAX_CONFUSIONS);
  for (const line of table([["true class", "predicted", "rows"], ...top.map(([t, p, v]) => [names[t], names[p], v])])) out.say("  " + line);
  if (top.length < wrong.length) out.say(`  ... ${wrong.length - top.length} more (true, predicted) pairs not shown`);
}
