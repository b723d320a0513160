// A rough count of the interpreter's variable blocks (JsVars) that the
// board's state would take, for process.memory() and E.getSizeOf(). It walks
// what is reachable from the user's globals, loaded modules and timers:
// every object, array and property costs a block, strings and code one
// block per blockBytes of text, typed-array data is stored flat, and what
// lives in flash (Storage reads, E.toArrayBuffer over them, functions of
// Storage modules) costs a reference only. Plausible, and monotone: holding
// more never lowers the count. (The surface's memory: "reachable", what the
// simulator uses: it sees what a global, a module or a timer holds, not what
// only a closure holds.)
//
// LiveBlocks, the surface's memory: "alive" (what the tests use), counts the
// blocks of what is still alive, as the board's process.memory() does after
// its garbage collection: every typed array, ArrayBuffer, array and object
// literal and function expression the code makes is registered with a
// FinalizationRegistry at a rough Espruino cost; count() runs a full GC and the
// registry's cleanupSome(), synchronously, so a value kept anywhere (a global,
// a closure, a property) counts and garbage does not. (Not WeakRefs: V8 keeps a
// WeakRef's target alive until the current job ends, and a benchmark's 1,000
// runs are one job.) Not counted: strings, and what an array or object grows
// to after it was made.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface MemoryModel {
  blockBytes: number;
  /** objects of the runtime itself (built-ins, the Storage object...): free */
  isBuiltin(v: object): boolean;
  /** strings read from Storage (flash-backed on the board) */
  inFlash(s: string): boolean;
  /** ArrayBuffers over flash */
  flashBuffers: WeakSet<object>;
  /** whether a function's code came from a Storage module (then it stays in flash) */
  codeInFlash(f: Function): boolean;
}

const LIMIT = 200_000;

export function countBlocks(roots: unknown[], m: MemoryModel): number {
  const seen = new Set<object>();
  const bb = m.blockBytes;
  const text = (n: number) => 1 + Math.ceil(Math.max(0, n - 4) / bb);
  let visits = 0;
  const cost = (v: unknown): number => {
    if (++visits > LIMIT) return 0;
    switch (typeof v) {
      case "undefined":
      case "boolean":
        return 0;
      case "number":
        return Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? 0 : 1; // small ints pack into the name block
      case "string":
        return m.inFlash(v) ? 1 : text(v.length);
      case "bigint":
      case "symbol":
        return 1;
    }
    if (v === null) return 0;
    const o = v as object;
    if (seen.has(o) || m.isBuiltin(o)) return 0;
    seen.add(o);
    const tag = Object.prototype.toString.call(o).slice(8, -1);
    if (tag === "ArrayBuffer") return m.flashBuffers.has(o) ? 1 : 1 + Math.ceil((o as ArrayBuffer).byteLength / bb);
    if (ArrayBuffer.isView(o)) return 2 + cost(o.buffer);
    let n = 1;
    if (typeof o === "function") n += 1 + (m.codeInFlash(o as Function) ? 1 : text(Function.prototype.toString.call(o).length));
    for (const key of Reflect.ownKeys(o)) {
      if (typeof key !== "string") continue;
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (!d || !("value" in d)) continue;
      if (
        typeof o === "function" &&
        (key === "length" || key === "name" || key === "prototype" || key === "arguments" || key === "caller")
      ) {
        if (key === "prototype" && d.value && typeof d.value === "object" && Object.keys(d.value).length > 0) n += cost(d.value);
        continue;
      }
      if (Array.isArray(o) && key === "length") continue;
      n += 1 + cost(d.value);
    }
    return n;
  };
  let total = 0;
  for (const r of roots) total += cost(r);
  return total;
}

type Registry = FinalizationRegistry<number> & { cleanupSome(): void };
let gcTools: { fullGc: () => void; Registry: new (cb: (blocks: number) => void) => Registry } | undefined;

/** a synchronous full GC, and FinalizationRegistry.prototype.cleanupSome (both
 * take effect in contexts made after the flags are set: set once, when first needed) */
function gcToolsNow() {
  if (!gcTools) {
    setFlagsFromString("--expose-gc");
    setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    gcTools = { fullGc: runInNewContext("gc"), Registry: runInNewContext("FinalizationRegistry") };
  }
  return gcTools;
}

export class LiveBlocks {
  private live = 0;
  private registry: Registry;
  private fullGc: () => void;

  constructor() {
    const t = gcToolsNow();
    this.fullGc = t.fullGc;
    this.registry = new t.Registry((blocks) => {
      this.live -= blocks;
    });
  }

  /** v costs `blocks` while it is alive; returns v */
  track = <T extends object>(v: T, blocks: number): T => {
    this.live += blocks;
    this.registry.register(v, blocks);
    return v;
  };

  /** the blocks alive now, after a full GC */
  count(): number {
    this.fullGc();
    this.registry.cleanupSome();
    return this.live;
  }
}
