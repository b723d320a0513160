// train's small hyperparameter search: k-fold cross-validation on the training
// rows over the L2 coefficient lambda and the learning rate alpha, and the
// number of epochs. Why (docs/ACCURACY.md): no single lambda suits every data
// set (a noisy 4-class set wants 3e-3, two moons 1e-4), and one validation
// split of a few dozen rows is too noisy to choose an epoch from, so the model
// early-stopped far too soon. Averaging k folds' validation curves is not.
//   for each (lambda, alpha) and fold f = 1..k: standardize on the other
//   folds, train E epochs on them, record fold f's errors and loss per epoch;
//   score(lambda, alpha, e) = sum_f errors_f(e) (classification; the loss
//   breaks ties and decides alone for regression);
//   keep the (lambda, alpha, e) with the lowest score.
// Deterministic: the folds and every run are seeded by the caller's seed.
import {
  classify,
  createNetwork,
  createRng,
  DataSet,
  Network,
  NetworkSpec,
  networkSpec,
  shuffle,
  standardization,
  subset,
  train,
  TrainOptions,
} from "../../src/core/index";

export interface SearchSpace {
  lambdas: number[];
  learningRates: number[];
  folds: number;
  /** "last": score each (lambda, alpha) at its last epoch (the final model trains all its epochs);
   * "best": at the best epoch of the fold-averaged curve (the final model trains that many) */
  epochRule?: "last" | "best";
}

export interface Trial {
  lambda: number;
  learningRate: number;
  /** the best epoch of the fold-averaged validation curve */
  epochs: number;
  /** misclassified validation rows summed over the folds at that epoch (regression: NaN) */
  errors: number;
  /** mean validation loss over all rows of all folds at that epoch */
  loss: number;
}

export interface SearchResult extends Trial {
  folds: number;
  /** rows cross-validated (each in one fold's validation part once) */
  rows: number;
  trials: Trial[];
  /** classification, scored at the last epoch: each row's class as predicted by the chosen trial's fold model that
   * did not train on it (out of fold), so a confusion matrix of the training rows that no model saw while training
   * on them; null otherwise */
  predictions: Int32Array | null;
}

/** k folds of the rows, seeded; for classes, dealt class by class so each fold has each class's share */
export function folds(data: DataSet, k: number, seed: number): Int32Array[] {
  const n = data.n,
    order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffle(order, n, createRng(seed));
  const c = data.classes;
  // a stable sort by class keeps the shuffled order within each class
  const sorted = c ? Array.from(order).sort((a, b) => c[a] - c[b] || 0) : Array.from(order);
  const parts: number[][] = [];
  for (let f = 0; f < k; f++) parts.push([]);
  sorted.forEach((row, i) => parts[i % k].push(row));
  return parts.map((p) => Int32Array.from(p));
}

function freshNet(spec: NetworkSpec, data: DataSet, fill: ArrayLike<number> | null): Network {
  const net = createNetwork(spec),
    st = standardization(data);
  net.mean.set(fill ?? st.mean);
  net.invStd.set(st.invStd);
  return net;
}

/**
 * Cross-validates every (lambda, learning rate) of the space for `base.epochs`
 * epochs (no early stopping inside the folds) and returns the best with its
 * epoch count. `net` gives the architecture only; `fill` the imputation values
 * that center the inputs, as train does. `onRun`, after each fold's run (or a
 * candidate's skipped folds): runs done of all (the studio page shows it).
 */
export function searchHyperparameters(
  net: Network,
  data: DataSet,
  base: TrainOptions,
  space: SearchSpace,
  fill: ArrayLike<number> | null = null,
  onRun?: (done: number, total: number) => void,
): SearchResult {
  const k = space.folds,
    E = base.epochs ?? 200,
    seed = base.seed ?? 1,
    spec = networkSpec(net);
  const parts = folds(data, k, seed);
  const classification = !!data.classes;
  const trials: Trial[] = [];
  let best: Trial | null = null,
    bestPredicted: Int32Array | null = null,
    diverged: Error | null = null,
    done = 0;
  const total = space.lambdas.length * space.learningRates.length * k;
  for (const lambda of space.lambdas) {
    for (const learningRate of space.learningRates) {
      const errors = new Float64Array(E),
        loss = new Float64Array(E);
      // out of fold, at the last epoch (the epoch the "last" rule scores): what the chosen trial's confusion matrix counts
      const predicted = classification && space.epochRule !== "best" ? new Int32Array(data.n) : null;
      let ok = true;
      for (let f = 0; f < k && ok; f++) {
        const rest: number[] = [];
        parts.forEach((p, g) => {
          if (g !== f) rest.push(...p);
        });
        const tr = subset(data, rest),
          val = subset(data, parts[f]);
        const m = freshNet(spec, tr, fill);
        try {
          const r = train(m, tr, {
            ...base,
            lambda,
            learningRate,
            epochs: E,
            patience: E,
            validation: val,
            seed: seed + f,
            measureTrain: false,
            recordDeltas: false,
            // at the last epoch the network still holds that epoch's weights (train restores the best only after)
            onEpoch: (st) => {
              if (predicted && st.epoch === E) parts[f].forEach((row, i) => (predicted[row] = classify(m, val.x, i * val.inputSize)));
            },
          });
          for (let e = 0; e < E; e++) {
            const s = r.history[e];
            errors[e] += classification ? Math.round((1 - s.valAccuracy) * val.n) : 0;
            loss[e] += s.valLoss * val.n;
          }
        } catch (e) {
          ok = false; // diverged: this learning rate is too high for the data
          diverged = e as Error;
        }
        done = ok ? done + 1 : done + k - f;
        onRun?.(done, total);
      }
      if (!ok) continue;
      let e = space.epochRule === "best" ? 0 : E - 1;
      if (space.epochRule === "best")
        for (let t = 1; t < E; t++) if (errors[t] < errors[e] || (errors[t] === errors[e] && loss[t] < loss[e])) e = t;
      const trial: Trial = { lambda, learningRate, epochs: e + 1, errors: classification ? errors[e] : NaN, loss: loss[e] / data.n };
      trials.push(trial);
      if (
        !best ||
        (classification && trial.errors < best.errors) ||
        ((!classification || trial.errors === best.errors) && trial.loss < best.loss)
      ) {
        best = trial;
        bestPredicted = predicted;
      }
    }
  }
  if (!best)
    throw new Error(
      `${diverged ? diverged.message + " " : ""}(cross-validating: training diverged at every learning rate tried, ` +
        `${space.learningRates.join(", ")}: give a smaller --lr)`,
    );
  return { ...best, folds: k, rows: data.n, trials, predictions: bestPredicted };
}
