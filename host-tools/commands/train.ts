// edgefnn train data.csv: from a CSV to a trained float32 .efnn model.
import { SingleBar } from "cli-progress";
import {
  ACTIVATION_NAMES,
  ACTIVATIONS,
  ActivationName,
  countParams,
  createNetwork,
  decodeModel,
  encodeModel,
  evaluate,
  Evaluation,
  LayerSpec,
  LossName,
  modelFromNetwork,
  Network,
  networkSpec,
  OptimizerName,
  split,
  standardization,
  train,
  TrainResult,
} from "../../src/core/index";
import { fail, quoteValue } from "../cli/user-error";
import { Output, percent, bytes as fmtBytes, table } from "../cli/output";
import { loadCsv } from "../data/csv-loader";
import { fillMissing, Imputation, imputationValues, rowsWithGaps } from "../data/impute";
import { idLikeColumns } from "../data/id-columns";
import { naValues } from "../data/na-values";
import { checkWritable, writeFileAtomic } from "../files/model-file";
import { MODEL_FILE, REPORT_FILE } from "../files/own-output";
import { confusionMatrix } from "../evaluation/metrics";
import { load } from "../../src/device/runtime";
import { DataOptions, loadDataFor } from "../evaluation/model-data";
import { layerGamma } from "../evaluation/model-kind";
import { ratesFor, searchSpaceFor, valFractionFor, willSearch } from "./train-rates";
import { searchHyperparameters, SearchResult } from "./train-search";

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
  const sizes =
    o.hidden.length === 1 && /^(none|0)$/.test(o.hidden[0])
      ? []
      : o.hidden.map((s) => {
          const n = Number(s);
          if (!Number.isInteger(n) || n < 1 || n > 65535)
            fail(`--hidden: ${quoteValue(s)} is not a layer size (1..65535); give sizes like 16,8`);
          return n;
        });
  const acts = o.activation;
  if (acts.length !== 1 && acts.length !== sizes.length)
    fail(`--activation: give one activation for all hidden layers or one per layer (${sizes.length}), not ${acts.length}`);
  return sizes.map((size, i) => {
    const name = acts.length === 1 ? acts[0] : acts[i];
    // the table decides: a hidden layer's activation is elementwise (not softmax) and trainable (not step)
    const a = ACTIVATIONS.find((x) => x.name === name);
    if (!a || !a.elementwise) {
      const elementwise = ACTIVATIONS.filter((x) => x.elementwise).map((x) => x.name);
      fail(`--activation: unknown hidden activation ${quoteValue(name)}: expected one of ${elementwise.join(", ")}`);
    }
    // the table's only elementwise activation that is not trainable is step
    if (!a.trainable)
      fail(`--activation ${a.name} cannot be trained by gradient descent (its derivative is 0 almost everywhere): use hard-logistic`);
    return { size, activation: a.name };
  });
}

export function describeLayers(net: Network): string[] {
  return net.layers.map((L) => {
    const gamma = layerGamma(L);
    return `${L.nIn} -> ${L.nOut} ${L.activation.name}${gamma !== undefined ? ` (gamma ${gamma})` : ""}`;
  });
}

/** The choices of o that need no data, checked before the data is read (a typo fails at once, not after a large CSV loads). */
function resolveChoices(o: TrainOptions) {
  if (o.impute !== undefined && o.impute !== "mean" && o.impute !== "median")
    fail(`--impute: ${quoteValue(o.impute)} is not mean or median`);
  const impute = o.impute as Imputation | undefined;
  const classification = o.task === "classification";
  if (o.valFraction !== undefined && !(o.valFraction >= 0 && o.valFraction < 1))
    fail(`--val-fraction must be in [0, 1), got ${o.valFraction}`);
  const hidden = hiddenLayers(o);
  const outAct = (o.output ?? (classification ? "softmax" : "linear")) as ActivationName;
  if (!ACTIVATION_NAMES.includes(outAct))
    fail(`--output: unknown activation ${quoteValue(outAct)}: expected one of ${ACTIVATION_NAMES.join(", ")}`);
  // a classifier learns by cross-entropy, defined here for these two outputs only: say so before building anything
  if (classification && outAct !== "softmax" && outAct !== "logistic")
    fail(
      `--output ${outAct}: a classifier is trained with cross-entropy, which needs --output softmax (the default)` +
        " or logistic (one output for two classes: a binary classifier); for numbers, --task regression",
    );
  return { impute, classification, hidden, outAct, loss: (classification ? "cross-entropy" : "squared-error") as LossName };
}

