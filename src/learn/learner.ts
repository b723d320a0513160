// On-board learning: fine-tunes the last k layers of a loaded model with the
// textbook's per-sample SGD, on the board itself.
//
// The layers before them stay int8 (or whatever they are) in flash and act as
// a fixed feature extractor: each sample x is pushed through them once, when it
// is added, and its features a(L-k) are what the ring buffer keeps. The last k
// layers become a float32 network in RAM whose weights start as the file's,
// dequantized as the host does it (w_ij = scale_i q_ij, rounded to float32).
//
// The training itself is the host core's own code (src/core: forward,
// outputDelta, sgdStep, train), run on a network object built from the file:
//   forward:  z(l) = W(l) a(l-1) + b(l), a(l) = f_l(z(l))
//   delta(L): y_hat - y (softmax or logistic + cross-entropy), or (y_hat - y) f'(z) (squared error)
//   delta(l) = f_l'(z(l)) (elementwise) (W(l+1)^T delta(l+1))
//   W <- W - alpha (delta a^T + lambda W),  b <- b - alpha delta
// so the board's weights equal the host's bit for bit (float32 storage, double
// accumulation in index order) for the same model, samples, order and
// hyper-parameters. Nothing is allocated per step; fit() allocates its
// epoch buffers (as the host's train() does) once per call.
//
// ES5 for the Espruino interpreter: declare before use, no classes, no spread.

import { ACT_PRELU, ACT_SOFTMAX, ACT_STEP } from "../core/activations";
import { sgdStep } from "../core/backprop";
import { DataSet } from "../core/dataset";
import { fail, WEIGHT_BYTES } from "../core/format";
import { isCorrect, LossName, outputDelta } from "../core/loss";
import { forward, Layer, Network } from "../core/network";
import { train } from "../core/train";
import { FloatArray } from "../core/types";
import { applyActivation } from "../core/apply-activation";
import { learnCost } from "./cost";
import { bytesAt } from "./file-bytes";
import { modelBytes, save } from "./save";

interface Espruino {
  convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number;
  toArrayBuffer(s: string): ArrayBuffer;
}
declare var E: Espruino;
declare var process: { memory(): { free: number; blocksize: number } };
declare function require(name: string): { read(name: string, offset?: number, length?: number): string | undefined };

export interface LearnOptions {
  /** how many of the last layers are trained (default 1; the whole model if it has fewer layers) */
  layers?: number;
  /** alpha (default 0.05) */
  rate?: number;
  /** L2 coefficient lambda (default 0) */
  lambda?: number;
  /** samples the ring buffer holds (default 30) */
  buffer?: number;
  /** seeds fit()'s shuffles (default 1; each fit() call uses seed + the number of fits before it) */
  seed?: number;
  /** cross-entropy (softmax or logistic output) or squared-error; default: what the output implies */
  loss?: LossName;
  /** epochs without a better validation error before fit() stops (default 10) */
  patience?: number;
  /** buffers of at least this many samples are split for the stopping rule: every 5th sample validates (default 20) */
  validateFrom?: number;
}

/** The fine-tuning state: what the learner's methods share. */
export interface Learner {
  /** the sample loss of the last step(), or the mean training loss of the last fit() epoch */
  loss: number;
  /** samples in the ring buffer */
  count: number;
  /** the trained layers' parameters (per layer W row-major, b, PReLU gammas): the core's layout */
  params: FloatArray;
  /** index of the first trained layer (0-based) */
  first: number;
  /** stores (x, label) in the ring buffer; returns its slot */
  add(x: ArrayLike<number>, label: number): number;
  /** stores (x, label) and takes one SGD step on it; returns the sample's loss */
  step(x: ArrayLike<number>, label: number): number;
  /** epochs over the buffer (seeded shuffle; the stopping rule once it allows a validation split); returns the epochs run */
  fit(epochs: number): number;
  /** fraction of the buffer's samples classified right */
  accuracy(): number;
  /** outputs a(L) for x with the trained weights (a reused buffer) */
  run(x: ArrayLike<number>): FloatArray;
  /** the top class for x */
  classify(x: ArrayLike<number>): number;
  /** one more output class, its row zero-initialised (softmax output, last layer trained) */
  addClass(label: string): number;
  /** writes the fine-tuned model to Storage as <name>.<crc> and makes it the active model (save.ts); returns the file name */
  save(name: string, o?: SaveOptions): string;
  /** the fine-tuned model's .efnn bytes (save.ts) */
  model(o?: SaveOptions): Uint8Array;
  /** the class labels (the file's, and those added) */
  labels: string[];
  /** internal: the source model's bytes, the layout and the network (save.ts) */
  _: LearnerParts;
}

