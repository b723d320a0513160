// One training run as `edgefnn train` does it (host-tools/commands/train.ts),
// step for step: the seeded validation split, imputation from the training
// split, the standardization stored in the model, the network, the CLI's
// cross-validated choice of lambda and the learning rate when they are left
// to "auto" (train-rates.ts, train-search.ts: the CLI's own code), train()
// with the same options, and the model file with the same metadata. Same seed and
// same data: the same bytes as the CLI's model file (a test checks it). Runs in
// the page's Web Worker; no DOM, no Node.
import {
  ActivationName,
  countParams,
  createNetwork,
  encodeModel,
  EpochStats,
  evaluate,
  LossName,
  modelFromNetwork,
  Network,
  networkSpec,
  OptimizerName,
  split,
  standardization,
  train,
} from "../../../src/core/index";
import type { LoadedCsv } from "../../data/csv-loader";
import { fillMissing, Imputation, imputationValues } from "../../data/impute";
import { HeldOutAdvice, trainingConfusion } from "../../commands/train-confusion";
import { HIDDEN_ACTIVATION, ratesFor, searchSpaceFor, valFractionFor, willSearch } from "../../commands/train-rates";
import { searchHyperparameters, type SearchResult } from "../../commands/train-search";

export interface TrainSettings {
  task: "classification" | "regression";
  hidden: { size: number; activation: ActivationName }[];
  /** output activation: softmax or logistic for a classifier, any for regression */
  output: ActivationName;
  epochs: number;
  /** undefined ("auto"): as the CLI without --lr (cross-validated on small classification data, else its default) */
  lr?: number;
  batchSize: number;
  optimizer: OptimizerName;
  momentum: number;
  /** undefined ("auto"): as the CLI without --lambda */
  lambda?: number;
  lrDecay: number;
  /** undefined ("auto"): as the CLI without --val-fraction (0 when cross-validating, else 0.2) */
  valFraction?: number;
  patience: number;
  seed: number;
  impute?: Imputation;
}

/** The CLI's defaults (commands/train.cli.ts, train's options; lr, lambda and valFraction: auto, as there). */
export const CLI_DEFAULTS: TrainSettings = {
  task: "classification",
  hidden: [{ size: 16, activation: HIDDEN_ACTIVATION }],
  output: "softmax",
  epochs: 200,
  batchSize: 1,
  optimizer: "sgd",
  momentum: 0.9,
  lrDecay: 0,
  patience: 20,
  seed: 1,
};

export interface TrainOutcome {
  bytes: Uint8Array;
  history: EpochStats[];
  bestEpoch: number;
  stoppedEarly: boolean;
  trainRows: number;
  valRows: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** classification: on the validation split (the training split when there is none) */
  confusion: number[][] | null;
  confusionOn: string;
  layers: string[];
  params: number;
  /** the rates the model trained with: given, or chosen */
  learningRate: number;
  lambda: number;
  /** the cross-validated choice, when there was one (the CLI's --json "search") */
  search: { folds: number; lambda: number; learningRate: number; cvAccuracy: number | null; cvLoss: number; epochs: number } | null;
}

/** Progress of the cross-validation: runs done of all (each a candidate's fold); throw to stop. */
export type SearchProgress = (done: number, total: number) => void;

/** the page's way to held-out rows, where the CLI says --test or --val-fraction */
const PAGE_ADVICE: HeldOutAdvice = {
  searched: "set a validation split for held-out rows",
  plain: "set a validation split for held-out rows",
};

function describeLayers(net: Network): string[] {
  return net.layers.map(
    (L) => `${L.nIn} -> ${L.nOut} ${L.activation.name}` + `${L.activation.parameter === "layer" ? ` (gamma ${L.gamma})` : ""}`,
  );
}

/** Why these settings cannot train (the CLI's checks and words), or null. */
export function settingsProblem(s: TrainSettings, classes: number): string | null {
  if (s.valFraction !== undefined && !(s.valFraction >= 0 && s.valFraction < 1))
    return `the validation fraction must be in [0, 1), got ${s.valFraction}`;
  for (const h of s.hidden) {
    if (!Number.isInteger(h.size) || h.size < 1 || h.size > 65535) return `a hidden layer's size must be 1..65535, got ${h.size}`;
    if (h.activation === "step")
      return "step cannot be trained by gradient descent (its derivative is 0 almost everywhere): use hard-logistic";
    if (h.activation === "softmax") return "softmax is an output activation only";
  }
  if (s.task === "classification" && s.output !== "softmax" && s.output !== "logistic")
    return `output ${s.output}: a classifier is trained with cross-entropy, which needs softmax or logistic (one output for two classes)`;
  if (s.task === "classification" && s.output === "logistic" && classes !== 2)
    return `a logistic output is one output for two classes; this label has ${classes}: use softmax`;
  return null;
}

