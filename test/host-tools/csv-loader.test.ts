// The CLI's CSV loader: what it reads (iris, delimiters, quoting, BOM, line
// endings, blank lines, options), what it refuses (each bad input with the
// exact message a user sees), a 100,000-row file, and a property test that
// random tables written in random dialects read back to the same numbers.

import fc from "fast-check";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CsvError, loadCsv, type CsvLoadOptions } from "../../host-tools/data/csv-loader";
import { detectDelimiter, firstLine } from "../../host-tools/data/detect-delimiter";
import { floatRows, intRows } from "../../host-tools/data/growing-rows";
import { IRIS_CSV, loadIris } from "../helpers/iris";
import { tempFiles } from "../helpers/temp-files";

const temp = tempFiles("edgefnn-csv-");
/** Writes text to a fresh data.csv (its own folder, so messages read like the user's). */
const csvFile = (text: string | Uint8Array, name = "data.csv"): string => temp.file(text, name);

async function loadText(text: string, options?: CsvLoadOptions) {
  return loadCsv(csvFile(text), options);
}

async function errorOf(promise: Promise<unknown>): Promise<CsvError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CsvError);
  return e as CsvError;
}

/** Loads text and expects a CsvError reading exactly `${file}[ line L]: problem`. */
async function expectError(
  text: string,
  options: CsvLoadOptions | undefined,
  problem: string,
  where: { line?: number; column?: string } = {},
): Promise<void> {
  const file = csvFile(text);
  const e = await errorOf(loadCsv(file, options));
  expect(e.message).toBe(`${file}${where.line === undefined ? "" : ` line ${where.line}`}: ${problem}`);
  expect(e.file).toBe(file);
  expect(e.line).toBe(where.line);
  expect(e.column).toBe(where.column);
}

const f32 = (values: number[]) => Float32Array.from(values);

