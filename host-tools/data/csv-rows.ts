// Converts parsed CSV records, one at a time, into the flat arrays of a
// DataSet, checking each value on the way in so a bad one is reported with its
// line and column rather than turning into a NaN inside training.

import type { DataSet } from "../../src/core/dataset";
import { CsvError, quoteList, quoteValue } from "./csv-error";
import type { CsvColumns } from "./csv-columns";
import { floatRows, GrowingRows, intRows } from "./growing-rows";
import { LABEL_RULE, labelProblem, MAX_LABEL_BYTES } from "./model-limits";

export type LabelKind = "class" | "target" | "none";

export interface RowOptions {
  kind: LabelKind;
  /** fixed class names in this order; others are refused */
  labels?: string[];
  dropIncomplete: boolean;
  /** what a missing value is written as (compared without case); default NA_VALUES */
  naValues?: readonly string[];
  /** a missing feature becomes NaN (to be imputed) instead of an error or a dropped row */
  keepMissing?: boolean;
  /** what the message about a missing value suggests; default DROP_HINT */
  missingHint?: string;
}

/** What a missing value is written as by default: empty, NA, N/A, NaN, ?, null, - (without case). */
export const NA_VALUES: readonly string[] = ["", "NA", "N/A", "NaN", "?", "null", "-"];

/** An ISO 8601 date, time or both (2026-11-01, 2026-11-01T00:00:00Z, 13:05:22.5, 2026-11-01 13:05): not a feature. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?|\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)$/;
/** A column name that says "identifier" or "time": id, user_id, uuid, key, timestamp, time, date, datetime. */
const ID_NAME = /^(.*[_ -])?(id|uuid|guid|key|timestamp|time|date|datetime)$/i;

export interface ReadRows {
  data: DataSet;
  labels: string[];
  rows: number;
  dropped: number;
}

/**
 * A plain decimal: sign, digits with an optional point, optional exponent.
 * Number() alone would also accept "0x1F", "0b101" and "Infinity", none of
 * which is a measurement ("NaN" it parses to NaN, which must be refused too).
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** "3,5" where the delimiter is ";" or a tab: a decimal comma. */
const DECIMAL_COMMA = /^[+-]?\d*,\d+$/;

export const DROP_HINT = "use --drop-incomplete to skip such rows";

export class RowReader {
  rows = 0;
  dropped = 0;
  private readonly x: GrowingRows<Float32Array>;
  private readonly classes: GrowingRows<Int32Array> | null;
  private readonly targets: GrowingRows<Float32Array> | null;
  /** one row of features, parsed before it is known whether the row is kept */
  private readonly scratch: Float32Array;
  private readonly classIds = new Map<string, number>();
  private readonly classNames: string[] = [];
  /** the labels section the classes so far would take: a length byte and the name each */
  private labelBytes = 0;
  private readonly na: Set<string>;
  /** the longest missing-value spelling: a longer field (most numbers) is not looked up */
  private readonly naLength: number;

  constructor(
    private readonly file: string,
    private readonly columns: CsvColumns,
    private readonly options: RowOptions,
  ) {
    this.na = new Set((options.naValues ?? NA_VALUES).map((v) => v.trim().toLowerCase()));
    this.naLength = Math.max(0, ...[...this.na].map((v) => v.length));
    const d = columns.features.length;
    this.x = floatRows(d);
    this.scratch = new Float32Array(d);
    this.classes = options.kind === "class" ? intRows(1) : null;
    this.targets = options.kind === "target" ? floatRows(1) : null;
    if (options.labels) {
      for (const name of options.labels) if (!this.classIds.has(name)) this.classIds.set(name, this.classIds.size);
      this.classNames.push(...options.labels);
    }
  }

