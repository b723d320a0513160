// Loads a CSV file (header row, one sample per row) into a DataSet for the
// CLI. csv-parse streams the records, and they go straight into growing
// Float32Arrays, so a file of any size costs about its numbers in memory.
// Every problem becomes a CsvError whose message names the file, the line and
// the column, and says what was expected. What no model could hold (a file
// not in UTF-8, too many columns, a label the format cannot store) is refused
// while loading, at its line, not after training.

import { open, type FileHandle } from "node:fs/promises";
import { parse, type Info } from "csv-parse";
import type { DataSet } from "../../src/core/dataset";
import { featureCountProblem, resolveColumns, type CsvColumns } from "./csv-columns";
import { CsvError } from "./csv-error";
import { CSV_PARSE_OPTIONS, csvParseError, errorCode } from "./csv-dialect";
import { RowReader } from "./csv-rows";
import { countHeaderFields, detectDelimiter, readHeaderLine, type Delimiter } from "./detect-delimiter";
import { encodingProblem, locateInvalidUtf8, SNIFF_BYTES } from "./text-encoding";
import { InvalidUtf8, Utf8Check } from "./utf8-stream";

export { CsvError } from "./csv-error";

export interface CsvLoadOptions {
  /** target column name (default: the last column); ignored when hasLabel is false */
  label?: string;
  /** feature columns by name, in this order (default: every column but the label) */
  features?: string[];
  /** default "classification": string (or any) labels become classes; "regression": numeric target */
  task?: "classification" | "regression";
  /** skip rows with a missing value instead of failing; the count is reported */
  dropIncomplete?: boolean;
  /** fixed class names in this order (e.g. a model's labels, for eval/predict): a label not in it is an error naming the line */
  labels?: string[];
  /** false: no label column at all (predict on unlabelled data); default true */
  hasLabel?: boolean;
  /** the model file whose stored names `features` are (for messages) */
  featuresOf?: string;
  /** columns left out of the features (all but the label and these) */
  exclude?: string[];
  /** how a missing value is written (default: empty, NA, N/A, NaN, ?, null, -) */
  naValues?: string[];
  /** a missing feature value becomes NaN (imputed later) rather than an error */
  keepMissing?: boolean;
  /** what an error about a missing value suggests */
  missingHint?: string;
}

export interface LoadedCsv {
  /** classification: classes + numClasses; regression: targets + targetSize 1; hasLabel false: neither */
  data: DataSet;
  /** class names, index = class id (order of first appearance unless options.labels) */
  labels: string[];
  /** feature column names, in the order used */
  features: string[];
  labelColumn: string | null;
  /** data rows read (excluding header and blank lines), dropped ones included */
  rows: number;
  /** rows skipped by dropIncomplete */
  dropped: number;
  /** detected: "," ";" or "\t" */
  delimiter: string;
}

const EMPTY = "the file is empty, expected a header row of column names and then data rows";

/** What csv-parse yields with info: true. */
interface ParsedRecord {
  record: string[];
  info: Info;
}

export async function loadCsv(file: string, options: CsvLoadOptions = {}): Promise<LoadedCsv> {
  const fh = await open(file, "r").catch((e: unknown) => {
    throw fileError(file, e);
  });
  try {
    await checkEncoding(file, fh);
    const header = await readHeaderLine(fh).catch((e: unknown) => {
      throw fileError(file, e);
    });
    if (header === null) throw new CsvError(file, {}, EMPTY);
    const delimiter = detectDelimiter(header);
    await checkWidth(file, fh, delimiter, options);
    return await readRecords(file, fh, delimiter, options);
  } finally {
    await fh.close();
  }
}

/** A file that is not UTF-8 (UTF-16, a zip, ...) is refused from its first bytes, before it can parse into nonsense. */
async function checkEncoding(file: string, fh: FileHandle): Promise<void> {
  const head = new Uint8Array(SNIFF_BYTES);
  const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0).catch((e: unknown) => {
    throw fileError(file, e);
  });
  const problem = encodingProblem(head.subarray(0, bytesRead));
  if (problem !== null) throw new CsvError(file, {}, problem);
}

/**
 * More feature columns than a model takes is refused from the header's bytes,
 * before parsing starts: splitting a 1.6M-column header alone takes csv-parse
 * a second. (Features chosen by name are counted in resolveColumns.)
 */
async function checkWidth(file: string, fh: FileHandle, delimiter: Delimiter, options: CsvLoadOptions): Promise<void> {
  if (options.features || options.exclude) return;
  const counted = await countHeaderFields(fh, delimiter).catch((e: unknown) => {
    throw fileError(file, e);
  });
  if (counted === null) return;
  const problem = featureCountProblem(counted.fields, { hasLabel: options.hasLabel ?? true });
  if (problem !== null) throw new CsvError(file, { line: counted.line }, problem);
}

