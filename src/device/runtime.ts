// The board runtime: load(.efnn bytes) -> a model with run(x), classify(x),
// labels, inputSize, outputSize. ES5 for the Espruino interpreter (no
// hoisting: declare before use; no classes, spread or for-of) and for Node.js
// on a Raspberry Pi.
//
// Weights are used in place through views into the file's buffer, never
// copied. Working memory: one Float32Array of twice the widest layer, the two
// ping-pong halves of the forward pass; on Espruino also, for the length of a
// call, one copy of the file's float sections (everything before the weights).
//
// On Espruino (a global E exists) each dense row is one native E.convolve call
// on a temporary view of the row, and a model keeps no view between calls:
// views cost blocks (ESPRUINO.md), the flash-backed file costs nothing. A model
// is one property: its state array; everything else (methods, inputSize,
// outputSize, labels) lives on a shared prototype and is read from the file
// when asked. Elsewhere the views are made once at load and rows are plain
// loops, so run() allocates nothing; where the host compiles (V8), each
// layer's loop is called through a function made for it at load (compiled()).
// All sum each row in index order in double precision, so they give the same numbers.

import { ACT_HARD_TANH, ACT_LINEAR, ACT_RELU, ACT_SOFTMAX } from "../core/activations";
import { applyActivation, JIT, softmax } from "../core/apply-activation";
import {
  decodeLayout,
  ENTRY_GAMMA,
  fail,
  FLAG_IMPUTE,
  HEADER_BYTES,
  LAYER_ENTRY_BYTES,
  readLabels,
  T_ACT,
  T_B,
  T_FIELDS,
  T_IN,
  T_OUT,
  T_P,
  T_S,
  T_W,
  T_WTYPE,
  u16,
  WEIGHT_BYTES,
} from "../core/format";

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
/** Node's views of a model (St.VIEWS); a layer's weights slot holds its
 * compiled caller instead where there is one (compiled(), below) */
type View = Weights | 0 | (() => void);
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

/** A model's state is one array (one property on the board: each costs blocks);
 * these are its slots. A const enum: the build writes the numbers in. */
const enum St {
  /** the buffer the file is in (over flash for a loadFile model) */
  FILE,
  /** byte offset of the file in FILE */
  BASE,
  /** the layer table T (format.ts: T_FIELDS integers a layer) */
  TABLE,
  /** the two ping-pong halves of the forward pass (two views of one buffer) */
  HALF_A,
  HALF_B,
  /** the output view (the half the last layer writes) */
  OUT,
  /** the Storage file's name (loadFile) or undefined */
  NAME,
  /** 1: the normalization is the identity (a(0) is a copy of x); else what a
   * missing input normalizes to: 0 (the model imputes, FLAG_IMPUTE) or NaN */
  NORM,
  /** Node: views made once (Vw.STATS, then per layer Vw.PER_LAYER views from
   * Vw.LAYERS); Espruino: null (no view kept between calls) */
  VIEWS,
  /** the file's last 4 bytes, its CRC (loadFile: to find it again) */
  CRC,
}
type State = [ArrayBuffer, number, Int32Array, Float32Array, Float32Array, Float32Array, string | undefined, number, View[] | null, string];

/** Node's views in St.VIEWS: the means and the 1/std (one view), then per layer
 * its weights, scales, biases, PReLU gammas and the table's gamma (0: a section the
 * layer does not have; 0, not null: 3 bytes fewer in the bundle) */
const enum Vw {
  STATS,
  LAYERS,
  WEIGHTS = 0,
  SCALES,
  BIASES,
  GAMMAS,
  GAMMA,
  PER_LAYER,
}

interface Model extends DeviceModel {
  _: State;
}

/** on Espruino (a global E), not Node */
var ESP = typeof E !== "undefined";
var TYPES: ArrayType[] = [Float32Array, Int16Array, Int8Array];

