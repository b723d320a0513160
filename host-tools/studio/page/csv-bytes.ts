// The CLI's CSV loader (host-tools/data/csv-loader.ts) for a file the page
// holds in memory (opened or dropped): the same steps in the same order, with
// the same shared pieces (encoding sniff, UTF-8 check and location, delimiter,
// column resolution, RowReader), so a file gives the studio the same data and
// the same errors (file, line, column) as `edgefnn train`. Only the reading
// differs: csv-parse's synchronous parser over the whole text instead of a
// stream from a file handle (no Node API here).
import { parse } from "csv-parse/sync";
import type { FileHandle } from "node:fs/promises";
import { featureCountProblem, resolveColumns } from "../../data/csv-columns";
import { CsvError } from "../../data/csv-error";
import { CSV_PARSE_OPTIONS, csvParseError } from "../../data/csv-dialect";
import type { CsvLoadOptions, LoadedCsv } from "../../data/csv-loader";
import { RowReader } from "../../data/csv-rows";
import { detectDelimiter, firstLine, type Delimiter } from "../../data/detect-delimiter";
import { encodingProblem, locateInvalidUtf8, SNIFF_BYTES } from "../../data/text-encoding";

const EMPTY = "the file is empty, expected a header row of column names and then data rows";

interface ParsedRecord {
  record: string[];
  info: { lines: number; empty_lines: number };
}

/** The text of the file, or the CLI's error for a file that is not UTF-8 text. */
export async function decodeCsv(file: string, bytes: Uint8Array): Promise<string> {
  const problem = encodingProblem(bytes.subarray(0, SNIFF_BYTES));
  if (problem !== null) throw new CsvError(file, {}, problem);
  try {
    // ignoreBOM false: a UTF-8 byte order mark is dropped, as csv-parse's bom option drops it
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const fault = await locateInvalidUtf8(memoryFile(bytes));
    if (fault === null) throw new CsvError(file, {}, "is not valid UTF-8 text: save it as UTF-8");
    const several = fault.bytes.includes(" ");
    const what = fault.atEnd
      ? `the file ends inside a UTF-8 character (bytes ${fault.bytes}): it was cut short, or is not UTF-8`
      : `${several ? "bytes" : "byte"} ${fault.bytes} at character ${fault.column} ${several ? "are" : "is"} not UTF-8 ` +
        `(is the file Latin-1 or Windows-1252?): save it as UTF-8`;
    throw new CsvError(file, { line: fault.line }, what);
  }
}

/** Bytes in memory with the one FileHandle method locateInvalidUtf8 reads through. */
function memoryFile(bytes: Uint8Array): FileHandle {
  const read = async (buf: Uint8Array, offset: number, length: number, position: number) => {
    const part = bytes.subarray(position, Math.min(bytes.length, position + length));
    buf.set(part, offset);
    return { bytesRead: part.length, buffer: buf };
  };
  return { read } as unknown as FileHandle;
}

export interface ParsedCsv {
  file: string;
  delimiter: Delimiter;
  records: ParsedRecord[];
}

/** Every record with the line it starts on; csv-parse's errors in the CLI's words. */
export function parseCsvText(file: string, text: string): ParsedCsv {
  const header = firstLine(text, true);
  if (header === null || header === undefined) throw new CsvError(file, {}, EMPTY);
  const delimiter = detectDelimiter(header);
  let lastEnd = 0,
    lastEmpty = 0;
  let records: ParsedRecord[];
  try {
    records = parse(text, {
      ...CSV_PARSE_OPTIONS,
      delimiter,
      info: true,
      on_record: (r: string[], context: { lines: number; empty_lines: number }) => {
        lastEnd = context.lines;
        lastEmpty = context.empty_lines;
        return r;
      },
    }) as unknown as ParsedRecord[];
  } catch (e) {
    const empty = (e as { empty_lines?: unknown }).empty_lines;
    // the line after the last complete record, as the CLI's loader counts it
    throw csvParseError(file, e, lastEnd + ((typeof empty === "number" ? empty : lastEmpty) - lastEmpty) + 1) ?? e;
  }
  if (records.length === 0) throw new CsvError(file, {}, EMPTY);
  return { file, delimiter, records };
}

/** The record's first line: the one after the previous record and the blank lines skipped since. */
function startLines(records: ParsedRecord[]): number[] {
  let prevEnd = 0,
    prevEmpty = 0;
  return records.map(({ info }) => {
    const line = prevEnd + (info.empty_lines - prevEmpty) + 1;
    prevEnd = info.lines;
    prevEmpty = info.empty_lines;
    return line;
  });
}

/** The header's names and the line it is on. */
export function headerOf(p: ParsedCsv): { names: string[]; line: number } {
  return { names: p.records[0].record.map((n) => n.trim()), line: startLines(p.records.slice(0, 1))[0] };
}

/** loadCsv's result for a parsed file: the same columns, rows, checks and errors. */
export function loadParsed(p: ParsedCsv, options: CsvLoadOptions = {}): LoadedCsv {
  const hasLabel = options.hasLabel ?? true;
  const lines = startLines(p.records);
  const names = p.records[0].record.map((n) => n.trim());
  if (!options.features && !options.exclude) {
    const problem = featureCountProblem(names.length, { hasLabel });
    if (problem !== null) throw new CsvError(p.file, { line: lines[0] }, problem);
  }
  const columns = resolveColumns(p.file, lines[0], names, {
    label: options.label,
    features: options.features,
    hasLabel,
    featuresOf: options.featuresOf,
    exclude: options.exclude,
  });
  const reader = new RowReader(p.file, columns, {
    kind: !hasLabel ? "none" : options.task === "regression" ? "target" : "class",
    labels: hasLabel && options.task !== "regression" ? options.labels : undefined,
    dropIncomplete: options.dropIncomplete ?? false,
    naValues: options.naValues,
    keepMissing: options.keepMissing,
    missingHint: options.missingHint,
  });
  for (let i = 1; i < p.records.length; i++) reader.add(p.records[i].record, lines[i]);
  const read = reader.finish();
  return {
    data: read.data,
    labels: hasLabel ? read.labels : (options.labels ?? []).slice(),
    features: columns.features.map((i) => names[i]),
    labelColumn: columns.label >= 0 ? names[columns.label] : null,
    rows: read.rows,
    dropped: read.dropped,
    delimiter: p.delimiter,
  };
}