async function readRecords(file: string, fh: FileHandle, delimiter: Delimiter, options: CsvLoadOptions): Promise<LoadedCsv> {
  const hasLabel = options.hasLabel ?? true;
  const source = fh.createReadStream({ start: 0, autoClose: false });
  const parser = parse({
    ...CSV_PARSE_OPTIONS,
    delimiter,
    info: true,
  });
  // Every byte is checked for UTF-8 on its way to the parser (which would
  // turn a bad one into U+FFFD silently).
  const utf8 = new Utf8Check();
  // pipe() does not forward an error; destroying the parser with it ends the loop below.
  source.on("error", (e) => parser.destroy(e));
  utf8.on("error", (e) => parser.destroy(e));
  source.pipe(utf8).pipe(parser);

  let reader: RowReader | null = null;
  let columns: CsvColumns | null = null;
  // info.lines is the line a record ends on; the line it starts on (what an
  // editor shows) follows the previous record and the blank lines skipped since.
  let prevEnd = 0;
  let prevEmpty = 0;
  const nextLine = (emptyLines: number): number => prevEnd + (emptyLines - prevEmpty) + 1;
  try {
    for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
      const line = nextLine(info.empty_lines);
      prevEnd = info.lines;
      prevEmpty = info.empty_lines;
      if (reader) {
        reader.add(record, line);
        continue;
      }
      columns = resolveColumns(
        file,
        line,
        record.map((name) => name.trim()),
        { label: options.label, features: options.features, hasLabel, featuresOf: options.featuresOf, exclude: options.exclude },
      );
      reader = new RowReader(file, columns, {
        kind: !hasLabel ? "none" : options.task === "regression" ? "target" : "class",
        labels: hasLabel && options.task !== "regression" ? options.labels : undefined,
        dropIncomplete: options.dropIncomplete ?? false,
        naValues: options.naValues,
        keepMissing: options.keepMissing,
        missingHint: options.missingHint,
      });
    }
  } catch (e) {
    if (e instanceof InvalidUtf8) throw await utf8Error(file, fh);
    throw parseError(file, e, nextLine(parser.info.empty_lines));
  } finally {
    source.destroy();
    utf8.destroy();
  }
  if (!reader || !columns) throw new CsvError(file, {}, EMPTY);
  const read = reader.finish();
  const names = columns.names;
  return {
    data: read.data,
    labels: hasLabel ? read.labels : (options.labels ?? []).slice(),
    features: columns.features.map((i) => names[i]),
    labelColumn: columns.label >= 0 ? names[columns.label] : null,
    rows: read.rows,
    dropped: read.dropped,
    delimiter,
  };
}

/** Where the file stops being UTF-8, in words; found by reading it again from the start. */
async function utf8Error(file: string, fh: FileHandle): Promise<CsvError> {
  const fault = await locateInvalidUtf8(fh).catch((e: unknown) => {
    throw fileError(file, e);
  });
  if (fault === null) return new CsvError(file, {}, "is not valid UTF-8 text: save it as UTF-8");
  const what = fault.atEnd
    ? `the file ends inside a UTF-8 character (bytes ${fault.bytes}): it was cut short, or is not UTF-8`
    : `${fault.bytes.includes(" ") ? "bytes" : "byte"} ${fault.bytes} at character ${fault.column} ` +
      `${fault.bytes.includes(" ") ? "are" : "is"} not UTF-8 (is the file Latin-1 or Windows-1252?): save it as UTF-8`;
  return new CsvError(file, { line: fault.line }, what);
}

/** csv-parse's own errors, rephrased with the file and the line (csv-dialect.ts); ours pass through. */
function parseError(file: string, e: unknown, nextLine: number): Error {
  if (e instanceof CsvError) return e;
  const parsing = csvParseError(file, e, nextLine);
  if (parsing) return parsing;
  // A read failing half way (a disk error, say) is still about the file;
  // anything else is a bug here and keeps its stack.
  if (typeof e === "object" && e !== null && "syscall" in e) return fileError(file, e);
  return e instanceof Error ? e : new Error(String(e));
}

/** A failure to open or read the file, in words. */
function fileError(file: string, e: unknown): Error {
  switch (errorCode(e)) {
    case "ENOENT":
      return new CsvError(file, {}, "no such file");
    case "EISDIR":
      return new CsvError(file, {}, "is a directory, expected a CSV file");
    case "EACCES":
    case "EPERM":
      return new CsvError(file, {}, "permission denied");
    default:
      return e instanceof Error ? new CsvError(file, {}, `cannot be read: ${e.message}`) : new CsvError(file, {}, String(e));
  }
}