/** n elements of weight type w at file offset off. On Espruino a view can start
 * at most 65535 bytes into its buffer: past that, loadFile's models read the
 * section from Storage (a flash-backed buffer again, no RAM for the data).
 * copy: the section as a RAM copy, for values read more than once or one by
 * one in a call (each read of one value from a flash view is a flash read of
 * its own; a loadFile model's copy reads Storage 16 bytes at a time on the
 * Linux build, a load() model's buffer may be over flash too). The copy is a
 * typed array's own buffer, which Espruino allocates flat (contiguous) where
 * it can: a value at byte k of a copied string is found by walking k / ~24
 * blocks at every read (+0.6 M instructions a classify with all the float
 * sections in one string copy, ESPRUINO-MEASUREMENTS.md). */
function view(s: State, off: number, n: number, w: number, copy?: boolean): Weights {
  var Ty = TYPES[w],
    v =
      s[St.NAME] && (copy || s[St.BASE] + off > 65535)
        ? new Ty(stored(s, off, n * WEIGHT_BYTES[w], copy))
        : new Ty(s[St.FILE], s[St.BASE] + off, n);
  return copy ? new Ty(v) : v;
}

/** len bytes at off in a loadFile model's Storage file: a buffer over flash, or a RAM copy */
function stored(s: State, off: number, len: number, copy?: boolean): ArrayBuffer {
  var f = require("Storage").read(s[St.NAME] as string, off, len) as string;
  return E.toArrayBuffer(copy ? f + "" : f);
}

/** What rows() does (its parameter k). A const enum: the build writes the numbers in. */
const enum Row {
  /** y_i = z_i, z_i = s_i (q_i . x) + b_i */
  LINEAR,
  /** y_i = max(0, z_i) */
  RELU,
  /** y_i = min(1, max(-1, z_i)) */
  HARD_TANH,
  /** the input normalization a(0)_j = (x_j - mean_j) invStd_j */
  NORMALIZE,
}

/** The fast loops over a layer's rows i..n-1, one per mode k (Row):
 *
 * | param | LINEAR, RELU, HARD_TANH (Espruino)             | NORMALIZE (both)                   |
 * |-------|-------------------------------------------------|------------------------------------|
 * | i, n  | the rows i..n-1                                 | the inputs i..n-1                  |
 * | y     | the outputs y_i                                 | a(0)                               |
 * | o     | byte offset of row i's weights in buf           | a(0)_j when x_j is missing (NaN)   |
 * | r     | bytes from one row's weights to the next        | the inputs' count M_0              |
 * | x     | the layer's input a(l-1)                        | the inputs x                       |
 * | S     | the scales s_i                                  | the means, then the 1/std (S[r+j]) |
 * | b     | the biases b_i                                  | -                                  |
 * | k     | the mode, then z_i (scratch)                    | NORMALIZE, then a(0)_j (scratch)   |
 * | cv    | E.convolve: q_i . x native, on a temporary view | -                                  |
 * | Ty    | the weights' view type (Int8Array...)           | -                                  |
 * | buf   | the buffer the weights are in                   | -                                  |
 * | m     | weights per row (the layer's input size)        | -                                  |
 *
 * The activation is in the row statement: clipping z in double then rounding
 * to float32 equals rounding first (0 and +-1 are exact). It is written as
 * comparisons that give exactly core's Math.max(0, z) and Math.min(1,
 * Math.max(-1, z)): NaN stays NaN, ReLU(-0) is +0, hard-tanh(-0) is -0. (Two
 * names fewer in the row statement's scope than passing Math.max and Math.min
 * in; ESPRUINO-MEASUREMENTS.md has the timings.) NORMALIZE gives missing inputs (NaN) o: 0
 * (x_j taken as mean_j) for a model that imputes (FLAG_IMPUTE), NaN for the
 * others. Every sum runs in index order in double precision, as in
 * nodeRows() and the core, so all give the same bits.
 * The interpreter looks names up by walking the scope's variables in order and
 * re-reads each statement it runs: so the row statement's names come first,
 * and there is one loop per activation (ESPRUINO-MEASUREMENTS.md). */
