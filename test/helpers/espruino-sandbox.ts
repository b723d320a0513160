// The tests' Espruino sandbox: a fresh JavaScript realm shaped by the one
// surface the simulator shares (host-tools/sim/espruino-surface.ts, checked
// against the interpreter by its conformance table, docs/espruino-surface.md):
// what the board lacks deleted, the board's E arithmetic, the 64 KiB limit on
// typed-array view offsets (option viewOffsetLimit), code run without hoisting.
// Added here: an E.toArrayBuffer and a Storage module over a Map, and a lint
// that refuses a var read before its declaration.
// A buffer made by E.toArrayBuffer from a Storage file's string dies when that
// file is written or erased, as on Espruino 2v29, where the interpreter nulls
// every pointer into an erased file (reading one stops the Linux build with an
// ASSERT in jsvar.c): here the buffer is detached, and reading it throws. (A
// `+ ""` copy, RAM on the board, cannot be told apart here: it dies too.)
//
// process.memory() counts the blocks of what is still alive, as the board's
// does after its garbage collection: every typed array, ArrayBuffer, array
// and object literal and function expression the sandboxed code makes is
// registered with a FinalizationRegistry at a rough Espruino cost (below);
// memory() runs a full GC and the registry's cleanupSome(), synchronously, so
// a value kept anywhere (a global, a closure, a property) counts and garbage
// does not. (Not WeakRefs: V8 keeps a WeakRef's target alive until the
// current job ends, and a benchmark's 1,000 runs are one job.) Not counted:
// strings, and what an array or object grows to after it was made.
import { setFlagsFromString } from "node:v8";
import { createContext, runInContext, runInNewContext } from "node:vm";
import { boardCode, E_MATH, shapeRealm } from "../../host-tools/sim/espruino-surface";
import { checkVarOrder, instrument as instrumentCode, toBoardScript } from "../../host-tools/sim/espruino-syntax";

// a synchronous full GC, and FinalizationRegistry.prototype.cleanupSome (both
// take effect in contexts made after the flags are set)
setFlagsFromString("--expose-gc");
setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
const fullGc = runInNewContext("gc") as () => void;
type Registry = FinalizationRegistry<number> & { cleanupSome(): void };
const Registry = runInNewContext("FinalizationRegistry") as new (cb: (blocks: number) => void) => Registry;

/** bytes a block holds, and the blocks of a Puck.js (ESPRUINO.md) */
const BLOCK_BYTES = 13,
  TOTAL_BLOCKS = 2630;

export interface Sandbox {
  context: Record<string, any>;
  run(code: string, filename?: string): any;
  /** evaluates code as a Storage module (exports and module exist) and returns module.exports */
  module(code: string): any;
  storage: Map<string, Uint8Array>;
  /** what print() printed, line by line */
  printed: string[];
  /** bytes allocated by `new TypedArray(length)` inside the sandbox since the last reset */
  allocated: { bytes: number };
  /** the blocks alive now, after a full GC: what process.memory().usage says */
  liveBlocks(): number;
}

/** Throws where a var is read before its declaration; returns the code
 * rewritten without hoisting (`function f(){}` becomes `var f = function f(){};`
 * where it stands: calling f before that throws, as on the board). The one
 * rewriter, host-tools/sim/espruino-syntax.ts, with the tests' var-order lint. */
export function declareBeforeUse(code: string): string {
  checkVarOrder(code);
  return toBoardScript(code);
}

/** The board's === for typed arrays, and `__alloc(value, blocks)` around every
 * array and object literal and function expression (espruino-syntax.ts). */
export function instrument(code: string): string {
  return instrumentCode(code, { allocations: true });
}