describe("loadCsv reads", () => {
  it("iris: 150 rows, 4 features, 3 classes, the same numbers as an independent parse", async () => {
    const got = await loadCsv(IRIS_CSV);
    const oracle = loadIris();
    expect(got.rows).toBe(150);
    expect(got.dropped).toBe(0);
    expect(got.delimiter).toBe(",");
    expect(got.labelColumn).toBe("species");
    expect(got.features).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
    expect(got.labels).toEqual(["setosa", "versicolor", "virginica"]);
    expect(got.data.n).toBe(150);
    expect(got.data.inputSize).toBe(4);
    expect(got.data.numClasses).toBe(3);
    expect(got.data.targets).toBeUndefined();
    expect(got.data.x).toEqual(oracle.data.x);
    expect(got.data.classes).toEqual(oracle.data.classes);
    expect(got.data.x.subarray(0, 4)).toEqual(f32([5.1, 3.5, 1.4, 0.2]));
    expect([got.data.classes?.[0], got.data.classes?.[50], got.data.classes?.[149]]).toEqual([0, 1, 2]);
  });

  it("a label column by name and features chosen by name, in the order given", async () => {
    const got = await loadText("a,kind,b,c\n1,x,2,3\n4,y,5,6\n", { label: "kind", features: ["c", "a"] });
    expect(got.features).toEqual(["c", "a"]);
    expect(got.labelColumn).toBe("kind");
    expect(got.data.inputSize).toBe(2);
    expect(got.data.x).toEqual(f32([3, 1, 6, 4]));
    expect(got.data.classes).toEqual(Int32Array.from([0, 1]));
  });

  it("regression: a numeric target, no classes", async () => {
    const got = await loadText("x1,x2,price\n1,2,10.5\n3,4,-2e3\n", { task: "regression" });
    expect(got.features).toEqual(["x1", "x2"]);
    expect(got.labels).toEqual([]);
    expect(got.data.classes).toBeUndefined();
    expect(got.data.targetSize).toBe(1);
    expect(got.data.targets).toEqual(f32([10.5, -2000]));
  });

  it("no label column: every column is a feature, and there are no targets", async () => {
    const got = await loadText("a,b,c\n1,2,3\n4,5,6\n", { hasLabel: false });
    expect(got.labelColumn).toBeNull();
    expect(got.features).toEqual(["a", "b", "c"]);
    expect(got.data.x).toEqual(f32([1, 2, 3, 4, 5, 6]));
    expect(got.data.classes).toBeUndefined();
    expect(got.data.targets).toBeUndefined();
  });

  it("fixed class names set the class ids, even when only one class is present", async () => {
    const got = await loadText("a,s\n1,virginica\n2,virginica\n", { labels: ["setosa", "versicolor", "virginica"] });
    expect(got.labels).toEqual(["setosa", "versicolor", "virginica"]);
    expect(got.data.numClasses).toBe(3);
    expect(got.data.classes).toEqual(Int32Array.from([2, 2]));
  });

  it.each([
    ["semicolons", "a;b;y\n1.5;2;p\n3;4;q\n", ";"],
    ["tabs", "a\tb\ty\n1.5\t2\tp\n3\t4\tq\n", "\t"],
    ["commas, not the semicolons inside a quoted header name", '"a;1;2;3",b,y\n1.5,2,p\n3,4,q\n', ","],
  ])("detects %s", async (_, text, delimiter) => {
    const got = await loadText(text);
    expect(got.delimiter).toBe(delimiter);
    expect(got.data.x).toEqual(f32([1.5, 2, 3, 4]));
  });

  it("quoted fields (delimiters, doubled quotes and newlines inside), a BOM, CRLF, blank lines and padding", async () => {
    // A newline may be in a column name, not in a label (a model cannot store it).
    const text = '\uFEFFa , "b\r\nwide" ,label\r\n\r\n 1 ," 2 ","x, ""big"""\r\n  \r\n3,4,"two; lines"\r\n\r\n';
    const got = await loadText(text);
    expect(got.features).toEqual(["a", "b\r\nwide"]);
    expect(got.labels).toEqual(['x, "big"', "two; lines"]);
    expect(got.rows).toBe(2);
    expect(got.data.x).toEqual(f32([1, 2, 3, 4]));
  });

  it("skips rows of empty fields (a spreadsheet's blank lines) without counting them", async () => {
    const got = await loadText("a;b;y\n1;2;p\n;;\n3;4;q\n;;\n");
    expect(got.rows).toBe(2);
    expect(got.data.n).toBe(2);
  });

  it("accepts mixed line endings", async () => {
    const got = await loadText("a,b,y\r\n1,2,p\n3,4,q\r5,6,p\r\n");
    expect(got.data.x).toEqual(f32([1, 2, 3, 4, 5, 6]));
  });

  it("drops rows with an empty field when asked, counts them, and adds no class from them", async () => {
    const got = await loadText("a,b,y\n1,2,p\n,3,r\n4,,s\n5,6,\n7,8,q\n", { dropIncomplete: true });
    expect(got.rows).toBe(5);
    expect(got.dropped).toBe(3);
    expect(got.data.n).toBe(2);
    expect(got.labels).toEqual(["p", "q"]);
    expect(got.data.x).toEqual(f32([1, 2, 7, 8]));
    expect(got.data.classes).toEqual(Int32Array.from([0, 1]));
  });

  it("parses every plain decimal form exactly as float32", async () => {
    const values = ["0", "-0", "+7", "1.", ".5", "-.25", "1e3", "1E-3", "2.5e+2", "3.4e38", "123456789", "0.1"];
    const got = await loadText("v,y\n" + values.map((v, i) => `${v},c${i % 2}`).join("\n"));
    expect(got.data.x).toEqual(Float32Array.from(values.map(Number)));
    expect(Object.is(got.data.x[1], -0)).toBe(true);
  });

  it("reports physical line numbers past blank lines and multi-line quoted fields", async () => {
    // The multi-line field is in a column left out: a label cannot hold a newline.
    await expectError('a,note,y\n\n1,"p\nq",x\n\n\n2,,r\nbad,,s\n', { features: ["a"] }, 'column "a" is "bad", expected a number', {
      line: 8,
      column: "a",
    });
  });
});

