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
// - E.convolve, E.CRC32, E.sum, E.variance as the firmware computes them;
//   `__eq` for the === that instrument() (espruino-syntax.ts) rewrites.
// - Options (SurfaceOptions), each used by the tests, the simulator or both:
//   the 64 KiB view limit; allocation counting (`allocated`: the bytes of
//   `new T(n | array)`); detach on erase (flash-reads.ts: a buffer over a
//   Storage file dies when the file is written again or erased); memory
//   accounting (memory.ts: "alive", what survives a GC, or "reachable", what
//   the globals, modules and timers hold); the tests' var-order lint.
// Storage itself, timers and printing stay with each user (the simulator's
// flash model is flash-storage.ts); the user tells the surface what board code
// read from a file (flash.read) and when a file changed (flash.changed).
import { createContext, runInContext } from "node:vm";
import { crc32 } from "../../src/core/index";
import { checkVarOrder, instrument, toBoardScript } from "./espruino-syntax";
import { FlashReads } from "./flash-reads";
import { countBlocks, LiveBlocks } from "./memory";

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
  /** allocation counting: the bytes of every `new TypedArray(length or array)` the code makes */
  allocated?: { bytes: number };
  /** a buffer E.toArrayBuffer made over a Storage file's string is detached when
   * the file is written or erased (flash.changed(name)), as 2v29 nulls it (default false) */
  detachOnErase?: boolean;
  /** memory accounting for usage(): "alive" counts what is still alive after a
   * GC (a closure's values too; strings not), "reachable" walks what the globals,
   * modules and timers hold, strings and code included (default none) */
  memory?: "alive" | "reachable";
  /** bytes a block holds (default 13, a Puck.js's) */
  blockBytes?: number;
  /** the tests' lint: a var read before its declaration is refused */
  lintVarOrder?: boolean;
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
  // (fill stays: 2v29 has it wherever it has subarray, which the runtime needs anyway: docs/ESPRUINO.md)
  delete TAC.from; delete TAC.of;
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
function shapeRealm(
  context: Record<string, any>,
  opts: { viewOffsetLimit: boolean; allocated?: { bytes: number }; track?: LiveBlocks["track"]; dataBlocks: (n: number) => number },
): void {
  runInContext(SETUP, context)(
    runInContext("this", context),
    opts.viewOffsetLimit,
    opts.allocated ?? null,
    opts.track ?? null,
    opts.dataBlocks,
  );
  Object.defineProperty(context, "__eq", { value: espruinoEquals, configurable: true, writable: true, enumerable: false });
}

/** A fresh realm shaped like the interpreter, with the options its user asked
 * for; the user adds Storage, E, print, timers... through install(). */
export class EspruinoSurface {
  /** the realm's global object, as the host sees it */
  readonly context: Record<string, any>;
  /** strings and buffers over flash (and detach on erase) */
  readonly flash: FlashReads;
  private live?: LiveBlocks;
  private blockBytes: number;
  private installed = new Map<string, unknown>();
  private builtins = new WeakSet<object>();
  private moduleSources: string[] = [];
  private codeInFlashCache = new WeakMap<Function, boolean>();

  constructor(readonly options: SurfaceOptions = {}) {
    this.context = createContext({});
    const r = (code: string) => runInContext(code, this.context);
    // the realm's own constructors, before the surface wraps them: a buffer over flash is no allocation
    const raw = { ArrayBuffer: r("ArrayBuffer") as ArrayBufferConstructor, Uint8Array: r("Uint8Array") as Uint8ArrayConstructor };
    this.blockBytes = options.blockBytes ?? 13;
    const dataBlocks = (n: number) => 1 + Math.ceil(n / this.blockBytes);
    const live = options.memory === "alive" ? new LiveBlocks() : undefined;
    this.live = live;
    shapeRealm(this.context, {
      viewOffsetLimit: options.viewOffsetLimit !== false,
      allocated: options.allocated,
      track: live?.track,
      dataBlocks,
    });
    if (live) this.hide("__alloc", live.track);
    this.flash = new FlashReads({
      detachOnErase: !!options.detachOnErase,
      ...raw,
      allocated: live && ((ab) => live.track(ab, dataBlocks(ab.byteLength))),
    });
    if (options.memory === "reachable") {
      // what the realm has from the start costs nothing (the wrapped typed arrays and `global` are the realm's too)
      for (const key of Object.keys(this.context)) this.installed.set(key, this.context[key]);
      this.builtins.add(r("globalThis"));
      for (const name of r("Object.getOwnPropertyNames(globalThis)") as string[]) {
        const v = r(`globalThis[${JSON.stringify(name)}]`);
        if (v && (typeof v === "object" || typeof v === "function")) {
          this.builtins.add(v);
          if (v.prototype && typeof v.prototype === "object") this.builtins.add(v.prototype);
        }
      }
    }
  }