export function createSandbox(opts: { viewOffsetLimit?: boolean } = {}): Sandbox {
  // string read from a Storage file -> the file's name; per file, the buffer
  // over each string read from it: one buffer for equal reads, as on the board,
  // where both point at the same flash (so a model's reads at every call add
  // none, and nothing weak is needed to find them when the file dies)
  const readFrom = new Map<string, string>();
  const flash = new Map<string, Map<string, ArrayBuffer>>();
  const kill = (name: string) => {
    for (const ab of flash.get(name)?.values() ?? []) if (ab.byteLength) structuredClone(ab, { transfer: [ab] });
    flash.delete(name);
  };
  // the live blocks: each tracked value's cost, given back when it is collected
  let live = 0;
  const registry = new Registry((blocks) => {
    live -= blocks;
  });
  const track = (v: object, blocks: number) => {
    live += blocks;
    registry.register(v, blocks);
    return v;
  };
  const liveBlocks = () => {
    fullGc();
    registry.cleanupSome();
    return live;
  };
  const dataBlocks = (bytes: number) => 1 + Math.ceil(bytes / BLOCK_BYTES);
  const storage = new (class extends Map<string, Uint8Array> {
    override set(name: string, bytes: Uint8Array) {
      kill(name);
      return super.set(name, bytes);
    }
    override delete(name: string) {
      kill(name);
      return super.delete(name);
    }
  })();
  const allocated = { bytes: 0 };
  const context: Record<string, any> = createContext({});
  // the realm's own constructors, before the surface wraps them (builtins are
  // not properties of the contextified object): a buffer over flash costs no blocks
  const ctxArrayBuffer = runInContext("ArrayBuffer", context) as ArrayBufferConstructor;
  const ctxUint8 = runInContext("Uint8Array", context) as Uint8ArrayConstructor;
  // the one surface (host-tools/sim/espruino-surface.ts): counting bytes of
  // `new TypedArray`, live blocks of views (2) and buffers (1 and the data)
  shapeRealm(context, { viewOffsetLimit: !!opts.viewOffsetLimit, allocated, track, dataBlocks });
  const toStr = (b: Uint8Array) => {
    let s = "";
    for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, Array.prototype.slice.call(b, i, i + 8192) as number[]);
    return s;
  };
  const hostBytes = (x: any): Uint8Array => {
    if (typeof x === "string") return Uint8Array.from(x, (c) => c.charCodeAt(0) & 255);
    if (x && x.buffer) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    return Uint8Array.from(x);
  };
  context.E = {
    ...E_MATH,
    // wraps a string's bytes (on the board: without copying, read-only over
    // flash for a Storage file's string: no RAM but the reference)
    toArrayBuffer(s: string) {
      const name = readFrom.get(s);
      const cached = name === undefined ? undefined : flash.get(name)?.get(s);
      if (cached) return cached;
      const ab = new ctxArrayBuffer(s.length);
      const u = new ctxUint8(ab);
      for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 255;
      if (name === undefined) return track(ab, dataBlocks(s.length));
      if (!flash.has(name)) flash.set(name, new Map());
      flash.get(name)!.set(s, ab);
      return ab;
    },
  };
  const Storage = {
    read(name: string, offset?: number, length?: number) {
      const f = storage.get(name);
      if (!f) return undefined;
      const o = offset || 0;
      const str = toStr(f.subarray(o, length === undefined ? f.length : o + length));
      readFrom.set(str, name);
      return str;
    },
    write(name: string, data: string) {
      storage.set(name, hostBytes(data));
      return true;
    },
    list() {
      return [...storage.keys()];
    },
  };
  context.require = (name: string) => {
    if (name === "Storage") return Storage;
    const f = storage.get(name);
    if (!f) throw new Error(`Module ${name} not found`);
    return sandbox.module(toStr(f));
  };
  const printed: string[] = [];
  context.print = (...a: unknown[]) => {
    printed.push(a.map(String).join(" "));
  };
  context.getTime = () => performance.now() / 1000;
  context.process = {
    memory: () => {
      const usage = liveBlocks();
      return { free: TOTAL_BLOCKS - usage, usage, total: TOTAL_BLOCKS, blocksize: BLOCK_BYTES };
    },
    env: { BOARD: "SANDBOX" },
  };
  context.__alloc = (v: object, blocks: number) => track(v, blocks);
  context.atob = (s: unknown) => Buffer.from(String(s), "base64").toString("latin1");
  context.btoa = (s: unknown) => Buffer.from(String(s), "latin1").toString("base64");
  const sandbox: Sandbox = {
    context,
    storage,
    printed,
    allocated,
    liveBlocks,
    run: (code, filename) => runInContext(boardCode(code, { varOrder: true, allocations: true }), context, { filename }),
    module(code) {
      const mod = { exports: {} as any };
      runInContext(`(function (exports, module) {\n${boardCode(code, { varOrder: true, allocations: true })}\n})`, context)(
        mod.exports,
        mod,
      );
      return mod.exports;
    },
  };
  return sandbox;
}
