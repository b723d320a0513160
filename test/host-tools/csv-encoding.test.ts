// Files that are not UTF-8: UTF-16 and UTF-32 (with or without a byte order
// mark), a zip (an .xlsx saved under a .csv name), binary data, and UTF-8 with
// bad bytes (a Latin-1 file, a file cut inside a character). Each is refused
// with what it is and what to do, before it can parse into nonsense; a bad
// byte is found at its line, wherever the chunks of the read fall. A property
// test checks the byte locator against the platform's own UTF-8 decoder.

import fc from "fast-check";
import { open } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CsvError, loadCsv } from "../../host-tools/data/csv-loader";
import { encodingProblem, locateInvalidUtf8 } from "../../host-tools/data/text-encoding";
import { tempFiles } from "../helpers/temp-files";

const temp = tempFiles("edgefnn-enc-");
const csvFile = (content: string | Uint8Array, name?: string): string => temp.file(content, name);

async function expectError(content: string | Uint8Array, problem: string, line?: number): Promise<void> {
  const file = csvFile(content);
  const e = await loadCsv(file).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(CsvError);
  expect((e as CsvError).message).toBe(`${file}${line === undefined ? "" : ` line ${line}`}: ${problem}`);
  expect((e as CsvError).line).toBe(line);
}

const TEXT = "a,b,species\n1,2,setosa\n3,4,virginica\n";

function utf16le(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "utf16le"));
}
function utf16be(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "utf16le").swap16());
}
function utf32(s: string, littleEndian: boolean): Uint8Array {
  const codes = Array.from(s, (c) => c.codePointAt(0) ?? 0);
  const out = new DataView(new ArrayBuffer(4 * codes.length));
  codes.forEach((c, i) => out.setUint32(4 * i, c, littleEndian));
  return new Uint8Array(out.buffer);
}
const bytes = (...parts: (number[] | Uint8Array | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? Array.from(Buffer.from(p, "utf8")) : Array.from(p))));

const SAVE_AS = `expected UTF-8 text: save it as UTF-8 (a spreadsheet's "CSV UTF-8")`;

describe("another encoding is named, before anything is parsed", () => {
  it.each([
    ["UTF-16LE", bytes([0xff, 0xfe], utf16le(TEXT)), "FF FE"],
    ["UTF-16BE", bytes([0xfe, 0xff], utf16be(TEXT)), "FE FF"],
    ["UTF-32LE", bytes(utf32("\uFEFF" + TEXT, true)), "FF FE 00 00"],
    ["UTF-32BE", bytes(utf32("\uFEFF" + TEXT, false)), "00 00 FE FF"],
  ])("%s with a byte order mark", async (name, content, mark) => {
    await expectError(content, `is ${name} text (it starts with the byte order mark ${mark}), ${SAVE_AS}`);
  });

  it.each([
    ["UTF-16LE", utf16le(TEXT)],
    ["UTF-16BE", utf16be(TEXT)],
    ["UTF-32LE", utf32(TEXT, true)],
    ["UTF-32BE", utf32(TEXT, false)],
    // non-ASCII names do not hide the pattern of the digits and delimiters
    ["UTF-16BE", utf16be("größe,höhe,art\n1,2,ä\n3,4,ö\n".repeat(20))],
  ])("%s without one, from its zero bytes", async (name, content) => {
    await expectError(content, `looks like ${name} text without a byte order mark (zero bytes between the characters), ${SAVE_AS}`);
  });

  it("a zip archive (an .xlsx workbook named .csv)", async () => {
    await expectError(
      bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0], "[Content_Types].xml"),
      "is a zip archive (an Excel .xlsx workbook?), expected a CSV text file: export the sheet as CSV UTF-8",
    );
  });

  it("other binary data: a zero byte in UTF-8 text", async () => {
    await expectError(
      bytes("a,b,y\n1,2,p\n", [0], "3,4,q\n"),
      "contains zero bytes (the first at byte 12), so it is not a text file; expected a CSV file in UTF-8",
    );
  });

  it("UTF-8, with or without its byte order mark, is read", async () => {
    for (const content of [bytes([0xef, 0xbb, 0xbf], "größe,y\n1,ä\n2,b\n".replace(/ä/, "a")), bytes("größe,y\n1,a\n2,b\n")]) {
      const got = await loadCsv(csvFile(content));
      expect(got.features).toEqual(["größe"]);
    }
    expect(encodingProblem(new Uint8Array(0))).toBeNull();
  });
});

