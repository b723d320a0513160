// Reading a CSV for a model: which columns are its inputs (by name when the
// file names them), how missing values are treated, and the checks that the
// data fits the model. Shared by every command that runs a model on data
// (eval, predict, verify, quantize --data, train --test) and by bench/eval.ts.
import { Model } from "../../src/core/index";
import { fail, quoteValue } from "../cli/user-error";
import { loadCsv, LoadedCsv } from "../data/csv-loader";
import { naValues } from "../data/na-values";
import { classNames, isClassifier } from "./model-kind";

/** The feature columns to read for a model: --features if given (checked
 * against the names the model stores, if any), else the model's own names (a
 * version 2 file: found by name, in any order), else undefined (a version 1
 * file: every column but the label, in the file's order, as trained). */
export function featuresFor(model: Model, modelFile: string, given?: string[]): string[] | undefined {
  if (!given || !model.features) return given ?? model.features;
  const same = given.length === model.features.length && given.every((g, i) => g === model.features![i]);
  const permuted = given.length === model.features.length && [...given].sort().join("\0") === [...model.features].sort().join("\0");
  // the same names in another order would feed column k to input j: wrong answers, no error
  if (!same && permuted)
    fail(
      `--features lists ${modelFile}'s inputs in another order than it takes them ` +
        `(${model.features.map((n) => quoteValue(n)).join(", ")}): leave --features out, the columns are found by name`,
    );
  return given;
}

/** The data-reading options every command that reads a CSV for a model takes. */
export interface DataOptions {
  label?: string;
  features?: string[];
  exclude?: string[];
  naValues?: string[];
  dropIncomplete?: boolean;
}

/** The missing-value options for a model: an imputing model takes gaps (it fills them as trained). */
export function missingFor(model: Model, o: DataOptions) {
  return {
    naValues: naValues(o.naValues),
    keepMissing: model.impute !== undefined,
    missingHint: "use --drop-incomplete to skip such rows (or train with --impute mean: the model then fills gaps itself)",
  };
}

export async function loadDataFor(model: Model, modelFile: string, dataFile: string, o: DataOptions): Promise<LoadedCsv> {
  const classifier = isClassifier(model);
  const features = featuresFor(model, modelFile, o.features);
  const csv = await loadCsv(dataFile, {
    label: o.label ?? (model.features ? model.target : undefined),
    features,
    dropIncomplete: o.dropIncomplete,
    exclude: o.exclude,
    ...missingFor(model, o),
    task: classifier ? "classification" : "regression",
    labels: classifier ? classNames(model) : undefined,
    featuresOf: features && !o.features ? modelFile : undefined,
  });
  if (csv.data.inputSize !== model.inputSize)
    fail(
      `${dataFile} has ${csv.data.inputSize} feature columns (${csv.features.join(", ")}) but ${modelFile} takes ${model.inputSize}: ` +
        `pick them with --features`,
    );
  return csv;
}
