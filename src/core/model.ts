// A trained model as it is stored: per layer the weights (float32, or int16 /
// int8 with one float32 scale per row), biases, activation and PReLU gammas;
// the input normalization; the class labels. Encoded to and decoded from .efnn
// bytes here (format.ts has the layout), built from and turned back into a
// trainable Network.

import { activationById } from "./activations";
import { crc32 } from "./crc32";
import {
  decodeLayout,
  FLAG_IMPUTE,
  FORMAT_VERSION,
  HEADER_BYTES,
  MAX_LABEL_LENGTH,
  MAX_LAYERS,
  T_ACT,
  T_B,
  T_IN,
  T_OUT,
  T_P,
  T_S,
  T_W,
  T_WTYPE,
  WEIGHT_BYTES,
  WEIGHT_F32,
  WEIGHT_I16,
  WEIGHT_I8,
} from "./format";
import { decodeMeta, encodeMeta, ModelMeta } from "./metadata";
import { createNetwork, Network } from "./network";

export type Weights = Float32Array | Int16Array | Int8Array;

export interface ModelLayer {
  nIn: number;
  nOut: number;
  act: number;
  gamma: number;
  wtype: number;
  /** nOut x nIn, row-major */
  W: Weights;
  /** per-row scales of quantized weights (w_ij = scale_i q_ij); null for float32 */
  scales: Float32Array | null;
  b: Float32Array;
  /** PReLU's per-neuron gammas */
  prelu: Float32Array | null;
}

/** A model; its metadata (feature names, target, task, imputation: metadata.ts)
 * is written as a version 2 file, a model without any as version 1. */
export interface Model extends ModelMeta {
  inputSize: number;
  outputSize: number;
  mean: Float32Array;
  invStd: Float32Array;
  labels: string[];
  layers: ModelLayer[];
}

function checkLabel(s: string): void {
  if (s.length < 1 || s.length > MAX_LABEL_LENGTH || !/^[\x20-\x7e]*$/.test(s))
    throw new Error("label " + shownLabel(s) + " cannot be stored: labels are 1 to " + MAX_LABEL_LENGTH + " printable ASCII characters");
}

/** A label as a message shows it: quoted, anything outside printable ASCII as
 * \uXXXX (so no control character reaches a terminal), cut after 60
 * characters with its length (a 10 MB label makes one short line). The host's
 * quoteValue does the same; this one is ES5 and Node-free, as src/core is. */
function shownLabel(s: string): string {
  for (var out = "", i = 0, c = 0; i < s.length; i++) {
    c = s.charCodeAt(i);
    var e = c === 34 || c === 92 ? "\\" + s.charAt(i) : c >= 32 && c <= 126 ? s.charAt(i) : "\\u" + ("000" + c.toString(16)).slice(-4);
    if (out.length + e.length > 60) return '"' + out + '..." (' + s.length + " characters)";
    out += e;
  }
  return '"' + out + '"';
}

/** The model of a float32 network (views into its parameters, not copies). */
export function modelFromNetwork(net: Network, labels?: string[]): Model {
  if (net.arrayType !== "float32") throw new Error("only float32 networks can be stored");
  return {
    inputSize: net.inputSize,
    outputSize: net.outputSize,
    mean: net.mean as Float32Array,
    invStd: net.invStd as Float32Array,
    labels: labels || [],
    layers: net.layers.map(function (L) {
      return {
        nIn: L.nIn,
        nOut: L.nOut,
        act: L.act,
        gamma: L.gamma,
        wtype: WEIGHT_F32,
        W: L.W as Float32Array,
        scales: null,
        b: L.b as Float32Array,
        prelu: L.prelu as Float32Array | null,
      };
    }),
  };
}

/** A trainable float32 network with the model's weights (quantized weights are
 * dequantized: w = scale q, rounded to float32). */
export function networkFromModel(model: Model): Network {
  var net = createNetwork({
    inputSize: model.inputSize,
    layers: model.layers.map(function (L) {
      return { size: L.nOut, activation: activationById(L.act).name, gamma: L.gamma };
    }),
  });
  net.mean.set(model.mean);
  net.invStd.set(model.invStd);
  model.layers.forEach(function (m, l) {
    var L = net.layers[l];
    for (var i = 0; i < m.nOut; i++) {
      var s = m.scales ? m.scales[i] : 1;
      for (var j = 0; j < m.nIn; j++) L.W[i * m.nIn + j] = s * m.W[i * m.nIn + j];
    }
    L.b.set(m.b);
    if (L.prelu && m.prelu) L.prelu.set(m.prelu);
  });
  return net;
}

/** n rounded up to a multiple of 4, exact past 2^32 (no `& ~3`: it wraps) */
function pad4(n: number): number {
  return n + (-n & 3);
}

/** Throws unless a holds n values, all finite: NaN or an infinity anywhere makes
 * every output NaN. The message names the section as load() does on the board,
 * e.g. "layer 2 biases: value 7 is NaN" (values counted from 1). */