type Choices = ReturnType<typeof resolveChoices>;

/** The CSV read and split; with --impute the training split's statistic fills the gaps of both splits. */
async function loadSplits(file: string, o: TrainOptions, c: Choices) {
  const csv = await loadCsv(file, {
    label: o.label,
    features: o.features,
    task: o.task,
    dropIncomplete: o.dropIncomplete,
    exclude: o.exclude,
    naValues: naValues(o.naValues),
    keepMissing: c.impute !== undefined,
    missingHint: "use --drop-incomplete to skip such rows, or --impute mean (or median) to fill them",
  });
  const { data } = csv;
  const gaps = c.impute ? rowsWithGaps(data) : 0;
  // small data: lambda and alpha (those not given) chosen by k-fold cross-validation on the training rows,
  // which then all train the model (the folds did the validating) unless --val-fraction asks for a split
  // (classification only: the search was measured on classification sets, docs/ACCURACY.md)
  const searching = willSearch(c.classification, o, data.n);
  const valFraction = valFractionFor(o, searching);
  const { train: tr, test: val } = valFraction > 0 ? split(data, valFraction, o.seed) : { train: data, test: null };
  if (tr.n < 1) fail(`${file}: no rows left for training after the validation split`);
  // the statistic is also the normalization's center, so a NaN on the board is filled the same way
  const fill = c.impute ? imputationValues(tr, c.impute, csv.features) : null;
  if (fill) {
    fillMissing(tr, fill);
    if (val) fillMissing(val, fill);
  }
  return { csv, gaps, tr, val, fill, searching };
}

type Splits = Awaited<ReturnType<typeof loadSplits>>;

/** The network the choices describe, its input normalization from the training split (stored in the model). */
function buildNetwork(c: Choices, s: Splits): Network {
  const { csv, tr, fill } = s;
  const nOut = c.classification ? (c.outAct === "logistic" && csv.labels.length === 2 ? 1 : csv.labels.length) : 1;
  const net = createNetwork({ inputSize: csv.data.inputSize, layers: [...c.hidden, { size: nOut, activation: c.outAct }] });
  const st = standardization(tr); // on the training split only
  net.mean.set(fill ?? st.mean);
  net.invStd.set(st.invStd);
  return net;
}

function sayStart(file: string, c: Choices, s: Splits, net: Network, out: Output): void {
  const { csv, tr, val, gaps, fill } = s;
  const dropped = csv.dropped ? `${csv.dropped} incomplete rows dropped, ` : "";
  out.say(`edgefnn train: ${file}, ${csv.rows} rows (${dropped}train ${tr.n}, validation ${val ? val.n : 0})`);
  out.say(`  features: ${csv.features.join(", ")}`);
  if (fill) out.say(`  ${gaps} rows with missing values, filled with the training split's ${c.impute} (stored in the model)`);
  const ids = idLikeColumns(csv.data, csv.features);
  if (ids.length) {
    const one = ids.length === 1;
    const what = one
      ? "increases on every row or is a whole number unique to each row"
      : "increase on every row or are whole numbers unique to each row";
    out.say(
      `  note: ${ids.map((n) => quoteValue(n)).join(", ")} ${what} (an id or a time?):` +
        ` if not a measurement, leave ${one ? "it" : "them"} out with --exclude ${ids.join(",")}`,
    );
  }
  if (c.classification) out.say(`  classes (${csv.labelColumn}): ${csv.labels.join(", ")}`);
  // one logistic output: the probability of the second class (a binary classifier, docs/FORMAT.md Labels)
  if (c.classification && net.outputSize === 1)
    out.say(`  one logistic output, P(${csv.labels[1]}): ${csv.labels[1]} above 0.5, ${csv.labels[0]} at or below`);
  out.say(`  network: ${describeLayers(net).join(", ")}; ${countParams(networkSpec(net))} parameters`);
}

/** lambda and the learning rate: those given, else (small classification data) chosen by k-fold
 * cross-validation on the training rows (train-search.ts), else the defaults. */
