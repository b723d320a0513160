// The feed-forward network of the textbook: layers l = 1..L with M_l neurons,
// z(l) = W(l) a(l-1) + b(l), a(l) = f_l(z(l)), a(0) = x (normalized).
//
// Memory: every parameter of every layer lives in ONE typed array `params`
// (per layer: W row-major M_l x M_(l-1), then b, then PReLU's gammas), so
// optimizers, quantizers and serializers walk one buffer. z, a, delta and the
// input buffer are allocated here, once; forward() allocates nothing.

import { ACT_SOFTMAX, activationByName, Activation, ActivationName } from "./activations";
import { applyActivation, softmaxLse } from "./apply-activation";

import { ArrayKind, FloatArray } from "./types";

export interface LayerSpec {
  size: number;
  activation: ActivationName;
  /** leaky-ReLU slope, ELU scale, PReLU initial slope; the activation's default if absent */
  gamma?: number;
}

export interface NetworkSpec {
  inputSize: number;
  layers: LayerSpec[];
  /** float32 (default) for training and inference; float64 for gradient checks */
  arrayType?: ArrayKind;
}

export interface Layer {
  nIn: number;
  nOut: number;
  act: number;
  activation: Activation;
  /** the activation's parameter (leaky slope, ELU scale), rounded to float32 as
   * stored in model files; PReLU keeps per-neuron gammas in params */
  gamma: number;
  /** offsets into params */
  wOff: number;
  bOff: number;
  /** -1 unless the activation is PReLU */
  pOff: number;
  /** views into params, for readers; the hot loops use the offsets */
  W: FloatArray;
  b: FloatArray;
  prelu: FloatArray | null;
  z: FloatArray;
  a: FloatArray;
  /** delta(l) = dL/dz(l) */
  delta: FloatArray;
}

export interface Network {
  inputSize: number;
  outputSize: number;
  arrayType: ArrayKind;
  layers: Layer[];
  params: FloatArray;
  /** input normalization inside the model: a(0)_j = (x_j - mean_j) * invStd_j */
  mean: FloatArray;
  invStd: FloatArray;
  /** each layer's activation parameter gamma (as in Layer.gamma), read by the layer loops */
  gammas: Float32Array;
  /** a(0) */
  input: FloatArray;
  /** a(L), the last layer's activations */
  output: FloatArray;
  /** dL/da of the layer below during backprop; as wide as the widest layer */
  scratch: FloatArray;
  /** log sum_k exp(z_k) of a softmax output layer, from the last forward() */
  lse: Float64Array;
  /** the loss of the sample of the last outputDelta() call (a field, not a
   * return value: a returned double is boxed, i.e. allocated, per sample) */
  sampleLoss: number;
}

export function allocate(kind: ArrayKind, n: number): FloatArray {
  return kind === "float64" ? new Float64Array(n) : new Float32Array(n);
}

/** Number of parameters a spec needs (weights, biases, PReLU gammas). */
export function countParams(spec: NetworkSpec): number {
  var n = 0,
    prev = spec.inputSize;
  for (var l = 0; l < spec.layers.length; l++) {
    var s = spec.layers[l];
    n += s.size * prev + s.size + (activationByName(s.activation).parameter === "neuron" ? s.size : 0);
    prev = s.size;
  }
  return n;
}

function checkSpec(spec: NetworkSpec): void {
  if (!(spec.inputSize >= 1) || Math.floor(spec.inputSize) !== spec.inputSize)
    throw new Error("network input size must be a positive integer, got " + spec.inputSize);
  if (!spec.layers || spec.layers.length < 1) throw new Error("a network needs at least one layer");
  for (var l = 0; l < spec.layers.length; l++) {
    var s = spec.layers[l];
    if (!(s.size >= 1) || Math.floor(s.size) !== s.size)
      throw new Error("layer " + (l + 1) + " size must be a positive integer, got " + s.size);
    var act = activationByName(s.activation);
    if (!act.elementwise && l !== spec.layers.length - 1)
      throw new Error("layer " + (l + 1) + ": softmax is only allowed on the output layer");
  }
}

