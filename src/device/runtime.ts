// The board runtime: load(.efnn bytes) -> a model with run(x), classify(x),
// labels, inputSize, outputSize. ES5 for the Espruino interpreter (no
// hoisting: declare before use; no classes, spread or for-of) and for Node.js
// on a Raspberry Pi.
//
// Weights are used in place through views into the file's buffer, never
// copied. Working memory: one Float32Array of twice the widest layer, the two
// ping-pong halves of the forward pass.
//
// On Espruino (a global E exists) each dense row is one native E.convolve call
// on a temporary view of the row, and a model keeps no view between calls:
// views cost blocks (ESPRUINO.md), the flash-backed file costs nothing. A model
// is one property: its state array; everything else (methods, inputSize,
// outputSize, labels) lives on a shared prototype and is read from the file
// when asked. Elsewhere the views are made once at load and rows are plain
// loops, so run() allocates nothing. Both sum each row in index order in double
// precision, so they give the same numbers.

import { ACT_HARD_TANH, ACT_LINEAR, ACT_RELU, ACT_SOFTMAX } from "../core/activations";
import { applyActivation, softmax } from "../core/apply-activation";
import { decodeLayout, fail, FLAG_IMPUTE, readLabels, u16, WEIGHT_BYTES } from "../core/format";

interface Espruino {
  convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number;
  CRC32(data: unknown): number;
  sum(a: ArrayLike<number>): number;
  toArrayBuffer(s: string): ArrayBuffer;
}
declare var E: Espruino;
declare function require(name: string): {
  read(name: string, offset?: number, length?: number): string | undefined;
};

type Weights = Float32Array | Int16Array | Int8Array;
type ArrayType = Float32ArrayConstructor | Int16ArrayConstructor | Int8ArrayConstructor;

export interface DeviceModel {
  readonly inputSize: number;
  readonly outputSize: number;
  /** the class labels, read from the file at each access ([] if it has none) */
  readonly labels: string[];
  /** the outputs a(L); the same Float32Array every call */
  run(x: ArrayLike<number>): Float32Array;
  /** index of the top output (without computing softmax's exp) */
  classify(x: ArrayLike<number>): number;
}

/** A model's state, one array (one property on the board):
 * [file buffer, byte offset of the file in it, layer table T (format.ts), ping-pong
 *  buffer A, buffer B (two views of one buffer), output view, Storage name
 *  (loadFile) or null, 1 (identity normalization: a copy) or what a missing
 *  input normalizes to (0: the model imputes, FLAG_IMPUTE; NaN), views (Node: the means, the
 *  1/std, then per layer its weights, scales, biases, gammas (null if none),
 *  gamma) or null, the file's last 4 bytes (its CRC: loadFile)] */
type State = [ArrayBuffer, number, Int32Array, Float32Array, Float32Array, Float32Array, string | null, number, (Weights | null)[] | null, string];

interface Model extends DeviceModel {
  _: State;
}

/** on Espruino (a global E), not Node */
var ESP = typeof E !== "undefined";
var TYPES: ArrayType[] = [Float32Array, Int16Array, Int8Array];

/** n elements of weight type w at file offset off. On Espruino a view can start
 * at most 65535 bytes into its buffer: past that, loadFile's models read the
 * section from Storage (a flash-backed buffer again, no RAM for the data). */
function view(s: State, off: number, n: number, w: number): Weights {
  var Ty = TYPES[w];
  return s[6] && s[1] + off > 65535 ? new Ty(stored(s, off, n * WEIGHT_BYTES[w])) : new Ty(s[0], s[1] + off, n);
}

/** len bytes at off in a loadFile model's Storage file: a buffer over flash, or a RAM copy */
function stored(s: State, off: number, len: number, copy?: boolean): ArrayBuffer {
  var f = require("Storage").read(s[6] as string, off, len) as string;
  return E.toArrayBuffer(copy ? f + "" : f);
}