  add(record: string[], line: number): void {
    // A row of empty fields (";;;;") is how spreadsheets write a blank line.
    if (isBlank(record)) return;
    const names = this.columns.names;
    if (record.length !== names.length)
      throw new CsvError(this.file, { line }, `the row has ${record.length} fields, the header has ${names.length}`);
    this.rows++;

    // Bad values are errors even with dropIncomplete (bad data, not missing
    // data), so every field is checked before an empty one drops the row.
    let empty = -1,
      emptyText = "";
    const features = this.columns.features;
    for (let j = 0; j < features.length; j++) {
      const v = record[features[j]].trim();
      if (this.isMissing(v)) {
        this.scratch[j] = NaN;
        if (empty < 0 && !this.options.keepMissing) [empty, emptyText] = [features[j], v];
      } else this.scratch[j] = this.number(v, features[j], line, "");
    }
    let cls = -1;
    let target = 0;
    let newClass: string | null = null;
    const li = this.columns.label;
    if (li >= 0) {
      const v = record[li].trim();
      if (v === "" || (this.targets && this.isMissing(v))) {
        if (empty < 0) [empty, emptyText] = [li, v];
      } else if (this.targets) target = this.number(v, li, line, " (the regression target)");
      else {
        cls = this.classOf(v, line);
        if (cls < 0) newClass = v;
      }
    }

    if (empty >= 0) {
      if (this.options.dropIncomplete) {
        this.dropped++;
        return;
      }
      const expected = empty === li && this.classes ? "a class label" : "a number";
      const what = emptyText === "" ? "empty" : `${quoteValue(emptyText)} (a missing value)`;
      const hint = empty === li ? DROP_HINT : (this.options.missingHint ?? DROP_HINT);
      throw new CsvError(
        this.file,
        { line, column: names[empty] },
        `column ${quoteValue(names[empty])} is ${what}, expected ${expected}; ${hint}`,
      );
    }
    // Only now, so a dropped row cannot add a class.
    if (newClass !== null) {
      if (this.labelBytes + 1 + newClass.length > MAX_LABEL_BYTES) {
        const name = names[li];
        const n = this.classNames.length.toLocaleString("en-US");
        throw new CsvError(
          this.file,
          { line, column: name },
          `column ${quoteValue(name)}: its ${n} different labels so far and ${quoteValue(newClass)} take more than the ` +
            `${MAX_LABEL_BYTES.toLocaleString("en-US")} bytes a model holds for class names (a byte and the name's characters each): ` +
            `is it the label column? Choose the label with --label, or use shorter names`,
        );
      }
      this.labelBytes += 1 + newClass.length;
      cls = this.classNames.push(newClass) - 1;
      this.classIds.set(newClass, cls);
    }
    this.x.push(this.scratch);
    this.classes?.push(cls);
    this.targets?.push(target);
  }

  finish(): ReadRows {
    const n = this.rows - this.dropped;
    if (this.rows === 0) throw new CsvError(this.file, {}, "no data rows after the header");
    if (n === 0)
      throw new CsvError(this.file, {}, `every one of the ${this.rows} data rows has an empty field, so none is left after dropping them`);
    const data: DataSet = { n, inputSize: this.columns.features.length, x: this.x.toArray() };
    if (this.classes) {
      if (!this.options.labels && this.classNames.length < 2) {
        const name = this.columns.names[this.columns.label];
        throw new CsvError(
          this.file,
          { column: name },
          `only one class ${quoteValue(this.classNames[0])} in column ${quoteValue(name)}: classification needs at least two`,
        );
      }
      data.classes = this.classes.toArray();
      data.numClasses = this.classNames.length;
    }
    if (this.targets) {
      data.targets = this.targets.toArray();
      data.targetSize = 1;
    }
    return { data, labels: this.classNames.slice(), rows: this.rows, dropped: this.dropped };
  }

  /**
   * The class id of a label, or -1 for a name not seen yet (an error when the
   * classes are fixed, or when a model could not store it: checked here, once
   * per new name, so it fails at its line rather than after training).
   */
  private classOf(v: string, line: number): number {
    const id = this.classIds.get(v);
    if (id !== undefined) return id;
    const name = this.columns.names[this.columns.label];
    if (this.options.labels)
      throw new CsvError(
        this.file,
        { line, column: name },
        `column ${quoteValue(name)} is ${quoteValue(v)}, expected one of the classes ${quoteList(this.options.labels)}`,
      );
    const problem = labelProblem(v);
    if (problem !== null)
      throw new CsvError(
        this.file,
        { line, column: name },
        `column ${quoteValue(name)} is ${quoteValue(v)}: ${LABEL_RULE}, and ${problem}`,
      );
    return -1;
  }

  private isMissing(v: string): boolean {
    return v === "" || (v.length <= this.naLength && this.na.has(v.toLowerCase()));
  }

  private number(v: string, column: number, line: number, what: string): number {
    const name = this.columns.names[column];
    const n = DECIMAL.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n)) {
      // an obvious non-feature (a date, a time, an identifier) says how to leave it out
      const exclude = DATE_TIME.test(v) || ID_NAME.test(name) ? ` (use --exclude ${/^[\w.-]+$/.test(name) ? name : quoteValue(name)})` : "";
      const hint = DECIMAL_COMMA.test(v) ? ' (with a decimal point ".", not a comma)' : exclude;
      throw new CsvError(
        this.file,
        { line, column: name },
        `column ${quoteValue(name)} is ${quoteValue(v)}, expected a number${what}${hint}`,
      );
    }
    // Values are stored as float32; one that rounds to Infinity there would
    // poison training as surely as a NaN.
    if (!Number.isFinite(Math.fround(n)))
      throw new CsvError(
        this.file,
        { line, column: name },
        `column ${quoteValue(name)} is ${quoteValue(v)}, too large for a 32-bit float (at most about 3.4e38)`,
      );
    return n;
  }
}

function isBlank(record: string[]): boolean {
  for (const v of record) if (v.trim() !== "") return false;
  return true;
}