var rows = function (
  i: number,
  n: number,
  y: Float32Array,
  o: number,
  r: number,
  x: ArrayLike<number>,
  S: ArrayLike<number>,
  b: ArrayLike<number>,
  k: number,
  cv?: Espruino["convolve"],
  Ty?: ArrayType,
  buf?: ArrayBuffer,
  m?: number,
): void {
  // A Storage module's functions run from flash, re-read at every statement; on
  // SPI flash (Bangle.js, the Linux build) that costs more than the rows' own
  // arithmetic. Espruino's "ram" directive copies this one function into RAM
  // when the module loads, tokenised (keywords as single bytes): the same speed
  // and 2 blocks fewer than the eval'd copy it replaces, and no eval
  // (ESPRUINO-MEASUREMENTS.md). Other engines ignore the directive; Espruino
  // builds without pretokenise keep the function in flash.
  "ram";
  // (the modes tested in their order: !k is LINEAR, then k < HARD_TANH is RELU...)
  if (!k) for (; i < n; i++, o += r) y[i] = cv!(new Ty!(buf!, o, m), x, 0) * S[i] + b[i];
  else if (k < Row.HARD_TANH)
    for (; i < n; i++, o += r) y[i] = (k = cv!(new Ty!(buf!, o, m), x, 0) * S[i] + b[i]) > 0 ? k : k === k ? 0 : k;
  else if (k < Row.NORMALIZE)
    for (; i < n; i++, o += r) y[i] = (k = cv!(new Ty!(buf!, o, m), x, 0) * S[i] + b[i]) > 1 ? 1 : k < -1 ? -1 : k;
  else for (; i < n; i++) y[i] = (k = (x[i] - S[i]) * S[i + r]) === k ? k : o;
};

/** Node's dense rows: y_i = s_i (sum_j q_ij x_j) + b_i for the n rows of m
 * weights W (row-major; W, S, b: the views V[k..k+2], Vw, or given when V is 0), each sum in index order in double precision, then
 * rounded to float32 once; S 0 for float32 weights (s_i = 1). Made only
 * where there is no E (on the board it would cost blocks and never run). Four
 * rows at a time (one accumulator serialises the adds: 0.32x of the bench's
 * limit one row at a time, ~0.5x like this, ~0.65x with the ReLU below); the
 * loop is shaped for bytes (the bundle's 6.5 KiB bound): one row statement, no
 * tail loop. f: 1 applies ReLU in the row store (ESPRUINO-MEASUREMENTS.md). */
var nodeRows =
  !ESP &&
  function (
    n: number,
    m: number,
    V: View[] | 0,
    k: number,
    x: ArrayLike<number>,
    y: Float32Array,
    f: number,
    W?: Weights,
    S?: Weights | 0,
    b?: Weights,
  ): void {
    // (the views from V, or given: a compiled caller's, V 0)
    if (V) {
      W = V[k] as Weights; /* Vw.WEIGHTS */
      S = V[k + Vw.SCALES] as Weights | 0;
      b = V[k + Vw.BIASES] as Weights;
    }
    // four rows in flight, each its own accumulator summing in index order
    // (the same bits as one row at a time): at every fourth row the next four
    // rows' sums (past the last row, rows from the first again, unused), then
    // each row takes its own. (The sums start at 0, not undefined: V8 would
    // keep them boxed, a heap number per row.)
    for (
      var z: number, z1: number, z2: number, z3: number, i = (z = z1 = z2 = z3 = 0), j, v, o, o1, o2, o3;
      i < n;
      i++, z = z1, z1 = z2, z2 = z3
    ) {
      if (!(i & 3))
        for (z = z1 = z2 = z3 = j = 0, o = i * m, o1 = ((i + 1) % n) * m, o2 = ((i + 2) % n) * m, o3 = ((i + 3) % n) * m; j < m; j++) {
          v = x[j];
          z += W![o + j] * v;
          z1 += W![o1 + j] * v;
          z2 += W![o2 + j] * v;
          z3 += W![o3 + j] * v;
        }
      z = (S ? z * S[i] : z) + b![i];
      // ReLU (f) without a branch on z's sign (random signs: a mispredicted
      // branch every other row, ~0.1x of the limit): (z + |z|) / 2 is exactly
      // max(0, z), +0 for -0; only z = -Inf (NaN there) and NaN take the
      // other way, the core's Math.max(0, z) (0, and its NaN: the same sign bit)
      y[i] = f ? ((v = (z + Math.abs(z)) * 0.5) == v ? v : Math.max(0, z)) : z;
    }
  };