  /** Puts the host's `v` at global `name` (a name starting "\u0001" is kept out
   * of the realm); while it stays there, it and its name cost no memory. */
  install(name: string, v: unknown): void {
    this.installed.set(name, v);
    if (!name.startsWith("\u0001")) this.context[name] = v;
    if (v && (typeof v === "object" || typeof v === "function")) this.builtins.add(v);
  }

  /** what install() put at `name` */
  host(name: string): unknown {
    return this.installed.get(name);
  }

  /** a global the code cannot see by enumerating */
  hide(name: string, value: unknown): void {
    Object.defineProperty(this.context, name, { value, configurable: true, writable: true, enumerable: false });
  }

  /** Board code as V8 must run it (boardCode, with this surface's counting and lint). */
  code(src: string): string {
    return boardCode(src, { allocations: !!this.live, varOrder: this.options.lintVarOrder });
  }

  run(src: string, filename?: string, timeout?: number): any {
    return runInContext(this.code(src), this.context, { filename, timeout });
  }

  /** A Storage module's code as a function (exports, module); its functions' code stays in flash. */
  module(src: string, filename?: string): (exports: unknown, module: unknown) => void {
    const code = this.code(src);
    this.moduleSources.push(code);
    return runInContext(`(function (exports, module) {\n${code}\n})`, this.context, { filename });
  }

  /** The blocks in use (memory: "alive": what is alive after a GC; "reachable": what
   * the globals and `roots` (modules, timers...) hold). */
  usage(roots: unknown[] = []): number {
    if (this.live) return this.live.count();
    if (this.options.memory !== "reachable") throw new Error("this surface counts no memory (option memory)");
    const all: unknown[] = [];
    for (const key of Object.keys(this.context)) {
      const v = this.context[key];
      if (this.installed.has(key) && this.installed.get(key) === v) continue;
      all.push(key, v);
    }
    return this.sizeOf(all.concat(roots));
  }

  /** The blocks `values` take, walking what they hold (E.getSizeOf). */
  sizeOf(values: unknown[]): number {
    return countBlocks(values, {
      blockBytes: this.blockBytes,
      isBuiltin: (o) => this.builtins.has(o),
      inFlash: (s) => this.flash.inFlash(s),
      flashBuffers: this.flash.buffers,
      codeInFlash: (f) => {
        let v = this.codeInFlashCache.get(f);
        if (v === undefined) {
          const src = Function.prototype.toString.call(f);
          v = this.moduleSources.some((m) => m.includes(src));
          this.codeInFlashCache.set(f, v);
        }
        return v;
      },
    });
  }
}

/** A surface with E's arithmetic, E.toArrayBuffer, print and atob/btoa (for the conformance test and small checks). */
export function createSurface(opts: SurfaceOptions = {}): EspruinoSurface {
  const s = new EspruinoSurface(opts);
  s.install("E", { ...E_MATH, toArrayBuffer: (x: unknown) => s.flash.toArrayBuffer(String(x)) });
  s.install("print", () => {});
  s.install("atob", (x: unknown) => Buffer.from(String(x), "base64").toString("latin1"));
  s.install("btoa", (x: unknown) => Buffer.from(String(x), "latin1").toString("base64"));
  return s;
}

/** Board code as V8 must run it: no hoisting, the board's ===, and optionally
 * allocation counting (`__alloc` must exist) and the tests' var-order lint. */
export function boardCode(code: string, opts: { allocations?: boolean; varOrder?: boolean } = {}): string {
  if (opts.varOrder) checkVarOrder(code);
  return instrument(toBoardScript(code), { allocations: opts.allocations });
}
