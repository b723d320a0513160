// What sign an expression can take, as a set: NEG | ZERO | POS bits. The
// simplifier uses it to drop max(0, e) when e >= 0, to divide a test by a
// positive factor, and to say inf * gamma = inf.
//
// Assumption: gamma > 0. Every activation's parameter is a positive slope or
// scale (leaky ReLU 0.01, PReLU 0.25 initially, ELU 1); the table's formulas
// (max(0, x) + gamma min(0, x), ...) are the textbook's only for gamma > 0.

import { Expr } from "./expression";

export const NEG = 1;
export const ZERO = 2;
export const POS = 4;
export const ANY = NEG | ZERO | POS;

/** The signs e can take (a superset: ANY when nothing is known). */
export function signOf(e: Expr): number {
  switch (e.k) {
    case "num":
      return e.v > 0 ? POS : e.v < 0 ? NEG : e.v === 0 ? ZERO : ANY;
    case "x":
      return ANY;
    case "gamma":
      return POS;
    case "exp":
      return POS;
    case "log":
      return ANY;
    case "add":
      return combine(signOf(e.a), signOf(e.b), addSign);
    case "sub":
      return combine(signOf(e.a), negate(signOf(e.b)), addSign);
    case "mul":
    case "div":
      return combine(signOf(e.a), signOf(e.b), mulSign);
    case "max":
      return combine(signOf(e.a), signOf(e.b), Math.max);
    case "min":
      return combine(signOf(e.a), signOf(e.b), Math.min);
    case "if":
      return signOf(e.then) | signOf(e.else);
  }
}

export function nonNegative(e: Expr): boolean {
  return (signOf(e) & NEG) === 0;
}

export function nonPositive(e: Expr): boolean {
  return (signOf(e) & POS) === 0;
}

function negate(s: number): number {
  return (s & ZERO) | (s & NEG ? POS : 0) | (s & POS ? NEG : 0);
}

function addSign(p: number, q: number): number {
  return p === ZERO ? q : q === ZERO ? p : p === q ? p : ANY;
}

function mulSign(p: number, q: number): number {
  return p === ZERO || q === ZERO ? ZERO : p === q ? POS : NEG;
}

/** Applies op to every pair of single signs (bits ordered NEG < ZERO < POS, so max/min of bits is the sign of max/min). */
function combine(sa: number, sb: number, op: (p: number, q: number) => number): number {
  var out = 0;
  for (var p = 1; p <= POS; p <<= 1) for (var q = 1; q <= POS; q <<= 1) if (sa & p && sb & q) out |= op(p, q);
  return out;
}
