// What a column looks like, from its values, so the page can suggest the label
// and leave out what is not a measurement: the same signs the CLI's messages
// point at (an id or time name, ISO dates and times, a value that rises on
// every row: host-tools/data/csv-rows.ts and impute.ts's increasingColumns).

export type ColumnKind = "number" | "text" | "time" | "id";

export interface ColumnHint {
  name: string;
  kind: ColumnKind;
  /** why it is not suggested as a feature, in words; "" when it is */
  note: string;
  /** distinct values seen (up to 50) */
  distinct: number;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?|\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?)$/;
const ID_NAME = /^(.*[_ -])?(id|uuid|guid|key|timestamp|time|date|datetime)$/i;

export function columnHints(names: string[], rows: string[][], na: readonly string[]): ColumnHint[] {
  const missing = new Set(na.map((v) => v.trim().toLowerCase()));
  return names.map((name, j) => {
    const values = rows.map((r) => (r[j] ?? "").trim()).filter((v) => !missing.has(v.toLowerCase()));
    const numeric = values.length > 0 && values.every((v) => DECIMAL.test(v));
    const dates = values.length > 0 && values.every((v) => DATE_TIME.test(v));
    const distinct = new Set(values.slice(0, 1000)).size;
    let rising = numeric && values.length >= 10;
    for (let i = 1; i < values.length && rising; i++) rising = Number(values[i]) > Number(values[i - 1]);
    if (dates) return { name, kind: "time", note: "dates or times: not a measurement", distinct };
    if (ID_NAME.test(name)) return { name, kind: "id", note: "the name says id or time", distinct };
    if (rising) return { name, kind: "id", note: "rises on every row: an id or a time?", distinct };
    if (!numeric) return { name, kind: "text", note: "a label, not a feature", distinct };
    return { name, kind: "number", note: "", distinct };
  });
}

/** The column to suggest as the label: the last text column, else the last column. */
export function suggestLabel(hints: ColumnHint[]): string {
  for (let j = hints.length - 1; j >= 0; j--) if (hints[j].kind === "text") return hints[j].name;
  return hints[hints.length - 1].name;
}
