// The tests' Espruino sandbox: the one surface the simulator shares
// (host-tools/sim/espruino-surface.ts, checked against the interpreter by its
// conformance table, docs/espruino-surface.md), with the options the tests
// want: buffers over an erased Storage file detached (detachOnErase), memory
// counted as what is still alive after a GC (memory: "alive"), the bytes of
// `new TypedArray` counted (allocated), the lint that refuses a var read
// before its declaration, and the 64 KiB view limit only with viewOffsetLimit.
// Added here: a Storage module over a Map, print, getTime, process.memory().
import { E_MATH, EspruinoSurface } from "../../host-tools/sim/espruino-surface";
import { checkVarOrder, instrument as instrumentCode, toBoardScript } from "../../host-tools/sim/espruino-syntax";

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
  const allocated = { bytes: 0 };
  const surface = new EspruinoSurface({
    viewOffsetLimit: !!opts.viewOffsetLimit,
    allocated,
    detachOnErase: true,
    memory: "alive",
    blockBytes: BLOCK_BYTES,
    lintVarOrder: true,
  });
  const { context, flash } = surface;
  const liveBlocks = () => surface.usage();
  const storage = new (class extends Map<string, Uint8Array> {
    override set(name: string, bytes: Uint8Array) {
      flash.changed(name);
      return super.set(name, bytes);
    }
    override delete(name: string) {
      flash.changed(name);
      return super.delete(name);
    }
  })();
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
  // E.toArrayBuffer wraps a string's bytes (on the board: without copying,
  // read-only over flash for a Storage file's string: no RAM but the reference)
  context.E = { ...E_MATH, toArrayBuffer: (s: string) => flash.toArrayBuffer(s) };
  const Storage = {
    read(name: string, offset?: number, length?: number) {
      const f = storage.get(name);
      if (!f) return undefined;
      const o = offset || 0;
      return flash.read(name, toStr(f.subarray(o, length === undefined ? f.length : o + length)));
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
  context.atob = (s: unknown) => Buffer.from(String(s), "base64").toString("latin1");
  context.btoa = (s: unknown) => Buffer.from(String(s), "latin1").toString("base64");
  const sandbox: Sandbox = {
    context,
    storage,
    printed,
    allocated,
    liveBlocks,
    run: (code, filename) => surface.run(code, filename),
    module(code) {
      const mod = { exports: {} as any };
      surface.module(code)(mod.exports, mod);
      return mod.exports;
    },
  };
  return sandbox;
}
