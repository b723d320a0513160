// How train chooses the learning rate, lambda and the validation split when
// they are not given: the defaults and the search's rule, in one module with
// no Node imports, so the CLI (train.ts) and the studio page (its Web Worker,
// studio/page/train-run.ts) decide alike and train the same model.
import type { SearchResult, SearchSpace } from "./train-search";

// The defaults of the learning rate, lambda and the validation split, and why: docs/ACCURACY.md.
// Per-sample SGD at 0.05 (the old default) ends each epoch on weights as noisy as its last few
// steps; 0.005 and 0.01 do not, and on small data the search picks between them.
export const LEARNING_RATE = 0.005;
// The hidden layers' activation when --activation is not given. ReLU, not hard-tanh (the default
// until session 7): on nested shells (make_gaussian_quantiles, 4 features, 3 classes) 16 hard-tanh
// units, and smooth tanh alike, fit only 94-97% of the training rows even after 1000 epochs and
// lost 4-5 points of test accuracy to scikit-learn's ReLU network, which fits 96-100%; 16 ReLU
// units (He-initialised) fit 99-100% and matched it. Elsewhere ReLU was as good or better
// (docs/ACCURACY.md). On a board it costs what hard-tanh does (one comparison instead of two, and
// the int8 format quantizes weights, not activations).
export const HIDDEN_ACTIVATION = "relu";
/** regression keeps the old default: the change above was measured on classification sets only */
export const REGRESSION_LEARNING_RATE = 0.05;
export const LAMBDA = 0.001;
export const VAL_FRACTION = 0.2;
/** up to this many training rows, train cross-validates lambda and the learning rate (unless --no-search) */
export const SEARCH_MAX_ROWS = 2000;
// lambda 0.01 since session 7's second round: on sets with flipped labels the folds' error kept falling past 0.003
// (the old top), where scikit-learn's tuned peer chose its strongest L2, alpha 1: at its batches of 200 rows a
// per-sample lambda of 1/200 = 0.005 (docs/ACCURACY.md, "Session 7, second round").
export const SEARCH: SearchSpace = { lambdas: [3e-4, 1e-3, 3e-3, 1e-2], learningRates: [0.005, 0.01], folds: 3, epochRule: "last" };

/** What the user gave; undefined: train chooses. */
export interface RateOptions {
  lr?: number;
  lambda?: number;
  valFraction?: number;
  /** false (--no-search): no cross-validated choice */
  search?: boolean;
}

/** Whether lambda and the learning rate (those not given) are chosen by k-fold cross-validation:
 * small classification data only (the search was measured on classification sets, docs/ACCURACY.md). */
export function willSearch(classification: boolean, o: RateOptions, rows: number): boolean {
  return classification && o.search !== false && (o.lr === undefined || o.lambda === undefined) && rows <= SEARCH_MAX_ROWS;
}

/** The validation fraction: the one given, else 0 when searching (its folds validate), else VAL_FRACTION. */
export function valFractionFor(o: RateOptions, searching: boolean): number {
  return o.valFraction ?? (searching ? 0 : VAL_FRACTION);
}

/** The search's space: a given rate is the only candidate of its axis. */
export function searchSpaceFor(o: RateOptions): { space: SearchSpace; what: string } {
  const space: SearchSpace = {
    ...SEARCH,
    lambdas: o.lambda === undefined ? SEARCH.lambdas : [o.lambda],
    learningRates: o.lr === undefined ? SEARCH.learningRates : [o.lr],
  };
  const what = [o.lambda === undefined ? "lambda" : "", o.lr === undefined ? "the learning rate" : ""].filter(Boolean).join(" and ");
  return { space, what };
}

/** The rates the final model trains with: the search's choice, else those given, else the defaults. */
export function ratesFor(o: RateOptions, classification: boolean, searched: SearchResult | null): { lr: number; lambda: number } {
  const lr = searched ? searched.learningRate : (o.lr ?? (classification ? LEARNING_RATE : REGRESSION_LEARNING_RATE));
  const lambda = searched ? searched.lambda : (o.lambda ?? LAMBDA);
  return { lr, lambda };
}