export function runTraining(
  csv: LoadedCsv,
  s: TrainSettings,
  onEpoch?: (e: EpochStats) => boolean | void,
  onSearch?: SearchProgress,
): TrainOutcome {
  const classification = s.task === "classification";
  const problem = settingsProblem(s, csv.labels.length);
  if (problem) throw new Error(problem);
  const { data } = csv;
  const searching = willSearch(classification, s, data.n);
  const valFraction = valFractionFor(s, searching);
  const { train: tr, test: val } = valFraction > 0 ? split(data, valFraction, s.seed) : { train: data, test: null };
  if (tr.n < 1) throw new Error("no rows left for training after the validation split");
  const nOut = classification ? (s.output === "logistic" && csv.labels.length === 2 ? 1 : csv.labels.length) : 1;
  const net = createNetwork({ inputSize: data.inputSize, layers: [...s.hidden, { size: nOut, activation: s.output }] });
  const fill = s.impute ? imputationValues(tr, s.impute, csv.features) : null;
  if (fill) {
    fillMissing(tr, fill);
    if (val) fillMissing(val, fill);
  }
  const st = standardization(tr);
  net.mean.set(fill ?? st.mean);
  net.invStd.set(st.invStd);
  const loss: LossName = classification ? "cross-entropy" : "squared-error";
  // as the CLI's chooseRates (commands/train.ts): the same space, options and seed, on the training rows
  let searched: SearchResult | null = null;
  if (searching) {
    const fixed = {
      epochs: s.epochs,
      batchSize: s.batchSize,
      optimizer: s.optimizer,
      momentum: s.momentum,
      lrDecay: s.lrDecay,
      seed: s.seed,
      loss,
    };
    searched = searchHyperparameters(net, tr, fixed, searchSpaceFor(s).space, fill, onSearch);
  }
  const rates = ratesFor(s, classification, searched);
  const result = train(net, tr, {
    epochs: s.epochs,
    learningRate: rates.lr,
    batchSize: s.batchSize,
    optimizer: s.optimizer,
    momentum: s.momentum,
    lambda: rates.lambda,
    lrDecay: s.lrDecay,
    patience: s.patience,
    seed: s.seed,
    validation: val ?? undefined,
    loss,
    recordDeltas: true,
    measureTrain: true,
    onEpoch,
  });
  const trainEval = evaluate(net, tr, loss);
  const valEval = val ? evaluate(net, val, loss) : null;
  const bytes = encodeModel({
    ...modelFromNetwork(net, classification ? csv.labels : []),
    features: csv.features,
    target: csv.labelColumn ?? undefined,
    task: s.task,
    impute: s.impute,
  });
  // the CLI's matrix and words (train-confusion.ts), with the page's control as the advice
  const confusion = classification ? trainingConfusion(net, tr, val, searched, csv.labels.length, PAGE_ADVICE) : null;
  const params = countParams(networkSpec(net));
  return {
    bytes,
    history: result.history,
    bestEpoch: result.bestEpoch,
    stoppedEarly: result.stoppedEarly,
    trainRows: tr.n,
    valRows: val ? val.n : 0,
    trainLoss: trainEval.loss,
    trainAccuracy: trainEval.accuracy,
    valLoss: valEval ? valEval.loss : null,
    valAccuracy: valEval ? valEval.accuracy : null,
    confusion: confusion ? confusion.matrix : null,
    confusionOn: confusion ? confusion.on : "",
    layers: describeLayers(net),
    params,
    learningRate: rates.lr,
    lambda: rates.lambda,
    search: searched
      ? {
          folds: searched.folds,
          lambda: searched.lambda,
          learningRate: searched.learningRate,
          cvAccuracy: classification ? 1 - searched.errors / searched.rows : null,
          cvLoss: searched.loss,
          epochs: searched.epochs,
        }
      : null,
  };
}