export interface SaveOptions {
  /** keep the trained layers' weights float32 (default: each keeps its file's weight type, int8 / int16 requantized per row) */
  float32?: boolean;
}

export interface LearnerParts {
  /** the model's file buffer, its byte offset, its layer table, its Storage name (or null) */
  buf: ArrayBuffer;
  base: number;
  size: number;
  T: Int32Array;
  name: string | null;
  net: Network;
  /** added classes: their labels, in order */
  added: string[];
}

/** on Espruino (a global E) */
var ESP = typeof E !== "undefined";

/** The runtime's model state (src/device/runtime.ts, State): [file buffer,
 * byte offset, layer table T, ..., Storage name at 6]. A loadFile model's
 * buffer is found again by name (compaction moves files). */
function source(model: unknown): LearnerParts {
  var s = (model as { _?: unknown[] })._;
  if (!s || !s[2]) fail("learner() takes a model from edgefnn's load() or loadFile()");
  var name = s![6] as string | null,
    buf = s![0] as ArrayBuffer,
    base = s![1] as number;
  if (name) {
    var f = require("Storage").read(name);
    if (f === undefined) fail(name + " is no longer in Storage");
    buf = E.toArrayBuffer(f as string);
    base = 0;
  }
  var T = s![2] as Int32Array,
    L = T.length / 8;
  // the file ends with its CRC after the last layer's weights, padded to 4
  var t = 8 * (L - 1),
    end = T[t + 4] + T[t] * T[t + 1] * WEIGHT_BYTES[T[t + 3]];
  return { buf: buf, base: base, size: end + (-end & 3) + 4, T: T, name: name, net: null as unknown as Network, added: [] };
}

/** f32 values of the file at byte offset off (a copy: Node needs aligned views, the board reads flash once) */
function f32(p: LearnerParts, off: number, n: number, into: FloatArray, at: number): void {
  var v = new Float32Array(new Uint8Array(bytesAt(p, off, 4 * n)).buffer);
  for (var i = 0; i < n; i++) into[at + i] = v[i];
}

/** The trained layers as a core Network (float32), weights from the file:
 * w_ij = scale_i q_ij rounded to float32 (as networkFromModel does on the
 * host). The layers before `first` are not part of it: its input is a(first).
 * extra: output rows to leave room for (addClass). */
