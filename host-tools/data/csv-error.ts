// The one error type of the CSV loader. Its message is the whole text a user
// reads ("data.csv line 17: column "x" is "abc", expected a number"), so the
// CLI only prefixes "edgefnn: "; file, line and column are kept apart too for
// callers that want to point at the spot.

import { quoteValue } from "../cli/user-error";

export { quoteValue };

export class CsvError extends Error {
  readonly file: string;
  /** 1-based physical line; the header is line 1 unless blank lines precede it. */
  readonly line?: number;
  readonly column?: string;

  constructor(file: string, where: { line?: number; column?: string }, problem: string) {
    super(`${file}${where.line === undefined ? "" : ` line ${where.line}`}: ${problem}`);
    this.name = "CsvError";
    this.file = file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** Quoted names separated by commas, the list cut short after `max`. */
export function quoteList(names: readonly string[], max = 20): string {
  const shown = names
    .slice(0, max)
    .map((s) => quoteValue(s))
    .join(", ");
  return names.length > max ? `${shown}, ... (${names.length} in all)` : shown;
}
