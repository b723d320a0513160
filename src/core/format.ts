// The .efnn model file, byte by byte in docs/FORMAT.md. Little-endian.
//
//   header (16 bytes)   "EFNN", u8 version, u8 layers L, u16 input size M_0,
//                       u16 label count, u16 label bytes, u32 flags (0)
//   layer table         L x (u16 size M_l, u8 activation id, u8 weight type, f32 gamma)
//   normalization       f32 mean[M_0], f32 invStd[M_0]
//   labels              per label: u8 length, ASCII bytes; padded to 4
//   per layer l         f32 scales[M_l] (quantized layers), f32 biases[M_l],
//                       f32 gammas[M_l] (PReLU layers)
//   per layer l         weights M_l x M_(l-1), row-major, f32 / i16 / i8; padded to 4
//   CRC-32              u32 over every byte before it
//
// The small float sections come before all weights, so on Espruino (views at
// most 64 KiB into a buffer) only weight sections can lie beyond 64 KiB, and
// they can be read from Storage separately.
//
// decodeLayout() is the validating parser shared by host and board: it checks
// every size against the bytes present before anything is allocated, and that
// the sections end exactly at the checksum.

import { ACT_PRELU, ACT_SOFTMAX } from "./activations";
import { crc32 } from "./crc32";

export var FORMAT_VERSION = 1;
export var WEIGHT_F32 = 0;
export var WEIGHT_I16 = 1;
export var WEIGHT_I8 = 2;
export var MAX_LAYERS = 64;
export var MAX_LABEL_LENGTH = 32;
export var HEADER_BYTES = 16;
var LAYER_ENTRY_BYTES = 8;
var LAST_ACTIVATION_ID = ACT_SOFTMAX;

/** bytes per weight of each weight type */
export var WEIGHT_BYTES = [4, 2, 1];

export interface LayerLayout {
  nIn: number;
  nOut: number;
  act: number;
  gamma: number;
  /** WEIGHT_F32, WEIGHT_I16 or WEIGHT_I8 */
  wtype: number;
  /** byte offsets into the file; -1 where the section is absent */
  wOff: number;
  sOff: number;
  bOff: number;
  pOff: number;
}

