// edgefnn eval model.efnn data.csv: accuracy, per-class precision and recall,
// the confusion matrix. The model runs through the board runtime: the ES5 bundle (evaluation/host-runtime.ts).
import { classNames, isClassifier } from "../evaluation/model-kind";
import { classifyBatch, runBatch } from "../../src/device/batch";
import { load } from "../evaluation/host-runtime";
import { fail } from "../cli/user-error";
import { Output, percent, table } from "../cli/output";
import { ClassMetrics, Confusion, confusionOf, perClass } from "../evaluation/metrics";
import { readModelFile } from "../files/model-file";
import { DataOptions, loadDataFor } from "../evaluation/model-data";
import { regressionMetrics, regressionSentence } from "../evaluation/regression-metrics";

export async function evalCommand(modelFile: string, dataFile: string, o: DataOptions, out: Output) {
  const { bytes, model } = readModelFile(modelFile);
  const csv = await loadDataFor(model, modelFile, dataFile, o);
  const m = load(bytes),
    d = csv.data;
  if (!isClassifier(model)) {
    // a CSV has one target column: a model of several regression outputs has no data to compare with
    if (model.outputSize !== 1)
      fail(
        `${modelFile} has ${model.outputSize} outputs and no labels: eval compares one regression output with the label column (use ` +
          `predict to see all outputs)`,
      );
    const m2 = regressionMetrics(runBatch(m, d.x, d.n), d.targets!, d.n);
    const r = { ...m2, dropped: csv.dropped };
    out.say(
      `${modelFile} on ${dataFile}: ${d.n} ` +
        `rows${csv.dropped ? ` (${csv.dropped} incomplete dropped)` : ""}, ${regressionSentence(m2)}`,
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
  out.say(
    `${modelFile} on ${dataFile}: ${d.n} rows${csv.dropped ? ` (${csv.dropped} incomplete dropped)` : ""}, accuracy ${percent(accuracy)}`,
  );
  if (ids.length < names.length)
    out.say(`  ${ids.length} of the model's ${names.length} classes occur in the data or the predictions; the others are not listed`);
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
  for (const line of table([
    ["class", "precision", "recall", "rows"],
    ...shown.map((k) => [k.label, percent(k.precision), percent(k.recall), k.support]),
  ]))
    out.say("  " + line);
  if (shown.length < classes.length)
    out.say(
      `  ... ${classes.length - shown.length} more classes not shown (the ${shown.length} with the most rows are; --json has them all)`,
    );
}

function sayConfusion(c: Confusion, ids: number[], names: string[], out: Output): void {
  if (ids.length <= MAX_MATRIX_CLASSES) {
    out.say("  confusion (rows: true class, columns: predicted)");
    const header = ids.map((id) => names[id]);
    for (const line of table([["", ...header], ...ids.map((t) => [names[t], ...ids.map((p) => c.count(t, p))])])) out.say("  " + line);
    return;
  }
  const wrong = c
    .entries()
    .filter(([t, p]) => t !== p)
    .sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
  if (!wrong.length) {
    out.say(`  confusion: every row predicted right`);
    return;
  }
  out.say(`  most frequent confusions (${ids.length} classes are too many for a matrix; --json has every cell)`);
  const top = wrong.slice(0, MAX_CONFUSIONS);
  for (const line of table([["true class", "predicted", "rows"], ...top.map(([t, p, v]) => [names[t], names[p], v])])) out.say("  " + line);
  if (top.length < wrong.length) out.say(`  ... ${wrong.length - top.length} more (true, predicted) pairs not shown`);
}
