// edgefnn train data.csv: from a CSV to a trained float32 .efnn model.
import { SingleBar } from "cli-progress";
import {
  ACTIVATION_NAMES, ActivationName, countParams, createNetwork, encodeModel, evaluate, forward,
  LayerSpec, LossName, modelFromNetwork, Network, networkSpec, OptimizerName, split, standardization, train,
} from "../../src/core/index";
import { fail, Output, percent, bytes as fmtBytes, table, quoteValue } from "../cli-support";
import { loadCsv } from "../data/csv-loader";
import { fillMissing, Imputation, imputationValues, rowsWithGaps } from "../data/impute";
import { idLikeColumns } from "../data/id-columns";
import { naValues } from "../data/na-values";
import { commandLine } from "../command-line";
import { checkWritable, writeFileAtomic } from "../model-file";
import { MODEL_FILE, REPORT_FILE } from "../own-output";
import { PACKAGE_VERSION } from "../package-root";
import { formatNumber, formatPercent } from "../report/text";
import { confusionMatrix } from "../metrics";
import { decodeModel } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { DataOptions, loadDataFor } from "./eval";
import { searchHyperparameters, SearchResult, SearchSpace } from "./train-search";

// The defaults, and why, in docs/ACCURACY.md. Per-sample SGD at 0.05 (the old
// default) ends each epoch on weights as noisy as its last few steps; 0.005
// and 0.01 do not, and the search picks between them.
export const LEARNING_RATE = 0.005;
/** regression keeps the old default: the change above was measured on classification sets only */
export const REGRESSION_LEARNING_RATE = 0.05;
export const LAMBDA = 0.001;
export const VAL_FRACTION = 0.2;
/** up to this many training rows, train cross-validates lambda and the learning rate (unless --no-search) */
export const SEARCH_MAX_ROWS = 2000;
export const SEARCH: SearchSpace = { lambdas: [3e-4, 1e-3, 3e-3], learningRates: [0.005, 0.01], folds: 3, epochRule: "last" };

export interface TrainOptions {
  label?: string;
  features?: string[];
  task: "classification" | "regression";
  hidden: string[];
  activation: string[];
  output?: string;
  epochs: number;
  /** undefined: chosen by the search (small data) or LEARNING_RATE */
  lr?: number;
  batchSize: number;
  optimizer: string;
  momentum: number;
  /** undefined: chosen by the search (small data) or LAMBDA */
  lambda?: number;
  lrDecay: number;
  /** undefined: 0 when the search runs (its folds validate), else VAL_FRACTION */
  valFraction?: number;
  /** false (--no-search): no cross-validated choice of lambda and the learning rate */
  search?: boolean;
  patience: number;
  seed: number;
  dropIncomplete?: boolean;
  exclude?: string[];
  naValues?: string[];
  impute?: string;
  out: string;
  report?: string;
  /** a held-out CSV: accuracy (or MAE, RMSE) and confusion of the kept model on it */
  test?: string;
  json?: boolean;
}

function hiddenLayers(o: TrainOptions): LayerSpec[] {
  const sizes = o.hidden.length === 1 && /^(none|0)$/.test(o.hidden[0]) ? [] : o.hidden.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`--hidden: ${quoteValue(s)} is not a layer size (1..65535); give sizes like 16,8`);
    return n;
  });
  const acts = o.activation;
  if (acts.length !== 1 && acts.length !== sizes.length)
    fail(`--activation: give one activation for all hidden layers or one per layer (${sizes.length}), not ${acts.length}`);
  return sizes.map((size, i) => {
    const name = acts.length === 1 ? acts[0] : acts[i];
    if (!ACTIVATION_NAMES.includes(name as ActivationName) || name === "softmax")
      fail(`--activation: unknown hidden activation ${quoteValue(name)}: expected one of ${ACTIVATION_NAMES.filter((a) => a !== "softmax").join(", ")}`);
    if (name === "step") fail(`--activation step cannot be trained by gradient descent (its derivative is 0 almost everywhere): use hard-logistic`);
    return { size, activation: name as ActivationName };
  });
}