/** In Node, where V8 compiles (JIT: not a board bundle, whose minifier
 * removes this), one function per layer of each model, made once at load:
 * `R(n, m, 0, 0, X, Y, f, W, S, b)`, nodeRows on that layer's sizes, input and
 * output halves, ReLU flag and views, all of them values of the made function's
 * closure that never change. That closure is the only one made from its text,
 * and V8 compiles it with those values as constants and nodeRows inlined (as
 * its machine code shows, node --print-opt-code): the loops run on literal
 * sizes, and each view's map check and the reloads of its length and data
 * address leave the inner loop (docs/SPEED.md: ~0.63x of the bench's limit
 * with nodeRows called directly, ~1.0x through these). The text differs from
 * one made function to the next (a count in a comment): V8 hands back the code
 * of a Function() text it has seen before, and two closures of one code are
 * not compiled for their values. Where Function() is refused (a host that
 * forbids code from strings), undefined: forward() calls nodeRows itself, as
 * before. */
var ONE = 0;
/** Node's (module-scoped: the core's ES5 typings have no Node) */
declare var process: { versions?: { node?: string } } | undefined;
// In Node only: a page's Content-Security-Policy (the studio's: default-src
// 'self') refuses code from strings, and the browser logs each refused
// Function() as an error in the page's console, caught or not.
var compiled =
  JIT &&
  !ESP &&
  typeof process == "object" &&
  !!process.versions &&
  !!process.versions.node &&
  function (a: unknown[]): (() => void) | undefined {
    var c: (() => void) | undefined;
    try {
      c = Function("R,n,m,W,S,b,X,Y,f", "return function(){R(n,m,0,0,X,Y,f,W,S,b)}//" + ++ONE).apply(0, a);
    } catch (e) {
      // (no code from strings on this host)
    }
    return c;
  };

/** A loadFile model's Storage file, found again before each use of it: the
 * scales and biases are read by name, and a file rewritten under the name is
 * another model (2v29 also nulls buffers into an erased file). Compaction moves
 * files; since 2v10 the interpreter moves buffers over them too, before that a
 * buffer from before read another place. */
function refind(s: State): void {
  var name = s[St.NAME];
  if (name) {
    var F = require("Storage").read(name);
    if (!F || F.substr(-4) !== s[St.CRC]) fail(name + (F ? " changed in Storage: loadFile() it again" : " is no longer in Storage"));
    s[St.FILE] = E.toArrayBuffer(F);
  }
}

// Places in the file (format.ts), written out where used (a helper function
// would cost the board blocks): layer l's table entry at HEADER_BYTES +
// LAYER_ENTRY_BYTES * l, its f32 gamma ENTRY_GAMMA bytes into it; after the L
// entries the means (f32[M_0]), then the 1/std (f32[M_0]), then the labels.