/** The loops over a layer's rows, y_i for i in i..n-1, by mode k:
 *  0, 1, 2 (Espruino): y_i = f(scale_i (q_i . x) + b_i), the dot product native
 *    on a temporary view of the row at byte o of buf (m weights, r bytes apart),
 *    f = identity, ReLU or hard-tanh in the same statement: clipping z in double
 *    then rounding to float32 equals rounding first (0 and +-1 are exact), and
 *    core computes them with the same Math.max/min;
 *  3: the input normalization, y_i = (x_i - S_i) b_i (S the means, b 1/std),
 *    o where that is NaN (x_i missing): 0 (x_i taken as S_i) for a model that
 *    imputes (FLAG_IMPUTE), NaN for the others;
 *  4 (elsewhere): the same row sums as plain loops over the layer's weights W.
 * Every sum runs in index order in double precision, so all give the same bits.
 * The interpreter looks names up by walking the scope's variables in order and
 * re-reads each statement it runs: so the row statement's names come first,
 * and there is one loop per activation (ESPRUINO-MEASUREMENTS.md). */
var rows = function (
  i: number, n: number, y: Float32Array, o: number, r: number, cv: Espruino["convolve"], mx: (a: number, b: number) => number,
  T: ArrayType, buf: ArrayBuffer, m: number, x: ArrayLike<number>, S: ArrayLike<number> | null, b: ArrayLike<number>, k: number,
  mn: (a: number, b: number) => number, W: Weights,
): void {
  // A Storage module's functions run from flash, re-read at every statement; on
  // SPI flash (Bangle.js, the Linux build) that costs more than the rows' own
  // arithmetic. Espruino's "ram" directive copies this one function into RAM
  // when the module loads, tokenised (keywords as single bytes): the same speed
  // and 2 blocks fewer than the eval'd copy it replaces, and no eval
  // (ESPRUINO-MEASUREMENTS.md). Other engines ignore the directive; Espruino
  // builds without pretokenise keep the function in flash.
  "ram";
  if (!k) for (; i < n; i++, o += r) y[i] = cv(new T(buf, o, m), x, 0) * S![i] + b[i];
  else if (k < 2) for (; i < n; i++, o += r) y[i] = mx(0, cv(new T(buf, o, m), x, 0) * S![i] + b[i]);
  else if (k < 3) for (; i < n; i++, o += r) y[i] = mn(1, mx(-1, cv(new T(buf, o, m), x, 0) * S![i] + b[i]));
  else if (k < 4) for (; i < n; i++) y[i] = (r = (x[i] - S![i]) * b[i]) === r ? r : o;
  else
    for (; i < n; i++, o += m) {
      for (var z = 0, j = 0; j < m; j++) z += W[o + j] * x[j];
      y[i] = (S ? z * S[i] : z) + b[i];
    }
};

/** an argument a mode of rows() does not use */
var X = 0 as never;

/** A loadFile model's Storage file, found again before each use of it: the
 * scales and biases are read by name, and a file rewritten under the name is
 * another model (2v29 also nulls buffers into an erased file). Compaction moves
 * files; since 2v10 the interpreter moves buffers over them too, before that a
 * buffer from before read another place. */
function refind(s: State): void {
  if (s[6]) {
    var F = require("Storage").read(s[6]);
    if (!F || F.substr(-4) !== s[9]) fail(s[6] + (F ? " changed in Storage: loadFile() it again" : " is no longer in Storage"));
    s[0] = E.toArrayBuffer(F);
  }
}

