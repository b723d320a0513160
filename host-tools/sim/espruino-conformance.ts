// The conformance table of the Espruino surface (espruino-surface.ts): each
// probe is the body of an ES5 function, and `board` is what the real
// interpreter answered, written once here. The answer is the value shown as
// `typeof v + " " + JSON.stringify(v)` ("undefined" for undefined), or
// "throws <message>" (only the throwing is compared, not the message).
// Answered by the interpreter's Linux build 2v29.277 (upstream's source,
// default -O0 build), run as `scripts/surface-on-espruino.mjs` does; see
// docs/espruino-surface.md. A probe whose surface answer differs carries
// `gap`: why, and `surface`: what the surface answers instead.

export interface Probe {
  name: string;
  code: string;
  board: string;
  gap?: string;
  surface?: string;
}

/** the function that turns a probe's result into its answer, as ES5 source (runs on both) */
export const SHOW =
  `function (f) { try { var v = f(); return v === undefined ? "undefined" : typeof v + " " + JSON.stringify(v); } ` +
  `catch (e) { return "throws " + e.message; } }`;

const t = (name: string, expr: string, board: string, gap?: { gap: string; surface: string }): Probe => ({
  name,
  code: `return ${expr};`,
  board,
  ...gap,
});
const typeOf = (expr: string, board: "undefined" | "function" | "object", gap?: { gap: string; surface: string }) =>
  t(`typeof ${expr}`, `typeof ${expr}`, `string "${board}"`, gap);

