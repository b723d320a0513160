// Values as the Espruino console prints them after "=" (jsfGetJSONWithCallback
// in espruino/Espruino src/jswrap_json.c): numbers and booleans as they are,
// strings in double quotes with \n, \xHH escapes, arrays and objects with
// unquoted identifier keys ({ a: 1, "b-c": [ 1, 2 ] }), typed arrays as
// constructor calls (all zeros: new Uint8Array(70000)). With the console's
// limit, arrays over 15 items show their first and last 5, strings over 40
// characters their first and last 17, functions no body. Objects stay on one
// line here (the firmware breaks long ones over lines).
// Values from the sandbox come from another realm: nothing here uses instanceof.

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"' || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 32 || (c >= 127 && c < 256)) out += "\\x" + c.toString(16).toUpperCase().padStart(2, "0");
    else if (c >= 256) out += "\\u" + c.toString(16).toUpperCase().padStart(4, "0");
    else out += ch;
  }
  return out + '"';
}

const tag = (v: object) => Object.prototype.toString.call(v).slice(8, -1);

/** The constructor name of an error object from any realm ("Error", "ReferenceError"...), or null. */
export function errorName(v: unknown): string | null {
  if (!v || typeof v !== "object" || tag(v) !== "Error") return null;
  const proto = Object.getPrototypeOf(v);
  const name = proto && proto.constructor && typeof proto.constructor.name === "string" ? proto.constructor.name : "Error";
  return name || "Error";
}

const LIMIT_AMOUNT = 15,
  LIMITED_AMOUNT = 5,
  LIMIT_STRING = 40,
  LIMITED_STRING = 17,
  LIMIT_TEXT = " ... ";

/** Items of a list-like, limited as the console does: first 5, " ... ", last 5. */
function items(n: number, item: (i: number) => string, limit: boolean): string {
  const limited = limit && n > LIMIT_AMOUNT;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (limited && i >= LIMITED_AMOUNT && i < n - LIMITED_AMOUNT) continue;
    out.push((limited && i === n - LIMITED_AMOUNT ? LIMIT_TEXT : "") + item(i));
  }
  return out.join(", ");
}

/** @param limit shorten long arrays, strings and function bodies, as after "=" */
export function formatValue(v: unknown, limit = true, seen: Set<object> = new Set()): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  switch (typeof v) {
    case "number":
      return Object.is(v, -0) ? "0" : String(v);
    case "boolean":
      return String(v);
    case "string":
      return limit && v.length > LIMIT_STRING
        ? quoteString(v.slice(0, LIMITED_STRING)) + LIMIT_TEXT + quoteString(v.slice(-LIMITED_STRING))
        : quoteString(v);
    case "function": {
      const src = Function.prototype.toString.call(v);
      if (!limit) return src;
      const params = /^[^(]*\(([^)]*)\)/.exec(src);
      return `function (${params ? params[1].replace(/\s+/g, "") : ""}) {${LIMIT_TEXT}}`;
    }
    case "bigint":
    case "symbol":
      return String(v);
  }
  const o = v as Record<string, unknown>;
  if (seen.has(o)) return LIMIT_TEXT;
  const name = errorName(o);
  if (name) return `${name}: ${String(o.message)}`;
  const t = tag(o);
  if ((ArrayBuffer.isView(o) && t !== "DataView") || t === "ArrayBuffer") {
    const a = (t === "ArrayBuffer" ? new Uint8Array(o as unknown as ArrayBuffer) : o) as unknown as ArrayLike<number>;
    const type = t === "ArrayBuffer" ? "Uint8Array" : t;
    let zero = true;
    for (let i = 0; i < a.length && zero; i++) zero = a[i] === 0;
    if (zero) return `new ${t}(${a.length})`;
    return `new ${type}([${items(a.length, (i) => formatValue(a[i]), limit)}])${t === "ArrayBuffer" ? ".buffer" : ""}`;
  }
  if (t === "Date" || t === "RegExp" || t === "DataView") return String(o);
  seen.add(o);
  try {
    if (Array.isArray(o)) return o.length === 0 ? "[ ]" : `[ ${items(o.length, (i) => formatValue(o[i], limit, seen), limit)} ]`;
    const keys = Object.keys(o);
    if (keys.length === 0) return "{ }";
    const key = (k: string) => (IDENT.test(k) || /^\d+$/.test(k) ? k : quoteString(k));
    return `{ ${keys.map((k) => `${key(k)}: ${formatValue(o[k], limit, seen)}`).join(", ")} }`;
  } finally {
    seen.delete(o);
  }
}

/** What print() and console.log() show: strings as they are, everything else as the console formats it. */
export function printValue(v: unknown): string {
  return typeof v === "string" ? v : formatValue(v, false);
}
