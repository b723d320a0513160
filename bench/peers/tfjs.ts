// TensorFlow.js: @tensorflow/tfjs-core + @tensorflow/tfjs-backend-cpu, the
// pure-JS CPU backend (no native tfjs-node, no WebGL).
//
// What it does here: exactly the spec's maths. Variables W [nIn, nOut] (edgefnn's
// initial weights, transposed) and b; tanh / ReLU hidden layers; softmax +
// cross-entropy (tf.losses.softmaxCrossEntropy on the logits); tf.train.sgd(lr)
// (plain SGD, no momentum); one optimizer.minimize() per sample, in the shared
// order, each step in tf.tidy(). Float32.
// Its cost is per-op overhead: every sample builds two tensors and runs a
// graph of ~20 small kernels forward and backward, each allocating its output.
// Inference: tf.softmax(logits) for one [1, nIn] tensor, then dataSync().

import { createRequire } from "node:module";
import { argmax, Problem } from "../data";
import { Contestant, Model } from "../harness";

type TF = typeof import("@tensorflow/tfjs-core");
type Tensor2D = import("@tensorflow/tfjs-core").Tensor2D;
type Variable = import("@tensorflow/tfjs-core").Variable;

var require = createRequire(import.meta.url);

export var tfjs: Contestant = {
  label: "tfjs " + require("@tensorflow/tfjs-core/package.json").version + " cpu",
  notes: function () {
    return [
      "same maths as edgefnn (hidden activations, softmax + cross-entropy, plain SGD), one optimizer.minimize() per sample " +
        "in the shared order; pure-JS cpu backend; float32; inference = softmax(logits) + dataSync()",
    ];
  },
  create: async function (p: Problem): Promise<Model> {
    var tf: TF = require("@tensorflow/tfjs-core");
    // tfjs-core alone registers no gradients (the tfjs bundle imports this for you).
    require("@tensorflow/tfjs-core/dist/register_all_gradients");
    require("@tensorflow/tfjs-backend-cpu");
    // PROD only silences warnings (the "install tfjs-node" banner); no kernel changes.
    tf.enableProdMode();
    await tf.setBackend("cpu");
    await tf.ready();

    var shapes = p.shapes,
      nL = shapes.length,
      d = p.spec.inputSize,
      k = p.numClasses;
    var W: Variable[] = [],
      b: Variable[] = [];
    for (var l = 0; l < nL; l++) {
      var S = shapes[l],
        wt = new Float32Array(S.nIn * S.nOut);
      for (var i = 0; i < S.nOut; i++) for (var j = 0; j < S.nIn; j++) wt[j * S.nOut + i] = p.init[S.wOff + i * S.nIn + j];
      W.push(tf.variable(tf.tensor2d(wt, [S.nIn, S.nOut])));
      b.push(tf.variable(tf.tensor1d(p.init.slice(S.bOff, S.bOff + S.nOut))));
    }
    var vars = W.concat(b);
    var hidden = shapes.map(function (s) {
      return s.activation;
    });

    function logits(x: Tensor2D): Tensor2D {
      var a = x;
      for (var l = 0; l < nL; l++) {
        var z = tf.add(tf.matMul(a, W[l]), b[l]) as Tensor2D;
        if (l === nL - 1) return z;
        if (hidden[l] === "tanh") a = tf.tanh(z);
        else if (hidden[l] === "relu") a = tf.relu(z);
        else throw new Error("no tfjs activation mapped for " + hidden[l]);
      }
      return a;
    }

    var opt = tf.train.sgd(p.learningRate),
      X = p.trainStd,
      T = p.trainOneHot,
      Xt = p.testStd;
    var model: Model = {
      trainEpoch: function (order) {
        for (var s = 0; s < order.length; s++) {
          var row = order[s];
          tf.tidy(function () {
            var x = tf.tensor2d(X.subarray(row * d, (row + 1) * d), [1, d]);
            var y = tf.tensor2d(T.subarray(row * k, (row + 1) * k), [1, k]);
            opt.minimize(
              function () {
                return tf.losses.softmaxCrossEntropy(y, logits(x));
              },
              false,
              vars,
            );
          });
        }
      },
      predict: function (i) {
        var out = tf.tidy(function () {
          return tf.softmax(logits(tf.tensor2d(Xt.subarray(i * d, (i + 1) * d), [1, d])));
        });
        var v = out.dataSync();
        out.dispose();
        return argmax(v);
      },
      health: function () {
        for (var i = 0; i < vars.length; i++)
          if (!(vars[i].dataSync() as Float32Array).every(isFinite)) return "diverged: non-finite values in " + vars[i].name;
        return null;
      },
    };
    return model;
  },
};
