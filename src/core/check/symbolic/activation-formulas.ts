// Every elementwise activation of the table as an expression, and its
// derivative derived symbolically. The formula is the table's own `build`
// (activations.ts) run on expression trees: written once, in basic operations,
// and read here as the dual numbers (dual.ts) and the reverse-mode graph
// (autodiff.ts) read it, so the three routes to f' start from the same f.

import { Activation, ACTIVATIONS } from "../../activations";
import { derive } from "./derive";
import { Expr, exprOps, GAMMA, X } from "./expression";
import { simplify } from "./simplify";

export interface ActivationFormula {
  activation: Activation;
  /** f exactly as the table's build writes it */
  written: Expr;
  /** f simplified */
  f: Expr;
  /** d/dx of f, derived symbolically and simplified */
  df: Expr;
  /** the derivative before simplification (what the rules alone give) */
  rawDf: Expr;
}

/** The activation's formula and its symbolic derivative; null for softmax, which is not elementwise. */
export function activationFormula(act: Activation): ActivationFormula | null {
  if (!act.elementwise) return null;
  var written = act.build(exprOps, X, GAMMA);
  var f = simplify(written);
  var rawDf = derive(f);
  return { activation: act, written: written, f: f, df: simplify(rawDf), rawDf: rawDf };
}

/** Every elementwise activation of the table, in table order. */
export function activationFormulas(): ActivationFormula[] {
  var out: ActivationFormula[] = [];
  for (var i = 0; i < ACTIVATIONS.length; i++) {
    var r = activationFormula(ACTIVATIONS[i]);
    if (r) out.push(r);
  }
  return out;
}
