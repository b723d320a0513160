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
//   metadata (v2)       names, task, imputation: read by the host only (model.ts)
//   CRC-32              u32 over every byte before it
//
// The small float sections come before all weights, so on Espruino (views at
// most 64 KiB into a buffer) only weight sections can lie beyond 64 KiB, and
// they can be read from Storage separately.
//
// decodeLayout() is the validating parser shared by host and board: it checks
// every size against the bytes present before anything is allocated, and that
// the sections end exactly at the checksum. The values in the sections (no NaN,
// no infinity) are checked after it: by decodeModel on the host, by load() on
// the board (docs/FORMAT.md says what is checked where).

import { ACT_GAMMA_PER_NEURON, ACT_OUTPUT_ONLY, LAST_ACTIVATION_ID } from "./activations";
import { crc32 } from "./crc32";

/** the newest version written and read; version 1 files are still read */
export var FORMAT_VERSION = 2;
/** header flag bit 0: a missing input (NaN) x_j is taken as mean_j, the
 * normalization's center (the training split's mean or median: --impute) */
export var FLAG_IMPUTE = 1;
export var WEIGHT_F32 = 0;
export var WEIGHT_I16 = 1;
export var WEIGHT_I8 = 2;
export var MAX_LAYERS = 64;
export var MAX_LABEL_LENGTH = 32;
export var HEADER_BYTES = 16;
/** bytes of one layer table entry in the file; its f32 gamma at byte ENTRY_GAMMA of it */
export var LAYER_ENTRY_BYTES = 8;
export var ENTRY_GAMMA = 4;

/** bytes per weight of each weight type */
export var WEIGHT_BYTES = [4, 2, 1];

// The layer table as the parser returns it: 8 integers per layer in one
// Int32Array (on a board, an object per layer would cost blocks).
export var T_IN = 0; // M_(l-1)
export var T_OUT = 1; // M_l
export var T_ACT = 2; // activation id
export var T_WTYPE = 3; // WEIGHT_F32, WEIGHT_I16 or WEIGHT_I8
export var T_W = 4; // byte offsets into the file of the weights,
export var T_S = 5; //   the scales (-1: float32 weights),
export var T_B = 6; //   the biases,
export var T_P = 7; //   PReLU's gammas (-1: not PReLU)
/** integers per layer in T (a count, not the file's 8-byte entry: T.length / T_FIELDS layers) */
export var T_FIELDS = 8;

export interface Layout {
  inputSize: number;
  outputSize: number;
  /** the widest layer, input included: the size of the runtime's buffers */
  widest: number;
  /** offset of the f32 means; the f32 1/std follow */
  meanOff: number;
  labels: string[];
  /** 8 integers per layer (T_IN ... T_P); the layer count is T.length / 8, each
   * layer's activation parameter gamma the f32 at 16 + 8 l + 4 (checked with
   * the other values: by decodeModel on the host, by load() on the board) */
  T: Int32Array;
}

