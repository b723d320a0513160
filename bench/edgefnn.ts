// edgefnn itself, two ways:
//  - "edgefnn": the body of core.train's per-sample SGD loop (forward,
//    isCorrect, outputDelta, sgdStep), driven in the shared per-epoch order so
//    every library sees the samples in the same sequence. This is the row
//    everything is compared with.
//  - "edgefnn core.train()": core.train itself from the same initial weights,
//    with its own seeded shuffles (so a different order, and accuracy may
//    differ slightly). It shows the loop above costs what core.train costs.

import * as core from "../src/core/index";
import { Problem } from "./data";
import { Contestant, Model } from "./harness";

function build(p: Problem): core.Network {
  var net = core.createNetwork(p.spec);
  net.params.set(p.init);
  net.mean.set(p.mean);
  net.invStd.set(p.invStd);
  return net;
}

/** Inference as a user calls it: raw features in (the model standardizes),
 * softmax output computed, class out. */
function predictor(net: core.Network, p: Problem): (i: number) => number {
  var x = p.test.x, d = p.test.inputSize;
  return function (i) {
    return core.classify(net, x, i * d);
  };
}

export var edgefnn: Contestant = {
  label: "edgefnn",
  notes: function () {
    return [
      "core.train's per-sample loop body (forward, isCorrect, outputDelta, sgdStep; lambda 0), " +
        "in the shared order; softmax + cross-entropy; float32 parameters; raw inputs standardized inside the model",
    ];
  },
  create: function (p): Model {
    var net = build(p), data = p.train, d = data.inputSize, lr = p.learningRate;
    var G = core.allocate(net.arrayType, net.params.length);
    var rate: core.SgdRate = { alpha: lr, lambda: 0 };
    // core.train keeps these running statistics per sample; so do we, to cost the same.
    var _right = 0, total = 0;
    return {
      // Keep in step with core.train's inner loop (fused per-sample SGD path).
      trainEpoch: function (order) {
        for (var s = 0; s < order.length; s++) {
          var row = order[s];
          core.forward(net, data.x, row * d);
          if (core.isCorrect(net, data, row)) _right++;
          core.outputDelta(net, "cross-entropy", data, row, G);
          total += net.sampleLoss;
          core.sgdStep(net, rate, G);
        }
      },
      predict: predictor(net, p),
      health: function () {
        return isFinite(total) ? null : "diverged: training loss " + total;
      },
    };
  },
};

export var edgefnnCoreTrain: Contestant = {
  label: "edgefnn core.train()",
  notes: function () {
    return ["core.train() itself (batch 1, sgd, no validation), called for a few epochs at a time (whole ~20 ms slices): same start " +
      "weights, but its own shuffles, not the shared order; includes its per-call and per-epoch work (buffers, shuffle, history, best-weights copy)"];
  },
  create: function (p): Model {
    var net = build(p), calls = 0;
    return {
      trainAll: function (epochs) {
        core.train(net, p.train, {
          epochs: epochs,
          learningRate: p.learningRate,
          batchSize: 1,
          optimizer: "sgd",
          initialize: false,
          seed: 1 + calls++,
        });
      },
      predict: predictor(net, p),
    };
  },
};
