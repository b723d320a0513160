// One training step on one sample, public: what train() runs per sample, for a
// caller that drives its own loop (its own sample order, a data loader, a
// benchmark). It owns what the loop needs besides the network: the loss, the
// optimizer, the gradient buffer G (summed over a mini-batch; the per-sample
// SGD path uses only its PReLU entries) and the learning rate alpha and L2
// coefficient lambda.
//   step(row): forward, dL/dz(L) (outputDelta), then either the fused
//   per-sample SGD update W <- W (1 - alpha lambda) - alpha delta a^T,
//   b <- b - alpha delta (batch 1, plain SGD), or backward (G += the
//   sample's gradient) and an optimizer step when the batch is full.
// Allocates at creation only; step() allocates nothing.

import { backward, SgdRate, sgdStep } from "./backprop";
import { DataSet } from "./dataset";
import { checkLoss, defaultLoss, isCorrect, LossName, outputDelta } from "./loss";
import { allocate, forward, Network } from "./network";
import { createOptimizer, OptimizerOptions } from "./optimizers";
import { ACT_PRELU, ACT_SOFTMAX } from "./activations";
import { JIT } from "./apply-activation";
import { smallStep } from "./small-step";

export interface StepOptions extends OptimizerOptions {
  /** alpha (default 0.01); may be changed later through `learningRate` */
  learningRate?: number;
  /** L2 coefficient lambda of (1/2) lambda ||W||_F^2 (default 0) */
  lambda?: number;
  /** samples per update (default 1: the textbook's per-sample SGD) */
  batchSize?: number;
  loss?: LossName;
}

export interface Trainer {
  /** Trains on sample `row` of the data set; returns its loss. Updates the
   * weights after every sample (batch 1) or when the batch is full. */
  step(row: number): number;
  /** Applies a partly filled mini-batch now (train() does at each epoch's end); nothing if empty. */
  flush(): void;
  /** alpha for the next updates (e.g. a decay schedule) */
  learningRate: number;
  /** whether the last step's sample was classified right (classification data; false otherwise) */
  correct: boolean;
  readonly loss: LossName;
}

/** v, if a positive finite number; else an error naming the option */
export function positive(name: string, v: number): number {
  if (!(v > 0) || !isFinite(v)) throw new Error(name + " must be a positive number, got " + v);
  return v;
}

/** A Trainer of `net` on `data`, checking the options, the loss against the
 * network's output and the data, and that every activation is trainable. */
export function createTrainer(net: Network, data: DataSet, o?: StepOptions): Trainer {
  o = o || {};
  checkTrainable(net);
  var loss: LossName = o.loss || defaultLoss(net);
  checkLoss(net, loss, data);
  var alpha = positive("learning rate", o.learningRate === undefined ? 0.01 : o.learningRate);
  var lambda = o.lambda || 0;
  if (!(lambda >= 0)) throw new Error("lambda must be >= 0, got " + lambda);
  var batch = Math.floor(positive("batch size", o.batchSize || 1));
  var fused = batch === 1 && (o.optimizer || "sgd") === "sgd";
  var optimizer = fused ? null : createOptimizer(net, o);
  var G = allocate(net.arrayType, net.params.length),
    d = data.inputSize,
    inBatch = 0;
  // an object, not two numbers: doubles passed to calls V8 does not inline are boxed (SgdRate)
  var rate: SgdRate = { alpha: alpha, lambda: lambda };
  var small = JIT && fused && smallStepFits(net, loss, data);
  var t: Trainer = {
    learningRate: alpha,
    correct: false,
    loss: loss,
    step: function (row) {
      if (small) {
        rate.alpha = t.learningRate;
        t.correct = smallStep(net, data.x, row * d, (data.classes as Int32Array)[row], rate);
        return net.sampleLoss;
      }
      forward(net, data.x, row * d);
      t.correct = !!data.classes && isCorrect(net, data, row);
      outputDelta(net, loss, data, row, G);
      rate.alpha = t.learningRate;
      if (fused) sgdStep(net, rate, G);
      else {
        backward(net, G);
        if (++inBatch === batch) t.flush();
      }
      return net.sampleLoss;
    },
    flush: function () {
      if (inBatch) optimizer!.step(G, inBatch, t.learningRate, lambda);
      inBatch = 0;
    },
  };
  return t;
}

/** Whether smallStep (small-step.ts) is this step: one hidden layer (not
 * PReLU, whose gammas train too), a softmax output of 2 or more classes with
 * cross-entropy on class labels, float32. */
function smallStepFits(net: Network, loss: LossName, data: DataSet): boolean {
  var L = net.layers;
  return (
    L.length === 2 &&
    net.arrayType === "float32" &&
    loss === "cross-entropy" &&
    !!data.classes &&
    L[1].act === ACT_SOFTMAX &&
    L[1].nOut > 1 &&
    L[0].act !== ACT_PRELU
  );
}

export function checkTrainable(net: Network): void {
  for (var l = 0; l < net.layers.length; l++) {
    var act = net.layers[l].activation;
    if (!act.trainable)
      throw new Error(
        "layer " +
          (l + 1) +
          " uses the " +
          act.name +
          " activation, whose derivative is 0 almost everywhere: " +
          "gradient training cannot learn through it. Use it only in hand-set networks, or train with " +
          "hard-logistic (its continuous stand-in) and threshold afterwards.",
      );
  }
}