/** The forward pass into the output view, returned; the output softmax is skipped for classify. */
function forward(s: State, x: ArrayLike<number>, top: boolean): Float32Array {
  var T = s[St.TABLE],
    V = s[St.VIEWS],
    A = s[St.HALF_A],
    cur = A,
    nxt = s[St.HALF_B],
    t = 0,
    i: number,
    j: number,
    M = T[T_IN],
    L = T.length / T_FIELDS,
    l = 0;
  // (a short x would read undefined: NaN outputs and class 0, without a word)
  if (x.length - M) fail(x.length + " inputs, expected " + M);
  refind(s);
  // On the board, the file's float sections (the statistics, the labels, every
  // layer's scales, biases and gammas: all before the first layer's weights,
  // format.ts) as one RAM copy a call, R, read through views of it (f32 index:
  // byte offset / 4; every section is 4-aligned). One copy instead of one a
  // section: each copy was a Storage look-up and view()'s and stored()'s text
  // read from flash again (~45 flash reads a classify of the synthetic model,
  // ESPRUINO-MEASUREMENTS.md); the copy lives for the call only. (Node: R is
  // V, never read as R: its views were made at load.)
  var R = (V || view(s, 0, T[T_W] / 4, 0, true)) as unknown as Float32Array;
  // a(0) = (x - mean) * invStd, the statistics right after the layer table; a
  // native copy when the quantizer folded them into layer 1 ((x - 0) * 1 = x)
  if (s[St.NORM]) A.set(x);
  else {
    // (the means and the 1/std: one view, the 1/std M values in)
    rows(
      0,
      M,
      A,
      s[St.NORM],
      M,
      x,
      (V ? V[Vw.STATS] : R.subarray((HEADER_BYTES + LAYER_ENTRY_BYTES * L) / 4)) as Weights,
      A,
      Row.NORMALIZE,
    );
  }
  for (; l < L; l++, t += T_FIELDS) {
    var m = T[t] /* T_IN */,
      n = T[t + T_OUT],
      act = T[t + T_ACT],
      f = act === ACT_RELU ? Row.RELU : act === ACT_HARD_TANH ? Row.HARD_TANH : Row.LINEAR;
    var r = m * WEIGHT_BYTES[T[t + T_WTYPE]],
      v = Vw.LAYERS + Vw.PER_LAYER * l;
    if (V) {
      // (ReLU in the row store: f 1; hard-tanh, f 0 here, by applyActivation
      // below. The layer's compiled caller, in its weights' slot, or nodeRows itself.)
      if (compiled && typeof V[v] == "function") {
        (V[v] as () => void)();
        f &= 1;
      } else (nodeRows as Exclude<typeof nodeRows, false>)(n, m, V, v, cur, nxt, (f &= 1));
    } else {
      // The scales and biases, read 2n times by the rows: views of the RAM copy R
      // (reading them from flash inside the row statement was slower). Float32
      // weights get scales of 1 (exact). (Every byte of this loop's text is read
      // from flash again at every layer of every call: short expressions.)
      var sc = T[t + T_S],
        B = sc < 0 ? new Float32Array(n).fill(1) : R.subarray(sc / 4);
      for (i = 0; i < n; i = j) {
        var o = s[St.BASE] + T[t + T_W] + i * r,
          buf = s[St.FILE];
        j = n;
        if (o + (n - 1 - i) * r > 65535) {
          // rows a view cannot reach (64 KiB into the file's buffer): read from Storage
          j = Math.min(n, i + ((65536 / r) | 0 || 1));
          buf = stored(s, o - s[St.BASE], (j - i) * r);
          o = 0;
        }
        rows(i, j, nxt, o, r, cur, B, R.subarray(T[t + T_B] / 4), f, E.convolve, TYPES[T[t + T_WTYPE]], buf, m);
      }
    }
    if (act === ACT_SOFTMAX) {
      if (!top) softmax(nxt, nxt, n);
    } else if (act !== ACT_LINEAR && !f)
      // the layer's gamma is in its layer table entry; PReLU's gammas in their
      // section (on the board both in R, at their offsets: T_P's -1 when there are
      // none gives an offset that is never read)
      applyActivation(
        act,
        nxt,
        nxt,
        n,
        (V ? V[v + Vw.GAMMA] : R) as Float32Array,
        V ? 0 : (HEADER_BYTES + LAYER_ENTRY_BYTES * l + ENTRY_GAMMA) / 4,
        (V ? V[v + Vw.GAMMAS] : R) as Float32Array,
        V ? 0 : T[t + T_P] / 4,
      );
    // the other half next: told apart by offset, not ===, which on Espruino
    // compares typed arrays by their values (two all-zero halves are ===, and
    // the next layer then overwrote its own input)
    cur = nxt;
    nxt = cur.byteOffset ? A : s[St.HALF_B];
  }
  return s[St.OUT];
}