export function createNetwork(spec: NetworkSpec): Network {
  checkSpec(spec);
  var kind: ArrayKind = spec.arrayType || "float32";
  var params = allocate(kind, countParams(spec));
  var layers: Layer[] = [];
  var gammas = new Float32Array(spec.layers.length);
  var off = 0,
    prev = spec.inputSize,
    widest = spec.inputSize;
  for (var l = 0; l < spec.layers.length; l++) {
    var s = spec.layers[l];
    var act = activationByName(s.activation);
    var n = s.size;
    var wOff = off;
    var bOff = wOff + n * prev;
    // per-neuron gammas (PReLU's) follow the biases in params
    var pOff = act.parameter === "neuron" ? bOff + n : -1;
    off = bOff + n + (pOff >= 0 ? n : 0);
    gammas[l] = s.gamma !== undefined ? s.gamma : act.gamma;
    var gamma = gammas[l];
    var layer: Layer = {
      nIn: prev,
      nOut: n,
      act: act.id,
      activation: act,
      gamma: gamma,
      wOff: wOff,
      bOff: bOff,
      pOff: pOff,
      W: params.subarray(wOff, bOff),
      b: params.subarray(bOff, bOff + n),
      prelu: pOff >= 0 ? params.subarray(pOff, pOff + n) : null,
      z: allocate(kind, n),
      a: allocate(kind, n),
      delta: allocate(kind, n),
    };
    if (layer.prelu) for (var i = 0; i < n; i++) layer.prelu[i] = gamma;
    layers.push(layer);
    if (n > widest) widest = n;
    prev = n;
  }
  var invStd = allocate(kind, spec.inputSize);
  for (var j = 0; j < spec.inputSize; j++) invStd[j] = 1;
  return {
    inputSize: spec.inputSize,
    outputSize: prev,
    arrayType: kind,
    layers: layers,
    params: params,
    mean: allocate(kind, spec.inputSize),
    invStd: invStd,
    gammas: gammas,
    input: allocate(kind, spec.inputSize),
    output: layers[layers.length - 1].a,
    scratch: allocate(kind, widest),
    sampleLoss: 0.5,
    lse: new Float64Array(1),
  };
}

/** The spec that rebuilds this network's shape. */
export function networkSpec(net: Network): NetworkSpec {
  return {
    inputSize: net.inputSize,
    arrayType: net.arrayType,
    layers: net.layers.map(function (L) {
      return { size: L.nOut, activation: L.activation.name, gamma: L.gamma };
    }),
  };
}

/** z = W a + b for one layer, rows four at a time with four independent
 * accumulators (one accumulator serialises the adds). Each row is summed in
 * index order from 0, then b is added: the device runtime does the same, so
 * host and board give identical numbers. */
export function denseForward(P: FloatArray, wOff: number, bOff: number, ain: FloatArray, z: FloatArray, nIn: number, nOut: number): void {
  var i = 0;
  for (; i + 3 < nOut; i += 4) {
    var r0 = wOff + i * nIn,
      r1 = r0 + nIn,
      r2 = r1 + nIn,
      r3 = r2 + nIn;
    var s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (var j = 0; j < nIn; j++) {
      var x = ain[j];
      s0 += P[r0 + j] * x;
      s1 += P[r1 + j] * x;
      s2 += P[r2 + j] * x;
      s3 += P[r3 + j] * x;
    }
    z[i] = s0 + P[bOff + i];
    z[i + 1] = s1 + P[bOff + i + 1];
    z[i + 2] = s2 + P[bOff + i + 2];
    z[i + 3] = s3 + P[bOff + i + 3];
  }
  for (; i < nOut; i++) {
    var r = wOff + i * nIn,
      s = 0;
    for (var k = 0; k < nIn; k++) s += P[r + k] * ain[k];
    z[i] = s + P[bOff + i];
  }
}

/** a(0) = (x - mean) * invStd, read from x at offset `off` (a flat data set). */
export function setInput(net: Network, x: ArrayLike<number>, off: number): void {
  var a0 = net.input,
    mean = net.mean,
    inv = net.invStd,
    n = net.inputSize;
  for (var j = 0; j < n; j++) a0[j] = (x[off + j] - mean[j]) * inv[j];
}

/** z(l) and a(l) for every layer but a softmax output's a (forward adds it;
 * classify needs none: argmax z = argmax softmax(z)). */
function propagate(net: Network, x: ArrayLike<number>, off: number): void {
  setInput(net, x, off);
  var P = net.params,
    ain = net.input,
    layers = net.layers;
  for (var l = 0; l < layers.length; l++) {
    var L = layers[l];
    denseForward(P, L.wOff, L.bOff, ain, L.z, L.nIn, L.nOut);
    if (L.act !== ACT_SOFTMAX) applyActivation(L.act, L.z, L.a, L.nOut, net.gammas, l, P, L.pOff);
    ain = L.a;
  }
}