/** The forward pass into the output view; the output softmax is skipped for classify. */
function forward(s: State, x: ArrayLike<number>, top: boolean): void {
  var T = s[2], V = s[8], A = s[3], cur = A, nxt = s[4], t = 0, i = 0, j = 0, M = T[0], L = T.length / 8, l = 0;
  // (a short x would read undefined: NaN outputs and class 0, without a word)
  if (x.length - M) fail(x.length + " inputs, expected " + M);
  refind(s);
  // a(0) = (x - mean) * invStd, the statistics right after the layer table; a
  // native copy when the quantizer folded them into layer 1 ((x - 0) * 1 = x)
  if (s[7]) A.set(x);
  else {
    var N = (V ? V[0] : view(s, 16 + 8 * L, 2 * M, 0)) as Weights;
    rows(0, M, A, s[7], 0, X, X, X, X, 0, x, N, (V ? V[1] : N.subarray(M)) as Weights, 3, X, N);
  }
  for (; l < L; l++, t += 8) {
    var m = T[t], n = T[t + 1], act = T[t + 2], f = V ? 4 : act === ACT_RELU ? 1 : act === ACT_HARD_TANH ? 2 : 0, r = m * WEIGHT_BYTES[T[t + 3]], v = 5 * l + 2;
    if (V) rows(0, n, nxt, 0, 0, X, X, X, X, m, cur, V[v + 1], V[v + 2] as Weights, 4, X, V[v] as Weights);
    else {
      // The scales and biases (adjacent in the file), read 2n times by the rows:
      // one RAM copy (reading them from flash inside the row statement was
      // slower). From a Storage file in one read: `+ ""` copies the flash string
      // in chunks, where a typed-array copy of a flash view reads it float by
      // float (0.13 vs 0.23 ms for 128 floats on the Linux build). Float32
      // weights get scales of 1 (exact).
      var sc = T[t + 5], B = sc >= 0 && s[6] ? new Float32Array(stored(s, sc, 8 * n, true)) : new Float32Array(2 * n);
      if (sc < 0) for (i = 0; i < n; i++) B[i] = 1;
      if (sc < 0 || !s[6]) B.set(view(s, sc < 0 ? T[t + 6] : sc, sc < 0 ? n : 2 * n, 0), sc < 0 ? n : 0);
      for (i = 0; i < n; i = j) {
        var o = s[1] + T[t + 4] + i * r, buf = s[0];
        j = n;
        if (o + (n - 1 - i) * r > 65535) {
          // rows a view cannot reach (64 KiB into the file's buffer): read from Storage
          j = Math.min(n, i + ((65536 / r) | 0 || 1));
          buf = stored(s, o - s[1], (j - i) * r);
          o = 0;
        }
        rows(i, j, nxt, o, r, E.convolve, Math.max, TYPES[T[t + 3]], buf, m, cur, B, B.subarray(n), f, Math.min, B);
      }
    }
    if (act === ACT_SOFTMAX) {
      if (!top) softmax(nxt, nxt, n);
    } else if (act !== ACT_LINEAR && !(f & 3))
      // the layer's gamma is in the file's layer table (16 + 8 l + 4); PReLU's gammas in their section
      applyActivation(act, nxt, nxt, n, (V ? V[v + 4] : view(s, 20 + 8 * l, 1, 0)) as Float32Array, 0, (V ? V[v + 3] : T[t + 7] < 0 ? nxt : view(s, T[t + 7], n, 0)) as Float32Array, 0);
    // the other half next: told apart by offset, not ===, which on Espruino
    // compares typed arrays by their values (two all-zero halves are ===, and
    // the next layer then overwrote its own input)
    cur = nxt;
    nxt = cur.byteOffset ? A : s[4];
  }
}

function Model() {}
var P = Model.prototype;
P.run = function (this: Model, x: ArrayLike<number>): Float32Array {
  forward(this._, x, false);
  return this._[5];
};
P.classify = function (this: Model, x: ArrayLike<number>): number {
  forward(this._, x, true);
  var out = this._[5], n = out.length, best = 0;
  if (n === 1) return out[0] > 0.5 ? 1 : 0;
  for (var i = 1; i < n; i++) if (out[i] > out[best]) best = i;
  return best;
};
/** read-only properties computed from the state or the file: a model keeps
 * nothing but its state array (each property would cost blocks); one call, no
 * helper function (each function costs blocks too) */
Object.defineProperties(P, {
  inputSize: { get: function (this: Model) { return this._[2][0]; } },
  outputSize: { get: function (this: Model) { return this._[5].length; } },
  labels: {
    get: function (this: Model) {
      // label count and bytes: u16s at 8 and 10; the section follows the statistics
      var s = this._;
      refind(s);
      var h = new Uint8Array(s[0], s[1]);
      return readLabels(h, 16 + s[2].length + 8 * s[2][0], u16(h, 10), u16(h, 8));
    },
  },
});

