// What the loader refuses because no model could store it, found while the
// file is read (with file, line and column) instead of after training: class
// labels outside 1..32 printable ASCII, more class names than a model's 65,535 bytes of labels hold, more than
// 65,535 feature columns (refused from the header, before any row is parsed).
// Every value a message shows is quoted and cut, so a 10 MB label makes a
// one-line message.

import { describe, expect, it } from "vitest";
import { CsvError, loadCsv, type CsvLoadOptions } from "../../host-tools/data/csv-loader";
import { encodeModel } from "../../src/core/index";
import { tempFiles } from "../helpers/temp-files";

const temp = tempFiles("edgefnn-labels-");
const csvFile = (content: string | Uint8Array, name?: string): string => temp.file(content, name);

async function errorOf(file: string, options?: CsvLoadOptions): Promise<CsvError> {
  const e = await loadCsv(file, options).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CsvError);
  return e as CsvError;
}

async function expectError(
  text: string | Buffer,
  options: CsvLoadOptions | undefined,
  problem: string,
  where: { line?: number; column?: string },
) {
  const file = csvFile(text);
  const e = await errorOf(file, options);
  expect(e.message).toBe(`${file}${where.line === undefined ? "" : ` line ${where.line}`}: ${problem}`);
  expect(e.line).toBe(where.line);
  expect(e.column).toBe(where.column);
}

const RULE = "a class label is 1 to 32 printable ASCII characters (codes 32 to 126)";

describe("class labels a model cannot store are refused at their line", () => {
  it("a non-ASCII character (escaped in the message, its position given)", async () => {
    await expectError(
      "a,species\n1,setosa\n2,setosa\n3,café\n",
      undefined,
      `column "species" is "caf\\u00e9": ${RULE}, and it has the non-ASCII character U+00E9 at character 4`,
      {
        line: 4,
        column: "species",
      },
    );
  });

  it("a newline or another control character inside a quoted label", async () => {
    await expectError(
      'a,y\n1,p\n2,"two\nlines"\n',
      undefined,
      `column "y" is "two\\nlines": ${RULE}, and it has the control character U+000A at character 4`,
      {
        line: 3,
        column: "y",
      },
    );
    await expectError(
      "a,y\n1,p\n2,bell\x07\n",
      undefined,
      `column "y" is "bell\\x07": ${RULE}, and it has the control character U+0007 at character 5`,
      {
        line: 3,
        column: "y",
      },
    );
  });

  it("33 characters, but 32 of every printable ASCII character are fine", async () => {
    const long = "x".repeat(33);
    await expectError(`a,y\n1,p\n2,${long}\n`, undefined, `column "y" is "${long}": ${RULE}, and it has 33 characters`, {
      line: 3,
      column: "y",
    });
    // Every code from 33 to 126 in labels of 32 (and one of spaces inside), quoted as CSV needs.
    const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("");
    const labels = [printable.slice(0, 32), printable.slice(32, 64), printable.slice(64), "a   b"];
    const text = "v,y\n" + labels.map((s, i) => `${i},"${s.replace(/"/g, '""')}"`).join("\n") + "\n";
    const got = await loadCsv(csvFile(text));
    expect(got.labels).toEqual(labels);
    // and the encoder, the next step after training, takes them
    const model = {
      inputSize: 1,
      outputSize: 4,
      mean: new Float32Array(1),
      invStd: new Float32Array([1]),
      labels: got.labels,
      layers: [{ nIn: 1, nOut: 4, act: 0, gamma: 0, wtype: 0, W: new Float32Array(4), scales: null, b: new Float32Array(4), prelu: null }],
    };
    expect(encodeModel(model).length).toBeGreaterThan(0);
  });

  it("a 10 MB label: found at its line, shown as 60 characters and its length", async () => {
    const huge = "abc".repeat(3_495_254).slice(0, 10_485_760);
    const file = csvFile(`a,y\n1,p\n2,${huge}\n`);
    const e = await errorOf(file);
    expect(e.message).toBe(
      `${file} line 3: column "y" is "${huge.slice(0, 60)}…" (10,485,760 characters): ${RULE}, and it has 10,485,760 characters`,
    );
    expect(e.message.length).toBeLessThan(file.length + 250);
  }, 60_000);

  it("even in a row that --drop-incomplete drops (bad data is not missing data)", async () => {
    await expectError(
      "a,b,y\n1,2,p\n,2,né\n",
      { dropIncomplete: true },
      `column "y" is "n\\u00e9": ${RULE}, and it has the non-ASCII character U+00E9 at character 2`,
      {
        line: 3,
        column: "y",
      },
    );
  });

  it("not for a regression target, which is a number", async () => {
    const got = await loadCsv(csvFile("a,price\n1,10.5\n2,3\n"), { task: "regression" });
    expect(got.data.targets).toEqual(Float32Array.from([10.5, 3]));
  });

  // The labels section's length is a u16: 65,535 bytes, a length byte and the
  // name per label (so at most 32,767 labels, not 65,535: an earlier check
  // counted labels and let 65,535 of them through, which no model can store).
  it("more labels than a model's 65,535 bytes of class names hold, at the row that adds one too many", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i % 7},c${i}`);
    // bytes of the first k labels: sum of (1 + length of "c" + i)
    let bytes = 0,
      fit = 0;
    while (bytes + 2 + String(fit).length <= 65_535) bytes += 2 + String(fit++).length;
    await expectError(
      `a,id\n${rows.join("\n")}\n`,
      undefined,
      `column "id": its ${fit.toLocaleString("en-US")} different labels so far and "c${fit}" take more than the 65,535 bytes a model holds for class names (a byte and the name's characters each): is it the label column? Choose the label with --label, or use shorter names`,
      { line: fit + 2, column: "id" },
    );
    // the ones that fit load, and a model stores them
    const got = await loadCsv(csvFile(`a,id\n${rows.slice(0, fit).join("\n")}\n`));
    expect(got.labels.length).toBe(fit);
    const m = {
      inputSize: 1,
      outputSize: fit,
      mean: new Float32Array(1),
      invStd: new Float32Array([1]),
      labels: got.labels,
      layers: [
        { nIn: 1, nOut: fit, act: 0, gamma: 0, wtype: 0, W: new Float32Array(fit), scales: null, b: new Float32Array(fit), prelu: null },
      ],
    };
    expect(encodeModel(m).length).toBeGreaterThan(65_535);
  }, 60_000);
});

