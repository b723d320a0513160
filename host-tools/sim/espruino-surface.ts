// The one Espruino surface: a fresh V8 realm (node:vm) shaped like the
// interpreter (docs/espruino-surface.md), shared by the simulator
// (board-sandbox.ts) and the tests' sandbox (test/helpers/espruino-sandbox.ts).
// What each probe of espruino-conformance.ts answers on the real interpreter,
// this realm answers too, or the table lists it as a known gap.
//
// - What the board lacks is deleted (Math.tanh and friends, Array.from,
//   TypedArray from/fill/BYTES_PER_ELEMENT, Number.isNaN, Object.freeze,
//   Symbol, Map, Set, Reflect, self, Intl, ...); `global` exists.
// - Array.prototype's methods read as undefined on the prototype object,
//   though `[].slice(...)` works; Object.create(p, props) throws; a thrown
//   Error has no name; Math.round rounds halves away from zero.
// - Typed arrays: a view whose byteOffset does not fit 16 bits throws
//   "byteOffset too large" (option viewOffsetLimit); `new T(buf, off, 0)` runs
//   to the buffer's end; no BYTES_PER_ELEMENT.
// - Options for the tests: `allocated` counts the bytes of `new T(n | array)`;
//   `track` is given every typed array and buffer made with its block cost.
// - E.convolve, E.CRC32, E.sum, E.variance as the firmware computes them;
//   `__eq` for the === that instrument() (espruino-syntax.ts) rewrites.
// Storage, timers, printing and memory accounting stay with each user: the
// simulator models flash (flash-storage.ts, memory.ts), the tests detach
// buffers over erased files and count live blocks with a GC.
import { createContext, runInContext } from "node:vm";
import { crc32 } from "../../src/core/index";
import { checkVarOrder, instrument, toBoardScript } from "./espruino-syntax";

export const TYPED = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float32Array",
  "Float64Array",
];

/** globals V8 has and the interpreter does not (each checked on 2v29: `typeof X` is "undefined") */
const MISSING_GLOBALS = [
  "Symbol",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "Reflect",
  "Proxy",
  "self",
  "WebAssembly",
  "SharedArrayBuffer",
  "Atomics",
  "Intl",
  "WeakRef",
  "FinalizationRegistry",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
];

export interface SurfaceOptions {
  /** views with a byteOffset over 65535 throw, as on the board (default true) */
  viewOffsetLimit?: boolean;
  /** counts the bytes of every `new TypedArray(length or array)` the code makes */
  allocated?: { bytes: number };
  /** given every typed array (2 blocks), the buffer it made, and every `new ArrayBuffer` with their block costs */
  track?: (v: object, blocks: number) => object;
  /** the blocks of n bytes of flat data (with track) */
  dataBlocks?: (bytes: number) => number;
}

