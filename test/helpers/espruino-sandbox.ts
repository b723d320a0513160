// An Espruino-surface sandbox: a fresh JavaScript realm from which everything
// ESPRUINO.md says the board lacks has been deleted, with an `E` whose
// convolve, CRC32 and toArrayBuffer follow their documented semantics, a
// Storage module over a Map, the 64 KiB limit on typed-array view offsets, and
// code run in declare-before-use order (function declarations are not hoisted).
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
import { Parser } from "acorn";
import * as walk from "acorn-walk";
import { setFlagsFromString } from "node:v8";
import { createContext, runInContext, runInNewContext } from "node:vm";
import { crc32 } from "../../src/core/index";

// a synchronous full GC, and FinalizationRegistry.prototype.cleanupSome (both
// take effect in contexts made after the flags are set)
setFlagsFromString("--expose-gc");
setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
const fullGc = runInNewContext("gc") as () => void;
type Registry = FinalizationRegistry<number> & { cleanupSome(): void };
const Registry = runInNewContext("FinalizationRegistry") as new (cb: (blocks: number) => void) => Registry;

/** bytes a block holds, and the blocks of a Puck.js (ESPRUINO.md) */
const BLOCK_BYTES = 13, TOTAL_BLOCKS = 2630;

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

const TYPED = ["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array"];

const SETUP = `
(function (g) {
  var missingMath = ["tanh", "fround", "imul", "trunc", "log1p", "expm1"];
  for (var i = 0; i < missingMath.length; i++) delete Math[missingMath[i]];
  delete Array.from; delete Array.of; delete Number.isNaN; delete Object.freeze;
  delete g.Symbol; delete g.Map; delete g.Set; delete g.WeakMap; delete g.WeakSet; delete g.Reflect; delete g.Proxy;
  delete g.self;
  var TA = Object.getPrototypeOf(Int8Array.prototype), TAC = Object.getPrototypeOf(Int8Array);
  delete TA.fill; delete TAC.from; delete TAC.of;
  delete Array.prototype.slice;
  var names = ${JSON.stringify(TYPED)};
  for (i = 0; i < names.length; i++) {
    delete g[names[i]].BYTES_PER_ELEMENT; delete g[names[i]].prototype.BYTES_PER_ELEMENT;
    delete g[names[i]].from; delete g[names[i]].of;
  }
})(this);
`;

/** Rewrites function declarations `function f(){}` into `let f = function f(){};` at the
 * same place, so calling a function before its declaration has run throws, as on
 * the board; and checks that no var is read before its declaration in its scope. */
export function declareBeforeUse(code: string): string {
  const ast = Parser.parse(code, { ecmaVersion: 5, sourceType: "script", ranges: true }) as any;
  const edits: { at: number; del: number; text: string }[] = [];
  walk.full(ast, (node: any) => {
    if (node.type !== "FunctionDeclaration") return;
    const name = node.id.name;
    // "function f(...) {...}" -> "let f = function f(...) {...};"
    edits.push({ at: node.start, del: 0, text: `let ${name} = ` });
    edits.push({ at: node.end, del: 0, text: ";" });
  });
  // var read before its declaration, in the same function scope (closures excluded: they run later)
  const check = (body: any[], scopeNode: any) => {
    const declaredAt = new Map<string, number>();
    walk.simple(scopeNode, {
      VariableDeclarator(d: any) {
        if (!declaredAt.has(d.id.name)) declaredAt.set(d.id.name, d.start);
      },
    }, { ...walk.base, FunctionExpression: () => {}, FunctionDeclaration: () => {} } as any);
    const use = (id: any) => {
      const at = declaredAt.get(id.name);
      if (at !== undefined && id.start < at) throw new Error(`"${id.name}" is used at ${id.start} before its var declaration at ${at}`);
    };
    for (const stmt of body)
      walk.simple(stmt, { Identifier: use, VariablePattern: use } as any, { ...walk.base, FunctionExpression: () => {}, FunctionDeclaration: () => {} } as any);
  };
  check(ast.body, ast);
  walk.full(ast, (node: any) => {
    if (node.type === "FunctionDeclaration" || node.type === "FunctionExpression") check(node.body.body, node.body);
  });
  // back to front; where a declaration ends right where the next starts, the
  // "let" goes in first so the ";" lands before it
  edits.sort((a, b) => b.at - a.at || (a.text === ";" ? 1 : 0) - (b.text === ";" ? 1 : 0));
  let out = code;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.at + e.del);
  return out;
}

