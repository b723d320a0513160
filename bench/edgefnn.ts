// edgefnn itself, two ways:
//  - "edgefnn": core.createTrainer's step(), the public training step that
//    core.train runs per sample, driven in the shared per-epoch order so
//    every library sees the samples in the same sequence. This is the row
//    everything is compared with.
//  - "edgefnn core.train()": core.train itself from the same initial weights,
//    with its own seeded shuffles (so a different order, and accuracy may
//    differ slightly). It shows the loop above costs what core.train costs.

import * as core from "../src/core/index";
import { Problem } from "./data";
import { load } from "../src/device/runtime";
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
  var x = p.test.x,
    d = p.test.inputSize;
  return function (i) {
    return core.classify(net, x, i * d);
  };
}

export var edgefnn: Contestant = {
  label: "edgefnn",
  notes: function () {
    return [
      "core.createTrainer(net, data).step(row), the public per-sample step core.train runs (per-sample SGD, lambda 0), " +
        "in the shared order; softmax + cross-entropy; float32 parameters; raw inputs standardized inside the model",
    ];
  },
  create: function (p): Model {
    var net = build(p);
    var trainer = core.createTrainer(net, p.train, { learningRate: p.learningRate });
    // core.train keeps this running statistic per sample; so do we, to cost the same.
    var total = 0;
    return {
      trainEpoch: function (order) {
        for (var s = 0; s < order.length; s++) total += trainer.step(order[s]);
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
    return [
      "core.train() itself (batch 1, sgd, no validation), called for a few epochs at a time (whole ~20 ms slices): same start " +
        "weights, but its own shuffles, not the shared order; includes its per-call and per-epoch work (buffers, shuffle, history, best-weights copy)",
    ];
  },
  create: function (p): Model {
    var net = build(p),
      calls = 0;
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

/** A float32 model file of the network the edgefnn loop trains in the shared
 * order (the public API: trainStep), so inference runs on trained weights. */
function trained(p: Problem): core.Network {
  var net = build(p);
  core.train(net, p.train, {
    epochs: p.epochs,
    learningRate: p.learningRate,
    initialize: false,
    order: function (e) {
      return p.orders[e];
    },
  });
  return net;
}

export var edgefnnRuntime: Contestant = {
  label: "edgefnn runtime (Node)",
  notes: function () {
    return [
      "inference only: the device runtime (src/device/runtime.ts, the code of the ES5 bundle dist/edgefnn.js that Node's require gives: " +
        "each layer through a caller compiled for it at load; the board's edgefnn.min.js has no such caller) on the float32 .efnn file of the " +
        "network trained in the shared order; classify(row) with each test row its own Float32Array (a Pi program's reading)",
    ];
  },
  create: function (p): Model {
    var m = load(core.encodeModel(core.modelFromNetwork(trained(p))));
    var rows: Float32Array[] = [],
      d = p.test.inputSize;
    for (var i = 0; i < p.test.n; i++) rows.push(p.test.x.subarray(i * d, (i + 1) * d) as Float32Array);
    return {
      predict: function (i) {
        return m.classify(rows[i]);
      },
    };
  },
};
