// A rough count of the interpreter's variable blocks (JsVars) that the
// board's state would take, for process.memory() and E.getSizeOf(). It walks
// what is reachable from the user's globals, loaded modules and timers:
// every object, array and property costs a block, strings and code one
// block per blockBytes of text, typed-array data is stored flat, and what
// lives in flash (Storage reads, E.toArrayBuffer over them, functions of
// Storage modules) costs a reference only. Plausible, and monotone: holding
// more never lowers the count.

export interface MemoryModel {
  blockBytes: number;
  /** objects of the runtime itself (built-ins, the Storage object...): free */
  isBuiltin(v: object): boolean;
  /** strings read from Storage (flash-backed on the board) */
  flashStrings: Set<string>;
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
        return m.flashStrings.has(v) ? 1 : text(v.length);
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
