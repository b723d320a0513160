// edgefnn split data.csv --test 0.2 [--stratify] [--seed N]: a train and a test
// file, each with the header, every data row in exactly one of them, in the
// file's order. Rows are copied as written (quotes, decimals, timestamps kept):
// split reads no values, so it works on any CSV with a header.
import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { createRng, shuffle } from "../../src/core/index";
import { fail, quoteValue } from "../cli/user-error";
import { Output } from "../cli/output";
import { detectDelimiter } from "../data/detect-delimiter";
import { writeFileAtomic } from "../files/model-file";

export interface SplitOptions {
  test: number;
  stratify?: boolean;
  label?: string;
  seed: number;
  train?: string;
  testOut?: string;
}

/** data.csv -> data.train.csv, data.test.csv */
export function splitNames(file: string): { train: string; test: string } {
  const base = file.replace(/\.csv$/i, "");
  return { train: `${base}.train.csv`, test: `${base}.test.csv` };
}

export function splitCommand(file: string, o: SplitOptions, out: Output) {
  if (!(o.test > 0 && o.test < 1)) fail(`--test must be a fraction between 0 and 1 (0.2: a fifth of the rows), got ${o.test}`);
  const names = splitNames(file);
  const trainFile = o.train ?? names.train,
    testFile = o.testOut ?? names.test;
  if (trainFile === file || testFile === file || trainFile === testFile)
    fail("the train file, the test file and the data file must be three different files");
  // A CSV cannot say who wrote it, so no file is ever replaced: checked before anything is read
  for (const [f, flag] of [
    [trainFile, "--train-out"],
    [testFile, "--test-out"],
  ])
    if (existsSync(f))
      fail(`${f} exists: split never replaces a file (a CSV does not say who wrote it); remove it or give another ${flag}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return fail(`${file}: cannot be read`);
  }
  const firstLine = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/, 1)[0];
  const records = parse(text, {
    delimiter: detectDelimiter(firstLine),
    bom: true,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    record_delimiter: ["\r\n", "\n", "\r"],
  }) as unknown as { record: string[]; raw: string }[];
  if (records.length < 3) fail(`${file}: a header and at least 2 data rows are needed to split, it has ${Math.max(0, records.length - 1)}`);
  const raw = (r: { raw: string }) => r.raw.replace(/^[\r\n]+/, "").replace(/(\r\n|\n|\r)$/, "");
  const header = records[0].record.map((s) => s.trim()),
    rows = records.slice(1),
    n = rows.length;
  const rng = createRng(o.seed);
  const inTest = new Uint8Array(n);
  // groups of rows: one per class with --stratify (each class split alike), else one
  const groups = new Map<string, number[]>();
  let li = -1;
  if (o.stratify) {
    const name = o.label ?? header[header.length - 1];
    li = header.indexOf(name);
    if (li < 0) fail(`${file}: there is no label column ${quoteValue(name)} to stratify by; give it with --label`);
  }
  rows.forEach((r, i) => {
    const key = li >= 0 ? (r.record[li] ?? "").trim() : "";
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(i);
  });
  for (const idx of groups.values()) {
    const order = Int32Array.from(idx);
    shuffle(order, order.length, rng);
    const k = Math.round(order.length * o.test);
    for (let i = 0; i < k; i++) inTest[order[i]] = 1;
  }
  const picked = (t: number) => rows.filter((_, i) => inTest[i] === t).map(raw);
  const [train, test] = [picked(0), picked(1)];
  if (!test.length || !train.length) fail(`${file}: --test ${o.test} of ${n} rows leaves ${test.length ? "no training" : "no test"} rows`);
  const head = raw(records[0]).replace(/^\uFEFF/, "");
  writeFileAtomic(trainFile, [head, ...train].join("\n") + "\n");
  writeFileAtomic(testFile, [head, ...test].join("\n") + "\n");
  out.say(
    `edgefnn split: ${file}, ${n} rows -> ${trainFile} (${train.length} rows), ${testFile} (${test.length} ` +
      `rows)${o.stratify ? `, stratified by ${quoteValue(header[li])} (${groups.size} classes)` : ""}, seed ${o.seed}`,
  );
  return { train: trainFile, test: testFile, trainRows: train.length, testRows: test.length, stratified: !!o.stratify, seed: o.seed };
}