/** Rewrites code to behave as on the interpreter where V8 differs, and to
 * count its allocations:
 * - every array and object literal and function expression is wrapped in
 *   `__alloc(value, blocks)`: one block for the value and one a element or
 *   property; a function 8 and one a parameter, as measured on the interpreter
 *   (ESPRUINO-MEASUREMENTS.md). (Function declarations are expressions by now:
 *   declareBeforeUse ran first.)
 * - `a === b` (and !==, ==, !=) becomes `__eq(a, b, op)`: on Espruino (2v29)
 *   two typed arrays or ArrayBuffers are equal when they hold the same values,
 *   element by element (two distinct zero-filled Float32Array(2) are ===);
 *   objects and arrays compare by reference, as in V8. */
export function instrument(code: string): string {
  const ast = Parser.parse(code, { ecmaVersion: 6, sourceType: "script" }) as any;
  // at: where; kind 0 an opening, 1 a replaced range (to `end`), 2 a closing; depth: of its node
  const edits: { at: number; end?: number; kind: number; depth: number; text: string }[] = [];
  // a getter's or setter's function is not an expression of its own: `get x() {}`
  const accessors = new Set<any>();
  walk.full(ast, (node: any) => {
    if (node.type === "Property" && (node.kind !== "init" || node.method)) accessors.add(node.value);
  });
  walk.fullAncestor(ast, (node: any, _state: unknown, ancestors: any[]) => {
    const depth = ancestors.length;
    if (node.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(node.operator)) {
      // only the operator is replaced: the gap may hold an operand's closing parenthesis
      const op = node.left.end + code.slice(node.left.end, node.right.start).indexOf(node.operator);
      edits.push(
        { at: node.start, kind: 0, depth, text: "(__eq(" },
        { at: op, end: op + node.operator.length, kind: 1, depth, text: ", " },
        { at: node.end, kind: 2, depth, text: `, ${JSON.stringify(node.operator)}))` },
      );
      return;
    }
    const blocks = node.type === "ArrayExpression" ? 1 + node.elements.length
      : node.type === "ObjectExpression" ? 1 + node.properties.length
      : node.type === "FunctionExpression" && !accessors.has(node) ? 8 + node.params.length : 0;
    if (!blocks) return;
    // parenthesized: `new function () {}` must stay a constructor call of the function
    edits.push({ at: node.start, kind: 0, depth, text: "(__alloc(" }, { at: node.end, kind: 2, depth, text: `, ${blocks}))` });
  });
  // Applied back to front. Each insertion lands before what is at its place, so
  // at one place: openings innermost first (the outermost ends up first), then
  // a replaced operator, then closings outermost first (the innermost ends up first).
  edits.sort((x, y) => y.at - x.at || x.kind - y.kind || (x.kind === 0 ? y.depth - x.depth : x.depth - y.depth));
  let out = code;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.end ?? e.at);
  return out;
}

