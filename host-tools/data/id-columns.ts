// Which feature columns look like a row id or a time rather than a measurement,
// for train's hint "leave it out with --exclude". Two signs, each checked on
// every row (not guessed from a column's name or its first rows):
//  - the column increases on every row (a time, an id in file order), or
//  - every value is a whole number and no two rows share one (an id, also
//    after `split` has shuffled the rows). Real-valued readings are usually
//    all different too, so only whole numbers count.
// The values are the loaded float32 ones: above 2^24 neighbouring whole
// numbers can round to the same value, so a large id may be missed (never
// flagged wrongly by it: rounding only makes values equal).
import { DataSet } from "../../src/core/index";

/** fewer rows than this say nothing either way */
export const ID_MIN_ROWS = 10;

export function idLikeColumns(data: DataSet, names: string[]): string[] {
  const d = data.inputSize,
    n = data.n,
    out: string[] = [];
  if (n < ID_MIN_ROWS) return out;
  for (let j = 0; j < d; j++) {
    let up = true,
      whole = true;
    for (let i = 0; i < n && (up || whole); i++) {
      const v = data.x[i * d + j];
      if (i > 0 && !(v > data.x[(i - 1) * d + j])) up = false;
      if (!Number.isInteger(v)) whole = false; // NaN (a gap) is neither
    }
    if (up || (whole && allDifferent(data, j))) out.push(names[j]);
  }
  return out;
}

function allDifferent(data: DataSet, j: number): boolean {
  const seen = new Set<number>(),
    d = data.inputSize;
  for (let i = 0; i < data.n; i++) {
    const v = data.x[i * d + j];
    if (seen.has(v)) return false;
    seen.add(v);
  }
  return true;
}