function chooseRates(net: Network, o: TrainOptions, c: Choices, s: Splits, out: Output) {
  let searched: SearchResult | null = null;
  if (s.searching) {
    const { space, what } = searchSpaceFor(o);
    out.say(`  choosing ${what} by ${space.folds}-fold cross-validation on the ${s.tr.n} training rows (--no-search: the defaults)`);
    try {
      const fixed = {
        epochs: o.epochs,
        batchSize: o.batchSize,
        optimizer: o.optimizer as OptimizerName,
        momentum: o.momentum,
        lrDecay: o.lrDecay,
        seed: o.seed,
        loss: c.loss,
      };
      searched = searchHyperparameters(net, s.tr, fixed, space, s.fill);
    } catch (e) {
      fail((e as Error).message);
    }
    out.say(`    chose lambda ${searched.lambda}, learning rate ${searched.learningRate} (${describeSearch(searched, c.classification)})`);
    // the search's numbers are not the model's: say whose they are (train-confusion.ts's words)
    out.say(
      `    (cross-validated: out of fold, each of the ${s.tr.n} training rows predicted by the one of ${searched.folds} fold ` +
        `models that did not train on it; not the model written)`,
    );
  }
  return { searched, ...ratesFor(o, c.classification, searched) };
}

type Rates = ReturnType<typeof chooseRates>;

/** the chosen trial's cross-validated score, as the CLI and the report say it */
export function describeSearch(s: SearchResult, classification: boolean): string {
  const accuracy = classification ? `accuracy ${percent(1 - s.errors / s.rows)}, ` : "";
  return `cross-validated ${accuracy}loss ${s.loss.toFixed(4)} after ${s.epochs} epochs`;
}