export interface Layout {
  version: number;
  inputSize: number;
  outputSize: number;
  /** the widest layer, input included: the size of the runtime's buffers */
  widest: number;
  meanOff: number;
  invStdOff: number;
  labels: string[];
  layers: LayerLayout[];
  /** file size, checksum included */
  size: number;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function u16(b: ArrayLike<number>, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

function u32(b: ArrayLike<number>, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

var f32scratch = new Float32Array(1);
var u8scratch = new Uint8Array(f32scratch.buffer);

function f32(b: ArrayLike<number>, o: number): number {
  for (var i = 0; i < 4; i++) u8scratch[i] = b[o + i];
  return f32scratch[0];
}

/**
 * Parses and checks a model file's structure. `bytes` is the whole file
 * (exactly: nothing before or after). `crc` computes the CRC-32 of the first n
 * bytes (the board passes its native E.CRC32). Throws an Error that says what is
 * wrong; allocates nothing proportional to sizes it has not checked.
 */
export function decodeLayout(bytes: ArrayLike<number>, crc?: (n: number) => number): Layout {
  var n = bytes.length, off = 0, l = 0;
  function fail(msg: string): never {
    throw new Error(msg);
  }
  function need(what: string, count: number): number {
    if (off + count > n) fail("truncated: " + what + " need" + (what.charAt(what.length - 1) === "s" ? "" : "s") + " " + count + " bytes, " + (n - off) + " left");
    var at = off;
    off += count;
    return at;
  }
  if (n < 4 || bytes[0] !== 0x45 || bytes[1] !== 0x46 || bytes[2] !== 0x4e || bytes[3] !== 0x4e)
    fail("not an .efnn file (it does not start with EFNN)");
  need("header", HEADER_BYTES);
  var version = bytes[4];
  if (version > FORMAT_VERSION) fail("format version " + version + " is newer than this runtime (" + FORMAT_VERSION + ")");
  if (version < 1) fail("format version 0 is not a valid version");
  var L = bytes[5], inputSize = u16(bytes, 6), nLabels = u16(bytes, 8), labelBytes = u16(bytes, 10);
  if (u32(bytes, 12) !== 0) fail("unknown flags " + u32(bytes, 12) + ": made by a newer edgefnn");
  if (L < 1 || L > MAX_LAYERS) fail("layer count " + L + " is out of range 1.." + MAX_LAYERS);
  if (inputSize < 1) fail("input size is 0");
  var at = need("layer table", L * LAYER_ENTRY_BYTES);
  var layers: LayerLayout[] = [], prev = inputSize, widest = inputSize;
  for (l = 0; l < L; l++) {
    var e = at + l * LAYER_ENTRY_BYTES, size = u16(bytes, e), act = bytes[e + 2], wtype = bytes[e + 3], gamma = f32(bytes, e + 4);
    var name = "layer " + (l + 1);
    if (size < 1) fail(name + " has size 0");
    if (act > LAST_ACTIVATION_ID) fail(name + ": unknown activation id " + act);
    if (act === ACT_SOFTMAX && l !== L - 1) fail(name + ": softmax before the output layer");
    if (wtype > WEIGHT_I8) fail(name + ": unknown weight type " + wtype);
    if (!isFinite(gamma)) fail(name + ": activation parameter is not a finite number");
    layers.push({ nIn: prev, nOut: size, act: act, gamma: gamma, wtype: wtype, wOff: -1, sOff: -1, bOff: -1, pOff: -1 });
    if (size > widest) widest = size;
    prev = size;
  }
  if (nLabels !== 0 && nLabels !== prev) fail(nLabels + " labels for " + prev + " outputs");
  var meanOff = need("normalization", 8 * inputSize);
  var labels: string[] = [];
  var lab = need("labels", pad4(labelBytes)), end = lab + labelBytes;
  for (var k = 0; k < nLabels; k++) {
    var len = lab < end ? bytes[lab] : 0;
    if (len < 1 || len > MAX_LABEL_LENGTH || lab + 1 + len > end) fail("label " + (k + 1) + " is malformed");
    var s = "";
    for (var i = lab + 1; i <= lab + len; i++) {
      if (bytes[i] < 32 || bytes[i] > 126) fail("label " + (k + 1) + " is not printable ASCII");
      s += String.fromCharCode(bytes[i]);
    }
    labels.push(s);
    lab += 1 + len;
  }
  if (lab !== end) fail("labels section has " + (end - lab) + " unused bytes");
  for (l = 0; l < L; l++) {
    var y = layers[l];
    name = "layer " + (l + 1);
    if (y.wtype !== WEIGHT_F32) y.sOff = need(name + " scales", 4 * y.nOut);
    y.bOff = need(name + " biases", 4 * y.nOut);
    if (y.act === ACT_PRELU) y.pOff = need(name + " gammas", 4 * y.nOut);
  }
  for (l = 0; l < L; l++) {
    y = layers[l];
    y.wOff = need("layer " + (l + 1) + " weights", pad4(y.nOut * y.nIn * WEIGHT_BYTES[y.wtype]));
  }
  need("checksum", 4);
  if (off !== n) fail(n - off + " bytes of trailing data after the checksum");
  if ((crc ? crc(n - 4) : crc32(bytes, n - 4)) !== u32(bytes, n - 4)) fail("checksum mismatch: file is corrupt");
  return {
    version: version,
    inputSize: inputSize,
    outputSize: prev,
    widest: widest,
    meanOff: meanOff,
    invStdOff: meanOff + 4 * inputSize,
    labels: labels,
    layers: layers,
    size: n,
  };
}