/** A model over `size` bytes at `base` in `buf`; `name`: its Storage file (loadFile). */
function build(buf: ArrayBuffer, base: number, size: number, name: string | null): DeviceModel {
  var H = new Uint8Array(buf, base, size), lay = decodeLayout(
    H,
    ESP ? function (n) { return E.CRC32(name ? require("Storage").read(name, 0, n) : H.subarray(0, n)); } : undefined,
  );
  if (ESP && !name && base + size > 65536)
    fail("model is " + size + " bytes: over 64 KiB, use loadFile(name)");
  // the two ping-pong buffers: two views of one buffer (one buffer's blocks fewer)
  var T = lay.T, L = T.length / 8, w = lay.widest, AB = new Float32Array(2 * w).buffer, A = new Float32Array(AB, 0, w), B = new Float32Array(AB, 4 * w, w), l = 0, t = 0, j = 0, k = 0, o = 0, c = 0, z = 0, v: Weights | null;
  var m = new (Model as unknown as new () => Model)();
  var M = T[0], s: State = (m._ = [buf, base, T, A, B, new Float32Array(AB, L & 1 ? 4 * w : 0, T[8 * L - 7]), name, FLAG_IMPUTE & ~H[12], null, ""]);
  var N = view(s, 16 + 8 * L, 2 * M, 0), V: (Weights | null)[] | null = ESP ? null : [N, N.subarray(M)];
  // Every value finite (a NaN or an infinity anywhere makes NaN outputs), and
  // whether the normalization is the identity (then a(0) is a copy of x; never
  // for a model that imputes: its missing inputs go through the loop)
  for (; j < 2 * M; j++) {
    if (!(N[j] - N[j] === 0)) fail("normalization: value " + (j + 1) + " is " + N[j]);
    if (N[j] !== +(j >= M)) s[7] = s[7] && NaN;
  }
  // Each layer's sections k: its weights, scales, biases, gammas (T_W, T_S,
  // T_B, T_P: T[t + 4 + k], -1 if none) and the layer table's gamma. In Node a view of
  // each, kept (so run() allocates nothing), each value checked. On Espruino
  // only checked, with one native E.sum a float section: a double sum of finite
  // float32 values cannot overflow (2^32 x 3.4e38 < 1.8e308), so it is finite
  // exactly when they all are; sections of over 65535 values (a view's most
  // on builds with 16-bit view lengths) are not checked on the board. The
  // values are walked only to name a bad one.
  for (; l < L; l++, t += 8)
    for (k = 0; k < 5; k++) {
      o = k < 4 ? T[t + 4 + k] : 20 + 8 * l;
      c = k > 3 ? 1 : T[t + 1] * (k ? 1 : T[t]);
      v = o < 0 || (ESP && c > 65535) ? null : view(s, o, c, k ? 0 : T[t + 3]);
      if (V) V.push(v);
      if (v && !(ESP && (z = E.sum(v)) - z === 0))
        for (j = 0; j < c; j++)
          if (!(v[j] - v[j] === 0))
            fail("layer " + (l + 1) + " " + ["weights", "scales", "biases", "gammas", "gamma"][k] + ": value " + (j + 1) + " is " + v[j]);
    }
  s[8] = V;
  return m;
}

/** A model from .efnn bytes: an ArrayBuffer (also a read-only one over flash,
 * E.toArrayBuffer(require("Storage").read(name))) or a typed-array view into one. */
export function load(data: ArrayBuffer | ArrayBufferView): DeviceModel {
  // duck-typed: instanceof fails across realms (a vm context, a worker)
  var v = data as ArrayBufferView, b = (v.buffer || data) as ArrayBuffer, o = v.byteOffset || 0, n = data.byteLength;
  if (!(n >= 0)) fail("load() takes an ArrayBuffer or typed array");
  // Node needs float32 views 4-byte aligned in their buffer: copy a misaligned view once
  if (o & 3 && !ESP) return load(new Uint8Array(new Uint8Array(b, o, n)));
  return build(b, o, n, null);
}

/** A model from an Espruino Storage file, weights left in flash (any size). */
export function loadFile(name: string): DeviceModel {
  var s = require("Storage").read(name);
  if (s === undefined) fail("no Storage file " + JSON.stringify(name));
  var m = build(E.toArrayBuffer(s), 0, s.length, name);
  // a copy (+ ""): a substring of a flash string points into the file, and
  // 2v29 nulls such pointers when the file is erased (even if rewritten the same)
  (m as Model)._[9] = s.substr(-4) + "";
  return m;
}
