// The board runtime: load(.efnn bytes) -> a model with run(x), classify(x),
// labels, inputSize, outputSize. ES5 for the Espruino interpreter (no
// hoisting: declare before use; no classes, spread or for-of) and for Node.js
// on a Raspberry Pi.
//
// Weights are used in place through views into the file's buffer, never
// copied. Working memory: two ping-pong Float32Arrays as wide as the widest layer.
//
// On Espruino (a global E exists) each dense row is one native E.convolve call
// on a temporary view of the row, and a model keeps no view between calls:
// views cost blocks (ESPRUINO.md), the flash-backed file costs nothing. Its
// methods live on a shared prototype, so a model is a handful of properties,
// not a set of closures. Elsewhere the views are made once at load and rows are
// plain loops, so run() allocates nothing. Both sum each row in index order in
// double precision, so they give the same numbers.

import { ACT_HARD_TANH, ACT_LINEAR, ACT_RELU, ACT_SOFTMAX } from "../core/activations";
import { applyActivation, softmax } from "../core/apply-activation";
import { decodeLayout } from "../core/format";

interface Espruino {
  convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number;
  CRC32(data: unknown): number;
  toArrayBuffer(s: string): ArrayBuffer;
}
declare var E: Espruino;
declare function require(name: string): {
  read(name: string, offset?: number, length?: number): string | undefined;
};

type Weights = Float32Array | Int16Array | Int8Array;
type ArrayType = Float32ArrayConstructor | Int16ArrayConstructor | Int8ArrayConstructor;

export interface DeviceModel {
  inputSize: number;
  outputSize: number;
  labels: string[];
  /** the outputs a(L); the same Float32Array every call */
  run(x: ArrayLike<number>): Float32Array;
  /** index of the top output (without computing softmax's exp) */
  classify(x: ArrayLike<number>): number;
}

/** A model's private state, one array (one property on the board):
 * [file buffer, byte offset of the file in it, layer table T, gammas G, buffer A,
 *  buffer B, output view, Storage name (loadFile) or null, views (Node) or null,
 *  offset of the normalization, identity normalization?] */
type State = [ArrayBuffer, number, Int32Array, Float32Array, Float32Array, Float32Array, Float32Array, string | null, Weights[] | null, number, boolean];

interface Model extends DeviceModel {
  _: State;
}

var TYPES: ArrayType[] = [Float32Array, Int16Array, Int8Array];
var BYTES = [4, 2, 1];

/** n elements of weight type w at file offset off. On Espruino a view can start
 * at most 65535 bytes into its buffer: past that, loadFile's models read the
 * section from Storage (a flash-backed buffer again, no RAM for the data). */
function view(s: State, off: number, n: number, w: number): Weights {
  var Ty = TYPES[w];
  if (s[7] && s[1] + off > 65535) return new Ty(E.toArrayBuffer(require("Storage").read(s[7], off, n * BYTES[w]) as string));
  return new Ty(s[0], s[1] + off, n);
}

/** The Espruino interpreter looks a name up by walking its scope's variables in
 * order, and re-reads each statement it runs: so the hot loops live in small
 * functions whose most used names come first. */

/** A temporary RAM copy of a small float section, read element by element
 * below: one native copy beats a flash read per element. */
function ram(v: Weights): Float32Array {
  return new Float32Array(v);
}

/** a(0) = (x - mean) * invStd */
function normalize(A: Float32Array, i: number, x: ArrayLike<number>, mu: Weights, is: Weights, n: number): void {
  for (; i < n; i++) A[i] = (x[i] - mu[i]) * is[i];
}

/** Is the normalization the identity (mean 0, invStd 1: folded into layer 1 by the quantizer)? */
function identity(mu: Weights, is: Weights): boolean {
  for (var i = 0; i < mu.length; i++) if (mu[i] !== 0 || is[i] !== 1) return false;
  return true;
}