/** The training loop, with a progress bar on a terminal. */
function runTraining(net: Network, o: TrainOptions, c: Choices, s: Splits, rates: Rates, out: Output): TrainResult {
  const { tr, val } = s;
  const bar =
    !out.json && !out.quiet && process.stdout.isTTY
      ? new SingleBar({
          format: "  training |{bar}| epoch {value}/{total}  loss {loss}  val {val}",
          hideCursor: true,
          clearOnComplete: false,
          barsize: 24,
        })
      : null;
  bar?.start(o.epochs, 0, { loss: "-", val: "-" });
  let result;
  try {
    result = train(net, tr, {
      epochs: o.epochs,
      learningRate: rates.lr,
      batchSize: o.batchSize,
      optimizer: o.optimizer as OptimizerName,
      momentum: o.momentum,
      lambda: rates.lambda,
      lrDecay: o.lrDecay,
      patience: o.patience,
      seed: o.seed,
      validation: val ?? undefined,
      loss: c.loss,
      recordDeltas: true,
      // per epoch with that epoch's weights: the kept epoch's numbers are then the model's (summary, report, curves alike)
      measureTrain: true,
      onEpoch: (e) => {
        bar?.update(e.epoch, {
          loss: e.trainLoss.toFixed(4),
          val: val ? (c.classification ? percent(e.valAccuracy) : e.valLoss.toFixed(4)) : "-",
        });
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
  return result;
}

export async function trainCommand(file: string, o: TrainOptions, out: Output) {
  const t0 = performance.now();
  // before minutes of training: where the model and the report go, and that nothing of the user's is there
  checkWritable(o.out, { kind: MODEL_FILE, flag: "--out" });
  if (o.report) checkWritable(o.report, { kind: REPORT_FILE, flag: "--report" });
  const c = resolveChoices(o);
  const s = await loadSplits(file, o, c);
  const { csv, tr, val } = s;
  const net = buildNetwork(c, s);
  sayStart(file, c, s, net, out);
  const rates = chooseRates(net, o, c, s, out);
  const { searched } = rates;
  const result = runTraining(net, o, c, s, rates, out);
  const trainEval = evaluate(net, tr, c.loss);
  const valEval = val ? evaluate(net, val, c.loss) : null;
  // the model knows its columns (format version 2): eval, predict, quantize --data and verify pick them by name
  const bytes = encodeModel({
    ...modelFromNetwork(net, c.classification ? csv.labels : []),
    features: csv.features,
    target: csv.labelColumn ?? undefined,
    task: o.task,
    impute: c.impute,
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
    trainAccuracy: c.classification ? trainEval.accuracy : null,
    valAccuracy: c.classification && valEval ? valEval.accuracy : null,
    trainLoss: trainEval.loss,
    valLoss: valEval ? valEval.loss : null,
    params,
    bytes: bytes.length,
    labels: c.classification ? csv.labels : [],
    features: csv.features,
    rows: csv.rows,
    dropped: csv.dropped,
    imputedRows: s.gaps,
    learningRate: rates.lr,
    lambda: rates.lambda,
    search: searched
      ? {
          folds: searched.folds,
          lambda: searched.lambda,
          learningRate: searched.learningRate,
          cvAccuracy: c.classification ? 1 - searched.errors / searched.rows : null,
          cvLoss: searched.loss,
          trials: searched.trials,
        }
      : null,
    test: held ? { file: o.test, n: held.n, dropped: held.dropped, accuracy: held.accuracy, mae: held.mae, rmse: held.rmse } : null,
    seconds,
  };
  out.say(
    `  ${result.stoppedEarly ? "stopped early" : "finished"} after ${result.history.length} epochs; kept epoch ` +
      `${result.bestEpoch}${val ? " (best on validation: its weights restored)" : " (the last: no validation split to choose by)"}`,
  );
  // the kept epoch's weights on each split, each row saying which rows it counts: the same numbers as the report's
  // summary ("train accuracy (epoch N, kept)") and the best epoch's point on its curves
  out.say(
    `  the model written (epoch ${result.bestEpoch}'s weights) on each split; loss: mean ${c.loss}` +
      (c.classification ? `, accuracy: the rows it classifies right` : "") +
      ":",
  );
  const heldRow = (h: HeldOut) => {
    const rows = `test (the held-out file ${o.test}: ${h.n} rows)`;
    return c.classification
      ? [rows, `accuracy ${percent(h.accuracy!)}`, ""]
      : [rows, `MAE ${h.mae!.toPrecision(4)}`, `RMSE ${h.rmse!.toPrecision(4)}`];
  };
  const split = (what: string, e: Evaluation) => [
    what,
    c.classification ? `accuracy ${percent(e.accuracy)}` : "",
    `loss ${e.loss.toFixed(4)}`,
  ];
  for (const line of table([
    split(`train (the ${tr.n} rows it trained on)`, trainEval),
    ...(valEval ? [split(`validation (${val!.n} rows held out, which chose the epoch)`, valEval)] : []),
    ...(held ? [heldRow(held)] : []),
  ]))
    out.say("  " + line);
  out.say(`  wrote ${o.out}: ${fmtBytes(bytes.length)}, ${params} parameters, in ${seconds.toFixed(1)} s`);

  if (o.report) {
    // the report code loads only when a report is asked for
    const { writeTrainingReport } = await import("./train-report");
    const on = writeTrainingReport(o.report, {
      file,
      o,
      classification: c.classification,
      impute: c.impute,
      ...s,
      net,
      result,
      trainEval,
      valEval,
      held,
      params,
      bytes,
      rates,
    });
    out.say(`  report: ${o.report}${on ? ` (confusion matrix on ${on})` : ""}`);
  }
  return summary;
}

/** The kept model (its bytes, through the board runtime) on a held-out CSV. */
export async function heldOut(bytes: Uint8Array, modelFile: string, testFile: string, o: DataOptions) {
  const model = decodeModel(bytes);
  const csv = await loadDataFor(model, modelFile, testFile, o);
  const m = load(bytes),
    d = csv.data,
    D = d.inputSize,
    row = (i: number) => d.x.subarray(i * D, (i + 1) * D);
  if (d.classes) {
    const confusion = confusionMatrix(d.classes, (i) => m.classify(row(i)), model.labels.length);
    let right = 0;
    for (let k = 0; k < confusion.length; k++) right += confusion[k][k];
    return { n: d.n, dropped: csv.dropped, accuracy: right / d.n, confusion, mae: null, rmse: null };
  }
  let ae = 0,
    se = 0;
  for (let i = 0; i < d.n; i++) {
    const e = m.run(row(i))[0] - d.targets![i];
    ae += Math.abs(e);
    se += e * e;
  }
  return { n: d.n, dropped: csv.dropped, accuracy: null, confusion: null, mae: ae / d.n, rmse: Math.sqrt(se / d.n) };
}

export type HeldOut = Awaited<ReturnType<typeof heldOut>>;