function checkValues(what: string, a: ArrayLike<number> | null | undefined, n: number): void {
  if (!a || a.length !== n) throw new Error(what + ": " + (a ? a.length : "no") + " values, expected " + n);
  for (var i = 0; i < n; i++) if (!(a[i] - a[i] === 0)) throw new Error(what + ": value " + (i + 1) + " is " + a[i]);
}

/** Every value of a model checked, in the order load() checks them: the
 * normalization, then per layer its weights, scales, biases, gammas, gamma. */
function checkModelValues(model: Model): void {
  var norm = new Float64Array(2 * model.inputSize);
  if (model.mean.length !== model.inputSize || model.invStd.length !== model.inputSize)
    throw new Error(
      "normalization: " + model.mean.length + " means and " + model.invStd.length + " 1/std for " + model.inputSize + " inputs",
    );
  norm.set(model.mean);
  norm.set(model.invStd, model.inputSize);
  checkValues("normalization", norm, norm.length);
  var prev = model.inputSize;
  model.layers.forEach(function (m, l) {
    var name = "layer " + (l + 1) + " ";
    if (m.nIn !== prev) throw new Error(name + "has " + m.nIn + " inputs, expected " + prev);
    prev = m.nOut;
    checkValues(name + "weights", m.W, m.nOut * m.nIn);
    if (m.wtype !== WEIGHT_F32) checkValues(name + "scales", m.scales, m.nOut);
    checkValues(name + "biases", m.b, m.nOut);
    if (activationById(m.act).parameter === "neuron") checkValues(name + "gammas", m.prelu, m.nOut);
    // (an int16 / int8 array holds only what fits; a float array given as quantized weights might not)
    var q = m.wtype === WEIGHT_I8 ? 128 : m.wtype === WEIGHT_I16 ? 32768 : 0;
    for (var i = 0; q && i < m.W.length; i++)
      if (m.W[i] !== Math.round(m.W[i]) || m.W[i] < -q || m.W[i] >= q)
        throw new Error(name + "weights: value " + (i + 1) + " is " + m.W[i] + ", not an int" + (q > 128 ? 16 : 8));
    checkValues(name + "gamma", [m.gamma], 1);
  });
}

/** Throws unless the model can be stored: its layer count, labels, sizes,
 * weight types and values. Returns the labels' byte count. */
function checkEncodable(model: Model): number {
  var nLayers = model.layers.length;
  if (nLayers < 1 || nLayers > MAX_LAYERS) throw new Error("a model has 1 to " + MAX_LAYERS + " layers, not " + nLayers);
  var labels = model.labels;
  // K = M_L labels name the classes; one output (a binary classifier) takes 2:
  // labels[0] for output <= 0.5, labels[1] for > 0.5 (docs/FORMAT.md)
  if (labels.length && labels.length !== (model.outputSize > 1 ? model.outputSize : 2))
    throw new Error(
      labels.length +
        " labels for " +
        model.outputSize +
        " outputs" +
        (model.outputSize > 1
          ? ""
          : ": a one-output (binary) classifier has 2 labels, for outputs <= 0.5 and > 0.5; a regression model none"),
    );
  var labelBytes = 0;
  labels.forEach(function (s) {
    checkLabel(s);
    labelBytes += 1 + s.length;
  });
  var sizes = [model.inputSize];
  model.layers.forEach(function (m) {
    sizes.push(m.nOut);
  });
  sizes.forEach(function (s) {
    if (!(s >= 1 && s <= 65535)) throw new Error("layer sizes are 1 to 65535, not " + s);
  });
  model.layers.forEach(function (m, l) {
    if (!(m.wtype >= WEIGHT_F32 && m.wtype <= WEIGHT_I8)) throw new Error("layer " + (l + 1) + ": unknown weight type " + m.wtype);
  });
  checkModelValues(model);
  return labelBytes;
}

/** The .efnn bytes of a model. Only the header, the layer table and the labels
 * are written in order; every other section goes where decodeLayout, reading
 * them back, says it lies: the parser is the format's one description of the
 * layout, so writer and reader cannot disagree (a size computed wrong here
 * fails its check, not a board). */
