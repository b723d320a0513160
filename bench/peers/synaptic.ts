// synaptic 1.1.4 (pure JS).
//
// What synaptic actually does, and how close we get to the spec:
//  - Neuron-level library; Network.activate/propagate first "optimize" the net:
//    they generate one straight-line JS function with a statement per
//    connection over a Float64Array (float64 weights, not float32).
//  - No softmax. The output layer is LOGISTIC, and synaptic's output error is
//    (y - a) with no derivative term, so the update is exactly the gradient of
//    per-output binary cross-entropy on sigmoid outputs: the closest it gets
//    to softmax + cross-entropy. Hidden layers: TANH (iris) / RELU (synthetic).
//  - propagate(rate, target) is plain per-sample SGD without momentum, but it
//    updates the layer above first and then backpropagates through the
//    *updated* weights (edgefnn, brain.js and tfjs use the old ones).
//  - activate() also records eligibility traces (a copy of each connection's
//    input, for its LSTM machinery); that cost is in training and inference.
//  - We copy edgefnn's initial weights in and set biases to 0, replacing
//    synaptic's Math.random() init, before the first activate() compiles the net.

import { createRequire } from "node:module";
import { argmax } from "../data";
import { Contestant, Model } from "../harness";

var require = createRequire(import.meta.url);

interface SynNeuron {
  bias: number;
  connections: { inputs: Record<string, { from: SynNeuron; weight: number }> };
}
interface SynLayer {
  list: SynNeuron[];
  set(o: { squash: unknown }): SynLayer;
  project(to: SynLayer): unknown;
}
interface SynNetwork {
  activate(input: ArrayLike<number>): number[];
  propagate(rate: number, target: ArrayLike<number>): void;
}

export var synaptic: Contestant = {
  label: "synaptic " + require("synaptic/package.json").version,
  notes: function () {
    return [
      "TANH / RELU hidden as specified, LOGISTIC output (no softmax) with error (y - a), i.e. per-output sigmoid cross-entropy; " +
        "per-sample activate()+propagate() in the shared order, no momentum; backprop through already-updated weights; " +
        "compiled to generated straight-line JS on float64",
    ];
  },
  create: function (p): Model {
    var syn = require("synaptic");
    var Layer = syn.Layer,
      Network = syn.Network,
      squash = syn.Neuron.squash;
    var shapes = p.shapes,
      nL = shapes.length,
      d = p.spec.inputSize,
      k = p.numClasses;
    var squashOf: Record<string, unknown> = { tanh: squash.TANH, relu: squash.RELU, logistic: squash.LOGISTIC };

    var layers: SynLayer[] = [new Layer(d)];
    for (var l = 0; l < nL; l++) {
      var sq = l === nL - 1 ? squash.LOGISTIC : squashOf[shapes[l].activation];
      if (!sq) throw new Error("no synaptic squash for " + shapes[l].activation);
      layers.push(new Layer(shapes[l].nOut).set({ squash: sq }));
      layers[l].project(layers[l + 1]);
    }
    // Copy the shared initial weights: connection from neuron j below to neuron i gets W[i][j].
    for (l = 0; l < nL; l++) {
      var S = shapes[l],
        below = layers[l].list,
        index = new Map<SynNeuron, number>();
      for (var j = 0; j < below.length; j++) index.set(below[j], j);
      for (var i = 0; i < S.nOut; i++) {
        var neuron = layers[l + 1].list[i];
        neuron.bias = p.init[S.bOff + i];
        for (var id in neuron.connections.inputs) {
          var c = neuron.connections.inputs[id];
          c.weight = p.init[S.wOff + i * S.nIn + (index.get(c.from) as number)];
        }
      }
    }
    var net: SynNetwork = new Network({ input: layers[0], hidden: layers.slice(1, nL), output: layers[nL] });

    var inputs: Float32Array[] = [],
      targets: Float32Array[] = [],
      tests: Float32Array[] = [];
    for (i = 0; i < p.train.n; i++) {
      inputs.push(p.trainStd.subarray(i * d, (i + 1) * d));
      targets.push(p.trainOneHot.subarray(i * k, (i + 1) * k));
    }
    for (i = 0; i < p.test.n; i++) tests.push(p.testStd.subarray(i * d, (i + 1) * d));
    var lr = p.learningRate;

    return {
      trainEpoch: function (order) {
        for (var s = 0; s < order.length; s++) {
          var row = order[s];
          net.activate(inputs[row]);
          net.propagate(lr, targets[row]);
        }
      },
      predict: function (i) {
        return argmax(net.activate(tests[i]));
      },
      health: function () {
        // The compiled net keeps every weight, bias and activation in one Float64Array.
        var F: Float64Array = (net as unknown as { optimized: { memory: Float64Array } }).optimized.memory,
          bad = 0;
        for (var j = 0; j < F.length; j++) if (!isFinite(F[j])) bad++;
        return bad ? "diverged: " + bad + " of " + F.length + " values of its compiled state are NaN/Infinity" : null;
      },
    };
  },
};