// the models' prototype (Object.create(proto): no constructor function, whose
// object and prototype link would cost the board blocks and the bundle bytes)
var proto = {} as Model;
proto.run = function (this: Model, x: ArrayLike<number>): Float32Array {
  return forward(this._, x, false);
};
proto.classify = function (this: Model, x: ArrayLike<number>): number {
  // in RAM, as rows is ("ram": +3 blocks at require): from flash its argmax
  // loop re-read two 16-byte pieces of its text at every output (24 flash reads
  // of a classify's 766 on the synthetic model, ESPRUINO-MEASUREMENTS.md)
  "ram";
  var out = forward(this._, x, true),
    n = out.length,
    best = 0;
  // (n < 2: one output; a layer has at least one)
  if (n < 2) return +(out[0] > 0.5);
  for (var i = 0; ++i < n;) if (out[i] > out[best]) best = i;
  return best;
};
/** read-only properties computed from the state or the file: a model keeps
 * nothing but its state array (each property would cost blocks); one call, no
 * helper function (each function costs blocks too) */
Object.defineProperties(proto, {
  inputSize: {
    get: function (this: Model) {
      return this._[St.TABLE][T_IN];
    },
  },
  outputSize: {
    get: function (this: Model) {
      return this._[St.OUT].length;
    },
  },
  labels: {
    get: function (this: Model) {
      // label count and bytes: u16s at 8 and 10; the section follows the
      // layer table and the statistics (2 x M_0 f32)
      var s = this._,
        T = s[St.TABLE];
      refind(s);
      var h = new Uint8Array(s[St.FILE], s[St.BASE]);
      return readLabels(
        h,
        HEADER_BYTES + T.length /* LAYER_ENTRY_BYTES x the layer count: T_FIELDS (8) a layer */ + 8 * T[T_IN],
        u16(h, 10),
        u16(h, 8),
      );
    },
  },
});