describe("loadCsv refuses", () => {
  it("a file that does not exist", async () => {
    const file = join(temp.dir(), "missing.csv");
    const e = await errorOf(loadCsv(file));
    expect(e.message).toBe(`${file}: no such file`);
  });

  it("a directory", async () => {
    const e = await errorOf(loadCsv(temp.dir()));
    expect(e.message).toBe(`${temp.dir()}: is a directory, expected a CSV file`);
  });

  it.each([
    ["an empty file", ""],
    ["a file of blank lines", "\n\r\n   \n"],
    ["a BOM alone", "\uFEFF"],
  ])("%s", async (_, text) => {
    await expectError(text, undefined, "the file is empty, expected a header row of column names and then data rows");
  });

  it("a header without data rows", async () => {
    await expectError("a,b,species\n\n", undefined, "no data rows after the header");
  });

  it("a label column that does not exist, listing the columns", async () => {
    await expectError(
      "a,b,species\n1,2,x\n",
      { label: "specie" },
      'there is no label column "specie"; the columns are "a", "b", "species"',
      { line: 1, column: "specie" },
    );
  });

  it("a feature column that does not exist", async () => {
    await expectError(
      "a,b,species\n1,2,x\n",
      { features: ["a", "petal"] },
      'there is no feature column "petal"; the columns are "a", "b", "species"',
      { line: 1, column: "petal" },
    );
  });

  it("the label chosen as a feature too, or a feature chosen twice", async () => {
    await expectError("a,b,y\n1,2,x\n", { features: ["a", "y"] }, 'column "y" is the label, so it cannot also be a feature', {
      line: 1,
      column: "y",
    });
    await expectError("a,b,y\n1,2,x\n", { features: ["a", "a"] }, 'feature column "a" is chosen twice', { line: 1, column: "a" });
  });

  it("duplicate header names", async () => {
    await expectError(
      "a,b,a,y\n1,2,3,x\n",
      undefined,
      'column "a" appears twice in the header (columns 1 and 3); column names must be unique',
      { line: 1, column: "a" },
    );
  });

  it("an unnamed column that would be used, but not one left out", async () => {
    await expectError(
      ",a,y\n0,1,x\n1,2,z\n",
      undefined,
      "column 1 has no name in the header; name it, or choose the feature columns explicitly",
      {
        line: 1,
      },
    );
    const got = await loadText(",a,y\n0,1,x\n1,2,z\n", { features: ["a"] });
    expect(got.data.x).toEqual(f32([1, 2]));
  });

  it("a header with nothing but the label", async () => {
    await expectError("y\nx\nz\n", undefined, 'there are no feature columns, only the label "y"', { line: 1 });
  });

  it("a missing value, suggesting --drop-incomplete", async () => {
    await expectError(
      "a,petal_width,y\n1,2,x\n1,,z\n",
      undefined,
      'column "petal_width" is empty, expected a number; use --drop-incomplete to skip such rows',
      { line: 3, column: "petal_width" },
    );
    await expectError(
      "a,b,species\n1,2,x\n1,2,\n",
      undefined,
      'column "species" is empty, expected a class label; use --drop-incomplete to skip such rows',
      { line: 3, column: "species" },
    );
  });

  it("a value that is not a number", async () => {
    const rows = Array.from({ length: 15 }, (_, i) => `1,2,3,${i},setosa`);
    await expectError(
      `a,b,c,petal_width,species\n${rows.join("\n")}\n1,2,3,abc,setosa\n`,
      undefined,
      'column "petal_width" is "abc", expected a number',
      { line: 17, column: "petal_width" },
    );
  });

  it("a non-number even with dropIncomplete: bad data is not missing data", async () => {
    await expectError("a,b,y\n1,2,x\n,oops,z\n", { dropIncomplete: true }, 'column "b" is "oops", expected a number', {
      line: 3,
      column: "b",
    });
  });

  it.each(["NaN", "nan", "NA", "n/a", "?", "null", "-"])(
    "%j is a missing value (the default --na-values), suggesting --drop-incomplete",
    async (v) => {
      await expectError(
        `a;y\n1;x\n${v};z\n`,
        undefined,
        `column "a" is ${JSON.stringify(v)} (a missing value), expected a number; use --drop-incomplete to skip such rows`,
        {
          line: 3,
          column: "a",
        },
      );
      const r = await loadCsv(csvFile(`a;b;y\n1;2;x\n${v};3;z\n4;5;z\n`), { dropIncomplete: true });
      expect([r.rows, r.dropped, Array.from(r.data.x)]).toEqual([3, 1, [1, 2, 4, 5]]);
    },
  );

  it("--na-values replaces the default (an empty field stays missing); keepMissing loads gaps as NaN", async () => {
    await expectError("a;y\n1;x\nNA;z\n", { naValues: ["", "missing"] }, 'column "a" is "NA", expected a number', { line: 3, column: "a" });
    const r = await loadCsv(csvFile("a;b;y\n1;missing;x\n;3;z\n"), { naValues: ["", "missing"], keepMissing: true });
    expect(Array.from(r.data.x)).toEqual([1, NaN, NaN, 3]);
    // a class label is missing only when empty ("-" may be a class); a regression target by any spelling
    expect((await loadCsv(csvFile("a;y\n1;-\n2;x\n"))).labels).toEqual(["-", "x"]);
    await expectError(
      "a;y\n1;2\n2;NA\n",
      { task: "regression" },
      'column "y" is "NA" (a missing value), expected a number; use --drop-incomplete to skip such rows',
      { line: 3, column: "y" },
    );
  });

  it("a date, a time or an id column gets a hint to leave it out", async () => {
    await expectError(
      "timestamp,a,y\n2026-11-01T00:00:00Z,1,x\n",
      undefined,
      'column "timestamp" is "2026-11-01T00:00:00Z", expected a number (use --exclude timestamp)',
      { line: 2, column: "timestamp" },
    );
    await expectError("when,a,y\n13:05:22,1,x\n", undefined, 'column "when" is "13:05:22", expected a number (use --exclude when)', {
      line: 2,
      column: "when",
    });
    await expectError("a,user id,y\n1,u-17,x\n", undefined, 'column "user id" is "u-17", expected a number (use --exclude "user id")', {
      line: 2,
      column: "user id",
    });
    await expectError("a,b,y\n1,abc,x\n", undefined, 'column "b" is "abc", expected a number', { line: 2, column: "b" });
  });

  it("--exclude leaves columns out of the features; a name not in the header is refused", async () => {
    const r = await loadCsv(csvFile("t,a,id,b,y\n2026-11-01,1,7,2,x\n2026-11-02,3,8,4,z\n"), { exclude: ["t", "id"] });
    expect([r.features, Array.from(r.data.x)]).toEqual([
      ["a", "b"],
      [1, 2, 3, 4],
    ]);
    await expectError("a,b,y\n1,2,x\n", { exclude: ["c"] }, '--exclude: there is no column "c"; the columns are "a", "b", "y"', {
      line: 1,
      column: "c",
    });
    await expectError("a,b,y\n1,2,x\n", { exclude: ["y"] }, '--exclude: column "y" is the label', { line: 1, column: "y" });
  });

  it.each(["Infinity", "-Infinity", "inf", "0x1F", "1,5e3", "1..2", "e5", "--1", "1 2"])("%j as a number", async (v) => {
    await expectError(`a;y\n1;x\n${v};z\n`, undefined, `column "a" is ${JSON.stringify(v)}, expected a number`, {
      line: 3,
      column: "a",
    });
  });

  it("a decimal comma, with a hint", async () => {
    await expectError("a;y\n1;x\n3,5;z\n", undefined, 'column "a" is "3,5", expected a number (with a decimal point ".", not a comma)', {
      line: 3,
      column: "a",
    });
  });

  it("a number too large for float32", async () => {
    await expectError("a,y\n1,x\n-1e39,z\n", undefined, 'column "a" is "-1e39", too large for a 32-bit float (at most about 3.4e38)', {
      line: 3,
      column: "a",
    });
  });

  it("rows with too many or too few fields", async () => {
    await expectError("a,b,c,d,y\n1,2,3,4,x\n1,2,x\n", undefined, "the row has 3 fields, the header has 5", { line: 3 });
    await expectError("a,b,y\n1,2,x\n1,2,3,x\n", undefined, "the row has 4 fields, the header has 3", { line: 3 });
  });

  it("a single class", async () => {
    await expectError(
      "a,species\n1,setosa\n2,setosa\n",
      undefined,
      'only one class "setosa" in column "species": classification needs at least two',
      { column: "species" },
    );
  });

  it("a regression target that is not a number", async () => {
    await expectError(
      "a,price\n1,10\n2,cheap\n",
      { task: "regression" },
      'column "price" is "cheap", expected a number (the regression target)',
      { line: 3, column: "price" },
    );
  });

  it("a label not among the fixed class names", async () => {
    await expectError(
      "a,species\n1,setosa\n2,virginca\n",
      { labels: ["setosa", "versicolor", "virginica"] },
      'column "species" is "virginca", expected one of the classes "setosa", "versicolor", "virginica"',
      { line: 3, column: "species" },
    );
  });

  it("a quote that is never closed, at the line where its row starts", async () => {
    await expectError(
      'a,y\n1,x\n\n2,"z\n3,w\n',
      undefined,
      'a quoted field in the row starting here is never closed (a " is missing, or a " inside a field is not written twice)',
      { line: 4 },
    );
  });

  it("text after a closing quote", async () => {
    await expectError(
      'a,y\n1,"x"z\n',
      undefined,
      'text follows the closing quote of a field (a " inside a quoted field must be written twice: "")',
      {
        line: 2,
      },
    );
  });

  it("a file where every row is incomplete", async () => {
    await expectError(
      "a,y\n,x\n1,\n",
      { dropIncomplete: true },
      "every one of the 2 data rows has an empty field, so none is left after dropping them",
    );
  });
});

