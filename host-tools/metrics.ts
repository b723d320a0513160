// Classification metrics: the confusion matrix (rows: true class, columns:
// predicted) and per-class precision and recall.

export function confusionMatrix(truth: ArrayLike<number>, predict: (row: number) => number, k: number): number[][] {
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]][predict(i)]++;
  return m;
}

export interface ClassMetrics {
  label: string;
  support: number;
  precision: number;
  recall: number;
}

export function perClass(confusion: number[][], labels: string[]): ClassMetrics[] {
  return labels.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    return { label, support, precision: predicted ? tp / predicted : NaN, recall: support ? tp / support : NaN };
  });
}

export function accuracyOf(confusion: number[][]): number {
  let right = 0, all = 0;
  confusion.forEach((row, i) => row.forEach((v, j) => { all += v; if (i === j) right += v; }));
  return all ? right / all : NaN;
}
