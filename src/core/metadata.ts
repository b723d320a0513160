// The metadata section of a version 2 .efnn file (docs/FORMAT.md): what the
// model's inputs are called, which column it predicts, the task, and how
// missing inputs are filled. It lies after the weights and ends at the
// checksum. None of it changes an output, so the board's runtime skips it; the
// host reads it to pick a CSV's columns by name.
//
//   u8  task        0 not stated, 1 classification, 2 regression
//   u8  imputation  0 none, 1 mean, 2 median (header flag bit 0 set exactly when not 0)
//   u16 target name length in bytes (0: not stated), then its UTF-8 bytes
//   u16 feature name count: 0 or M_0; per name u16 length (1..255), UTF-8 bytes
//   zero padding to a multiple of 4

export var TASKS = ["", "classification", "regression"];
export var IMPUTATIONS = ["", "mean", "median"];
export var MAX_NAME_BYTES = 255;

export interface ModelMeta {
  /** the feature columns' names, one per input, in input order */
  features?: string[];
  /** the label (target) column's name */
  target?: string;
  task?: "classification" | "regression";
  /** how missing inputs were filled in training: the normalization's center
   * (mean_j) is then that statistic of the training split, and a NaN input
   * x_j is taken as mean_j, on the host and on the board alike. "center": a
   * file whose header flag says so but whose metadata does not say which */
  impute?: "mean" | "median" | "center";
}

/** The UTF-8 bytes of s, as a string of chars 0..255 (ES5: no TextEncoder in src/core). */
function utf8(s: string, what: string): string {
  // encodeURIComponent throws on a lone surrogate (no UTF-8 for it)
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/.test(s))
    throw new Error(what + " is not valid Unicode text (a lone surrogate)");
  return unescape(encodeURIComponent(s));
}

/** A name's bytes, checked: 1..255 bytes of UTF-8. */
function nameBytes(s: string, what: string): string {
  var b = utf8(s, what);
  if (b.length < 1 || b.length > MAX_NAME_BYTES)
    throw new Error(what + " is " + b.length + " bytes of UTF-8: names are 1 to " + MAX_NAME_BYTES);
  return b;
}

/** The metadata section's bytes (padded to 4) for a model of inputSize inputs; null when nothing is stated. */
export function encodeMeta(meta: ModelMeta, inputSize: number): Uint8Array | null {
  if (!meta.features && meta.target === undefined && !meta.task && !meta.impute) return null;
  var task = TASKS.indexOf(meta.task || ""),
    imp = IMPUTATIONS.indexOf(meta.impute || "");
  if (task < 0) throw new Error("task " + meta.task + " is not classification or regression");
  if (imp < 1 && meta.impute) throw new Error("imputation " + meta.impute + " is not mean or median");
  var parts: string[] = [],
    names = meta.features || [],
    seen: { [k: string]: number } = {};
  if (meta.features && names.length !== inputSize) throw new Error(names.length + " feature names for " + inputSize + " inputs");
  var target = meta.target === undefined ? "" : nameBytes(meta.target, "the label column's name");
  parts.push(String.fromCharCode(task, imp, target.length & 255, target.length >> 8), target);
  parts.push(String.fromCharCode(names.length & 255, names.length >> 8));
  for (var i = 0; i < names.length; i++) {
    var b = nameBytes(names[i], "feature name " + (i + 1));
    if (seen["#" + names[i]])
      throw new Error("feature names " + seen["#" + names[i]] + " and " + (i + 1) + " are both " + JSON.stringify(names[i]));
    seen["#" + names[i]] = i + 1;
    parts.push(String.fromCharCode(b.length & 255, b.length >> 8), b);
  }
  var s = parts.join(""),
    out = new Uint8Array(s.length + (-s.length & 3));
  for (i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The metadata in bytes [at, end) of a file whose header flags are `flags`; throws "metadata: ..." on anything malformed. */
export function decodeMeta(b: Uint8Array, at: number, end: number, inputSize: number, flags: number): ModelMeta {
  var meta: ModelMeta = {},
    p = at;
  function bad(what: string): never {
    throw new Error("metadata: " + what);
  }
  function take(n: number, what: string): number {
    if (p + n > end) bad("truncated at " + what + " (" + n + " bytes, " + (end - p) + " left)");
    return (p += n) - n;
  }
  function u16at(o: number): number {
    return b[o] | (b[o + 1] << 8);
  }
  function text(n: number, what: string): string {
    var o = take(n, what),
      s = "";
    for (var i = o; i < o + n; i++) s += String.fromCharCode(b[i]);
    try {
      return decodeURIComponent(escape(s));
    } catch (e) {
      return bad(what + " is not UTF-8");
    }
  }
  if (at === end) {
    // an empty section states nothing, but the header's imputation flag still holds
    if (flags & 1) meta.impute = "center";
    return meta;
  }
  var h = take(4, "its header"),
    task = b[h],
    imp = b[h + 1],
    tl = u16at(h + 2);
  if (task >= TASKS.length) bad("task " + task + " is unknown");
  if (imp >= IMPUTATIONS.length) bad("imputation " + imp + " is unknown");
  if (!imp !== !(flags & 1))
    bad("imputation " + (IMPUTATIONS[imp] || "none") + " but the header's flag says " + (flags & 1 ? "imputed" : "none"));
  if (task) meta.task = TASKS[task] as ModelMeta["task"];
  if (imp) meta.impute = IMPUTATIONS[imp] as ModelMeta["impute"];
  if (tl > MAX_NAME_BYTES) bad("the label column's name is " + tl + " bytes, at most " + MAX_NAME_BYTES);
  if (tl) meta.target = text(tl, "the label column's name");
  var count = u16at(take(2, "the feature name count"));
  if (count && count !== inputSize) bad(count + " feature names for " + inputSize + " inputs");
  var names: string[] = [],
    seen: { [k: string]: number } = {};
  for (var i = 0; i < count; i++) {
    var n = u16at(take(2, "feature name " + (i + 1)));
    if (n < 1 || n > MAX_NAME_BYTES) bad("feature name " + (i + 1) + " is " + n + " bytes, expected 1 to " + MAX_NAME_BYTES);
    var s = text(n, "feature name " + (i + 1));
    if (seen["#" + s]) bad("feature names " + seen["#" + s] + " and " + (i + 1) + " are both " + JSON.stringify(s));
    seen["#" + s] = i + 1;
    names.push(s);
  }
  if (count) meta.features = names;
  if (end - p > 3) bad(end - p + " bytes after its end");
  for (; p < end; p++) if (b[p]) bad("padding is not zero");
  return meta;
}