/** the little-endian u16 at o */
export function u16(b: ArrayLike<number>, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

/** throws an Error with the message (one short call: the board's bundle is small) */
export function fail(msg: string): never {
  throw new Error(msg);
}

/** The count labels of the labels section at byte at of b, len bytes (padding
 * excluded): checked here, so the board can re-read them from the file when
 * asked. (Offsets into one view, not a view of the section: on Espruino a view
 * given a length of 0 runs to the end of its buffer.) */
export function readLabels(b: ArrayLike<number>, at: number, len: number, count: number): string[] {
  for (var labels: string[] = [], end = at + len, p = at, k = 0, i: number, n: number, s: string; k < count; k++, p += n + 1) {
    n = p < end ? b[p] : 0;
    if (!(n > 0 && n <= MAX_LABEL_LENGTH && p + n < end)) fail("label " + (k + 1) + " is malformed");
    for (s = "", i = p + 1; i <= p + n; i++) {
      if (b[i] < 32 || b[i] > 126) fail("label " + (k + 1) + " is not printable ASCII");
      s += String.fromCharCode(b[i]);
    }
    labels[k] = s;
  }
  if (p < end) fail("labels: " + (end - p) + " unused bytes");
  return labels;
}

/**
 * Parses and checks a model file's structure. `bytes` is the whole file
 * (exactly: nothing before or after). `crc` computes the CRC-32 of the first n
 * bytes (the board passes its native E.CRC32). Throws an Error that says what is
 * wrong; allocates nothing proportional to sizes it has not checked.
 */
export function decodeLayout(bytes: Uint8Array, crc?: ((n: number) => number) | false): Layout {
  var n = bytes.length,
    off = 0,
    l = 0,
    t = 0,
    name: string;
  // Every section takes a multiple of 4 bytes: labels and weights are padded,
  // all others are multiples of 4 already. (No helper functions here: on the
  // board each function the runtime defines costs ~8 blocks of RAM.) Sizes run
  // to 64 x 65535 x 65535 x 4 bytes, past 2^32: the arithmetic stays in exact
  // doubles (below 2^53), never `| 0` or `& ~3` on a size, which wrapped and
  // let a 2^32-byte section count as 0 bytes and sections overlap. (-count & 3
  // is exact: the low 2 bits survive ToInt32.) Sections are laid end to end
  // from off, each checked to end within the file: none can overlap another.
  function need(what: string, count: number): number {
    count += -count & 3;
    if (off + count > n) fail("truncated at " + what + " (" + count + " bytes, " + (n - off) + " left)");
    return (off += count) - count;
  }
  // (a file under 4 bytes reads undefined there: not EFNN either)
  if (bytes[0] !== 0x45 || bytes[1] !== 0x46 || bytes[2] !== 0x4e || bytes[3] !== 0x4e)
    fail("not an .efnn file (it does not start with EFNN)");
  // the layer table keeps offsets in an Int32Array (Node's fs reads at most 2 GiB anyway)
  if (n > 0x7fffffff) fail(n + " bytes: models are under 2 GiB");
  need("header", HEADER_BYTES);
  // (byte arithmetic, not a DataView: on the board each built-in first used costs blocks)
  var version = bytes[4],
    L = bytes[5],
    inputSize = u16(bytes, 6);
  if (version < 1 || version > FORMAT_VERSION)
    fail("format version " + version + (version ? " is newer than this runtime (" + FORMAT_VERSION + ")" : " is not valid"));
  if ((u16(bytes, 12) & ~FLAG_IMPUTE) | u16(bytes, 14)) fail("unknown flags: made by a newer edgefnn");
  if (L < 1 || L > MAX_LAYERS) fail("layer count " + L + " is out of range 1.." + MAX_LAYERS);
  if (inputSize < 1) fail("no inputs");
  var at = need("layer table", L * LAYER_ENTRY_BYTES);
  // Only now, with L checked against the bytes present, allocate per layer.
  var T = new Int32Array(8 * L),
    prev = inputSize,
    widest = inputSize;
  for (; l < L; l++, t += 8, at += 8) {
    var size = u16(bytes, at),
      act = bytes[at + 2],
      wtype = bytes[at + 3];
    name = "layer " + (l + 1);
    if (size < 1) fail(name + " has size 0");
    if (act > LAST_ACTIVATION_ID) fail(name + ": unknown activation id " + act);
    if (act === ACT_OUTPUT_ONLY && l !== L - 1) fail(name + ": softmax before the output layer");
    if (wtype > WEIGHT_I8) fail(name + ": unknown weight type " + wtype);
    T[t] = prev; // T_IN
    T[t + T_OUT] = size;
    T[t + T_ACT] = act;
    T[t + T_WTYPE] = wtype;
    T[t + T_S] = T[t + T_P] = -1;
    if (size > widest) widest = size;
    prev = size;
  }
  var nLabels = u16(bytes, 8),
    labelBytes = u16(bytes, 10);
  if (nLabels && nLabels !== (prev > 1 ? prev : 2))
    fail(nLabels + " labels for " + prev + " outputs" + (prev > 1 ? "" : " (1 output: 2 labels or none)"));
  var meanOff = need("normalization", 8 * inputSize),
    lab = need("labels", labelBytes);
  var labels = readLabels(bytes, lab, labelBytes, nLabels);
  for (l = t = 0; l < L; l++, t += 8) {
    name = "layer " + (l + 1);
    if (T[t + T_WTYPE] !== WEIGHT_F32) T[t + T_S] = need(name + " scales", 4 * T[t + T_OUT]);
    T[t + T_B] = need(name + " biases", 4 * T[t + T_OUT]);
    if (T[t + T_ACT] === ACT_GAMMA_PER_NEURON) T[t + T_P] = need(name + " gammas", 4 * T[t + T_OUT]);
  }
  for (l = t = 0; l < L; l++, t += 8)
    T[t + T_W] = need("layer " + (l + 1) + " weights", T[t + T_OUT] * T[t + T_IN] * WEIGHT_BYTES[T[t + T_WTYPE]]);
  // version 2: the metadata section runs from here to the checksum; what it
  // holds (names, task) does not change an output, so only the host reads it
  need("checksum", 4);
  if (version < 2 && off !== n) fail(n - off + " bytes of trailing data after the checksum");
  if ((crc ? crc(n - 4) : crc32(bytes, n - 4)) !== (u16(bytes, n - 4) | (u16(bytes, n - 2) << 16)) >>> 0)
    fail("checksum mismatch: file is corrupt");
  return { inputSize: inputSize, outputSize: prev, widest: widest, meanOff: meanOff, labels: labels, T: T };
}