describe("delimiter detection and the growing buffers", () => {
  it("counts delimiters outside quotes only, preferring comma on a tie or a single column", () => {
    expect(detectDelimiter('"a,b,c";d;e')).toBe(";");
    expect(detectDelimiter("a\tb;c,d")).toBe(",");
    expect(detectDelimiter("only")).toBe(",");
    expect(detectDelimiter('"x\ty"\tb\tc,d')).toBe("\t");
  });

  it("finds the first non-blank line, waiting for more text when it has not ended", () => {
    expect(firstLine("\n  \r\na,b\nc", false)).toBe("a,b");
    expect(firstLine('"a\nb",c', false)).toBeUndefined();
    expect(firstLine('"a\nb",c', true)).toBe('"a\nb",c');
    expect(firstLine(" \n\t", true)).toBeNull();
  });

  it("grows past its first capacity and returns exactly the rows pushed", () => {
    const rows = floatRows(3);
    const ids = intRows(1);
    for (let i = 0; i < 5000; i++) {
      rows.push([i, i + 0.5, -i]);
      ids.push(i % 7);
    }
    const x = rows.toArray();
    expect(rows.rows).toBe(5000);
    expect(x.length).toBe(15000);
    expect(Array.from(x.subarray(3 * 4321, 3 * 4322))).toEqual([4321, 4321.5, -4321]);
    expect(ids.toArray().length).toBe(5000);
    expect(ids.toArray()[4999]).toBe(4999 % 7);
  });
});