function tailNetwork(p: LearnerParts, first: number, extra: number): Network {
  var T = p.T,
    L = T.length / 8,
    n = 0,
    off = 0,
    l = 0,
    t = 0,
    i = 0,
    j = 0,
    widest = T[8 * first];
  for (l = first; l < L; l++) {
    t = 8 * l;
    n = T[t + 1] + (l === L - 1 ? extra : 0);
    off += n * T[t] + n + (T[t + 2] === ACT_PRELU ? n : 0);
    if (n > widest) widest = n;
  }
  var P = new Float32Array(off),
    layers: Layer[] = [],
    gammas = new Float32Array(L - first),
    M = T[8 * first];
  var mean = new Float32Array(M),
    inv = new Float32Array(M),
    nIn = M;
  for (j = 0; j < M; j++) inv[j] = 1;
  // the whole model trained: the input normalization is the network's
  if (!first) {
    f32(p, 16 + 8 * L, M, mean, 0);
    f32(p, 16 + 8 * L + 4 * M, M, inv, 0);
  }
  for (off = 0, l = first; l < L; l++) {
    t = 8 * l;
    var rows = T[t + 1],
      nOut = rows + (l === L - 1 ? extra : 0),
      act = T[t + 2],
      wOff = off,
      bOff = off + nOut * nIn;
    var pOff = act === ACT_PRELU ? bOff + nOut : -1,
      wt = T[t + 3],
      sc = new Float32Array(rows);
    if (act === ACT_STEP) fail("layer " + (l + 1) + " uses the step activation, whose derivative is 0: it cannot be trained");
    f32(p, 16 + 8 * l + 4, 1, gammas, l - first);
    if (T[t + 5] >= 0) f32(p, T[t + 5], rows, sc, 0);
    else for (i = 0; i < rows; i++) sc[i] = 1;
    var qb = bytesAt(p, T[t + 4], rows * nIn * WEIGHT_BYTES[wt]);
    var q =
      wt === 2
        ? new Int8Array(qb.buffer, qb.byteOffset, rows * nIn)
        : wt === 1
          ? new Int16Array(new Uint8Array(qb).buffer)
          : new Float32Array(new Uint8Array(qb).buffer);
    for (i = 0; i < rows; i++) for (j = 0; j < nIn; j++) P[wOff + i * nIn + j] = sc[i] * q[i * nIn + j];
    f32(p, T[t + 6], rows, P, bOff);
    if (pOff >= 0) f32(p, T[t + 7], rows, P, pOff);
    off = bOff + nOut + (pOff >= 0 ? nOut : 0);
    layers.push({
      nIn: nIn,
      nOut: nOut,
      act: act,
      // the core reads only these two of an activation (train's check, error messages)
      activation: { trainable: true, name: "id " + act } as Layer["activation"],
      gamma: gammas[l - first],
      wOff: wOff,
      bOff: bOff,
      pOff: pOff,
      W: P,
      b: P,
      prelu: null,
      z: new Float32Array(nOut),
      a: new Float32Array(nOut),
      delta: new Float32Array(nOut),
    });
    nIn = nOut;
  }
  return {
    inputSize: M,
    outputSize: nIn,
    arrayType: "float32",
    layers: layers,
    params: P,
    mean: mean,
    invStd: inv,
    gammas: gammas,
    input: new Float32Array(M),
    output: layers[layers.length - 1].a,
    scratch: new Float32Array(widest),
    lse: new Float64Array(1),
    sampleLoss: 0,
  };
}

/** a(first) of x through the frozen layers 0..first-1, as the runtime computes
 * them: a(0) = (x - mean) invStd; z_i = scale_i (q_i . a) + b_i summed in double
 * in index order (E.convolve on the board), stored float32; a = f(z). W: two
 * ping-pong buffers as wide as the widest frozen layer; out: the result. */