export function describeLayers(net: Network): string[] {
  return net.layers.map((L) => `${L.nIn} -> ${L.nOut} ${L.activation.name}${L.activation.name === "leaky-relu" || L.activation.name === "elu" ? ` (gamma ${L.gamma})` : ""}`);
}

export async function trainCommand(file: string, o: TrainOptions, out: Output) {
  const t0 = performance.now();
  // before minutes of training: where the model and the report go, and that nothing of the user's is there
  checkWritable(o.out, { kind: MODEL_FILE, flag: "--out" });
  if (o.report) checkWritable(o.report, { kind: REPORT_FILE, flag: "--report" });
  // every choice is checked before the data is read (a typo fails at once, not after a large CSV loads)
  if (o.impute !== undefined && o.impute !== "mean" && o.impute !== "median") fail(`--impute: ${quoteValue(o.impute)} is not mean or median`);
  const impute = o.impute as Imputation | undefined;
  const classification = o.task === "classification";
  if (o.valFraction !== undefined && !(o.valFraction >= 0 && o.valFraction < 1)) fail(`--val-fraction must be in [0, 1), got ${o.valFraction}`);
  const hidden = hiddenLayers(o);
  const outAct = (o.output ?? (classification ? "softmax" : "linear")) as ActivationName;
  if (!ACTIVATION_NAMES.includes(outAct)) fail(`--output: unknown activation ${quoteValue(outAct)}: expected one of ${ACTIVATION_NAMES.join(", ")}`);
  // a classifier learns by cross-entropy, defined here for these two outputs only: say so before building anything
  if (classification && outAct !== "softmax" && outAct !== "logistic")
    fail(`--output ${outAct}: a classifier is trained with cross-entropy, which needs --output softmax (the default) or logistic (one output for two classes: a binary classifier); for numbers, --task regression`);
  const csv = await loadCsv(file, {
    label: o.label, features: o.features, task: o.task, dropIncomplete: o.dropIncomplete, exclude: o.exclude, naValues: naValues(o.naValues),
    keepMissing: impute !== undefined, missingHint: "use --drop-incomplete to skip such rows, or --impute mean (or median) to fill them",
  });
  const { data } = csv;
  const gaps = impute ? rowsWithGaps(data) : 0;
  // small data: lambda and alpha (those not given) chosen by k-fold cross-validation on the training rows,
  // which then all train the model (the folds did the validating) unless --val-fraction asks for a split
  // (classification only: the search was measured on classification sets, docs/ACCURACY.md)
  const searching = classification && o.search !== false && (o.lr === undefined || o.lambda === undefined) && data.n <= SEARCH_MAX_ROWS;
  const valFraction = o.valFraction ?? (searching ? 0 : VAL_FRACTION);
  const { train: tr, test: val } = valFraction > 0 ? split(data, valFraction, o.seed) : { train: data, test: null };
  if (tr.n < 1) fail(`${file}: no rows left for training after the validation split`);
  const nOut = classification ? (outAct === "logistic" && csv.labels.length === 2 ? 1 : csv.labels.length) : 1;
  const net = createNetwork({ inputSize: data.inputSize, layers: [...hidden, { size: nOut, activation: outAct }] });
  // --impute: the training split's statistic fills the gaps in both splits and
  // is the normalization's center, so a NaN on the board is filled the same way
  const fill = impute ? imputationValues(tr, impute, csv.features) : null;
  if (fill) {
    fillMissing(tr, fill);
    if (val) fillMissing(val, fill);
  }
  const st = standardization(tr); // on the training split only; stored in the model
  net.mean.set(fill ?? st.mean);
  net.invStd.set(st.invStd);
  const loss: LossName = classification ? "cross-entropy" : "squared-error";

  out.say(`edgefnn train: ${file}, ${csv.rows} rows (${csv.dropped ? `${csv.dropped} incomplete rows dropped, ` : ""}train ${tr.n}, validation ${val ? val.n : 0})`);
  out.say(`  features: ${csv.features.join(", ")}`);
  if (fill) out.say(`  ${gaps} rows with missing values, filled with the training split's ${impute} (stored in the model)`);
  const ids = idLikeColumns(data, csv.features);
  if (ids.length) out.say(`  note: ${ids.map((n) => quoteValue(n)).join(", ")} ${ids.length === 1 ? "increases on every row or is a whole number unique to each row" : "increase on every row or are whole numbers unique to each row"} (an id or a time?): if not a measurement, leave ${ids.length === 1 ? "it" : "them"} out with --exclude ${ids.join(",")}`);
  if (classification) out.say(`  classes (${csv.labelColumn}): ${csv.labels.join(", ")}`);
  // one logistic output: the probability of the second class (a binary classifier, docs/FORMAT.md Labels)
  if (classification && nOut === 1) out.say(`  one logistic output, P(${csv.labels[1]}): ${csv.labels[1]} above 0.5, ${csv.labels[0]} at or below`);
  out.say(`  network: ${describeLayers(net).join(", ")}; ${countParams(networkSpec(net))} parameters`);
  let searched: SearchResult | null = null;
  if (searching) {
    const space: SearchSpace = {
      ...SEARCH,
      lambdas: o.lambda === undefined ? SEARCH.lambdas : [o.lambda],
      learningRates: o.lr === undefined ? SEARCH.learningRates : [o.lr],
    };
    out.say(`  choosing ${[o.lambda === undefined ? "lambda" : "", o.lr === undefined ? "the learning rate" : ""].filter(Boolean).join(" and ")} by ${space.folds}-fold cross-validation on the ${tr.n} training rows (--no-search: the defaults)`);
    try {
      searched = searchHyperparameters(net, tr, {
        epochs: o.epochs, batchSize: o.batchSize, optimizer: o.optimizer as OptimizerName, momentum: o.momentum, lrDecay: o.lrDecay, seed: o.seed, loss,
      }, space, fill);
    } catch (e) {
      fail((e as Error).message);
    }
    out.say(`    chose lambda ${searched.lambda}, learning rate ${searched.learningRate} (${describeSearch(searched, classification)})`);
  }
  const lr = searched ? searched.learningRate : o.lr ?? (classification ? LEARNING_RATE : REGRESSION_LEARNING_RATE);
  const lambda = searched ? searched.lambda : o.lambda ?? LAMBDA;

  const bar = !out.json && !out.quiet && process.stdout.isTTY
    ? new SingleBar({ format: "  training |{bar}| epoch {value}/{total}  loss {loss}  val {val}", hideCursor: true, clearOnComplete: false, barsize: 24 })
    : null;
  bar?.start(o.epochs, 0, { loss: "-", val: "-" });
  let result;
  try {
    result = train(net, tr, {
      epochs: o.epochs, learningRate: lr, batchSize: o.batchSize, optimizer: o.optimizer as OptimizerName, momentum: o.momentum,
      lambda, lrDecay: o.lrDecay, patience: o.patience, seed: o.seed, validation: val ?? undefined, loss, recordDeltas: true,
      // per epoch with that epoch's weights: the kept epoch's numbers are then the model's (summary, report, curves alike)
      measureTrain: true,
      onEpoch: (s) => {
        bar?.update(s.epoch, { loss: s.trainLoss.toFixed(4), val: val ? (classification ? percent(s.valAccuracy) : s.valLoss.toFixed(4)) : "-" });
      },
    });
  } catch (e) {
    bar?.stop();
    fail((e as Error).message);
  }
  if (bar) {
    bar.setTotal(result.history.length);
    bar.stop();
  }
  const trainEval = evaluate(net, tr, loss);
  const valEval = val ? evaluate(net, val, loss) : null;
  // the model knows its columns (format version 2): eval, predict, quantize --data and verify pick them by name
  const bytes = encodeModel({
    ...modelFromNetwork(net, classification ? csv.labels : []),
    features: csv.features, target: csv.labelColumn ?? undefined, task: o.task, impute,
  });
  writeFileAtomic(o.out, bytes, { kind: MODEL_FILE, flag: "--out" });
  // --test: the written model, through the board runtime, on a file it never saw; its columns found by name
  const held = o.test ? await heldOut(bytes, o.out, o.test, { naValues: o.naValues, dropIncomplete: o.dropIncomplete }) : null;
  const params = countParams(networkSpec(net));
  const seconds = (performance.now() - t0) / 1000;
  const summary = {
    out: o.out,
    bestEpoch: result.bestEpoch,
    epochs: result.history.length,
    stoppedEarly: result.stoppedEarly,
    trainAccuracy: classification ? trainEval.accuracy : null,
    valAccuracy: classification && valEval ? valEval.accuracy : null,
    trainLoss: trainEval.loss,
    valLoss: valEval ? valEval.loss : null,
    params,
    bytes: bytes.length,
    labels: classification ? csv.labels : [],
    features: csv.features,
    rows: csv.rows,
    dropped: csv.dropped,
    imputedRows: gaps,
    learningRate: lr,
    lambda,
    search: searched ? { folds: searched.folds, lambda: searched.lambda, learningRate: searched.learningRate, cvAccuracy: classification ? 1 - searched.errors / searched.rows : null, cvLoss: searched.loss, trials: searched.trials } : null,
    test: held ? { file: o.test, n: held.n, dropped: held.dropped, accuracy: held.accuracy, mae: held.mae, rmse: held.rmse } : null,
    seconds,
  };
  out.say(
    `  ${result.stoppedEarly ? "stopped early" : "finished"} after ${result.history.length} epochs; kept epoch ${result.bestEpoch}${val ? " (best on validation)" : ""}`,
  );
  // the kept epoch's weights on each split: the same numbers as the report's captions and the best epoch's point on its curves
  out.say(`  the model (epoch ${result.bestEpoch}'s weights):`);
  for (const line of table([
    ["train", classification ? percent(trainEval.accuracy) : "", `loss ${trainEval.loss.toFixed(4)}`],
    ...(valEval ? [["validation", classification ? percent(valEval.accuracy) : "", `loss ${valEval.loss.toFixed(4)}`]] : []),
    ...(held ? [[`test (${o.test})`, classification ? percent(held.accuracy!) : `MAE ${held.mae!.toPrecision(4)}`, classification ? "" : `RMSE ${held.rmse!.toPrecision(4)}`]] : []),
  ]))
    out.say("  " + line);
  out.say(`  wrote ${o.out}: ${fmtBytes(bytes.length)}, ${params} parameters, in ${seconds.toFixed(1)} s`);

  if (o.report) {
    const evalSet = val ?? tr;
    const confusion = !classification ? null : held ? held.confusion : confusionMatrix(evalSet.classes!, (i) => predictClass(net, evalSet.x, i * evalSet.inputSize), csv.labels.length);
    const kept = `epoch ${result.bestEpoch}, kept`;
    const dropped = csv.dropped ? `; ${csv.dropped} dropped (a missing value, --drop-incomplete)` : "";
    const filled = gaps ? `; ${gaps} with missing values filled with the training split's ${impute}` : "";
    // the report code loads only when a report is asked for
    const { renderReport } = await import("../report/html-report");
    const html = renderReport({
      confusionOn: held ? `the held-out file ${o.test} (${held.n} rows)` : val ? "the validation split" : "the training split (no validation split)",
      title: `${file}: ${describeLayers(net).map((l) => l.split(" -> ")[1]).join(", ")}`,
      history: result.history,
      bestEpoch: result.bestEpoch,
      labels: classification ? csv.labels : [],
      confusion,
      layers: describeLayers(net),
      summary: [
        ["data", `${file}: ${csv.rows} rows read, ${data.n} used${dropped}${filled}`],
        ["features", `${csv.features.join(", ")}${o.exclude?.length ? ` (left out: ${o.exclude.join(", ")})` : ""}`],
        ...(csv.labelColumn ? [[classification ? "label column" : "target column", `${csv.labelColumn}${classification ? ` (${csv.labels.length} classes)` : ""}`]] as [string, string][] : []),
        ["train / validation rows", `${tr.n} / ${val ? val.n : 0}`],
        ...(classification
          ? ([[`train accuracy (${kept})`, formatPercent(trainEval.accuracy)], [`validation accuracy (${kept})`, valEval ? formatPercent(valEval.accuracy) : "n/a"]] as [string, string][])
          : []),
        // formatted as the charts' captions format them: the same numbers, written the same way
        [`train loss (${kept})`, formatNumber(trainEval.loss)],
        ...(valEval ? [[`validation loss (${kept})`, formatNumber(valEval.loss)]] as [string, string][] : []),
        ...(held
          ? ([[`test: ${o.test}`, `${held.n} rows${held.dropped ? ` (${held.dropped} dropped)` : ""}, ${classification ? `accuracy ${percent(held.accuracy!)}` : `MAE ${held.mae!.toPrecision(4)}, RMSE ${held.rmse!.toPrecision(4)}`}`]] as [string, string][])
          : []),
        ["best epoch", `${result.bestEpoch} of ${result.history.length}`],
        ["parameters", String(params)],
        ["model file", `${o.out} (${bytes.length} bytes)`],
        ["learning rate / optimizer / batch", `${lr} / ${o.optimizer} / ${o.batchSize}`],
        ["L2 lambda", String(lambda)],
        ...(searched ? [["lambda and learning rate chosen by", `${searched.folds}-fold cross-validation on the training rows: ${describeSearch(searched, classification)}; tried ${searched.trials.map((t) => `${t.lambda} / ${t.learningRate}`).join(", ")}`]] as [string, string][] : []),
        ["seed", String(o.seed)],
        ["command", commandLine()],
        ["edgefnn", `version ${PACKAGE_VERSION}, ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`],
      ],
    });
    writeFileAtomic(o.report, html, { kind: REPORT_FILE, flag: "--report" });
    out.say(`  report: ${o.report} (confusion matrix on ${held ? o.test : val ? "the validation split" : "the training split"})`);
  }
  return summary;
}

