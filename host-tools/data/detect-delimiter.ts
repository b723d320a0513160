// Finds the header line at the start of a CSV file and guesses its delimiter
// from it. The header decides because it is the one line every file has and
// column names rarely contain commas, semicolons or tabs; a delimiter inside a
// quoted name is not counted. Quotes are read as the loader's csv-parse reads
// them (relax_quotes): one opens a quoted field only at the start of a field,
// so a name like 6" screw does not swallow the rest of the file.

import type { FileHandle } from "node:fs/promises";

export type Delimiter = "," | ";" | "\t";

/** In order of preference when counts tie. */
const DELIMITERS: readonly Delimiter[] = [",", ";", "\t"];

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SEPARATORS = DELIMITERS.map((d) => d.charCodeAt(0));

/**
 * Where a line's characters (codes) stand with respect to quotes: a quote
 * opens a quoted field only at a field's start (after spaces or tabs, which
 * the loader trims), "" inside one is a quote, and a quote elsewhere is text.
 */
class QuoteScan {
  private quoted = false;
  private atStart = true;
  private justClosed = false;

  /** separators: the codes that start a new field (all candidates while the delimiter is unknown) */
  constructor(private readonly separators: readonly number[]) {}

  /** Feeds the next character; true when it is outside quoted fields and not a quote. */
  outside(c: number): boolean {
    if (this.quoted) {
      if (c === QUOTE) {
        this.quoted = false;
        this.justClosed = true;
      }
      return false;
    }
    if (c === QUOTE) {
      // A quote right after a closing one is an escaped quote: still inside.
      if (this.atStart || this.justClosed) this.quoted = true;
      this.atStart = this.justClosed = false;
      return false;
    }
    this.justClosed = false;
    if (c === LF || c === CR || this.separators.includes(c)) this.atStart = true;
    else if (c !== 0x20 && c !== 0x09) this.atStart = false;
    return true;
  }
}

const CHUNK = 64 * 1024;
/** A header longer than this is cut short: enough to count delimiters. */
const MAX_HEADER = 1024 * 1024;

/**
 * The first non-blank line of the file (a UTF-8 BOM removed; a newline inside
 * quotes does not end it), or null when the file has nothing but whitespace.
 */
export async function readHeaderLine(fh: FileHandle): Promise<string | null> {
  // ignoreBOM: false drops a leading BOM; stream: true below keeps a UTF-8
  // sequence split across two chunks intact.
  const decoder = new TextDecoder("utf-8", { ignoreBOM: false });
  const bytes = new Uint8Array(CHUNK);
  const scan = lineScanner();
  let text = "";
  let position = 0;
  for (;;) {
    const { bytesRead } = await fh.read(bytes, 0, CHUNK, position);
    position += bytesRead;
    if (bytesRead > 0) text += decoder.decode(bytes.subarray(0, bytesRead), { stream: true });
    const done = bytesRead === 0 || position >= MAX_HEADER;
    if (done) text += decoder.decode();
    const line = scan(text, done);
    if (line !== undefined) return line;
  }
}

/**
 * The first non-blank line of text, undefined when text may continue and the
 * line has not ended yet, null when complete text is blank.
 */
export function firstLine(text: string, complete: boolean): string | null | undefined {
  return lineScanner()(text, complete);
}

/**
 * firstLine for a text that grows between calls: each call goes on from where
 * the last one stopped, so a long header read in chunks is scanned once, not
 * once per chunk.
 */
function lineScanner(): (text: string, complete: boolean) => string | null | undefined {
  let start = 0;
  let i = 0;
  const quotes = new QuoteScan(SEPARATORS);
  return (text, complete) => {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (quotes.outside(c) && (c === LF || c === CR)) {
        const line = text.slice(start, i);
        if (line.trim() !== "") return line;
        start = i + 1;
      }
    }
    if (!complete) return undefined;
    const rest = text.slice(start);
    return rest.trim() === "" ? null : rest;
  };
}

/** The delimiter seen most often outside quotes in the header line; a comma when there is none (one column). */
export function detectDelimiter(header: string): Delimiter {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  const quotes = new QuoteScan(SEPARATORS);
  for (let i = 0; i < header.length; i++) {
    const c = header[i];
    if (quotes.outside(header.charCodeAt(i)) && counts.has(c)) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best: Delimiter = ",";
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/**
 * The number of fields in the header row and the line it is on, counted in
 * the file's bytes: a header of a million columns is counted in milliseconds,
 * before csv-parse spends a second splitting it. Blank lines before it are
 * skipped and a delimiter or newline inside a quoted field is not counted, as
 * in readHeaderLine (in UTF-8 no byte of a longer character is ASCII, so bytes
 * can be compared directly). null when the file is blank.
 */
export async function countHeaderFields(fh: FileHandle, delimiter: Delimiter): Promise<{ fields: number; line: number } | null> {
  const d = delimiter.charCodeAt(0);
  const bytes = new Uint8Array(CHUNK);
  let position = 0;
  let line = 1;
  let fields = 1;
  const quotes = new QuoteScan([d]);
  let started = false;
  let previous = -1;
  for (;;) {
    const { bytesRead } = await fh.read(bytes, 0, CHUNK, position);
    if (bytesRead === 0) return started ? { fields, line } : null;
    // A UTF-8 byte order mark is not part of the first name.
    let i = position === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    position += bytesRead;
    for (; i < bytesRead; i++) {
      const b = bytes[i];
      if (quotes.outside(b)) {
        if (b === LF || b === CR) {
          if (started) return { fields, line };
          // \r\n is one line break, as the loader counts lines.
          if (!(b === LF && previous === CR)) line++;
        } else if (b === d) fields++;
      }
      if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) started = true;
      previous = b;
    }
  }
}
