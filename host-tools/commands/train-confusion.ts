// What train's confusion matrix counts when no held-out file is given, and
// the words that say so: one module with no Node imports, so the CLI's report
// (train-report.ts) and the studio page (studio/page/train-run.ts) count and
// say the same. The validation split if there is one; else, after the search,
// the training rows each predicted by the chosen setting's fold model that did
// not train on it (out of fold: the rows the search's cross-validated accuracy
// counts); else the training rows by the model they trained, said to flatter it.
import { classify, DataSet, Network } from "../../src/core/index";
import { confusionMatrix } from "../evaluation/metrics";
import type { SearchResult } from "./train-search";

export interface Confusion {
  /** rows: true class, columns: predicted */
  matrix: number[][];
  /** what it counts, e.g. "the validation split (30 rows)" */
  on: string;
}

/** How a user gets held-out rows: the CLI's flags, or the page's control. */
export interface HeldOutAdvice {
  /** after the search: what gives held-out rows */
  searched: string;
  /** with neither a search nor a validation split */
  plain: string;
}

export const CLI_ADVICE: HeldOutAdvice = { searched: "give --test FILE for held-out rows", plain: "give --test FILE or --val-fraction" };

/** k classes; val: the validation split or null; searched: the search that chose the rates, or null */
export function trainingConfusion(
  net: Network,
  tr: DataSet,
  val: DataSet | null,
  searched: SearchResult | null,
  k: number,
  advice: HeldOutAdvice = CLI_ADVICE,
): Confusion {
  if (val)
    return {
      matrix: confusionMatrix(val.classes!, (i) => classify(net, val.x, i * val.inputSize), k),
      on: `the validation split (${val.n} rows)`,
    };
  if (searched?.predictions) {
    const p = searched.predictions;
    return {
      matrix: confusionMatrix(tr.classes!, (i) => p[i], k),
      on:
        `the ${tr.n} training rows, cross-validated: each predicted by the one of ${searched.folds} fold models ` +
        `(lambda ${searched.lambda}, learning rate ${searched.learningRate}, ${searched.epochs} epochs) that did not train on it, ` +
        `not by the final model (there is no validation split: ${advice.searched})`,
    };
  }
  return {
    matrix: confusionMatrix(tr.classes!, (i) => classify(net, tr.x, i * tr.inputSize), k),
    on:
      `the ${tr.n} training rows, by the model they trained (no validation split and no cross-validation: ` +
      `it flatters the model; ${advice.plain})`,
  };
}