// Runs inside the realm before anything else; the arguments are the options.
const SETUP = `(function (g, limit, allocated, track, dataBlocks) {
  var species = Symbol.species, create = Object.create, i;
  var missingMath = ["tanh", "fround", "imul", "trunc", "log1p", "expm1", "cbrt", "hypot", "log2", "log10", "sinh", "cosh", "atanh",
    "asinh", "acosh", "clz32"];
  for (i = 0; i < missingMath.length; i++) delete Math[missingMath[i]];
  var missingNumber = ["isNaN", "isFinite", "isInteger", "isSafeInteger", "parseFloat"];
  for (i = 0; i < missingNumber.length; i++) delete Number[missingNumber[i]];
  delete Array.from; delete Array.of; delete Object.freeze; delete Object.is; delete ArrayBuffer.isView; delete Error.captureStackTrace;
  var missing = ${JSON.stringify(MISSING_GLOBALS)};
  for (i = 0; i < missing.length; i++) delete g[missing[i]];
  var TA = Object.getPrototypeOf(Int8Array.prototype), TAC = Object.getPrototypeOf(Int8Array);
  // fill exists on 2v29.277 but not on all firmware the project targets (docs/ESPRUINO.md): kept out (a known gap)
  delete TA.fill; delete TAC.from; delete TAC.of;
  Object.create = function (p) {
    if (arguments.length > 1) throw new Error("propertiesObject is not supported yet");
    return create(p);
  };
  // err.name is undefined on a thrown Error
  var errors = ["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"];
  for (i = 0; i < errors.length; i++) delete g[errors[i]].prototype.name;
  // halves away from zero: Math.round(-2.5) is -3, Math.round(-0.3) -0
  var floor = Math.floor;
  Math.round = function round(x) { x = +x; return x < 0 ? -floor(-x + 0.5) : floor(x + 0.5); };
  g.global = g;
  var AB = ArrayBuffer, toString = Object.prototype.toString;
  var isBuffer = function (a) { return toString.call(a) === "[object ArrayBuffer]"; };
  // while a typed array's own method builds its result through the species
  // (subarray, map...), a length of 0 means 0 and nothing is "allocated" by the code
  var inner = 0;
  var names = ${JSON.stringify(TYPED)};
  for (i = 0; i < names.length; i++) (function (name) {
    var Orig = g[name], size = Orig.BYTES_PER_ELEMENT, proto = create(Orig.prototype);
    function T(a, b, c) {
      var n = arguments.length, direct = !inner;
      if (direct && allocated) {
        if (typeof a === "number") allocated.bytes += a * size;
        else if (a && typeof a.length === "number" && !isBuffer(a)) allocated.bytes += a.length * size;
      }
      if (limit && typeof b === "number" && b > 65535) throw new Error("byteOffset too large (or negative)");
      // Espruino takes a length of 0 as "not given": the view runs to the buffer's end
      if (direct && n === 3 && !c && isBuffer(a)) c = Math.max(0, Math.floor((a.byteLength - (b || 0)) / size));
      var t = n < 2 ? new Orig(a === undefined ? 0 : a) : n === 2 ? new Orig(a, b) : new Orig(a, b, c);
      Object.setPrototypeOf(t, proto);
      if (track) {
        if (!isBuffer(a)) track(t.buffer, dataBlocks(t.byteLength));
        track(t, 2);
      }
      return t;
    }
    ["subarray", "map", "filter", "slice"].forEach(function (m) {
      var f = Orig.prototype[m];
      Object.defineProperty(proto, m, { configurable: true, writable: true, value: function () {
        inner++;
        try { return f.apply(this, arguments); } finally { inner--; }
      } });
    });
    Object.defineProperty(proto, "BYTES_PER_ELEMENT", { value: undefined });
    Object.defineProperty(proto, "constructor", { value: T, writable: true, configurable: true });
    Object.defineProperty(T, "name", { value: name });
    Object.defineProperty(T, species, { value: T });
    T.prototype = proto;
    g[name] = T;
  })(names[i]);
  if (track) {
    var Tracked = function ArrayBuffer(n) { return track(new AB(n), dataBlocks(n)); };
    Tracked.prototype = AB.prototype;
    g.ArrayBuffer = Tracked;
  }
  // Array.prototype's methods are undefined as properties of the prototype, though [].slice(...) works
  var AP = Array.prototype;
  Object.getOwnPropertyNames(AP).forEach(function (k) {
    var d = Object.getOwnPropertyDescriptor(AP, k), f = d.value;
    if (k === "constructor" || typeof f !== "function") return;
    Object.defineProperty(AP, k, {
      configurable: true,
      get: function () { return this === AP ? undefined : f; },
      set: function (v) { Object.defineProperty(this, k, { value: v, writable: true, configurable: true }); }
    });
  });
})`;