/** The forward pass; returns net.output (a reused buffer). Allocates nothing. */
export function forward(net: Network, x: ArrayLike<number>, off?: number): FloatArray {
  propagate(net, x, off || 0);
  var last = net.layers[net.layers.length - 1];
  if (last.act === ACT_SOFTMAX) softmaxLse(last.z, last.a, last.nOut, net.lse);
  return net.output;
}

/** Index of the largest output (the predicted class); ties go to the first. */
export function argmax(a: ArrayLike<number>, n: number): number {
  var best = 0;
  for (var i = 1; i < n; i++) if (a[i] > a[best]) best = i;
  return best;
}

/** The predicted class; a softmax output is not computed (no exp). */
export function classify(net: Network, x: ArrayLike<number>, off?: number): number {
  propagate(net, x, off || 0);
  var last = net.layers[net.layers.length - 1];
  if (net.outputSize === 1) return net.output[0] > 0.5 ? 1 : 0;
  return argmax(last.act === ACT_SOFTMAX ? last.z : last.a, net.outputSize);
}

/** n rows of d values fit in X and the results in out (the batch calls' checks) */
export function checkBatch(X: ArrayLike<number>, n: number, d: number, outLength: number, need: number): void {
  if (!(n >= 0 && Math.floor(n) === n)) throw new Error("batch: the row count must be a whole number >= 0, got " + n);
  if (X.length < n * d) throw new Error("batch: " + n + " rows of " + d + " values need " + n * d + " values, the input has " + X.length);
  if (outLength < need) throw new Error("batch: the output array has room for " + outLength + " values, " + need + " needed");
}

/** Rows per group of the batch kernel: each weight is read once for ROWS inputs. */
var ROWS = 4;

/** The batch kernel's buffers for one call: per layer, z and a of ROWS rows
 * side by side (row k at k * widest), and per row views of them for the
 * activation loops. */
interface BatchBuffers {
  widest: number;
  z: FloatArray;
  a: FloatArray[];
  zRow: FloatArray[];
  aRow: FloatArray[][];
}

function batchBuffers(net: Network): BatchBuffers {
  var widest = net.inputSize,
    l = 0,
    k = 0;
  for (l = 0; l < net.layers.length; l++) if (net.layers[l].nOut > widest) widest = net.layers[l].nOut;
  // two activation buffers, ping-pong between layers; one z buffer
  var z = allocate(net.arrayType, ROWS * widest),
    a = [allocate(net.arrayType, ROWS * widest), allocate(net.arrayType, ROWS * widest)];
  var zRow: FloatArray[] = [],
    aRow: FloatArray[][] = [[], []];
  for (k = 0; k < ROWS; k++) {
    zRow.push(z.subarray(k * widest, (k + 1) * widest));
    aRow[0].push(a[0].subarray(k * widest, (k + 1) * widest));
    aRow[1].push(a[1].subarray(k * widest, (k + 1) * widest));
  }
  return { widest: widest, z: z, a: a, zRow: zRow, aRow: aRow };
}

/** z = W a + b for ROWS inputs at once (row k of ain and z at k * w): each
 * weight is loaded once for the ROWS rows, each input value once for two
 * weight rows, and each row keeps its own
 * accumulator summed in index order from 0, then b added: the bits of
 * denseForward, row by row. */
function denseForwardRows(
  P: FloatArray,
  wOff: number,
  bOff: number,
  ain: FloatArray,
  z: FloatArray,
  nIn: number,
  nOut: number,
  w: number,
): void {
  var o1 = w,
    o2 = 2 * w,
    o3 = 3 * w,
    i = 0,
    j = 0,
    v = 0,
    u = 0,
    x0 = 0,
    x1 = 0,
    x2 = 0,
    x3 = 0,
    b = 0,
    c = 0;
  // two weight rows by four input rows: eight accumulators, six loads per eight multiply-adds
  for (; i + 1 < nOut; i += 2) {
    var r = wOff + i * nIn,
      q = r + nIn,
      s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0,
      t0 = 0,
      t1 = 0,
      t2 = 0,
      t3 = 0;
    for (j = 0; j < nIn; j++) {
      v = P[r + j];
      u = P[q + j];
      x0 = ain[j];
      x1 = ain[o1 + j];
      x2 = ain[o2 + j];
      x3 = ain[o3 + j];
      s0 += v * x0;
      s1 += v * x1;
      s2 += v * x2;
      s3 += v * x3;
      t0 += u * x0;
      t1 += u * x1;
      t2 += u * x2;
      t3 += u * x3;
    }
    b = P[bOff + i];
    c = P[bOff + i + 1];
    z[i] = s0 + b;
    z[o1 + i] = s1 + b;
    z[o2 + i] = s2 + b;
    z[o3 + i] = s3 + b;
    z[i + 1] = t0 + c;
    z[o1 + i + 1] = t1 + c;
    z[o2 + i + 1] = t2 + c;
    z[o3 + i + 1] = t3 + c;
  }
  for (; i < nOut; i++) {
    var p = wOff + i * nIn,
      a0 = 0,
      a1 = 0,
      a2 = 0,
      a3 = 0;
    for (j = 0; j < nIn; j++) {
      v = P[p + j];
      a0 += v * ain[j];
      a1 += v * ain[o1 + j];
      a2 += v * ain[o2 + j];
      a3 += v * ain[o3 + j];
    }
    b = P[bOff + i];
    z[i] = a0 + b;
    z[o1 + i] = a1 + b;
    z[o2 + i] = a2 + b;
    z[o3 + i] = a3 + b;
  }
}

