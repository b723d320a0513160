// train's "an id or a time?" hint: a column that increases on every row, or
// whole numbers unique to each row (an id, also after split shuffled the rows);
// not real-valued readings, not whole numbers that repeat, not a column with a gap.
import { describe, expect, it } from "vitest";
import { classificationSet, createRng } from "../../src/core/index";
import { idLikeColumns } from "../../host-tools/data/id-columns";

const NAMES = ["time", "shuffledId", "reading", "count", "withGap"];

function table(n: number) {
  const rng = createRng(3),
    ids = Array.from({ length: n }, (_, i) => 1000 + i);
  for (let i = n - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    [ids[i], ids[k]] = [ids[k], ids[i]];
  }
  const rows = ids.map((id, i) => [
    1.7e5 + 0.5 * i, // increasing, not whole
    id, // whole, unique, in no order
    rng.normal(), // real-valued readings: all different but not an id
    rng.int(5), // whole numbers that repeat
    i === 3 ? NaN : i, // would increase but for one gap
  ]);
  return classificationSet(
    rows,
    rows.map(() => 0),
    1,
  );
}

describe("idLikeColumns", () => {
  it("flags the increasing column and the shuffled whole-number id, nothing else", () => {
    expect(idLikeColumns(table(50), NAMES)).toEqual(["time", "shuffledId"]);
  });
  it("says nothing on fewer than 10 rows", () => {
    expect(idLikeColumns(table(9), NAMES)).toEqual([]);
  });
  it("one repeated id is not an id column", () => {
    const d = table(50);
    d.x[1 * 5 + 1] = d.x[7 * 5 + 1];
    expect(idLikeColumns(d, NAMES)).toEqual(["time"]);
  });
});
