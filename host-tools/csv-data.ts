// Loads a labelled CSV (header row) into a classification data set.
// The full loader with every bad-input case named lands with the CLI; this one
// already refuses non-numeric features with the file, line and column.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { classificationSet, DataSet } from "../src/core/index";

export interface LabelledData {
  data: DataSet;
  labels: string[];
  features: string[];
}

export function loadClassificationCsv(file: string, labelColumn?: string): LabelledData {
  const rows: string[][] = parse(readFileSync(file), { bom: true, skip_empty_lines: true, trim: true });
  if (rows.length < 2) throw new Error(`${file}: no data rows (a header row and at least one row are needed)`);
  const header = rows[0];
  const li = labelColumn === undefined ? header.length - 1 : header.indexOf(labelColumn);
  if (li < 0) throw new Error(`${file}: no column "${labelColumn}" (columns: ${header.join(", ")})`);
  const features = header.filter((_, i) => i !== li);
  const labels: string[] = [];
  const xs: number[][] = [];
  const ys: number[] = [];
  rows.slice(1).forEach((r, k) => {
    const line = k + 2;
    if (r.length !== header.length) throw new Error(`${file} line ${line}: ${r.length} fields, expected ${header.length}`);
    const x: number[] = [];
    r.forEach((v, i) => {
      if (i === li) return;
      const num = Number(v);
      if (v === "" || !Number.isFinite(num))
        throw new Error(`${file} line ${line}: column "${header[i]}" is "${v}", expected a number`);
      x.push(num);
    });
    let c = labels.indexOf(r[li]);
    if (c < 0) c = labels.push(r[li]) - 1;
    xs.push(x);
    ys.push(c);
  });
  return { data: classificationSet(xs, ys, labels.length), labels, features };
}