export const PROBES: Probe[] = [
  // the eight on which the two old sandboxes disagreed
  t("[1,2,3].slice(1)", "[1, 2, 3].slice(1)", "object [2,3]"),
  typeOf("Array.prototype.slice", "undefined"),
  typeOf("global", "object"),
  t("0-length Uint8Array view runs to the end", "new Uint8Array(new ArrayBuffer(8), 4, 0).length", "number 4"),
  t("0-length Float32Array view runs to the end", "new Float32Array(new ArrayBuffer(16), 4, 0).length", "number 3"),
  t("Float32Array.BYTES_PER_ELEMENT", "Float32Array.BYTES_PER_ELEMENT", "undefined"),
  t("new Float32Array(1).BYTES_PER_ELEMENT", "new Float32Array(1).BYTES_PER_ELEMENT", "undefined"),
  typeOf("Intl", "undefined"),
  t("Object.create(p, props)", "Object.create({}, { a: { value: 1 } }).a", "throws propertiesObject is not supported yet"),
  // typed arrays and views
  t("Object.create(p)", "Object.create({ b: 2 }).b", "number 2"),
  t("view at byteOffset 65536", "new Uint8Array(new ArrayBuffer(70000), 65536, 1).length", "throws byteOffset too large (or negative)"),
  t("view at byteOffset 65535", "new Uint8Array(new ArrayBuffer(70000), 65535, 1).length", "number 1"),
  t(
    "subarray at 65536",
    "new Uint8Array(new ArrayBuffer(70000)).subarray(65536, 65537).length",
    "throws byteOffset too large (or " + "negative)",
  ),
  t("subarray(2, 2) is empty", "new Uint8Array(8).subarray(2, 2).length", "number 0"),
  t("0-length view at the end", "new Uint8Array(new ArrayBuffer(8), 8, 0).length", "number 0"),
  t("view without length", "new Uint8Array(new ArrayBuffer(8), 4).length", "number 4"),
  t("unaligned Float32Array view", "new Float32Array(new ArrayBuffer(8), 1, 1).length", "number 1", {
    gap:
      "V8 requires a view's byteOffset to be a multiple of its element size (a copy would lose the aliasing); the .efnn format " +
      "aligns sections to 4 anyway",
    surface: "throws start offset of Float32Array should be a multiple of 4",
  }),
  t("typed arrays with equal values are ===", "new Float32Array(2) === new Float32Array(2)", "boolean true"),
  t("typed arrays with different values are not ===", "new Float32Array([1]) === new Float32Array([2])", "boolean false"),
  t("typed arrays with equal values are ==", "new Int8Array([1, 2, 3]) == new Int8Array([1, 2, 3])", "boolean true"),
  t("subarray", "new Int8Array([1, 2, 3, 4]).subarray(1, 3).length", "number 2"),
  t("typed array map", "new Int8Array([1, 2]).map(function (v) { return v * 2; })[1]", "number 4"),
  t("typed array join", 'new Int8Array([1, 2]).join(",")', 'string "1,2"'),
  t("typed array set", "(function () { var a = new Int8Array(3); a.set([1, 2], 1); return a[2]; })()", "number 2"),
  typeOf("new Int8Array(1).slice", "function"),
  typeOf("Uint8ClampedArray", "function"),
  t("Float64Array", "new Float64Array(2).length", "number 2"),
  t(
    "DataView float32",
    "(function () { var d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, 1.5); return d.getFloat32(0); " + "})()",
    "number 1.5",
  ),
  typeOf("new Float32Array(1).fill", "function"),
  t(
    "typed array fill returns the array",
    "(function () { var a = new Float32Array(3); return a.fill(1) === a && a[2] === 1; })()",
    "boolean true",
  ),
  t("typed array fill(value, start, end)", 'new Float32Array(4).fill(2, 1, 3).join(",")', 'string "0,2,2,0"'),
  // language
  t(
    "a let loop variable is shared by the closures",
    "(function () { var fs = []; for (let i = 0; i < 3; i++) fs.push(function () { " + "return i; }); return fs[0](); })()",
    "number 3",
  ),
  { name: "a function called before its declaration", code: "return f(); function f() { return 1; }", board: 'throws "f" is not defined' },
  { name: "a var read before its declaration", code: "return typeof x; var x = 1;", board: 'string "undefined"' },
  t("thrown Error's name", '(function () { try { throw new Error("x"); } catch (e) { return e.name; } })()', "undefined"),
  t("TypeError's name", "(function () { try { null.x; } catch (e) { return e.name; } })()", "undefined"),
  t(
    '"use strict" has no effect',
    '(function () { "use strict"; return (function () { return this; })() === undefined; ' + "})()",
    "boolean false",
    {
      gap: "V8 honours the directive (this is undefined in a strict function); the rewriter does not remove it",
      surface: "boolean true",
    },
  ),
  t("Math.round(-2.5)", "Math.round(-2.5)", "number -3"),
  t("Math.round(-0.5)", "Math.round(-0.5)", "number -1"),
  t("Math.round(2.5)", "Math.round(2.5)", "number 3"),
  t("1 / Math.round(-0.3)", "1 / Math.round(-0.3)", "number null"),
  t("Math.round(0.49999999999999994)", "Math.round(0.49999999999999994)", "number 1"),
  t("String(0.1 + 0.2)", "String(0.1 + 0.2)", 'string "0.3"', {
    gap: "the interpreter prints numbers with fewer digits (its own ftoa); V8 prints the shortest round-trip form",
    surface: 'string "0.30000000000000004"',
  }),
  t("String(1 / 3)", "String(1 / 3)", 'string "0.33333333333"', {
    gap: "as String(0.1 + 0.2)",
    surface: 'string "0.3333333333333333"',
  }),
  t("(1.005).toFixed(2)", "(1.005).toFixed(2)", 'string "1.00"'),
  t('parseFloat("1.5e3")', 'parseFloat("1.5e3")', "number 1500"),
  t("JSON.stringify([NaN])", "JSON.stringify([NaN])", 'string "[null]"'),
  // built-ins the board lacks
  ...[
    "Math.tanh",
    "Math.fround",
    "Math.imul",
    "Math.trunc",
    "Math.log1p",
    "Math.expm1",
    "Math.cbrt",
    "Math.hypot",
    "Array.from",
    "Array.of",
    "Float32Array.from",
    "Number.isNaN",
    "Number.isFinite",
    "Object.freeze",
    "Symbol",
    "Map",
    "Set",
    "WeakMap",
    "Reflect",
    "Proxy",
    "self",
    "WeakRef",
    "BigInt",
    "WebAssembly",
    "SharedArrayBuffer",
    "Math.log2",
    "Math.log10",
    "Math.sinh",
    "Math.cosh",
    "Math.atanh",
    "Math.asinh",
    "Math.acosh",
    "Math.clz32",
    "Number.isInteger",
    "Number.isSafeInteger",
    "Number.parseFloat",
    "Object.is",
    "ArrayBuffer.isView",
    "Error.captureStackTrace",
    "structuredClone",
    "queueMicrotask",
  ].map((e) => typeOf(e, "undefined")),
  // Array.prototype's methods read undefined on the prototype; other prototypes' too, partly modelled
  ...["map", "push", "forEach", "indexOf", "join", "concat", "sort", "reduce", "splice", "filter"].map((m) =>
    typeOf(`Array.prototype.${m}`, "undefined"),
  ),
  typeOf("[].map", "function"),
  typeOf("[].slice.call", "function"),
  typeOf("Object.prototype.hasOwnProperty", "function"),
  ...["Function.prototype.call", "String.prototype.slice", "Int8Array.prototype.subarray"].map((e) =>
    typeOf(e, "undefined", {
      gap: "only Array.prototype's methods are hidden: V8's own code and the hosts' wrappers read these",
      surface: 'string "function"',
    }),
  ),
  // built-ins the board has
  ...[
    "globalThis",
    "Promise",
    "[].fill",
    '"".padStart',
    "Object.getOwnPropertyNames",
    "Object.assign",
    "Math.sign",
    "Object.entries",
    "Object.values",
    "Object.getOwnPropertyDescriptors",
    "Object.setPrototypeOf",
    "Date",
    "RegExp",
    "JSON.parse",
  ].map((e) => typeOf(e, e === "globalThis" ? "object" : "function")),
  t("Array.isArray", "Array.isArray([])", "boolean true"),
  t("Object.keys", "Object.keys({ a: 1, b: 2 })", 'object ["a","b"]'),
  t("Object.defineProperty value", '(function () { var o = {}; Object.defineProperty(o, "a", { value: 3 }); return o.a; })()', "number 3"),
  t("Object.getPrototypeOf([])", "Object.getPrototypeOf([]) === Array.prototype", "boolean true"),
  t("[1, 2].indexOf(2)", "[1, 2].indexOf(2)", "number 1"),
  // E and friends
  t('E.CRC32("hello")', 'E.CRC32("hello")', "number 907060870"),
  t("E.CRC32 of a Float32Array takes element values", "E.CRC32(new Float32Array([1.5]))", "number 2768625435"),
  t("E.CRC32 of an Int8Array", "E.CRC32(new Int8Array([-1]))", "number 4278190080"),
  t("E.CRC32 of an ArrayBuffer", "E.CRC32(new Uint8Array([1, 2]).buffer)", "number 3066839698"),
  t("E.convolve", "E.convolve(new Int8Array([1, 2, 3]), new Float32Array([1, 10, 100]), 1)", "number 213"),
  t("E.variance", "E.variance([1, 2, 3], 2)", "number 2"),
  t("E.sum", "E.sum([1, 2, 3])", "number 6"),
  t("E.toArrayBuffer", 'new Uint8Array(E.toArrayBuffer("AB"))[1]', "number 66"),
  t("atob", 'atob("aGk=")', 'string "hi"'),
  t("btoa", 'btoa("hi")', 'string "aGk="'),
];

/** one probe as a statement printing `@@<index>=<answer>` (for the interpreter) */
export function probeLine(p: Probe, i: number): string {
  return `print("@@${i}=" + (${SHOW})(function () { ${p.code} }));`;
}