/** a === b as the interpreter computes it (instrument()) */
function espruinoEquals(a: any, b: any, op: string): boolean {
  // (values of the sandbox's realm: no instanceof)
  const buffers = (v: any) => v !== null && typeof v === "object" && (ArrayBuffer.isView(v) || Object.prototype.toString.call(v) === "[object ArrayBuffer]");
  let same: boolean;
  if (buffers(a) && buffers(b)) {
    const x = ArrayBuffer.isView(a) ? a : new Uint8Array(a), y = ArrayBuffer.isView(b) ? b : new Uint8Array(b);
    same = (x as any).length === (y as any).length;
    for (let i = 0; same && i < (x as any).length; i++) same = (x as any)[i] === (y as any)[i];
  } else same = op.length === 3 ? a === b : a == b;
  return op[0] === "!" ? !same : same;
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
  const registry = new Registry((blocks) => { live -= blocks; });
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
  runInContext(SETUP, context);
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
  // the realm's own constructors (builtins are not properties of the contextified object)
  const ctxArrayBuffer = runInContext("ArrayBuffer", context) as ArrayBufferConstructor;
  const ctxUint8 = runInContext("Uint8Array", context) as Uint8ArrayConstructor;
  context.E = {
    // sum over i of a[i] * b[(i + offset) % b.length], in double precision, in index order
    convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * b[(i + offset) % b.length];
      return s;
    },
    CRC32(x: any) {
      return crc32(hostBytes(x));
    },
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
    sum(a: ArrayLike<number>) {
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i];
      return s;
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
  context.print = (...a: unknown[]) => { printed.push(a.map(String).join(" ")); };
  context.getTime = () => performance.now() / 1000;
  context.process = {
    memory: () => {
      const usage = liveBlocks();
      return { free: TOTAL_BLOCKS - usage, usage, total: TOTAL_BLOCKS, blocksize: BLOCK_BYTES };
    },
    env: { BOARD: "SANDBOX" },
  };
  context.__alloc = (v: object, blocks: number) => track(v, blocks);
  context.__eq = espruinoEquals;
  // count allocations (bytes, and live blocks: a view 2, a buffer 1 and its
  // data), enforce the 16-bit byteOffset of views, and a length of 0 meaning "to the end"
  runInContext(`
    (function (limit, allocated, track, dataBlocks) {
      var g = (function () { return this; })();
      var names = ${JSON.stringify(TYPED)};
      names.forEach(function (name) {
        var Orig = g[name], proto = Orig.prototype, sub = proto.subarray, size = { Int8Array: 1, Uint8Array: 1, Uint8ClampedArray: 1, Int16Array: 2, Uint16Array: 2, Int32Array: 4, Uint32Array: 4, Float32Array: 4, Float64Array: 8 }[name];
        function Wrapped(a, b, c) {
          if (typeof a === "number") allocated.bytes += a * size;
          else if (a && typeof a.length === "number" && !(a instanceof ArrayBuffer)) allocated.bytes += a.length * size;
          if (limit && typeof b === "number" && b > 65535) throw new Error("byteOffset too large");
          // Espruino takes a length of 0 as "not given": the view runs to the buffer's end
          if (arguments.length === 3 && !c && a instanceof ArrayBuffer) c = Math.floor((a.byteLength - b) / size);
          var v = arguments.length === 1 ? new Orig(a) : arguments.length === 2 ? new Orig(a, b) : new Orig(a, b, c);
          if (!(a instanceof ArrayBuffer)) track(v.buffer, dataBlocks(v.byteLength));
          return track(v, 2);
        }
        Wrapped.prototype = proto;
        proto.subarray = function (s, e) {
          var v = sub.call(this, s, e);
          if (limit && v.byteOffset > 65535) throw new Error("byteOffset too large");
          return track(v, 2);
        };
        g[name] = Wrapped;
      });
      var AB = g.ArrayBuffer;
      function TrackedArrayBuffer(n) { return track(new AB(n), dataBlocks(n)); }
      TrackedArrayBuffer.prototype = AB.prototype;
      g.ArrayBuffer = TrackedArrayBuffer;
    })
  `, context)(!!opts.viewOffsetLimit, allocated, track, dataBlocks);
  const sandbox: Sandbox = {
    context,
    storage,
    printed,
    allocated,
    liveBlocks,
    run: (code, filename) => runInContext(instrument(declareBeforeUse(code)), context, { filename }),
    module(code) {
      const mod = { exports: {} as any };
      runInContext(`(function (exports, module) {\n${instrument(declareBeforeUse(code))}\n})`, context)(mod.exports, mod);
      return mod.exports;
    },
  };
  return sandbox;
}
