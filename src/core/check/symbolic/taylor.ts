// The chapter's first-order Taylor argument, executable: near 0,
//   f(x) ~ f(0) + f'(0) x,
// with f'(0) from the symbolic derivative (logistic: 1/4, tanh: 1). Clipping
// that line to f's range gives the hard versions:
//   hard-logistic = max(0, min(1, 0.25 x + 0.5)),  hard-tanh = max(-1, min(1, x)).

import { derive } from "./derive";
import { add, Expr, isNum, max, min, mul, num, sub, substitute, X } from "./expression";
import { limitAt } from "./range";
import { simplify } from "./simplify";

export interface Taylor {
  /** f(at) */
  value: Expr;
  /** f'(at) */
  slope: Expr;
  /** f(at) + f'(at) (x - at) */
  line: Expr;
}

export function firstOrderTaylor(f: Expr, at: number): Taylor {
  var value = simplify(substitute(f, num(at)));
  var slope = simplify(substitute(simplify(derive(f)), num(at)));
  return { value: value, slope: slope, line: simplify(add(mul(slope, sub(X, num(at))), value)) };
}

/** The Taylor line at 0 clipped to f's limits at -inf and +inf: max(lo, min(hi, f(0) + f'(0) x)). */
export function hardVersion(f: Expr): { taylor: Taylor; hard: Expr } {
  var t = firstOrderTaylor(f, 0),
    lo = limitAt(f, -1),
    hi = limitAt(f, 1);
  if (!isNum(lo) || !isNum(hi) || !isFinite(lo.v) || !isFinite(hi.v))
    throw new Error("a hard version needs finite limits at -inf and +inf");
  return { taylor: t, hard: simplify(max(lo, min(hi, t.line))) };
}

/** max |a(x) - b(x)| over a grid from `from` to `to` in steps of `step`, and where. */
export function largestGap(
  a: (x: number) => number,
  b: (x: number) => number,
  from: number,
  to: number,
  step: number,
): { gap: number; at: number } {
  var worst = { gap: 0, at: from };
  var n = Math.round((to - from) / step);
  for (var i = 0; i <= n; i++) {
    var x = from + i * step,
      g = Math.abs(a(x) - b(x));
    if (g > worst.gap || g !== g) worst = { gap: g, at: x };
  }
  return worst;
}
