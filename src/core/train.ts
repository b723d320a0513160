// The training loop. Default: the textbook's algorithm, per-sample SGD with L2:
//   randomly initialise W, b
//   repeat: shuffle D; for each (x, y): forward, backward,
//           W <- W - alpha (delta a^T + lambda W), b <- b - alpha delta
//   until the error rate on the validation set stops falling (patience epochs),
//   then restore the best epoch's weights.
// Beyond the textbook: mini-batches, momentum, Adam, learning-rate decay.
// Nothing is allocated per sample: buffers are made before the first epoch.

import { DataSet } from "./dataset";
import { evaluate } from "./evaluate";
import { initialize } from "./init";
import { checkLoss, LossName } from "./loss";
import { allocate, Network } from "./network";
import { createRng, Rng, shuffle } from "./rng";
import { createTrainer, positive, StepOptions, Trainer } from "./train-step";
import { FloatArray } from "./types";

export interface TrainOptions extends StepOptions {
  /** maximum number of epochs (default 200) */
  epochs?: number;
  /** inverse-time decay: alpha_e = alpha / (1 + lrDecay * e) for epoch e = 0, 1, ... (default 0) */
  lrDecay?: number;
  /** stop after this many epochs without a better validation error (default 10) */
  patience?: number;
  /** seeds initialisation and shuffling (default 1) */
  seed?: number;
  validation?: DataSet;
  /** The rows epoch e (0-based) trains on, in order (indices into the data
   * set; repeats and subsets allowed, at least one). Default: all rows, the
   * previous epoch's order shuffled again by the seeded generator. The
   * epoch's statistics are means over these rows. */
  order?: (epoch: number) => ArrayLike<number>;
  /** record the mean |delta(l)| per layer per epoch (vanishing gradients at a glance) */
  recordDeltas?: boolean;
  /** measure trainLoss / trainAccuracy after each epoch on the whole training
   * set with that epoch's final weights (one more forward pass per sample),
   * instead of as the running mean while the weights change: then the best
   * epoch's numbers are exactly the kept model's (what train's summary and
   * report show) */
  measureTrain?: boolean;
  /** false: keep the network's current weights instead of a random initialisation */
  initialize?: boolean;
  /** false: the result's history keeps only the last epoch (a board's memory; default true) */
  keepHistory?: boolean;
  /** called after every epoch; return false to stop */
  onEpoch?: (stats: EpochStats) => boolean | void;
}

export interface EpochStats {
  /** 1-based */
  epoch: number;
  learningRate: number;
  /** mean loss over the epoch's samples, measured while training (measureTrain: after the epoch) */
  trainLoss: number;
  /** fraction right while training (classification; NaN for regression; measureTrain: after the epoch) */
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  /** mean over samples of mean_i |delta_i(l)|, one entry per layer l = 1..L (when recorded) */
  meanAbsDelta: number[] | null;
}

export interface TrainResult {
  history: EpochStats[];
  /** the epoch whose weights the network holds now (1-based) */
  bestEpoch: number;
  stoppedEarly: boolean;
  loss: LossName;
}

/** an epoch's order from the caller: at least one row, every entry a row of the data */
function checkOrder(order: ArrayLike<number>, n: number, epoch: number): ArrayLike<number> {
  if (!order || !(order.length >= 1)) throw new Error("order(" + epoch + ") gave no rows: an epoch needs at least one");
  for (var s = 0; s < order.length; s++) {
    var r = order[s];
    if (!(r >= 0 && r < n && Math.floor(r) === r))
      throw new Error("order(" + epoch + ")[" + s + "] is " + r + ": expected a row index 0.." + (n - 1));
  }
  return order;
}

/** What train() carries from epoch to epoch. */
interface Run {
  net: Network;
  data: DataSet;
  o: TrainOptions;
  trainer: Trainer;
  /** the generator of the default shuffles, and their running order */
  rng: Rng;
  shuffled: Int32Array;
  /** per layer, the sum over the epoch's samples of mean_i |delta_i| (recordDeltas), else null */
  deltaSum: Float64Array | null;
  /** the best epoch so far (1-based, 0: none yet), its weights and its validation error and loss */
  best: FloatArray;
  bestEpoch: number;
  bestErr: number;
  bestLoss: number;
}

/** One epoch (0-based) at learning rate alpha: the rows of its order through
 * the trainer, then the epoch's statistics. A non-finite mean loss restores
 * the best weights and throws (alpha0 is the learning rate the user gave). */
