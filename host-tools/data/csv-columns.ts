// Turns the header row and the caller's choice of label and features into
// column indexes, once, so each data row is read by index. Every mistake here
// is reported against the header line, listing the columns that do exist.

import { CsvError, quoteList, quoteValue } from "./csv-error";
import { MAX_FEATURES } from "./model-limits";

export interface CsvColumns {
  /** header names, trimmed */
  names: string[];
  /** header indexes of the features, in the order used */
  features: number[];
  /** header index of the label column, -1 when there is none */
  label: number;
}

export interface ColumnChoice {
  label?: string;
  features?: string[];
  hasLabel: boolean;
  /** the model file whose stored names the features are: a missing one is named as its input */
  featuresOf?: string;
  /** columns that are not features (a timestamp, an id), when the features are all the others */
  exclude?: string[];
}

/**
 * Why a header of `columns` columns gives more features than a model can take
 * (its input size is a u16), or null. The loader asks before the header row
 * is even parsed, so a 1.6M-column file fails at once.
 */
export function featureCountProblem(columns: number, choice: ColumnChoice): string | null {
  // the message only when there is a problem: a process's first toLocaleString loads ICU's locale data,
  // 60-200 ms of CPU on this machine, which every command that read a CSV paid here before reading a row
  const count = (n: number) => n.toLocaleString("en-US");
  const limit = () => `a model takes at most ${count(MAX_FEATURES)} inputs`;
  if (choice.features)
    return choice.features.length > MAX_FEATURES ? `${count(choice.features.length)} feature columns are chosen, but ${limit()}` : null;
  const features = columns - (choice.hasLabel ? 1 : 0);
  if (features <= MAX_FEATURES) return null;
  return (
    `the header has ${count(columns)} columns, so ${count(features)} features, but ${limit()}: choose at most ` +
    `${count(MAX_FEATURES)} with --features`
  );
}

export function resolveColumns(file: string, line: number, names: string[], choice: ColumnChoice): CsvColumns {
  const fail = (problem: string, column?: string): never => {
    throw new CsvError(file, { line, column }, problem);
  };
  // First, before any work proportional to the header.
  const tooMany = featureCountProblem(names.length, choice);
  if (tooMany !== null) fail(tooMany);
  const index = new Map<string, number>();
  names.forEach((name, i) => {
    const first = index.get(name);
    if (first !== undefined && name !== "")
      fail(`column ${quoteValue(name)} appears twice in the header (columns ${first + 1} and ${i + 1}); column names must be unique`, name);
    if (first === undefined) index.set(name, i);
  });

  let label = -1;
  if (choice.hasLabel) {
    const name = choice.label ?? names[names.length - 1];
    label = index.get(name) ?? -1;
    if (label < 0) fail(`there is no label column ${quoteValue(name)}; the columns are ${quoteList(names)}`, name);
  }

  const excluded = new Set<number>();
  for (const name of choice.exclude ?? []) {
    const i = index.get(name) ?? -1;
    if (i < 0) fail(`--exclude: there is no column ${quoteValue(name)}; the columns are ${quoteList(names)}`, name);
    if (i === label) fail(`--exclude: column ${quoteValue(name)} is the label`, name);
    excluded.add(i);
  }
  let features: number[];
  if (choice.features) {
    if (excluded.size) fail("--exclude and --features: give one (--features lists the columns used, --exclude the columns left out)");
    const seen = new Set<string>();
    features = choice.features.map((name, k) => {
      if (seen.has(name)) fail(`feature column ${quoteValue(name)} is chosen twice`, name);
      seen.add(name);
      const i = index.get(name) ?? -1;
      if (i < 0 && choice.featuresOf)
        fail(`there is no column ${quoteValue(name)}, input ${k + 1} of ${choice.featuresOf}; the columns are ${quoteList(names)}`, name);
      if (i < 0) fail(`there is no feature column ${quoteValue(name)}; the columns are ${quoteList(names)}`, name);
      if (i === label) fail(`column ${quoteValue(name)} is the label, so it cannot also be a feature`, name);
      return i;
    });
  } else {
    features = names.map((_, i) => i).filter((i) => i !== label && !excluded.has(i));
  }
  if (features.length === 0)
    fail(label >= 0 ? `there are no feature columns, only the label ${quoteValue(names[label])}` : "there are no feature columns");

  // An unnamed column (a spreadsheet's row numbers, say) could not be named in
  // a model or on the command line, so it may only be present, never used.
  for (const i of label >= 0 ? [...features, label] : features)
    if (names[i] === "") fail(`column ${i + 1} has no name in the header; name it, or choose the feature columns explicitly`);

  return { names, features, label };
}
