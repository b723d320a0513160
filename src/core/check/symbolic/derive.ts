// d/dx of an expression by the usual rules, one per operation, raw (not
// simplified: simplify.ts does that, so each rule here reads like the textbook):
//   (a + b)' = a' + b'            (a - b)' = a' - b'
//   (a b)'   = a' b + a b'        (a / b)' = (a' b - a b') / (b b)
//   exp(a)'  = exp(a) a'          log(a)'  = a' / a
//   max(a, b)' = a' where a >= b, else b'
//   min(a, b)' = a' where a <= b, else b'
// The cases of max and min break ties as dual.ts and autodiff.ts do (the first
// argument wins); at a tie f has a kink and no derivative, so any choice is a
// convention. gamma is a parameter: dgamma/dx = 0.

import { add, cases, div, Expr, ge, mul, num, sub } from "./expression";

export function derive(e: Expr): Expr {
  switch (e.k) {
    case "num":
    case "gamma":
      return num(0);
    case "x":
      return num(1);
    case "add":
      return add(derive(e.a), derive(e.b));
    case "sub":
      return sub(derive(e.a), derive(e.b));
    case "mul":
      return add(mul(derive(e.a), e.b), mul(e.a, derive(e.b)));
    case "div":
      return div(sub(mul(derive(e.a), e.b), mul(e.a, derive(e.b))), mul(e.b, e.b));
    case "exp":
      return mul(e, derive(e.a));
    case "log":
      return div(derive(e.a), e.a);
    case "max":
      return cases(ge(e.a, e.b), derive(e.a), derive(e.b));
    case "min":
      return cases(ge(e.b, e.a), derive(e.a), derive(e.b));
    // a piecewise function's derivative, piece by piece (kinks at the boundaries excluded)
    case "if":
      return cases(e.test, derive(e.then), derive(e.else));
  }
}
