// Symbolic expressions over the textbook's basic operations (+, -, *, /, exp,
// log, max, min), constants, the variable x and the parameter gamma: the third
// way to a derivative, "expressions in, expressions out" (TEXTBOOK.md, Three
// ways to get derivatives). A piecewise node `if` carries the cases that the
// derivative of max and min needs: d/dx max(a, b) = a' where a >= b, else b'.
//
// Trees are immutable plain objects: a rewrite builds new nodes and shares the
// untouched ones, so structural equality (`same`) is the only identity.

import { Ops } from "../../activations";

export type NumExpr = { k: "num"; v: number };

export type Expr =
  | NumExpr
  | { k: "x" }
  | { k: "gamma" }
  | { k: "add" | "sub" | "mul" | "div" | "max" | "min"; a: Expr; b: Expr }
  | { k: "exp" | "log"; a: Expr }
  | { k: "if"; test: Test; then: Expr; else: Expr };

/** A condition on x: a > b, a >= b, both of two conditions, or a known truth value. */
export type Test = { k: "gt" | "ge"; a: Expr; b: Expr } | { k: "and"; a: Test; b: Test } | { k: "truth"; v: boolean };

export type BinaryKind = "add" | "sub" | "mul" | "div" | "max" | "min";

export const X: Expr = { k: "x" };
export const GAMMA: Expr = { k: "gamma" };

export function num(v: number): Expr {
  return { k: "num", v: v };
}
export function bin(k: BinaryKind, a: Expr, b: Expr): Expr {
  return { k: k, a: a, b: b };
}
export function add(a: Expr, b: Expr): Expr {
  return bin("add", a, b);
}
export function sub(a: Expr, b: Expr): Expr {
  return bin("sub", a, b);
}
export function mul(a: Expr, b: Expr): Expr {
  return bin("mul", a, b);
}
export function div(a: Expr, b: Expr): Expr {
  return bin("div", a, b);
}
export function max(a: Expr, b: Expr): Expr {
  return bin("max", a, b);
}
export function min(a: Expr, b: Expr): Expr {
  return bin("min", a, b);
}
export function exp(a: Expr): Expr {
  return { k: "exp", a: a };
}
export function log(a: Expr): Expr {
  return { k: "log", a: a };
}
/** -a, written as (-1) a so that one rule set covers negation and scaling. */
export function neg(a: Expr): Expr {
  return mul(num(-1), a);
}
export function cases(test: Test, then: Expr, otherwise: Expr): Expr {
  return { k: "if", test: test, then: then, else: otherwise };
}
/** a > b */
export function gt(a: Expr, b: Expr): Test {
  return { k: "gt", a: a, b: b };
}
/** a >= b */
export function ge(a: Expr, b: Expr): Test {
  return { k: "ge", a: a, b: b };
}
export function and(a: Test, b: Test): Test {
  return { k: "and", a: a, b: b };
}
export function truth(v: boolean): Test {
  return { k: "truth", v: v };
}

/** The activation table's formulas (`build`) written into trees, unchanged: the
 * same source the dual numbers and the reverse-mode graph evaluate. */
export const exprOps: Ops<Expr> = { c: num, add: add, sub: sub, mul: mul, div: div, exp: exp, log: log, max: max, min: min };

export function isNum(e: Expr): e is NumExpr {
  return e.k === "num";
}

/** e is the constant v (not a type guard: false says nothing about e's kind). */
export function isValue(e: Expr, v: number): boolean {
  return e.k === "num" && e.v === v;
}

export function same(a: Expr, b: Expr): boolean {
  if (a === b) return true;
  switch (a.k) {
    case "num":
      return b.k === "num" && (a.v === b.v || (a.v !== a.v && b.v !== b.v));
    case "x":
    case "gamma":
      return b.k === a.k;
    case "exp":
    case "log":
      return b.k === a.k && same(a.a, b.a);
    case "if":
      return b.k === "if" && sameTest(a.test, b.test) && same(a.then, b.then) && same(a.else, b.else);
    default:
      return b.k === a.k && same(a.a, (b as typeof a).a) && same(a.b, (b as typeof a).b);
  }
}

export function sameTest(a: Test, b: Test): boolean {
  if (a.k === "truth") return b.k === "truth" && a.v === b.v;
  if (a.k === "and") return b.k === "and" && sameTest(a.a, b.a) && sameTest(a.b, b.b);
  return b.k === a.k && same(a.a, (b as typeof a).a) && same(a.b, (b as typeof a).b);
}

/** Values of x and gamma. */
export interface Env {
  x: number;
  gamma: number;
}

/** The value of e: ties of max and min, and of a case's test, go as dual.ts and autodiff.ts take them. */
export function evaluate(e: Expr, env: Env): number {
  switch (e.k) {
    case "num":
      return e.v;
    case "x":
      return env.x;
    case "gamma":
      return env.gamma;
    case "add":
      return evaluate(e.a, env) + evaluate(e.b, env);
    case "sub":
      return evaluate(e.a, env) - evaluate(e.b, env);
    case "mul":
      return evaluate(e.a, env) * evaluate(e.b, env);
    case "div":
      return evaluate(e.a, env) / evaluate(e.b, env);
    case "max": {
      const a = evaluate(e.a, env),
        b = evaluate(e.b, env);
      return a >= b ? a : b;
    }
    case "min": {
      const a = evaluate(e.a, env),
        b = evaluate(e.b, env);
      return a <= b ? a : b;
    }
    case "exp":
      return Math.exp(evaluate(e.a, env));
    case "log":
      return Math.log(evaluate(e.a, env));
    case "if":
      return holds(e.test, env) ? evaluate(e.then, env) : evaluate(e.else, env);
  }
}

export function holds(t: Test, env: Env): boolean {
  switch (t.k) {
    case "truth":
      return t.v;
    case "and":
      return holds(t.a, env) && holds(t.b, env);
    case "gt":
      return evaluate(t.a, env) > evaluate(t.b, env);
    case "ge":
      return evaluate(t.a, env) >= evaluate(t.b, env);
  }
}

/** e with every x replaced by `by`. */
export function substitute(e: Expr, by: Expr): Expr {
  switch (e.k) {
    case "num":
    case "gamma":
      return e;
    case "x":
      return by;
    case "exp":
    case "log":
      return { k: e.k, a: substitute(e.a, by) };
    case "if":
      return cases(substituteTest(e.test, by), substitute(e.then, by), substitute(e.else, by));
    default:
      return bin(e.k, substitute(e.a, by), substitute(e.b, by));
  }
}

/** t with every x replaced by `by`. */
export function substituteTest(t: Test, by: Expr): Test {
  switch (t.k) {
    case "truth":
      return t;
    case "and":
      return and(substituteTest(t.a, by), substituteTest(t.b, by));
    default:
      return { k: t.k, a: substitute(t.a, by), b: substitute(t.b, by) };
  }
}

/** Nodes in the tree: a size for "the simplified form is smaller" checks. */
export function size(e: Expr): number {
  switch (e.k) {
    case "num":
    case "x":
    case "gamma":
      return 1;
    case "exp":
    case "log":
      return 1 + size(e.a);
    case "if":
      return 1 + testSize(e.test) + size(e.then) + size(e.else);
    default:
      return 1 + size(e.a) + size(e.b);
  }
}

function testSize(t: Test): number {
  switch (t.k) {
    case "truth":
      return 1;
    case "and":
      return 1 + testSize(t.a) + testSize(t.b);
    default:
      return 1 + size(t.a) + size(t.b);
  }
}