function runEpoch(r: Run, epoch: number, alpha: number, alpha0: number): EpochStats {
  var o = r.o,
    net = r.net,
    data = r.data,
    trainer = r.trainer,
    n = data.n,
    deltaSum = r.deltaSum;
  var nL = net.layers.length,
    l = 0;
  trainer.learningRate = alpha;
  var order: ArrayLike<number> = r.shuffled;
  if (o.order) order = checkOrder(o.order(epoch), n, epoch);
  else shuffle(r.shuffled, n, r.rng);
  var count = order.length,
    total = 0,
    right = 0;
  if (deltaSum) for (l = 0; l < nL; l++) deltaSum[l] = 0;
  for (var s = 0; s < count; s++) {
    total += trainer.step(order[s]);
    if (trainer.correct) right++;
    if (deltaSum) {
      for (l = 0; l < nL; l++) {
        var L = net.layers[l],
          sum = 0;
        for (var k = 0; k < L.nOut; k++) sum += Math.abs(L.delta[k]);
        deltaSum[l] += sum / L.nOut;
      }
    }
  }
  trainer.flush();
  var trainLoss = total / count;
  if (!isFinite(trainLoss)) {
    net.params.set(r.best);
    throw new Error(
      "training diverged in epoch " +
        (epoch + 1) +
        ": the loss became " +
        trainLoss +
        ". Lower the learning rate (now " +
        alpha0 +
        ")" +
        (r.bestEpoch > 0 ? "; the network keeps the weights of epoch " + r.bestEpoch : "") +
        ".",
    );
  }
  var stats: EpochStats = {
    epoch: epoch + 1,
    learningRate: alpha,
    trainLoss: trainLoss,
    trainAccuracy: data.classes ? right / count : NaN,
    valLoss: NaN,
    valAccuracy: NaN,
    meanAbsDelta: null,
  };
  if (o.measureTrain) {
    var t = evaluate(net, data, trainer.loss);
    stats.trainLoss = t.loss;
    stats.trainAccuracy = t.accuracy;
  }
  if (deltaSum) {
    stats.meanAbsDelta = [];
    for (l = 0; l < nL; l++) stats.meanAbsDelta.push(deltaSum[l] / count);
  }
  return stats;
}

/** The stopping rule's first half, after each epoch: the validation set's
 * error rate decides whether this epoch is the best so far (the loss breaks
 * ties, and decides alone for regression; without a validation set every
 * epoch is); the best epoch's weights are kept. Fills in the validation numbers. */
function keepBest(r: Run, stats: EpochStats): void {
  var improved = true,
    val = r.o.validation;
  if (val) {
    var v = evaluate(r.net, val, r.trainer.loss);
    stats.valLoss = v.loss;
    stats.valAccuracy = v.accuracy;
    var err = val.classes ? v.errors : v.loss;
    improved = err < r.bestErr || (err === r.bestErr && v.loss < r.bestLoss);
    if (improved) {
      r.bestErr = err;
      r.bestLoss = v.loss;
    }
  }
  if (improved) {
    r.bestEpoch = stats.epoch;
    r.best.set(r.net.params);
  }
}

export function train(net: Network, data: DataSet, o?: TrainOptions): TrainResult {
  o = o || {};
  var trainer = createTrainer(net, data, o),
    loss = trainer.loss;
  if (o.validation) checkLoss(net, loss, o.validation);
  if (data.n < 1) throw new Error("the training set is empty");
  var epochs = Math.floor(positive("epochs", o.epochs === undefined ? 200 : o.epochs));
  var alpha0 = trainer.learningRate;
  var patience = o.patience === undefined ? 10 : o.patience;
  var decay = o.lrDecay || 0;
  var rng = createRng(o.seed === undefined ? 1 : o.seed);
  if (o.initialize !== false) initialize(net, rng);

  var P = net.params,
    best = allocate(net.arrayType, P.length);
  best.set(P);
  var n = data.n,
    shuffled = new Int32Array(n);
  for (var i = 0; i < n; i++) shuffled[i] = i;
  var r: Run = {
    net: net,
    data: data,
    o: o,
    trainer: trainer,
    rng: rng,
    shuffled: shuffled,
    deltaSum: o.recordDeltas ? new Float64Array(net.layers.length) : null,
    best: best,
    bestEpoch: 0,
    bestErr: Infinity,
    bestLoss: Infinity,
  };

  var history: EpochStats[] = [],
    stoppedEarly = false;
  for (var epoch = 0; epoch < epochs; epoch++) {
    var stats = runEpoch(r, epoch, alpha0 / (1 + decay * epoch), alpha0);
    keepBest(r, stats);
    history[o.keepHistory === false ? 0 : history.length] = stats;
    if (o.onEpoch && o.onEpoch(stats) === false) break;
    // the stopping rule's second half: patience epochs without a better validation error
    if (o.validation && epoch + 1 - r.bestEpoch >= patience) {
      stoppedEarly = true;
      break;
    }
  }
  P.set(best);
  return { history: history, bestEpoch: r.bestEpoch, stoppedEarly: stoppedEarly, loss: loss };
}
