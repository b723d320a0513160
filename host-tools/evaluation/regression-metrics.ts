// What `edgefnn eval` says of a regression model on a CSV: MAE, RMSE and R^2
// of its one output against the label column, all rows. Shared with the studio
// page, which shows the same numbers in the same words.

export interface RegressionMetrics {
  n: number;
  mse: number;
  mae: number;
  rmse: number;
  /** null for a constant target (no variance to explain) */
  r2: number | null;
}

/** y: the model's outputs (one per row), t: the targets. */
export function regressionMetrics(y: ArrayLike<number>, t: ArrayLike<number>, n: number): RegressionMetrics {
  let se = 0,
    ae = 0,
    mean = 0,
    st = 0;
  for (let i = 0; i < n; i++) mean += t[i] / n;
  for (let i = 0; i < n; i++) {
    const e = y[i] - t[i];
    se += e * e;
    ae += Math.abs(e);
    st += (t[i] - mean) ** 2;
  }
  // R^2 = 1 - SSE / SST: the share of the target's variance around its mean the model explains (undefined for a constant target)
  const r2 = st > 0 ? 1 - se / st : null;
  return { n, mse: se / n, mae: ae / n, rmse: Math.sqrt(se / n), r2 };
}

/** eval's words for them: "MAE 0.1234, RMSE 0.2345, R^2 0.9876". */
export function regressionSentence(r: RegressionMetrics): string {
  return (
    `MAE ${r.mae.toPrecision(4)}, RMSE ${r.rmse.toPrecision(4)}, ` +
    `R^2 ${r.r2 === null ? "undefined (the target is constant)" : r.r2.toFixed(4)}`
  );
}