/** Rows i..n-1 on Espruino: y_i = f(scale_i (q_i . x) + b_i), the dot product
 * native on a temporary view of the row at byte o (rb bytes a row), f = identity
 * (k 0), ReLU (k 1) or hard-tanh (k 2) in the same statement: clipping z in double
 * and then rounding to float32 equals rounding first (0 and +-1 are exact), and
 * core computes them with the same Math.max/min. */
function rows(
  y: Float32Array, i: number, cv: Espruino["convolve"], mx: (a: number, b: number) => number, mn: (a: number, b: number) => number,
  k: number, T: ArrayType, buf: ArrayBuffer, o: number, m: number, x: Float32Array, S: Weights | null, b: Weights, rb: number, n: number,
): void {
  if (S) {
    if (!k) for (; i < n; i++, o += rb) y[i] = cv(new T(buf, o, m), x, 0) * S[i] + b[i];
    else if (k < 2) for (; i < n; i++, o += rb) y[i] = mx(0, cv(new T(buf, o, m), x, 0) * S[i] + b[i]);
    else for (; i < n; i++, o += rb) y[i] = mn(1, mx(-1, cv(new T(buf, o, m), x, 0) * S[i] + b[i]));
  } else if (!k) for (; i < n; i++, o += rb) y[i] = cv(new T(buf, o, m), x, 0) + b[i];
  else if (k < 2) for (; i < n; i++, o += rb) y[i] = mx(0, cv(new T(buf, o, m), x, 0) + b[i]);
  else for (; i < n; i++, o += rb) y[i] = mn(1, mx(-1, cv(new T(buf, o, m), x, 0) + b[i]));
}

/** The forward pass into the output buffer; the output softmax is skipped for classify. */
function forward(m: Model, x: ArrayLike<number>, top: boolean): void {
  var s = m._, T = s[2], G = s[3], A = s[4], V = s[8], M0 = m.inputSize, mo = s[9];
  var cv = V ? null : E.convolve, l = 0, i = 0, k = 0, z = 0;
  // identity normalization: one native copy instead of a statement per input ((x - 0) * 1 = x exactly)
  if (s[10] && x.length === M0) A.set(x);
  else normalize(A, 0, x, V ? V[0] : ram(view(s, mo, M0, 0)), V ? V[1] : ram(view(s, mo + 4 * M0, M0, 0)), M0);
  var cur = A, nxt = s[5];
  for (; l < G.length; l++) {
    var t = 8 * l, nIn = T[t], n = T[t + 1], w = T[t + 3], v = 2 + 4 * l;
    var W = V ? V[v] : null, b = V ? V[v + 2] : ram(view(s, T[t + 6], n, 0));
    var S = T[t + 5] < 0 ? null : V ? V[v + 1] : ram(view(s, T[t + 5], n, 0));
    var act = T[t + 2];
    if (cv) {
      var f = act === ACT_RELU ? 1 : act === ACT_HARD_TANH ? 2 : 0, rb = nIn * BYTES[w], o = s[1] + T[t + 4];
      if (f) act = ACT_LINEAR;
      if (o + (n - 1) * rb < 65536) rows(nxt, 0, cv, Math.max, Math.min, f, TYPES[w], s[0], o, nIn, cur, S, b, rb, n);
      else
        // rows past the 64 KiB a view can reach into the file's buffer, one by one from Storage
        for (i = 0; i < n; i++) {
          var r = view(s, T[t + 4] + i * rb, nIn, w);
          rows(nxt, i, cv, Math.max, Math.min, f, TYPES[w], r.buffer as ArrayBuffer, r.byteOffset, nIn, cur, S, b, 0, i + 1);
        }
    } else
      for (i = 0; i < n; i++) {
        for (z = 0, k = 0; k < nIn; k++) z += (W as Weights)[i * nIn + k] * cur[k];
        nxt[i] = (S ? z * S[i] : z) + b[i];
      }
    if (act === ACT_SOFTMAX) {
      if (!top) softmax(nxt, nxt, n);
    } else if (act !== ACT_LINEAR)
      applyActivation(act, nxt, nxt, n, G, l, (T[t + 7] < 0 ? A : V ? V[v + 3] : view(s, T[t + 7], n, 0)) as Float32Array, 0);
    cur = nxt;
    nxt = cur === A ? s[5] : A;
  }
}