describe("a big file", () => {
  // Sized by what it proves: rows past the row buffer's doubling at 65,536
  // (GrowingRows starts at 1,024 rows), the checked rows on both sides of each
  // boundary, and a file many times the loader's read size. The width changes
  // none of that, so 16 columns, not 64 (the 300 MB heap test in cli.test.ts
  // keeps 100,000 x 64): a sixth of the numbers to parse.
  it("70,000 rows x 16 features (past the 65,536-row doubling) load into flat arrays with the exact numbers", async () => {
    const n = 70_000;
    const d = 16;
    const names = ["red", "green", "blue"];
    // Quarter steps in [-250, 250]: exact in float32, short in text.
    const value = (i: number, j: number) => (((i * 7 + j * 13) % 2001) - 1000) / 4;
    const header = Array.from({ length: d }, (_, j) => `f${j}`).join(",") + ",colour\n";
    const lines: string[] = [header];
    const row: number[] = new Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) row[j] = value(i, j);
      lines.push(row.join(",") + "," + names[i % 3] + "\n");
    }
    const file = csvFile(lines.join(""), "big.csv");
    lines.length = 0;

    const got = await loadCsv(file);
    expect(got.rows).toBe(n);
    expect(got.data.n).toBe(n);
    expect(got.data.inputSize).toBe(d);
    expect(got.data.x.length).toBe(n * d);
    expect(got.data.classes?.length).toBe(n);
    expect(got.labels).toEqual(names);
    for (const i of [0, 1, 1023, 1024, 65_537, n - 1]) {
      const expected = Array.from({ length: d }, (_, j) => value(i, j));
      expect(Array.from(got.data.x.subarray(i * d, (i + 1) * d))).toEqual(expected);
      expect(got.data.classes?.[i]).toBe(i % 3);
    }
  });
});

// ---- property test: random tables in random dialects ----

type CellStyle = "plain" | "quoted" | "padded";

/** Short texts for names and labels, with the characters that make CSV hard. */
const cellText = fc
  .string({ unit: fc.constantFrom(..."abcXYZ019 _-é,;\t\"'\n\r"), minLength: 1, maxLength: 6 })
  .filter((s) => s.trim() !== "");

