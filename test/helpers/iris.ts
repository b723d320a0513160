import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { classificationSet, DataSet } from "../../src/core/index";

export const IRIS_CSV = fileURLToPath(new URL("../../examples/data/iris.csv", import.meta.url));

/** The example copy of ../shared/data/iris.csv: 150 rows, 4 features, 3 classes. */
export function loadIris(): { data: DataSet; labels: string[] } {
  const rows: string[][] = parse(readFileSync(IRIS_CSV), { from_line: 2 });
  const labels = [...new Set(rows.map((r) => r[4]))];
  const data = classificationSet(
    rows.map((r) => r.slice(0, 4).map(Number)),
    rows.map((r) => labels.indexOf(r[4])),
  );
  return { data, labels };
}
