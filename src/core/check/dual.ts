// Forward-mode automatic differentiation with dual numbers v + d eps (eps^2 = 0):
// evaluating f on (x, 1) carries f'(x) along in d. Used to check every
// activation's hand-written derivative against its formula in basic operations.

import { Ops } from "../activations";

export interface Dual {
  v: number;
  d: number;
}

function dual(v: number, d: number): Dual {
  return { v: v, d: d };
}

export var dualOps: Ops<Dual> = {
  c: function (v) {
    return dual(v, 0);
  },
  add: function (a, b) {
    return dual(a.v + b.v, a.d + b.d);
  },
  sub: function (a, b) {
    return dual(a.v - b.v, a.d - b.d);
  },
  mul: function (a, b) {
    return dual(a.v * b.v, a.d * b.v + a.v * b.d);
  },
  div: function (a, b) {
    return dual(a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v));
  },
  exp: function (a) {
    var e = Math.exp(a.v);
    return dual(e, e * a.d);
  },
  log: function (a) {
    return dual(Math.log(a.v), a.d / a.v);
  },
  // at a tie the first argument's derivative is taken (a kink: excluded from checks)
  max: function (a, b) {
    return a.v >= b.v ? a : b;
  },
  min: function (a, b) {
    return a.v <= b.v ? a : b;
  },
};

/** f'(x) of a function written with Ops, by forward mode. */
export function derivative(f: (o: Ops<Dual>, x: Dual) => Dual, x: number): { value: number; derivative: number } {
  var r = f(dualOps, dual(x, 1));
  return { value: r.v, derivative: r.d };
}
