// The range of an activation, derived from its formula: the limits of f at
// x = -inf and x = +inf (substituted and simplified: for ELU the lower end is
// -gamma), with each end closed when f reaches it, i.e. when f' is
// identically 0 on that tail (hard-logistic's [0, 1]), open when f only tends
// to it (logistic's (0, 1)). This holds for monotone f only; rangeOf checks
// f' >= 0 on a grid and gives null otherwise.

import { activationFormula } from "./activation-formulas";
import { Activation } from "../../activations";
import { cases, evaluate, Expr, isNum, isValue, num, substitute, substituteTest } from "./expression";
import { numberText, toLatex, toText } from "./print";
import { simplify, simplifyTest } from "./simplify";

export interface Range {
  lo: Expr;
  hi: Expr;
  loClosed: boolean;
  hiClosed: boolean;
}

/** lim f(x) as x -> side * inf, as far as the simplifier takes it. */
export function limitAt(f: Expr, side: 1 | -1): Expr {
  return simplify(substitute(f, num(side * Infinity)));
}

/** e with every case replaced by the piece that holds for x far out on that side. */
export function tail(e: Expr, side: 1 | -1): Expr {
  switch (e.k) {
    case "num":
    case "x":
    case "gamma":
      return e;
    case "exp":
    case "log":
      return { k: e.k, a: tail(e.a, side) };
    case "if": {
      var t = simplifyTest(substituteTest(e.test, num(side * Infinity)));
      if (t.k === "truth") return tail(t.v ? e.then : e.else, side);
      return cases(e.test, tail(e.then, side), tail(e.else, side));
    }
    default:
      return { k: e.k, a: tail(e.a, side), b: tail(e.b, side) };
  }
}

/** f' on the tail is the constant 0: f reaches its limit at a finite x. */
export function flatTail(df: Expr, side: 1 | -1): boolean {
  return isValue(simplify(tail(df, side)), 0);
}

/** The range of a monotone non-decreasing activation; null if f' < 0 somewhere on [-10, 10]. */
export function rangeOf(act: Activation): Range | null {
  var r = activationFormula(act);
  if (!r) return null;
  for (var x = -10; x <= 10; x += 1 / 64) if (evaluate(r.df, { x: x, gamma: act.gamma }) < 0) return null;
  var lo = limitAt(r.f, -1),
    hi = limitAt(r.f, 1);
  return {
    lo: lo,
    hi: hi,
    loClosed: isNum(lo) && isFinite(lo.v) && flatTail(r.df, -1),
    hiClosed: isNum(hi) && isFinite(hi.v) && flatTail(r.df, 1),
  };
}

/** [0, 1], (-gamma, inf), ... */
export function rangeText(r: Range, style: "text" | "latex"): string {
  var show = style === "latex" ? toLatex : toText;
  var lo = isNum(r.lo) ? numberText(r.lo.v, style) : show(r.lo),
    hi = isNum(r.hi) ? numberText(r.hi.v, style) : show(r.hi);
  return (r.loClosed ? "[" : "(") + lo + ", " + hi + (r.hiClosed ? "]" : ")");
}
