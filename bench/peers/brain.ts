// brain.js 1.6.1 (the npm "latest"; pure JS: its gpu.js 1.x dependency only
// needs acorn, and the CPU NeuralNetwork class used here never touches it).
//
// What brain.js actually does, and how close we get to the spec:
//  - One activation for every layer, the output layer included: no softmax.
//    Iris runs tanh everywhere, the synthetic net ReLU everywhere (a ReLU output).
//  - Its output error is (y - a) times f'(output): the gradient of squared
//    error through the output activation, not softmax + cross-entropy.
//  - Per-sample updates (trainPattern = forward, all deltas, then update, so the
//    backward pass uses the old weights, like edgefnn). Momentum: the API only
//    accepts 0 < momentum < 1, so we set trainOpts.momentum = 0 after
//    construction; the momentum term is still computed (0 * change) and the
//    change buffer still written, which is part of its cost.
//  - We call trainPattern() ourselves in the shared order: train() would use its
//    own order (data as given) and add an error pass every iteration.
//  - Weights: Float32Array per neuron; we copy edgefnn's initial weights in and
//    set the biases to 0 (edgefnn's init), replacing brain's Math.random() init.
//  - Inference: run() (the public API: a runnability check, forward, a copy of the output).

import { createRequire } from "node:module";
import { argmax, Problem } from "../data";
import { Contestant, Model } from "../harness";

var require = createRequire(import.meta.url);

interface BrainNet {
  sizes: number[];
  weights: Float32Array[][];
  biases: Float32Array[];
  trainOpts: { learningRate: number; momentum: number };
  initialize(): void;
  trainPattern(pattern: { input: ArrayLike<number>; output: ArrayLike<number> }, logErrorRate?: boolean): number | null;
  run(input: ArrayLike<number>): ArrayLike<number>;
}

function brainActivation(p: Problem): string {
  var hidden = p.shapes.slice(0, -1).map(function (s) {
    return s.activation;
  });
  var act = hidden[0];
  if (
    hidden.some(function (a) {
      return a !== act;
    })
  )
    throw new Error("brain.js takes one activation for all layers");
  if (act !== "tanh" && act !== "relu" && act !== "logistic") throw new Error("no brain.js activation for " + act);
  return act === "logistic" ? "sigmoid" : act;
}

export var brain: Contestant = {
  label: "brain.js " + require("brain.js/package.json").version,
  notes: function () {
    return [
      "one activation on every layer incl. the output (tanh for iris, relu for synthetic; no softmax); output error (y - a) * f'(a), i.e. squared error; " +
        "per-sample trainPattern() in the shared order, momentum forced to 0 (API rejects 0; change buffer still updated); " +
        "float32 weights; inference via run()",
    ];
  },
  create: function (p): Model {
    var NeuralNetwork = require("brain.js").NeuralNetwork;
    var shapes = p.shapes,
      nL = shapes.length,
      d = p.spec.inputSize,
      k = p.numClasses;
    var net: BrainNet = new NeuralNetwork({ activation: brainActivation(p) });
    net.sizes = [d].concat(
      shapes.map(function (s) {
        return s.nOut;
      }),
    );
    net.initialize();
    net.trainOpts.learningRate = p.learningRate;
    net.trainOpts.momentum = 0;
    // brain.js layer l (1-based) = edgefnn layer l - 1; weights[l][node][k] = W[node][k].
    for (var l = 0; l < nL; l++) {
      var S = shapes[l];
      for (var i = 0; i < S.nOut; i++) {
        net.weights[l + 1][i].set(p.init.subarray(S.wOff + i * S.nIn, S.wOff + (i + 1) * S.nIn));
        net.biases[l + 1][i] = p.init[S.bOff + i];
      }
    }
    // Patterns built once, as brain's own train() does in formatData().
    var patterns: { input: Float32Array; output: Float32Array }[] = [];
    for (i = 0; i < p.train.n; i++)
      patterns.push({ input: p.trainStd.subarray(i * d, (i + 1) * d), output: p.trainOneHot.subarray(i * k, (i + 1) * k) });
    var tests: Float32Array[] = [];
    for (i = 0; i < p.test.n; i++) tests.push(p.testStd.subarray(i * d, (i + 1) * d));

    return {
      trainEpoch: function (order) {
        for (var s = 0; s < order.length; s++) net.trainPattern(patterns[order[s]]);
      },
      predict: function (i) {
        return argmax(net.run(tests[i]));
      },
      health: function () {
        for (var l = 1; l <= nL; l++)
          for (var i = 0; i < net.weights[l].length; i++)
            if (!net.weights[l][i].every(isFinite)) return "diverged: non-finite weights in layer " + l;
        return null;
      },
    };
  },
};