/** A model over `size` bytes at `base` in `buf`; `name`: its Storage file (loadFile). */
function build(buf: ArrayBuffer, base: number, size: number, name?: string): DeviceModel {
  var H = new Uint8Array(buf, base, size),
    lay = decodeLayout(
      H,
      // (false off the board: the JS CRC-32)
      ESP &&
        function (n) {
          return E.CRC32(name ? require("Storage").read(name, 0, n) : H.subarray(0, n));
        },
    );
  if (ESP && !name && base + size > 65536) fail("model is " + size + " bytes: over 64 KiB, use loadFile(name)");
  // the two ping-pong buffers: two views of one buffer (one buffer's blocks fewer)
  var T = lay.T,
    L = T.length / T_FIELDS,
    w = lay.widest,
    AB = new Float32Array(2 * w).buffer,
    A = new Float32Array(AB, 0, w),
    B = new Float32Array(AB, 4 * w, w),
    l = 0,
    t = 0,
    j = 0,
    k: number,
    o: number,
    c: number,
    z: number,
    v: Weights | 0;
  var m = Object.create(proto) as Model;
  // (the output is the half layer L writes: B after an odd count of layers)
  var M = T[T_IN],
    s: State = (m._ = [
      buf,
      base,
      T,
      A,
      B,
      new Float32Array(AB, L & 1 ? 4 * w : 0, lay.outputSize),
      name,
      FLAG_IMPUTE & ~H[12],
    ] as unknown as State);
  var N = view(s, HEADER_BYTES + LAYER_ENTRY_BYTES * L, 2 * M, 0),
    V = (!ESP && [N]) as View[] | null;
  // Every value finite (a NaN or an infinity anywhere makes NaN outputs), and
  // whether the normalization is the identity (then a(0) is a copy of x; never
  // for a model that imputes: its missing inputs go through the loop)
  for (; j < 2 * M; j++) {
    if (!(N[j] - N[j] === 0)) fail("normalization: value " + (j + 1) + " is " + N[j]);
    if (N[j] !== +(j >= M)) s[St.NORM] = s[St.NORM] && NaN;
  }
  // Each layer's sections k: its weights, scales, biases, gammas (T_W, T_S,
  // T_B, T_P: T[t + T_W + k], -1 if none) and the layer table's gamma. In Node a view of
  // each, kept (so run() allocates nothing), each value checked. On Espruino
  // only checked, with one native E.sum a float section: a double sum of finite
  // float32 values cannot overflow (2^32 x 3.4e38 < 1.8e308), so it is finite
  // exactly when they all are; sections of over 65535 values (a view's most
  // on builds with 16-bit view lengths) are not checked on the board. The
  // values are walked only to name a bad one.
  for (; l < L; l++, t += T_FIELDS)
    for (k = 0; k < Vw.PER_LAYER; k++) {
      o = k < Vw.GAMMA ? T[t + T_W + k] : HEADER_BYTES + LAYER_ENTRY_BYTES * l + ENTRY_GAMMA;
      // (k ? : k is not Vw.WEIGHTS)
      c = k < Vw.GAMMA ? T[t + T_OUT] * (k ? 1 : T[t]) /* T_IN */ : 1;
      v = o < 0 || (ESP && c > 65535) ? 0 : view(s, o, c, k ? 0 : T[t + T_WTYPE]);
      if (V) V.push(v);
      if (v && !(ESP && (z = E.sum(v)) - z === 0))
        for (j = 0; j < c; j++)
          if (!(v[j] - v[j] === 0))
            fail("layer " + (l + 1) + " " + ["weights", "scales", "biases", "gammas", "gamma"][k] + ": value " + (j + 1) + " is " + v[j]);
    }
  // (the halves: layer l reads A and writes B when l is even, as forward())
  if (compiled && V)
    for (l = t = 0; l < L; l++, t += T_FIELDS)
      V[(k = Vw.LAYERS + Vw.PER_LAYER * l)] =
        compiled([
          nodeRows,
          T[t + T_OUT],
          T[t] /* T_IN */,
          V[k],
          V[k + Vw.SCALES],
          V[k + Vw.BIASES],
          l & 1 ? B : A,
          l & 1 ? A : B,
          +(T[t + T_ACT] === ACT_RELU),
        ]) || V[k];
  s[St.VIEWS] = V;
  return m;
}

/** A model from .efnn bytes: an ArrayBuffer (also a read-only one over flash,
 * E.toArrayBuffer(require("Storage").read(name))) or a typed-array view into one. */
export function load(data: ArrayBuffer | ArrayBufferView): DeviceModel {
  // duck-typed: instanceof fails across realms (a vm context, a worker)
  var v = data as ArrayBufferView,
    b = (v.buffer || data) as ArrayBuffer,
    o = v.byteOffset || 0,
    n = data.byteLength;
  if (!(n >= 0)) fail("load() takes an ArrayBuffer or typed array");
  // Node needs float32 views 4-byte aligned in their buffer: copy a misaligned view once
  if (o & 3 && !ESP) return load(b.slice(o, o + n));
  return build(b, o, n);
}

/** A model from an Espruino Storage file, weights left in flash (any size). */
export function loadFile(name: string): DeviceModel {
  var s = require("Storage").read(name);
  if (s === undefined) fail("no Storage file " + JSON.stringify(name));
  var m = build(E.toArrayBuffer(s), 0, s.length, name);
  // a copy (+ ""): a substring of a flash string points into the file, and
  // 2v29 nulls such pointers when the file is erased (even if rewritten the same)
  (m as Model)._[St.CRC] = s.substr(-4) + "";
  return m;
}
