// How edgefnn reads a CSV with csv-parse, and csv-parse's errors in its own
// words: one module with no Node imports, so the CLI's streaming loader
// (csv-loader.ts) and the studio page's in-memory parse (studio/page/csv-bytes.ts)
// split the same fields and say the same thing about a broken quote.
import { CsvError } from "./csv-error";

/** csv-parse's options, besides the delimiter (detect-delimiter.ts) and `info`. */
export const CSV_PARSE_OPTIONS = {
  bom: true,
  trim: true,
  skip_empty_lines: true,
  // Ragged rows are reported by RowReader, with both field counts.
  relax_column_count: true,
  // A quote inside an unquoted field (a label like 6" screw) is kept as text.
  relax_quotes: true,
  // Listed, not detected: csv-parse guesses one line ending from the first
  // line, then miscounts lines in a file that mixes them.
  record_delimiter: ["\r\n", "\n", "\r"],
};

/** The error's code (csv-parse's CSV_..., or a file system's), if it has one. */
export function errorCode(e: unknown): string | undefined {
  const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** csv-parse's error e rephrased with the file and the line, or null if e is not csv-parse's.
 * nextLine: the line after the last complete record, where an unclosed quote's row starts. */
export function csvParseError(file: string, e: unknown, nextLine: number): CsvError | null {
  const code = errorCode(e);
  const lines = typeof e === "object" && e !== null ? (e as { lines?: unknown }).lines : undefined;
  const line = typeof lines === "number" ? lines : undefined;
  switch (code) {
    case "CSV_QUOTE_NOT_CLOSED":
      // csv-parse reports the end of the file, where it gave up; the row that
      // opened the quote starts right after the last complete record.
      return new CsvError(
        file,
        { line: nextLine },
        'a quoted field in the row starting here is never closed (a " is missing, or a " inside a field is not written twice)',
      );
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
    case "CSV_INVALID_CLOSING_QUOTE":
      return new CsvError(
        file,
        { line },
        'text follows the closing quote of a field (a " inside a quoted field must be written twice: "")',
      );
    default:
      if (code?.startsWith("CSV_") || code === "INVALID_OPENING_QUOTE")
        return new CsvError(file, { line }, e instanceof Error ? e.message : String(e));
      return null;
  }
}