/** Rows r .. r + ROWS - 1 of X through every layer but a softmax output's
 * activation (as propagate() does for one row); returns which activation
 * buffer holds the last layer's a. */
function propagateRows(net: Network, X: ArrayLike<number>, r: number, B: BatchBuffers): number {
  var d = net.inputSize,
    mean = net.mean,
    inv = net.invStd,
    w = B.widest,
    P = net.params,
    layers = net.layers;
  var ain = B.a[0],
    cur = 0,
    k = 0,
    j = 0;
  // a(0) = (x - mean) * invStd, stored in the network's array type (as setInput does)
  for (k = 0; k < ROWS; k++) for (j = 0; j < d; j++) ain[k * w + j] = (X[(r + k) * d + j] - mean[j]) * inv[j];
  for (var l = 0; l < layers.length; l++) {
    var L = layers[l],
      nxt = 1 - cur;
    denseForwardRows(P, L.wOff, L.bOff, B.a[cur], B.z, L.nIn, L.nOut, w);
    if (L.act !== ACT_SOFTMAX)
      for (k = 0; k < ROWS; k++) applyActivation(L.act, B.zRow[k], B.aRow[nxt][k], L.nOut, net.gammas, l, P, L.pOff);
    cur = nxt;
  }
  return cur;
}

/** forward() of n rows of X (row i at i * inputSize) into out (n x outputSize,
 * row-major; allocated if not given). Four rows at a time through the batch
 * kernel, the same bits per row as forward(). */
export function forwardBatch(net: Network, X: ArrayLike<number>, n: number, out?: FloatArray): FloatArray {
  var d = net.inputSize,
    k = net.outputSize,
    i = 0,
    q = 0,
    last = net.layers[net.layers.length - 1];
  out = out || allocate(net.arrayType, n * k);
  checkBatch(X, n, d, out.length, n * k);
  if (n >= ROWS) {
    var B = batchBuffers(net);
    for (; i + ROWS <= n; i += ROWS) {
      var cur = propagateRows(net, X, i, B);
      for (q = 0; q < ROWS; q++) {
        if (last.act === ACT_SOFTMAX) softmaxLse(B.zRow[q], B.aRow[cur][q], k, net.lse);
        out.set(B.aRow[cur][q].subarray(0, k), (i + q) * k);
      }
    }
  }
  for (; i < n; i++) out.set(forward(net, X, i * d), i * k);
  return out;
}

/** classify() of n rows of X into out (allocated if not given); the batch kernel as in forwardBatch. */
export function classifyBatch(net: Network, X: ArrayLike<number>, n: number, out?: Int32Array): Int32Array {
  var d = net.inputSize,
    k = net.outputSize,
    i = 0,
    q = 0,
    last = net.layers[net.layers.length - 1];
  out = out || new Int32Array(n);
  checkBatch(X, n, d, out.length, n);
  // one output: classify() thresholds a(L) (a softmax of one output is not computed there); row by row
  if (n >= ROWS && k > 1) {
    var B = batchBuffers(net),
      top = last.act === ACT_SOFTMAX;
    for (; i + ROWS <= n; i += ROWS) {
      var cur = propagateRows(net, X, i, B);
      for (q = 0; q < ROWS; q++) out[i + q] = argmax(top ? B.zRow[q] : B.aRow[cur][q], k);
    }
  }
  for (; i < n; i++) out[i] = classify(net, X, i * d);
  return out;
}
