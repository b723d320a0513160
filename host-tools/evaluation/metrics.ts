// Classification metrics: the confusion counts (true class x predicted class)
// and per-class precision and recall.
//
// A model may have up to 65,535 classes, so eval keeps the counts sparse: one
// entry per (true, predicted) pair that occurs, at most one per row. Memory is
// bounded by the data, never by the model's output count (a dense K x K matrix
// for K = 65,535 is 34 GB of numbers).

/** Sparse confusion counts over class ids 0..k-1. */
export class Confusion {
  /** count per pair, keyed true * k + predicted (below 2^32: exact in a double) */
  private readonly cells = new Map<number, number>();
  /** rows per true class, rows per predicted class */
  private readonly truth = new Map<number, number>();
  private readonly guessed = new Map<number, number>();
  n = 0;
  right = 0;

  constructor(readonly k: number) {}

  add(actual: number, predicted: number): void {
    const key = actual * this.k + predicted;
    this.cells.set(key, (this.cells.get(key) ?? 0) + 1);
    this.truth.set(actual, (this.truth.get(actual) ?? 0) + 1);
    this.guessed.set(predicted, (this.guessed.get(predicted) ?? 0) + 1);
    this.n++;
    if (actual === predicted) this.right++;
  }

  count(actual: number, predicted: number): number {
    return this.cells.get(actual * this.k + predicted) ?? 0;
  }

  /** rows whose true class is c */
  support(c: number): number {
    return this.truth.get(c) ?? 0;
  }

  /** rows predicted as c */
  predicted(c: number): number {
    return this.guessed.get(c) ?? 0;
  }

  /** the class ids that occur in the data or in the predictions, ascending */
  classes(): number[] {
    const s = new Set<number>([...this.truth.keys(), ...this.guessed.keys()]);
    return [...s].sort((a, b) => a - b);
  }

  /** every non-zero cell as [true id, predicted id, rows], by true then predicted id */
  entries(): [number, number, number][] {
    return [...this.cells]
      .map(([key, v]): [number, number, number] => [Math.floor(key / this.k), key % this.k, v])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  accuracy(): number {
    return this.n ? this.right / this.n : NaN;
  }
}

export function confusionOf(truth: ArrayLike<number>, predict: (row: number) => number, k: number): Confusion {
  const c = new Confusion(k);
  for (let i = 0; i < truth.length; i++) c.add(truth[i], predict(i));
  return c;
}

/** The dense k x k matrix (rows: true class, columns: predicted): only for a k
 * the data bounds (train's report, over the classes of its own CSV). */
export function confusionMatrix(truth: ArrayLike<number>, predict: (row: number) => number, k: number): number[][] {
  const c = confusionOf(truth, predict, k);
  return Array.from({ length: k }, (_, t) => Array.from({ length: k }, (_, p) => c.count(t, p)));
}

export interface ClassMetrics {
  label: string;
  /** rows of this class in the data */
  support: number;
  /** rows predicted as this class */
  predicted: number;
  /** NaN when nothing was predicted as it (JSON: null) */
  precision: number;
  /** NaN when the data has no row of it (JSON: null) */
  recall: number;
}

/** Per class that occurs (in the data or the predictions), in class id order. */
export function perClass(c: Confusion, labels: string[]): ClassMetrics[] {
  return c.classes().map((id) => {
    const tp = c.count(id, id),
      support = c.support(id),
      predicted = c.predicted(id);
    return { label: labels[id], support, predicted, precision: predicted ? tp / predicted : NaN, recall: support ? tp / support : NaN };
  });
}