function Model() {}
Model.prototype.run = function (this: Model, x: ArrayLike<number>): Float32Array {
  forward(this, x, false);
  return this._[6];
};
Model.prototype.classify = function (this: Model, x: ArrayLike<number>): number {
  forward(this, x, true);
  var out = this._[6], n = out.length, best = 0;
  if (n === 1) return out[0] > 0.5 ? 1 : 0;
  for (var i = 1; i < n; i++) if (out[i] > out[best]) best = i;
  return best;
};

/** A model over `size` bytes at `base` in `buf`; `name`: its Storage file (loadFile). */
function build(buf: ArrayBuffer, base: number, size: number, name: string | null): DeviceModel {
  var esp = typeof E !== "undefined";
  var lay = decodeLayout(
    new Uint8Array(buf, base, size),
    esp ? function (n) { return E.CRC32(name ? require("Storage").read(name, 0, n) : new Uint8Array(buf, base, n)); } : undefined,
  );
  if (esp && !name && base + size > 65536)
    throw new Error("model is " + size + " bytes: load models over 64 KiB with loadFile(name)");
  var T = lay.T, G = lay.G, L = G.length, w = lay.widest, A = new Float32Array(w), B = new Float32Array(w);
  var m = new (Model as unknown as new () => Model)();
  m.inputSize = lay.inputSize;
  m.outputSize = lay.outputSize;
  m.labels = lay.labels;
  var s: State = (m._ = [buf, base, T, G, A, B, (L & 1 ? B : A).subarray(0, lay.outputSize), name, null, lay.meanOff, false]);
  s[10] = identity(view(s, lay.meanOff, lay.inputSize, 0), view(s, lay.meanOff + 4 * lay.inputSize, lay.inputSize, 0));
  if (!esp) {
    // Node: every view now, so run() allocates nothing
    var V: Weights[] = [view(s, lay.meanOff, lay.inputSize, 0), view(s, lay.meanOff + 4 * lay.inputSize, lay.inputSize, 0)];
    for (var l = 0, t = 0; l < L; l++, t += 8)
      V.push(
        view(s, T[t + 4], T[t] * T[t + 1], T[t + 3]),
        T[t + 5] < 0 ? A : view(s, T[t + 5], T[t + 1], 0),
        view(s, T[t + 6], T[t + 1], 0),
        T[t + 7] < 0 ? A : view(s, T[t + 7], T[t + 1], 0),
      );
    s[8] = V;
  }
  return m;
}

/** A model from .efnn bytes: an ArrayBuffer (also a read-only one over flash,
 * E.toArrayBuffer(require("Storage").read(name))) or a typed-array view into one. */
export function load(data: ArrayBuffer | ArrayBufferView): DeviceModel {
  // duck-typed: instanceof fails across realms (a vm context, a worker)
  var v = data as ArrayBufferView, b = (v.buffer || data) as ArrayBuffer, o = v.byteOffset || 0, n = data.byteLength;
  if (!(n >= 0)) throw new Error("load() takes an ArrayBuffer or a typed array of .efnn bytes");
  // Node needs float32 views 4-byte aligned in their buffer: copy a misaligned view once
  if (o & 3 && typeof E === "undefined") return load(new Uint8Array(new Uint8Array(b, o, n)));
  return build(b, o, n, null);
}

/** A model from an Espruino Storage file, weights left in flash (any size). */
export function loadFile(name: string): DeviceModel {
  var s = require("Storage").read(name);
  if (s === undefined) throw new Error("no Storage file " + JSON.stringify(name));
  return build(E.toArrayBuffer(s), 0, s.length, name);
}
