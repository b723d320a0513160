// edgefnn eval model.efnn data.csv: accuracy, per-class precision and recall,
// the confusion matrix. The model runs through the board runtime (src/device).
import { ACT_LOGISTIC, ACT_SOFTMAX, Model } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { fail, Output, percent, table } from "../cli-support";
import { loadCsv, LoadedCsv } from "../data/csv-loader";
import { accuracyOf, confusionMatrix, perClass } from "../metrics";
import { readModelFile } from "../model-file";

export function isClassifier(model: Model): boolean {
  const act = model.layers[model.layers.length - 1].act;
  return model.labels.length > 0 || act === ACT_SOFTMAX || act === ACT_LOGISTIC;
}

/** Class names of a model: its labels, or "0", "1", ... when it has none. */
export function classNames(model: Model): string[] {
  if (model.labels.length) return model.labels;
  return Array.from({ length: model.outputSize === 1 ? 2 : model.outputSize }, (_, i) => String(i));
}

export async function loadDataFor(model: Model, modelFile: string, dataFile: string, o: { label?: string; features?: string[]; dropIncomplete?: boolean }): Promise<LoadedCsv> {
  const classifier = isClassifier(model);
  const csv = await loadCsv(dataFile, {
    label: o.label, features: o.features, dropIncomplete: o.dropIncomplete,
    task: classifier ? "classification" : "regression",
    labels: classifier ? classNames(model) : undefined,
  });
  if (csv.data.inputSize !== model.inputSize)
    fail(
      `${dataFile} has ${csv.data.inputSize} feature columns (${csv.features.join(", ")}) but ${modelFile} takes ${model.inputSize}: pick them with --features`,
    );
  return csv;
}

export async function evalCommand(modelFile: string, dataFile: string, o: { label?: string; features?: string[]; dropIncomplete?: boolean }, out: Output) {
  const { bytes, model } = readModelFile(modelFile);
  const csv = await loadDataFor(model, modelFile, dataFile, o);
  const m = load(bytes), d = csv.data, D = d.inputSize;
  const row = (i: number) => d.x.subarray(i * D, (i + 1) * D);
  if (!isClassifier(model)) {
    let se = 0, ae = 0;
    for (let i = 0; i < d.n; i++) {
      const e = m.run(row(i))[0] - d.targets![i];
      se += e * e;
      ae += Math.abs(e);
    }
    const r = { n: d.n, mse: se / d.n, mae: ae / d.n, rmse: Math.sqrt(se / d.n) };
    out.say(`${modelFile} on ${dataFile}: ${d.n} rows, RMSE ${r.rmse.toPrecision(4)}, MAE ${r.mae.toPrecision(4)}`);
    return r;
  }
  const labels = classNames(model);
  const confusion = confusionMatrix(d.classes!, (i) => m.classify(row(i)), labels.length);
  const classes = perClass(confusion, labels);
  const accuracy = accuracyOf(confusion);
  out.say(`${modelFile} on ${dataFile}: ${d.n} rows${csv.dropped ? ` (${csv.dropped} incomplete dropped)` : ""}, accuracy ${percent(accuracy)}`);
  out.say();
  for (const line of table([["class", "precision", "recall", "rows"], ...classes.map((c) => [c.label, percent(c.precision), percent(c.recall), c.support])]))
    out.say("  " + line);
  out.say();
  out.say("  confusion (rows: true class, columns: predicted)");
  for (const line of table([["", ...labels], ...confusion.map((r, i) => [labels[i], ...r])])) out.say("  " + line);
  return { accuracy, n: d.n, labels, confusion, perClass: classes, dropped: csv.dropped };
}
