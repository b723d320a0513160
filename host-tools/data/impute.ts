// --impute mean|median: missing feature values (NaN after loading) filled with
// a statistic of the training split only, the same values the model stores as
// its normalization's center, so predict and the board fill gaps alike
// (docs/FORMAT.md, Imputation).
import type { DataSet } from "../../src/core/dataset";
import { fail, quoteValue } from "../cli/user-error";

export type Imputation = "mean" | "median";

/** Per feature, the mean or median of the values present in `data`. */
export function imputationValues(data: DataSet, how: Imputation, names: string[]): Float32Array {
  const d = data.inputSize,
    out = new Float32Array(d),
    col = new Float64Array(data.n);
  for (let j = 0; j < d; j++) {
    let k = 0;
    for (let i = 0; i < data.n; i++) {
      const v = data.x[i * d + j];
      if (v === v) col[k++] = v;
    }
    if (k === 0)
      fail(
        `column ${quoteValue(names[j])} has no values in the training split, so there is nothing to impute it from: leave it out with ` +
          `--exclude`,
      );
    const present = col.subarray(0, k);
    if (how === "mean") {
      let s = 0;
      for (const v of present) s += v;
      out[j] = s / k;
    } else {
      present.sort();
      out[j] = k & 1 ? present[(k - 1) / 2] : (present[k / 2 - 1] + present[k / 2]) / 2;
    }
  }
  return out;
}

/** Fills data's NaN features with `fill` in place; returns how many were filled. */
export function fillMissing(data: DataSet, fill: Float32Array): number {
  const d = data.inputSize;
  let n = 0;
  for (let i = 0; i < data.n * d; i++)
    if (data.x[i] !== data.x[i]) {
      data.x[i] = fill[i % d];
      n++;
    }
  return n;
}

/** Rows with at least one NaN feature. */
export function rowsWithGaps(data: DataSet): number {
  const d = data.inputSize;
  let n = 0;
  for (let i = 0; i < data.n; i++)
    for (let j = 0; j < d; j++)
      if (data.x[i * d + j] !== data.x[i * d + j]) {
        n++;
        break;
      }
  return n;
}