describe("bytes that are not UTF-8 are refused at their line", () => {
  it("Latin-1 in a data row", async () => {
    await expectError(
      bytes("a,y\n1,p\n2,q\n\n3,caf", [0xe9], "\n"),
      "byte 0xE9 at character 6 is not UTF-8 (is the file Latin-1 or Windows-1252?): save it as UTF-8",
      5,
    );
  });

  it("in the header line, and with CRLF line endings", async () => {
    await expectError(
      bytes("a,gr", [0xf6], "\xdfe\r\n1,p\r\n"),
      "byte 0xF6 at character 5 is not UTF-8 (is the file Latin-1 or Windows-1252?): save it as UTF-8",
      1,
    );
    await expectError(
      bytes("a,y\r\n1,p\r\n\r\n2,", [0xe9], "\r\n"),
      "byte 0xE9 at character 3 is not UTF-8 (is the file Latin-1 or Windows-1252?): save it as UTF-8",
      4,
    );
  });

  it("overlong forms, surrogates and a lone continuation byte", async () => {
    const problem = (b: string, c: number) =>
      `${b} at character ${c} is not UTF-8 (is the file Latin-1 or Windows-1252?): save it as UTF-8`;
    await expectError(bytes("a,y\n1,", [0xc0, 0x80], "\n"), problem("byte 0xC0", 3), 2);
    await expectError(bytes("a,y\n1,x", [0xed, 0xa0, 0x80], "\n"), problem("byte 0xED", 4), 2);
    await expectError(bytes("a,y\n1,€", [0x80], "\n"), problem("byte 0x80", 4), 2);
    await expectError(
      bytes("a,y\n1,", [0xe2, 0x82, 0x41], "\n"),
      "bytes 0xE2 0x82 at character 3 are not UTF-8 (is the file Latin-1 or Windows-1252?): save it as UTF-8",
      2,
    );
  });

  it("a file cut inside a character", async () => {
    await expectError(
      bytes("a,y\n1,p\n2,", [0xe2, 0x82]),
      "the file ends inside a UTF-8 character (bytes 0xE2 0x82): it was cut short, or is not UTF-8",
      3,
    );
  });

  it("far into a big file, past many read chunks, some boundaries inside characters", async () => {
    // An unused column of 1-, 2-, 3- and 4-byte characters: 9 of the 31
    // boundaries of the loader's 64 KiB chunks fall inside a character in
    // these 2 MB (the locator's 1 MiB chunks are tested below).
    const lines = ["a,note,y"];
    for (let i = 0; i < 120_000; i++) lines.push(`${i % 10},é€😀${"x".repeat(i % 5)},c${i % 2}`);
    const good = lines.join("\n") + "\n";
    const got = await loadCsv(csvFile(good), { features: ["a"] });
    expect(got.rows).toBe(120_000);
    const at = 100_001; // a line index: line at + 1 in the file
    const bad = bytes(lines.slice(0, at).join("\n") + "\n", "7,é€", [0xff], "x,c0\n", lines.slice(at + 1).join("\n") + "\n");
    const file = csvFile(bad);
    const e = await loadCsv(file, { features: ["a"] }).then(
      () => null,
      (err: unknown) => err as CsvError,
    );
    expect(e?.message).toBe(
      `${file} line ${at + 1}: byte 0xFF at character 5 is not UTF-8 (is the file Latin-1 or Windows-1252?): save it as UTF-8`,
    );
  }, 60_000);
});

describe("the locator across its 1 MiB chunks", () => {
  async function locate(content: Uint8Array) {
    const fh = await open(csvFile(content), "r");
    return locateInvalidUtf8(fh).finally(() => fh.close());
  }
  const MiB = 1 << 20;

  it.each([0, 1, 2, 3])("a 4-byte character %i bytes before the boundary, then the bad byte", async (shift) => {
    const head = "a".repeat(MiB - shift);
    const fault = await locate(bytes(head, "😀\n", [0xff]));
    expect(fault).toEqual({ offset: MiB - shift + 5, line: 2, column: 1, bytes: "0xFF", atEnd: false });
    expect(await locate(bytes(head, "😀\n"))).toBeNull();
  });

  it("a CRLF split by the boundary is one line break", async () => {
    expect(await locate(bytes("a".repeat(MiB - 1), "\r\n", [0xff]))).toEqual({
      offset: MiB + 1,
      line: 2,
      column: 1,
      bytes: "0xFF",
      atEnd: false,
    });
  });

  it("a bad sequence split by the boundary", async () => {
    expect(await locate(bytes("a".repeat(MiB - 1), [0xe2, 0x82, 0x41]))).toEqual({
      offset: MiB - 1,
      line: 1,
      column: MiB,
      bytes: "0xE2 0x82",
      atEnd: false,
    });
  });
});

describe("property: the locator agrees with TextDecoder", () => {
  /** Mostly valid UTF-8 around line breaks, with a random byte here and there. */
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom("a", ",", "\n", "\r", "\r\n", "é", "€", "😀", "\uFFFD") },
    { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((b) => [b]) },
  );
  const content = fc.array(piece, { maxLength: 40 }).map((ps) => bytes(...ps.map((p) => (typeof p === "string" ? p : p))));

  it("null exactly when the bytes decode; otherwise the offset, line, column and bytes of the first bad sequence", async () => {
    const strict = new TextDecoder("utf-8", { fatal: true });
    const lenient = new TextDecoder("utf-8");
    await fc.assert(
      fc.asyncProperty(content, async (b) => {
        const file = csvFile(b);
        const fh = await open(file, "r");
        const fault = await locateInvalidUtf8(fh).finally(() => fh.close());
        let decodes = true;
        try {
          strict.decode(b);
        } catch {
          decodes = false;
        }
        expect(fault === null).toBe(decodes);
        if (fault === null) return;
        const before = strict.decode(b.subarray(0, fault.offset));
        const lineStart = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) + 1;
        expect(fault.line).toBe(1 + (before.match(/\r\n|\n|\r/g)?.length ?? 0));
        expect(fault.column).toBe(Array.from(before.slice(lineStart)).length + 1);
        // The reported bytes are exactly the one sequence the decoder replaces with U+FFFD.
        const n = fault.bytes.split(" ").length;
        const rest = lenient.decode(b.subarray(fault.offset));
        expect(rest[0]).toBe("\uFFFD");
        expect(lenient.decode(b.subarray(fault.offset + n))).toBe(rest.slice(1));
        // Cut short by the end: the sequence runs to the end, and some continuation bytes would complete it.
        const completions = [0x80, 0x90, 0xa0].flatMap((first) => [[first], [first, 0x80], [first, 0x80, 0x80]]);
        const completes = completions.some((c) => {
          try {
            strict.decode(bytes(b.subarray(fault.offset), c));
            return true;
          } catch {
            return false;
          }
        });
        expect(fault.atEnd).toBe(fault.offset + n === b.length && completes);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