/** The kept model (its bytes, through the board runtime) on a held-out CSV. */
async function heldOut(bytes: Uint8Array, modelFile: string, testFile: string, o: DataOptions) {
  const model = decodeModel(bytes);
  const csv = await loadDataFor(model, modelFile, testFile, o);
  const m = load(bytes), d = csv.data, D = d.inputSize, row = (i: number) => d.x.subarray(i * D, (i + 1) * D);
  if (d.classes) {
    const confusion = confusionMatrix(d.classes, (i) => m.classify(row(i)), model.labels.length);
    let right = 0;
    for (let k = 0; k < confusion.length; k++) right += confusion[k][k];
    return { n: d.n, dropped: csv.dropped, accuracy: right / d.n, confusion, mae: null, rmse: null };
  }
  let ae = 0, se = 0;
  for (let i = 0; i < d.n; i++) {
    const e = m.run(row(i))[0] - d.targets![i];
    ae += Math.abs(e);
    se += e * e;
  }
  return { n: d.n, dropped: csv.dropped, accuracy: null, confusion: null, mae: ae / d.n, rmse: Math.sqrt(se / d.n) };
}

/** the chosen trial's cross-validated score, as the CLI and the report say it */
function describeSearch(s: SearchResult, classification: boolean): string {
  return `cross-validated ${classification ? `accuracy ${percent(1 - s.errors / s.rows)}, ` : ""}loss ${s.loss.toFixed(4)} after ${s.epochs} epochs`;
}

function predictClass(net: Network, x: ArrayLike<number>, off: number): number {
  const a = forward(net, x, off);
  if (net.outputSize === 1) return a[0] > 0.5 ? 1 : 0;
  let best = 0;
  for (let k = 1; k < net.outputSize; k++) if (a[k] > a[best]) best = k;
  return best;
}