function frozen(
  p: LearnerParts,
  first: number,
  x: ArrayLike<number>,
  A: Float32Array,
  B: Float32Array,
  out: FloatArray,
  at: number,
  sb: Float32Array,
  gm: Float32Array,
): void {
  var T = p.T,
    L = T.length / 8,
    M = T[0],
    j = 0,
    i = 0,
    l = 0,
    cur = A,
    nxt = B,
    tmp = A;
  f32(p, 16 + 8 * L, M, sb, 0);
  f32(p, 16 + 8 * L + 4 * M, M, sb, M);
  for (j = 0; j < M; j++) A[j] = (x[j] - sb[j]) * sb[M + j];
  for (; l < first; l++) {
    var t = 8 * l,
      m = T[t],
      n = T[t + 1],
      wt = T[t + 3],
      wb = bytesAt(p, T[t + 4], m * n * WEIGHT_BYTES[wt]);
    var W =
      wt === 2
        ? new Int8Array(wb.buffer, wb.byteOffset, m * n)
        : wt === 1
          ? new Int16Array(new Uint8Array(wb).buffer)
          : new Float32Array(new Uint8Array(wb).buffer);
    if (T[t + 5] >= 0) f32(p, T[t + 5], n, sb, 0);
    else for (i = 0; i < n; i++) sb[i] = 1;
    f32(p, T[t + 6], n, sb, n);
    f32(p, 16 + 8 * l + 4, 1, gm, 0);
    var xin = cur.subarray(0, m);
    for (i = 0; i < n; i++) {
      var z = 0;
      if (ESP) z = E.convolve(xin, W, i * m);
      else for (j = 0; j < m; j++) z += W[i * m + j] * xin[j];
      nxt[i] = z * sb[i] + sb[n + i];
    }
    // PReLU's gammas, when the layer has them, after its scales and biases
    if (T[t + 7] >= 0) f32(p, T[t + 7], n, sb, 2 * n);
    applyActivation(T[t + 2], nxt, nxt, n, gm, 0, sb, 2 * n);
    tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  for (j = 0; j < T[8 * first]; j++) out[at + j] = cur[j];
}

/**
 * A learner for a model from edgefnn's load() or loadFile(). Refuses to start,
 * with the numbers, when the board's free memory would not hold it.
 */
export function learner(model: unknown, o?: LearnOptions): Learner {
  o = o || {};
  var p = source(model),
    T = p.T,
    L = T.length / 8;
  var k = o.layers === undefined ? 1 : o.layers;
  if (!(k >= 1)) fail("layers: train at least 1 layer, not " + k);
  if (k > L) k = L;
  var first = L - k,
    N = o.buffer === undefined ? 30 : o.buffer,
    M = T[8 * first];
  if (!(N >= 1)) fail("buffer: at least 1 sample, not " + N);
  if (ESP && process.memory) {
    var mem = process.memory(),
      need = learnCost(T, k, N, mem.blocksize);
    if (need.blocks > mem.free)
      fail(
        "learning the last " +
          k +
          " layer(s) with a buffer of " +
          N +
          " needs about " +
          need.blocks +
          " blocks, " +
          mem.free +
          " are free: train fewer layers or keep fewer samples",
      );
  }
  var net = (p.net = tailNetwork(p, first, 0)),
    out = T[8 * (L - 1) + 2];
  var loss: LossName = o.loss || (out === ACT_SOFTMAX || out === 2 ? "cross-entropy" : "squared-error");
  if (loss === "cross-entropy" && out !== ACT_SOFTMAX && out !== 2) fail("cross-entropy needs a softmax or logistic output layer");
  if (loss === "squared-error" && out === ACT_SOFTMAX) fail("softmax outputs are trained with cross-entropy");
  var X = new Float32Array(N * M),
    Y = new Int32Array(N),
    next = 0,
    fits = 0,
    widest = T[0],
    l = 0;
  for (; l < first; l++) if (T[8 * l + 1] > widest) widest = T[8 * l + 1];
  var A = new Float32Array(widest),
    B = new Float32Array(widest),
    sb = new Float32Array(Math.max(2 * T[0], 3 * widest)),
    gm = new Float32Array(1);
  var one = new Float32Array(M),
    labels = (model as { labels: string[] }).labels;
  // the buffer as a core data set (outputDelta and isCorrect read classes[row]); n grows to N
  var data: DataSet = { n: 0, inputSize: M, x: X, classes: Y, numClasses: net.outputSize };
  var G: Float32Array | null = null,
    rate = { alpha: o.rate === undefined ? 0.05 : o.rate, lambda: o.lambda || 0 };
  for (l = 0; l < net.layers.length; l++) if (net.layers[l].pOff >= 0) G = new Float32Array(net.params.length);
  function check(label: number): void {
    var c = net.outputSize > 1 ? net.outputSize : 2;
    if (!(label >= 0 && label < c && label === Math.floor(label)))
      fail("label " + label + " is not a class of this model (0.." + (c - 1) + ")");
  }
  var me: Learner = {
    loss: NaN,
    count: 0,
    params: net.params,
    first: first,
    labels: labels,
    _: p,
    add: function (x, label) {
      if (x.length !== T[0]) fail("x has " + x.length + " values, the model takes " + T[0]);
      check(label);
      var slot = next;
      if (first) frozen(p, first, x, A, B, X, slot * M, sb, gm);
      else for (var j = 0; j < M; j++) X[slot * M + j] = x[j];
      Y[slot] = label;
      next = (next + 1) % N;
      if (me.count < N) me.count++;
      data.n = me.count;
      return slot;
    },
    step: function (x, label) {
      var slot = me.add(x, label);
      forward(net, X, slot * M);
      outputDelta(net, loss, data, slot, G as FloatArray);
      sgdStep(net, rate, G as FloatArray);
      return (me.loss = net.sampleLoss);
    },
    fit: function (epochs) {
      var n = me.count,
        nv = n >= (o!.validateFrom || 20) ? Math.floor(n / 5) : 0,
        tr = data,
        va: DataSet | undefined;
      if (!n) fail("fit(): the buffer is empty: add() samples first");
      if (nv) {
        // every 5th slot validates (4, 9, ...): taught class by class, each class gets some
        tr = { n: n - nv, inputSize: M, x: new Float32Array((n - nv) * M), classes: new Int32Array(n - nv), numClasses: data.numClasses };
        va = { n: nv, inputSize: M, x: new Float32Array(nv * M), classes: new Int32Array(nv), numClasses: data.numClasses };
        for (var s = 0, a = 0, b = 0; s < n; s++) {
          var d: DataSet = s % 5 === 4 && b < nv ? va! : tr,
            r = d === va ? b++ : a++;
          d.x.set(X.subarray(s * M, s * M + M), r * M);
          d.classes![r] = Y[s];
        }
      }
      var res = train(net, tr, {
        epochs: epochs,
        learningRate: rate.alpha,
        lambda: rate.lambda,
        seed: (o!.seed === undefined ? 1 : o!.seed) + fits++,
        validation: va,
        patience: o!.patience,
        loss: loss,
        initialize: false,
        keepHistory: false,
      });
      me.loss = res.history[0].trainLoss;
      return res.history[0].epoch;
    },
    accuracy: function () {
      for (var s = 0, right = 0; s < me.count; s++) {
        forward(net, X, s * M);
        if (isCorrect(net, data, s)) right++;
      }
      return me.count ? right / me.count : 0;
    },
    run: function (x) {
      if (first) frozen(p, first, x, A, B, one, 0, sb, gm);
      else one.set(x);
      return forward(net, one, 0);
    },
    classify: function (x) {
      var y = me.run(x),
        best = 0;
      if (y.length === 1) return y[0] > 0.5 ? 1 : 0;
      for (var i = 1; i < y.length; i++) if (y[i] > y[best]) best = i;
      return best;
    },
    save: function (name, so) {
      return save(me, name, so);
    },
    model: function (so) {
      return modelBytes(me, so);
    },
    addClass: function (label) {
      if (out !== ACT_SOFTMAX || first !== L - 1) fail("addClass() needs a softmax output and only the last layer trained (layers: 1)");
      var old = net,
        c = old.outputSize,
        Lo = old.layers[0],
        nIn = Lo.nIn;
      net = p.net = tailNetwork(p, first, p.added.length + 1);
      var Ln = net.layers[0];
      // the old rows, then a zero row and a zero bias: the new class starts at z = 0
      net.params.set(old.params.subarray(0, c * nIn), 0);
      net.params.set(old.params.subarray(Lo.bOff, Lo.bOff + c), Ln.bOff);
      me.params = net.params;
      p.added.push(label);
      labels = me.labels = labels.concat([label]);
      data.numClasses = net.outputSize;
      return c;
    },
  };
  return me;
}
