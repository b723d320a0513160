// edgefnn split data.csv --test 0.2 [--stratify] [--seed N]: a train and a test
// file, each with the header, every data row in exactly one of them, in the
// file's order. Rows are copied as written (quotes, decimals, timestamps kept):
// split reads no values, so it works on any CSV with a header.
// It streams: one pass counts the rows (and reads each row's label to
// stratify), a second copies each row to its file, so a file larger than
// memory splits too; what it holds is a byte per row (and a class per row with
// --stratify), never the text.
import { closeSync, createReadStream, existsSync, openSync, readSync, statSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { parse } from "csv-parse";
import { createRng, shuffle } from "../../src/core/index";
import { fail, quoteValue, UserError } from "../cli/user-error";
import { Output } from "../cli/output";
import { detectDelimiter } from "../data/detect-delimiter";
import { GrowingRows } from "../data/growing-rows";
import { StreamFile } from "../files/stream-file";
import { checkWritable, writeProblem } from "../files/model-file";

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

interface CsvRecord {
  record: string[];
  raw: string;
}

/** The file's first line (for the delimiter), read a block at a time up to its end. */
function firstLine(file: string): string {
  const fd = openSync(file, "r"),
    buf = Buffer.alloc(1 << 16),
    dec = new StringDecoder("utf8");
  let text = "";
  try {
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      text += got ? dec.write(buf.subarray(0, got)) : dec.end();
      const line = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/, 2);
      if (!got || line.length > 1) return line[0];
    }
  } finally {
    closeSync(fd);
  }
}

/** The file's records (each with its text as written), parsed as it is read. */
async function* records(file: string, delimiter: string): AsyncGenerator<CsvRecord> {
  const source = createReadStream(file, { encoding: "utf8" });
  const parser = parse({
    delimiter,
    bom: true,
    raw: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    record_delimiter: ["\r\n", "\n", "\r"],
  });
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);
  for await (const r of parser) yield r as CsvRecord;
}

/** a record as written: without the empty lines skipped before it and its line ending */
const raw = (r: CsvRecord) => r.raw.replace(/^[\r\n]+/, "").replace(/(\r\n|\n|\r)$/, "");

/** The first pass: the header, the number of data rows and, with a label column, each row's class (in order of first appearance). */
async function survey(file: string, delimiter: string, labelOf: (header: string[]) => number) {
  let header: string[] | null = null,
    head = "",
    li = -1,
    n = 0;
  const keys = new Map<string, number>(),
    classes = new GrowingRows(1, (k) => new Int32Array(k));
  for await (const r of records(file, delimiter)) {
    if (!header) {
      header = r.record.map((s) => s.trim());
      head = raw(r).replace(/^\uFEFF/, "");
      li = labelOf(header);
      continue;
    }
    if (li >= 0) {
      const key = (r.record[li] ?? "").trim();
      let c = keys.get(key);
      if (c === undefined) keys.set(key, (c = keys.size));
      classes.push(c);
    }
    n++;
  }
  return { header: header ?? [], head, li, n, classes: li >= 0 ? classes.toArray() : null, groups: Math.max(1, keys.size) };
}

/** Which rows go to the test file: in each group (a class with --stratify, else all rows),
 * round(size * fraction) of them, drawn by the seeded shuffle. */
function testRows(n: number, classes: Int32Array | null, groups: number, fraction: number, seed: number): Uint8Array {
  const rng = createRng(seed),
    inTest = new Uint8Array(n);
  // the rows of each group in the file's order, the groups in order of their first row
  const size = new Int32Array(groups);
  for (let i = 0; i < n; i++) size[classes ? classes[i] : 0]++;
  const start = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) start[g + 1] = start[g] + size[g];
  const rows = new Int32Array(n),
    at = start.slice(0, groups);
  for (let i = 0; i < n; i++) rows[at[classes ? classes[i] : 0]++] = i;
  for (let g = 0; g < groups; g++) {
    const order = rows.subarray(start[g], start[g + 1]);
    shuffle(order, order.length, rng);
    const k = Math.round(order.length * fraction);
    for (let i = 0; i < k; i++) inTest[order[i]] = 1;
  }
  return inTest;
}

export async function splitCommand(file: string, o: SplitOptions, out: Output) {
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
  for (const f of [trainFile, testFile]) checkWritable(f);
  let before;
  let delimiter: string;
  try {
    before = statSync(file);
    delimiter = detectDelimiter(firstLine(file));
  } catch {
    return fail(`${file}: cannot be read`);
  }
  let s;
  try {
    s = await survey(file, delimiter, (header) => {
      if (!o.stratify) return -1;
      const name = o.label ?? header[header.length - 1];
      const li = header.indexOf(name);
      if (li < 0) fail(`${file}: there is no label column ${quoteValue(name)} to stratify by; give it with --label`);
      return li;
    });
  } catch (e) {
    if (e instanceof UserError) throw e;
    return fail(`${file}: cannot be read: ${(e as Error).message}`);
  }
  const { header, head, li, n } = s;
  if (n < 2) fail(`${file}: a header and at least 2 data rows are needed to split, it has ${n}`);
  const inTest = testRows(n, s.classes, s.groups, o.test, o.seed);
  let nTest = 0;
  for (let i = 0; i < n; i++) nTest += inTest[i];
  const nTrain = n - nTest;
  if (!nTest || !nTrain) fail(`${file}: --test ${o.test} of ${n} rows leaves ${nTest ? "no training" : "no test"} rows`);

  // the second pass: each row to its file, through temporary files renamed into place only when both are whole
  const files: StreamFile[] = [];
  try {
    for (const f of [trainFile, testFile]) files.push(new StreamFile(f));
  } catch (e) {
    files.forEach((f) => f.abort());
    return fail(`cannot write ${files.length ? testFile : trainFile}: ${writeProblem(e, ".")}`);
  }
  const [tr, te] = files;
  let i = -1;
  try {
    for await (const r of records(file, delimiter)) {
      if (i >= n) break;
      const text = i < 0 ? head : raw(r);
      if (i < 0) for (const f of files) f.write(text + "\n");
      else (inTest[i] ? te : tr).write(text + "\n");
      i++;
    }
    const after = statSync(file);
    // the rows counted are the rows copied, or the file changed between the passes
    if (i !== n || after.size !== before.size || after.mtimeMs !== before.mtimeMs)
      throw new Error(`${file} changed while it was being split (${n} data rows on the first pass); nothing was written, try again`);
    for (const f of [trainFile, testFile])
      if (existsSync(f)) throw new Error(`${f} appeared while splitting: split never replaces a file; nothing was written`);
    tr.commit();
    te.commit();
  } catch (e) {
    files.forEach((f) => f.abort());
    return fail((e as Error).message);
  }
  out.say(
    `edgefnn split: ${file}, ${n} rows -> ${trainFile} (${nTrain} rows), ${testFile} (${nTest} ` +
      `rows)${o.stratify ? `, stratified by ${quoteValue(header[li])} (${s.groups} classes)` : ""}, seed ${o.seed}`,
  );
  return { train: trainFile, test: testFile, trainRows: nTrain, testRows: nTest, stratified: !!o.stratify, seed: o.seed };
}
