// The board runtime: load(.efnn bytes) -> a model with run(x), classify(x),
// labels, inputSize, outputSize. ES5 for the Espruino interpreter (no
// hoisting: declare before use; no classes, spread or for-of) and for Node.js
// on a Raspberry Pi.
//
// Weights are used in place through views into the file's buffer, never
// copied. Working memory: two ping-pong Float32Arrays as wide as the widest layer.
//
// On Espruino (a global E exists) each dense row is one native E.convolve call
// on a temporary view of the row, and the model keeps no view at all between
// calls: views cost blocks (ESPRUINO.md), the flash-backed file costs nothing.
// Elsewhere the views are made once at load and the rows are plain loops, so
// run() allocates nothing. Both sum each row in index order in double
// precision, so they give the same numbers.

import { ACT_SOFTMAX } from "../core/activations";
import { applyActivation, softmax } from "../core/apply-activation";
import { decodeLayout, WEIGHT_F32 } from "../core/format";

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

var TYPES: ArrayType[] = [Float32Array, Int16Array, Int8Array];
var BYTES = [4, 2, 1];

/**
 * A model over a file's bytes: `size` bytes at `base` in `buf`. `rd(off, len)`
 * reads a section from Storage, for what lies beyond the 64 KiB a view can
 * reach into a buffer on Espruino (loadFile only).
 */
export function build(buf: ArrayBuffer, base: number, size: number, rd: ((off: number, len: number) => string) | null): DeviceModel {
  var esp = typeof E !== "undefined";
  var lay = decodeLayout(
    new Uint8Array(buf, base, size),
    esp ? function (n) { return E.CRC32(rd ? rd(0, n) : new Uint8Array(buf, base, n)); } : undefined,
  );
  if (esp && !rd && base + size > 65536)
    throw new Error("model is " + size + " bytes: load models over 64 KiB with loadFile(name)");
  // Per layer, 8 integers in one array T (a few blocks, not an object per
  // layer): nIn, nOut, activation, weight type, then the offsets of weights,
  // scales, biases, gammas (-1 if absent); see format.ts.
  var T = lay.T, G = lay.G, L = G.length, M0 = lay.inputSize, nOut = lay.outputSize, meanOff = lay.meanOff;
  var A = new Float32Array(lay.widest), B = new Float32Array(lay.widest);
  var out = (L & 1 ? B : A).subarray(0, nOut);

  /** n elements of type w (a weight type) at file offset off. */
  function view(w: number, off: number, n: number): Weights {
    var Ty = TYPES[w];
    if (rd && base + off > 65535) return new Ty(E.toArrayBuffer(rd(off, n * BYTES[w])));
    return new Ty(buf, base + off, n);
  }
  // Section k of layer l (0 weights, 1 scales, 2 biases, 3 gammas). Node: made
  // once, here; Espruino: made during each run() and dropped (see the top).
  var V: Weights[] | null = esp ? null : [];
  function sec(l: number, k: number): Weights {
    var t = 8 * l, o = T[t + 4 + k];
    if (V && V[4 * l + k]) return V[4 * l + k];
    // an absent section (no scales, no gammas) is never read: any array will do
    var v = o < 0 ? A : k ? view(WEIGHT_F32, o, T[t + 1]) : view(T[t + 3], o, T[t] * T[t + 1]);
    if (V) V[4 * l + k] = v;
    return v;
  }
  if (V) for (var l = 0; l < L; l++) for (var k = 0; k < 4; k++) sec(l, k);
  var mean = V && view(WEIGHT_F32, meanOff, M0), inv = V && view(WEIGHT_F32, meanOff + 4 * M0, M0);

  /** The forward pass into `out`; the output softmax is skipped for classify. */
  function forward(x: ArrayLike<number>, top: boolean): void {
    var mu = mean || view(WEIGHT_F32, meanOff, M0), is = inv || view(WEIGHT_F32, meanOff + 4 * M0, M0);
    for (var j = 0; j < M0; j++) A[j] = (x[j] - mu[j]) * is[j];
    var cur = A, nxt = B;
    for (var l = 0; l < L; l++) {
      var t = 8 * l, m = T[t], n = T[t + 1], act = T[t + 2], w = T[t + 3], rb = m * BYTES[w];
      var W = sec(l, 0), S = T[t + 5] >= 0 ? sec(l, 1) : null, b = sec(l, 2);
      for (var i = 0; i < n; i++) {
        var s = 0;
        if (esp) {
          // z_i = scale_i (q_i . a) + b_i, the dot product native; rows past
          // 64 KiB into their buffer are read on their own
          var o = W.byteOffset + i * rb;
          s = E.convolve(o < 65536 ? new TYPES[w](W.buffer as ArrayBuffer, o, m) : view(w, T[t + 4] + i * rb, m), cur, 0);
        } else for (var r = i * m, k = 0; k < m; k++) s += W[r + k] * cur[k];
        nxt[i] = (S ? S[i] * s : s) + b[i];
      }
      if (act !== ACT_SOFTMAX) applyActivation(act, nxt, nxt, n, G, l, sec(l, 3) as Float32Array, 0);
      else if (!top) softmax(nxt, nxt, n);
      cur = nxt;
      nxt = cur === A ? B : A;
    }
  }
  return {
    inputSize: M0,
    outputSize: nOut,
    labels: lay.labels,
    run: function (x) {
      forward(x, false);
      return out;
    },
    classify: function (x) {
      forward(x, true);
      if (nOut === 1) return out[0] > 0.5 ? 1 : 0;
      for (var i = 1, best = 0; i < nOut; i++) if (out[i] > out[best]) best = i;
      return best;
    },
  };
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
  var S = require("Storage"), s = S.read(name);
  if (s === undefined) throw new Error("no Storage file " + JSON.stringify(name));
  return build(E.toArrayBuffer(s), 0, s.length, function (off, len) {
    return S.read(name, off, len) as string;
  });
}