describe("the encoder's own check, should a label get past the loader", () => {
  const model = (labels: string[]) => ({
    inputSize: 1,
    outputSize: 2,
    mean: new Float32Array(1),
    invStd: new Float32Array([1]),
    labels,
    layers: [{ nIn: 1, nOut: 2, act: 0, gamma: 0, wtype: 0, W: new Float32Array(2), scales: null, b: new Float32Array(2), prelu: null }],
  });

  it("shows a 10 MB label cut, and control characters escaped", () => {
    const huge = "abc".repeat(3_495_254).slice(0, 10_485_760);
    expect(() => encodeModel(model([huge, "b"]))).toThrow(
      new Error(`label "${huge.slice(0, 60)}..." (10485760 characters) cannot be stored: labels are 1 to 32 printable ASCII characters`),
    );
    expect(() => encodeModel(model(['a\x1b[2J"\\', "b"]))).toThrow(
      new Error('label "a\\u001b[2J\\"\\\\" cannot be stored: labels are 1 to 32 printable ASCII characters'),
    );
  });
});

describe("too many feature columns are refused from the header, before the rows are read", () => {
  const header = (columns: number) => Array.from({ length: columns }, (_, j) => `f${j}`).join(",");

  it("1.6 million columns: the header's line, and no row parsed (so neither a row's error nor 'no data rows' comes first)", async () => {
    const wide = header(1_600_001);
    const problem =
      "the header has 1,600,001 columns, so 1,600,000 features, but a model takes at most 65,535 inputs: choose at most 65,535 with --features";
    // Row 3 has 2 fields: any row read would fail there; with no rows, the end of the file would fail.
    await expectError(`\n${wide}\n${"1,".repeat(1_600_000)}a\n1,2\n`, undefined, problem, { line: 2 });
    await expectError(`${wide}\n`, undefined, problem, { line: 1 });
    // An unclosed quote further on would fail the parser, had it started.
    await expectError(`${wide}\n"1,2\n`, undefined, problem, { line: 1 });
  }, 60_000);

  it("65,535 features load; 65,536 do not, with or without a label column", async () => {
    const ok = await loadCsv(csvFile(`${header(65_535)},y\n${"1,".repeat(65_535)}p\n${"2,".repeat(65_535)}q\n`));
    expect(ok.data.inputSize).toBe(65_535);
    expect(ok.data.x[65_535]).toBe(2);
    const tooMany =
      "the header has 65,537 columns, so 65,536 features, but a model takes at most 65,535 inputs: choose at most 65,535 with --features";
    await expectError(`${header(65_536)},y\n${"1,".repeat(65_536)}p\n`, undefined, tooMany, { line: 1 });
    await expectError(
      `${header(65_536)}\n${"1,".repeat(65_535)}1\n`,
      { hasLabel: false },
      "the header has 65,536 columns, so 65,536 features, but a model takes at most 65,535 inputs: choose at most 65,535 with --features",
      { line: 1 },
    );
  }, 60_000);

  it("a wide file is fine when the features are chosen; choosing too many is not", async () => {
    const got = await loadCsv(csvFile(`${header(70_000)},y\n${"1,".repeat(70_000)}p\n${"2,".repeat(70_000)}q\n`), {
      features: ["f69999", "f3"],
    });
    expect(got.data.x).toEqual(Float32Array.from([1, 1, 2, 2]));
    const names = Array.from({ length: 65_536 }, (_, j) => `f${j}`);
    await expectError(
      `${header(70_000)},y\n${"1,".repeat(70_000)}p\n`,
      { features: names },
      "65,536 feature columns are chosen, but a model takes at most 65,535 inputs",
      {
        line: 1,
      },
    );
  }, 60_000);
});

describe("user values in messages are quoted and cut", () => {
  it("a long column name in a message about it", async () => {
    const name = "n".repeat(100);
    await expectError(`${name},y\n1,p\nx,q\n`, undefined, `column "${"n".repeat(60)}…" (100 characters) is "x", expected a number`, {
      line: 3,
      column: name,
    });
  });

  it("an escape sequence in a value cannot reach the terminal", async () => {
    await expectError("a,y\n1,p\n\x1b[2J\x1b[31mred,q\n", undefined, 'column "a" is "\\x1b[2J\\x1b[31mred", expected a number', {
      line: 3,
      column: "a",
    });
  });
});