export function encodeModel(model: Model): Uint8Array {
  var labelBytes = checkEncodable(model),
    labels = model.labels,
    nLayers = model.layers.length;
  var meta = encodeMeta(model, model.inputSize);
  if (model.impute === "center") throw new Error("imputation center: say mean or median");
  // the file's size: header, table, normalization, labels, then per layer scales, biases,
  // gammas and the padded weights, the metadata, the checksum
  var size = HEADER_BYTES + 8 * nLayers + 8 * model.inputSize + pad4(labelBytes);
  model.layers.forEach(function (m) {
    size += 4 * m.nOut * ((m.wtype !== WEIGHT_F32 ? 1 : 0) + 1 + (activationById(m.act).parameter === "neuron" ? 1 : 0));
    size += pad4(m.nOut * m.nIn * WEIGHT_BYTES[m.wtype]);
  });
  size += (meta ? meta.length : 0) + 4;
  var out = new Uint8Array(size),
    dv = new DataView(out.buffer),
    off = 0;
  function u8(v: number) {
    out[off++] = v;
  }
  function u16(v: number) {
    dv.setUint16(off, v, true);
    off += 2;
  }
  function f32s(a: ArrayLike<number>, at: number) {
    for (var i = 0; i < a.length; i++) dv.setFloat32(at + 4 * i, a[i], true);
  }
  u8(0x45);
  u8(0x46);
  u8(0x4e);
  u8(0x4e);
  u8(meta ? FORMAT_VERSION : 1);
  u8(nLayers);
  u16(model.inputSize);
  u16(labels.length);
  u16(labelBytes);
  u16(model.impute ? FLAG_IMPUTE : 0);
  off += 2; // the flags' high half: 0
  model.layers.forEach(function (m) {
    u16(m.nOut);
    u8(m.act);
    u8(m.wtype);
    dv.setFloat32(off, m.gamma, true);
    off += 4;
  });
  off += 8 * model.inputSize; // the normalization, written below at meanOff
  labels.forEach(function (s) {
    u8(s.length);
    for (var i = 0; i < s.length; i++) u8(s.charCodeAt(i));
  });
  // the checksum is still 0, and so is what this stand-in CRC returns: it is written last
  var lay = decodeLayout(out, function () {
      return 0;
    }),
    T = lay.T;
  f32s(model.mean, lay.meanOff);
  f32s(model.invStd, lay.meanOff + 4 * model.inputSize);
  model.layers.forEach(function (m, l) {
    var t = 8 * l,
      n = m.nOut * m.nIn,
      W = m.W,
      o = T[t + T_W];
    if (T[t + T_S] >= 0) f32s(m.scales as Float32Array, T[t + T_S]);
    f32s(m.b, T[t + T_B]);
    if (T[t + T_P] >= 0) f32s(m.prelu as Float32Array, T[t + T_P]);
    if (W.length !== n) throw new Error("layer weights: " + W.length + " values for a " + m.nOut + "x" + m.nIn + " layer");
    for (var i = 0; i < n; i++) {
      if (m.wtype === WEIGHT_F32) dv.setFloat32(o + 4 * i, W[i], true);
      else if (m.wtype === WEIGHT_I16) dv.setInt16(o + 2 * i, W[i], true);
      else dv.setInt8(o + i, W[i]);
    }
    off = pad4(o + n * WEIGHT_BYTES[m.wtype]);
  });
  // version 2: the metadata runs from the last layer's weights to the checksum
  if (meta) out.set(meta, off);
  dv.setUint32(size - 4, crc32(out, size - 4), true);
  return out;
}

/** Decodes .efnn bytes into a model whose arrays are views into the bytes (copied once if misaligned). */
export function decodeModel(bytes: Uint8Array): Model {
  var lay = decodeLayout(bytes);
  if (bytes.byteOffset & 3) bytes = new Uint8Array(bytes); // typed-array views need 4-byte alignment in Node
  var buf = bytes.buffer,
    base = bytes.byteOffset;
  function f32(off: number, n: number): Float32Array {
    return new Float32Array(buf, base + off, n);
  }
  var T = lay.T,
    layers: ModelLayer[] = [],
    t = T.length - 8;
  // the metadata lies between the last layer's weights and the checksum (version 2; empty in version 1)
  var metaOff = T[t + T_W] + T[t + T_OUT] * T[t + T_IN] * WEIGHT_BYTES[T[t + T_WTYPE]];
  var meta = decodeMeta(bytes, metaOff + (-metaOff & 3), bytes.length - 4, lay.inputSize, bytes[12]);
  for (var l = 0; l < T.length / 8; l++) {
    var t = 8 * l,
      nIn = T[t + T_IN],
      nOut = T[t + T_OUT],
      w = T[t + T_WTYPE],
      o = T[t + T_W],
      n = nIn * nOut;
    layers.push({
      nIn: nIn,
      nOut: nOut,
      act: T[t + T_ACT],
      gamma: f32(HEADER_BYTES + 8 * l + 4, 1)[0],
      wtype: w,
      W: w === WEIGHT_F32 ? f32(o, n) : w === WEIGHT_I16 ? new Int16Array(buf, base + o, n) : new Int8Array(buf, base + o, n),
      scales: T[t + T_S] >= 0 ? f32(T[t + T_S], nOut) : null,
      b: f32(T[t + T_B], nOut),
      prelu: T[t + T_P] >= 0 ? f32(T[t + T_P], nOut) : null,
    });
  }
  var model: Model = {
    inputSize: lay.inputSize,
    outputSize: lay.outputSize,
    mean: f32(lay.meanOff, lay.inputSize),
    invStd: f32(lay.meanOff + 4 * lay.inputSize, lay.inputSize),
    labels: lay.labels,
    layers: layers,
  };
  if (meta.features) model.features = meta.features;
  if (meta.target !== undefined) model.target = meta.target;
  if (meta.task) model.task = meta.task;
  if (meta.impute) model.impute = meta.impute;
  checkModelValues(model);
  return model;
}