/** Labels too, but within what a model stores: printable ASCII only (csv-labels.test.ts has the rest). */
const labelText = fc.string({ unit: fc.constantFrom(..."abcXYZ019 _-,;\"'"), minLength: 1, maxLength: 6 }).filter((s) => s.trim() !== "");

/** A number and how it is written: shortest form, exponent, fixed point, or with a "+". */
const numberText = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.double({ min: -3.4e38, max: 3.4e38, noNaN: true }),
      fc.float({ noNaN: true, noDefaultInfinity: true }),
    ),
    fc.constantFrom("shortest", "exponent", "fixed", "plus"),
  )
  .map(([v, form]) => {
    if (form === "exponent") return v.toExponential();
    if (form === "fixed") return v.toFixed(3);
    if (form === "plus" && !String(v).startsWith("-")) return "+" + String(v);
    return String(v);
  });

const table = fc
  .record({ d: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 2, max: 12 }), k: fc.integer({ min: 2, max: 4 }) })
  .chain(({ d, n, k }) =>
    fc.record({
      names: fc.uniqueArray(cellText, { selector: (s) => s.trim(), minLength: d + 1, maxLength: d + 1 }),
      labelAt: fc.integer({ min: 0, max: d }),
      classNames: fc.uniqueArray(labelText, { selector: (s) => s.trim(), minLength: k, maxLength: k }),
      cells: fc.array(fc.array(numberText, { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
      classes: fc.array(fc.nat({ max: k - 1 }), { minLength: n, maxLength: n }),
      styles: fc.array(fc.constantFrom<CellStyle>("plain", "quoted", "padded"), { minLength: 64, maxLength: 64 }),
      blankBefore: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      delimiter: fc.constantFrom(",", ";", "\t"),
      eol: fc.constantFrom("\n", "\r\n"),
      bom: fc.boolean(),
      finalEol: fc.boolean(),
    }),
  );

type Table = typeof table extends fc.Arbitrary<infer T> ? T : never;

/** One field as a careful writer would: quoted when it must be (or by choice), quotes doubled. */
function writeCell(s: string, style: CellStyle, mustQuote: RegExp): string {
  const text = style === "quoted" || mustQuote.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  return style === "padded" ? ` ${text} ` : text;
}

function writeTable(t: Table): string {
  // Any delimiter character in a header name is quoted, so the header's
  // delimiter count is unambiguous; in data only the real delimiter must be.
  const headerQuote = /[",;\t\n\r]/;
  const dataQuote = new RegExp(`["\\n\\r${t.delimiter === "\t" ? "\\t" : t.delimiter}]`);
  let style = 0;
  const line = (fields: string[], mustQuote: RegExp) =>
    fields.map((s) => writeCell(s, t.styles[style++ % t.styles.length], mustQuote)).join(t.delimiter);
  const out = [line(t.names, headerQuote)];
  t.cells.forEach((numbers, i) => {
    const fields = numbers.slice();
    fields.splice(t.labelAt, 0, labelOf(t, i));
    if (t.blankBefore[i]) out.push("");
    out.push(line(fields, dataQuote));
  });
  return (t.bom ? "\uFEFF" : "") + out.join(t.eol) + (t.finalEol ? t.eol : "");
}

/** Row i's label; rows 0 and 1 get classes 0 and 1 so there are always two classes. */
function labelOf(t: Table, i: number): string {
  return t.classNames[i < 2 ? i : t.classes[i]];
}

describe("property: random tables load back exactly", () => {
  it("numbers as float32, classes in order of first appearance, names trimmed", async () => {
    await fc.assert(
      fc.asyncProperty(table, async (t) => {
        const labelName = t.names[t.labelAt].trim();
        const got = await loadCsv(csvFile(writeTable(t)), { label: labelName });

        const order: string[] = [];
        const expectedClasses = t.cells.map((_, i) => {
          const name = labelOf(t, i).trim();
          if (!order.includes(name)) order.push(name);
          return order.indexOf(name);
        });
        expect(got.delimiter).toBe(t.delimiter);
        expect(got.labelColumn).toBe(labelName);
        expect(got.features).toEqual(t.names.filter((_, j) => j !== t.labelAt).map((s) => s.trim()));
        expect(got.rows).toBe(t.cells.length);
        expect(got.labels).toEqual(order);
        expect(got.data.x).toEqual(Float32Array.from(t.cells.flat().map(Number)));
        expect(got.data.classes).toEqual(Int32Array.from(expectedClasses));
      }),
      { numRuns: 150 },
    );
  });
});
