// The header row read before csv-parse starts: its delimiter, and its field
// count from the bytes (which refuses a 1.6M-column file at once). Quotes are
// read as csv-parse reads them with relax_quotes, so a name like 6" screw is
// text and does not swallow the file; a property test holds the count to
// csv-parse's own on random headers.

import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { open } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadCsv } from "../../host-tools/data/csv-loader";
import { countHeaderFields, detectDelimiter, firstLine, type Delimiter } from "../../host-tools/data/detect-delimiter";
import { tempFiles } from "../helpers/temp-files";

const temp = tempFiles("edgefnn-header-");
const csvFile = (content: string | Uint8Array, name?: string): string => temp.file(content, name);

async function count(text: string, delimiter: Delimiter = ",") {
  const fh = await open(csvFile(text), "r");
  return countHeaderFields(fh, delimiter).finally(() => fh.close());
}

describe("a quote inside an unquoted name is text", () => {
  it("in the field count, the delimiter and the first line", async () => {
    expect(await count('id,size (6"),y\n1,2,a\n3,"4",b\n')).toEqual({ fields: 3, line: 1 });
    expect(detectDelimiter('id;size (6");y')).toBe(";");
    expect(firstLine('id,size (6"),y\n1,2,a\n', false)).toBe('id,size (6"),y');
  });

  it("while quoted names, escaped quotes and padding before a quote still count as quoted", async () => {
    expect(await count('"a,b", "c""d,e" ,f\n1,2,3\n')).toEqual({ fields: 3, line: 1 });
    expect(await count('"two\nlines",b\n1,2\n')).toEqual({ fields: 2, line: 1 });
    expect(await count("\n\r\n  \na;b;c\n", ";")).toEqual({ fields: 3, line: 4 });
    expect(await count("\uFEFFa,b\n")).toEqual({ fields: 2, line: 1 });
    expect(await count(" \n\t\n")).toBeNull();
  });

  it("a wide header with such a name is still refused from its bytes", async () => {
    const names = Array.from({ length: 70_000 }, (_, j) => (j === 1 ? 'size (6")' : `f${j}`));
    const file = csvFile(`${names.join(",")},y\n${"1,".repeat(70_000)}a\n`);
    await expect(loadCsv(file)).rejects.toThrow(
      `${file} line 1: the header has 70,001 columns, so 70,000 features, but a model takes at most 65,535 inputs: choose at most 65,535 with --features`,
    );
  }, 60_000);
});

describe("property: the byte count of the header equals csv-parse's", () => {
  const text = fc.string({ unit: fc.constantFrom(...'ab1 ,;\t"\r\n'), maxLength: 6 });
  const field = fc.record({ s: text, quoted: fc.boolean() });
  const header = fc.record({
    fields: fc.array(field, { minLength: 1, maxLength: 8 }),
    delimiter: fc.constantFrom<Delimiter>(",", ";", "\t"),
    eol: fc.constantFrom("\n", "\r\n", "\r"),
  });

  /** A field as a writer may put it: quoted with quotes doubled, or raw when that cannot be misread. */
  function write(f: { s: string; quoted: boolean }, d: Delimiter): string {
    const rawOk = !f.s.includes(d) && !/[\r\n]/.test(f.s) && !f.s.trimStart().startsWith('"');
    return f.quoted || !rawOk ? `"${f.s.replace(/"/g, '""')}"` : f.s;
  }

  it("for random names with quotes, delimiters and newlines", async () => {
    await fc.assert(
      fc.asyncProperty(header, async ({ fields, delimiter, eol }) => {
        const line = fields.map((f) => write(f, delimiter)).join(delimiter);
        // Only lines csv-parse reads as one non-blank record are headers.
        fc.pre(line.trim() !== "");
        const textOf = `${line}${eol}1${eol}`;
        const records = parse(textOf, {
          delimiter,
          relax_quotes: true,
          relax_column_count: true,
          trim: true,
          skip_empty_lines: true,
          record_delimiter: ["\r\n", "\n", "\r"],
        }) as string[][];
        const got = await count(textOf, delimiter);
        expect(got?.fields).toBe(records[0].length);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