/** a === b as the interpreter computes it (instrument() rewrites === to it) */
export function espruinoEquals(a: any, b: any, op: string): boolean {
  // (values of the sandbox's realm: no instanceof)
  const buffers = (v: any) =>
    v !== null && typeof v === "object" && (ArrayBuffer.isView(v) || Object.prototype.toString.call(v) === "[object ArrayBuffer]");
  let same: boolean;
  if (buffers(a) && buffers(b)) {
    const x = ArrayBuffer.isView(a) ? a : new Uint8Array(a),
      y = ArrayBuffer.isView(b) ? b : new Uint8Array(b);
    same = (x as any).length === (y as any).length;
    for (let i = 0; same && i < (x as any).length; i++) same = (x as any)[i] === (y as any)[i];
  } else same = op.length === 3 ? a === b : a == b;
  return op[0] === "!" ? !same : same;
}

const tagOf = (v: unknown) => Object.prototype.toString.call(v).slice(8, -1);

/** The bytes as the firmware iterates data (E.CRC32, E.toString): a string's chars, a typed array's element values, & 255. */
export function valueBytes(x: unknown): Uint8Array {
  if (typeof x === "string") return Buffer.from(x, "latin1");
  if (x && typeof x === "object") {
    if (tagOf(x) === "ArrayBuffer") return new Uint8Array(x as ArrayBuffer);
    if (ArrayBuffer.isView(x) && tagOf(x) !== "DataView") {
      const a = x as unknown as ArrayLike<number>;
      return Uint8Array.from({ length: a.length }, (_, i) => a[i] & 255);
    }
    if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    if (Array.isArray(x)) return Uint8Array.from(x as number[], (v) => Number(v) & 255);
  }
  return Buffer.from(String(x), "latin1");
}

/** E's arithmetic, as the firmware computes it */
export const E_MATH = {
  // sum over i of a[i] * b[(i + offset) % b.length], in double precision, in index order
  convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number) {
    let s = 0;
    const n = b.length,
      o = Number(offset) || 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[(i + o) % n];
    return s;
  },
  CRC32: (x: unknown) => crc32(valueBytes(x)),
  sum(a: ArrayLike<number>) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i];
    return s;
  },
  // sum of squared differences from mean (not divided by n)
  variance(a: ArrayLike<number>, mean: number) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - mean) * (a[i] - mean);
    return s;
  },
};

/** Shapes a fresh context into the interpreter's surface (see the top of this file). */
export function shapeRealm(context: Record<string, any>, opts: SurfaceOptions = {}): void {
  runInContext(SETUP, context)(
    runInContext("this", context),
    opts.viewOffsetLimit !== false,
    opts.allocated ?? null,
    opts.track ?? null,
    opts.dataBlocks ?? ((n: number) => 1 + Math.ceil(n / 13)),
  );
  Object.defineProperty(context, "__eq", { value: espruinoEquals, configurable: true, writable: true, enumerable: false });
}

/** A new context with the surface and E's arithmetic (for the conformance test and small checks). */
export function createSurface(opts: SurfaceOptions = {}): { context: Record<string, any>; run(code: string): unknown } {
  const context: Record<string, any> = createContext({});
  shapeRealm(context, opts);
  context.E = { ...E_MATH };
  context.print = () => {};
  context.atob = (s: unknown) => Buffer.from(String(s), "base64").toString("latin1");
  context.btoa = (s: unknown) => Buffer.from(String(s), "latin1").toString("base64");
  context.E.toArrayBuffer = (s: unknown) => {
    const str = String(s);
    const ab = runInContext(`new ArrayBuffer(${str.length})`, context) as ArrayBuffer;
    new Uint8Array(ab).set(Buffer.from(str, "latin1"));
    return ab;
  };
  return { context, run: (code) => runInContext(boardCode(code), context) };
}

/** Board code as V8 must run it: no hoisting, the board's ===, and optionally
 * allocation counting (`__alloc` must exist) and the tests' var-order lint. */
export function boardCode(code: string, opts: { allocations?: boolean; varOrder?: boolean } = {}): string {
  if (opts.varOrder) checkVarOrder(code);
  return instrument(toBoardScript(code), { allocations: opts.allocations });
}
