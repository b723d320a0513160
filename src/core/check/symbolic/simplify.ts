// The simplifier: rewrites an expression bottom-up, rule by rule, until
// nothing changes. Rules (a, b, c, d expressions; k, m constants):
//   constant folding    k + m, k m, exp(0) = 1, log(1) = 0, max(k, m), k > m, ...
//                       (a quotient folds only if it prints short: 1/4 -> 0.25, 1/3 stays)
//   identities          a + 0 = a, a - 0 = a, 0 - a = -a, a 1 = a, a 0 = 0,
//                       a / 1 = a, 0 / a = 0, a - a = 0, a / a = 1, log(exp(a)) = a
//   constants first     a k = k a, k (m a) = (km) a, a (k b) = k (a b)
//   common factors      c a + c b = c (a + b), a/d + b/d = (a + b)/d,
//                       (c a) / (c b) = a / b, a (b / c) = (a b) / c
//   signs (gamma > 0)   max(0, a) = a if a >= 0, min(0, a) = a if a <= 0, ...
//   cases               a test with x on one side is solved for x
//                       (0.25 x + 0.5 >= 1 becomes x >= 2); a case whose
//                       value is 0 is turned round (I(x > 0), not "0 if x <= 0
//                       else 1"); nested cases with the same "else" merge
//                       into one test (I(-2 < x < 2)); a factor moves into a
//                       case one of whose values is 0 (gamma I(x < 0))
//   infinity            for limits at x = +-inf: inf + a = inf for a finite,
//                       k / inf = 0, inf gamma = inf
// Each rule keeps the value wherever the expression is defined (0 a = 0 also
// where a is infinite is the usual symbolic convention; guarded when a holds
// an infinite constant).

import {
  add,
  and,
  bin,
  cases,
  div,
  exp,
  Expr,
  ge,
  gt,
  isNum,
  isValue,
  log,
  mul,
  neg,
  num,
  NumExpr,
  same,
  sameTest,
  sub,
  Test,
  truth,
} from "./expression";
import { nonNegative, nonPositive, NEG, POS, signOf } from "./sign";

/** At most this many passes; each pass only shrinks or reorders, so few are needed. */
const MAX_PASSES = 64;

export function simplify(e: Expr): Expr {
  var cur = e;
  for (var i = 0; i < MAX_PASSES; i++) {
    var next = pass(cur);
    if (same(next, cur)) return next;
    cur = next;
  }
  return cur;
}

export function simplifyTest(t: Test): Test {
  var cur = t;
  for (var i = 0; i < MAX_PASSES; i++) {
    var next = passTest(cur);
    if (sameTest(next, cur)) return next;
    cur = next;
  }
  return cur;
}

function pass(e: Expr): Expr {
  switch (e.k) {
    case "num":
    case "x":
    case "gamma":
      return e;
    case "exp":
      return expRule(pass(e.a));
    case "log":
      return logRule(pass(e.a));
    case "if":
      return ifRule(passTest(e.test), pass(e.then), pass(e.else));
    default: {
      var a = pass(e.a),
        b = pass(e.b);
      switch (e.k) {
        case "add":
          return addRule(a, b);
        case "sub":
          return subRule(a, b);
        case "mul":
          return mulRule(a, b);
        case "div":
          return divRule(a, b);
        case "max":
          return maxMinRule("max", a, b);
        case "min":
          return maxMinRule("min", a, b);
      }
    }
  }
}

/** A folded constant, or null when folding would print worse than the expression
 * (1/3 = 0.3333333333333333) or lose its meaning (NaN from 0 inf, inf - inf). */
function folded(v: number): Expr | null {
  if (v !== v) return null;
  if (!isFinite(v) || v === Math.round(v) || String(v).length <= 10) return num(v);
  return null;
}

function infinite(e: Expr): e is NumExpr {
  return isNum(e) && !isFinite(e.v) && e.v === e.v;
}

/** True if e holds an infinite constant anywhere (a limit being taken). */
function hasInfinity(e: Expr): boolean {
  switch (e.k) {
    case "num":
      return !isFinite(e.v);
    case "x":
    case "gamma":
      return false;
    case "exp":
    case "log":
      return hasInfinity(e.a);
    case "if":
      return hasInfinity(e.then) || hasInfinity(e.else);
    default:
      return hasInfinity(e.a) || hasInfinity(e.b);
  }
}

/** k a with k a negative constant, as (k, a); -1 a as (-1, a). */
function negativeTerm(e: Expr): { k: number; rest: Expr } | null {
  if (e.k === "mul" && isNum(e.a) && e.a.v < 0) return { k: e.a.v, rest: e.b };
  return null;
}

/** k a, times m: folds the constants. */
function scaled(k: number, a: Expr): Expr {
  return k === 1 ? a : mul(num(k), a);
}

/** c a + c b = c (a + b) (and the like), for op add or sub; null if no factor is shared. */
function commonFactor(op: "add" | "sub", a: Expr, b: Expr): Expr | null {
  var fa = factors(a),
    fb = factors(b);
  for (var i = 0; i < fa.length; i++)
    for (var j = 0; j < fb.length; j++)
      if (same(fa[i].factor, fb[j].factor) && !isNum(fa[i].factor)) return mul(fa[i].factor, bin(op, fa[i].rest, fb[j].rest));
  return null;
}

/** e as factor * rest in every way a product splits at its top (e itself is e * 1). */
function factors(e: Expr): { factor: Expr; rest: Expr }[] {
  var out = [{ factor: e, rest: num(1) }];
  if (e.k === "mul") out.push({ factor: e.a, rest: e.b }, { factor: e.b, rest: e.a });
  return out;
}

function addRule(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.v + b.v) || add(a, b);
  if (isValue(a, 0)) return b;
  if (isValue(b, 0)) return a;
  if (infinite(a) && !hasInfinity(b)) return a;
  if (infinite(b) && !hasInfinity(a)) return b;
  if (isNum(b) && b.v < 0) return sub(a, num(-b.v));
  var nb = negativeTerm(b);
  if (nb) return sub(a, scaled(-nb.k, nb.rest));
  if (same(a, b)) return mul(num(2), a);
  // (c + k) + m = c + (k + m)
  if (isNum(b) && (a.k === "add" || a.k === "sub") && isNum(a.b)) return bin(a.k, a.a, num(a.k === "add" ? a.b.v + b.v : a.b.v - b.v));
  if (a.k === "div" && b.k === "div" && same(a.b, b.b)) return div(add(a.a, b.a), a.b);
  return commonFactor("add", a, b) || add(a, b);
}

function subRule(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.v - b.v) || sub(a, b);
  if (isValue(b, 0)) return a;
  if (isValue(a, 0)) return neg(b);
  if (infinite(a) && !hasInfinity(b)) return a;
  if (infinite(b) && !hasInfinity(a)) return num(-b.v);
  if (same(a, b) && !hasInfinity(a)) return num(0);
  if (isNum(b) && b.v < 0) return add(a, num(-b.v));
  var nb = negativeTerm(b);
  if (nb) return add(a, scaled(-nb.k, nb.rest));
  if (isNum(b) && (a.k === "add" || a.k === "sub") && isNum(a.b)) return bin(a.k, a.a, num(a.k === "add" ? a.b.v - b.v : a.b.v + b.v));
  if (a.k === "div" && b.k === "div" && same(a.b, b.b)) return div(sub(a.a, b.a), a.b);
  return commonFactor("sub", a, b) || sub(a, b);
}

function mulRule(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return folded(a.v * b.v) || mul(a, b);
  if ((isValue(a, 0) && !hasInfinity(b)) || (isValue(b, 0) && !hasInfinity(a))) return num(0);
  if (isValue(a, 1)) return b;
  if (isValue(b, 1)) return a;
  if (isNum(b)) return mul(b, a);
  if (infinite(a) && (signOf(b) & (POS | NEG)) === signOf(b)) {
    var inf = a.v;
    return num(signOf(b) === POS ? inf : signOf(b) === NEG ? -inf : NaN);
  }
  if (b.k === "mul" && isNum(b.a)) {
    if (isNum(a)) {
      var f = folded(a.v * b.a.v);
      if (f) return mul(f, b.b);
    } else return mul(b.a, mul(a, b.b));
  }
  if (a.k === "mul" && isNum(a.a)) return mul(a.a, mul(a.b, b));
  if (b.k === "div") return div(mul(a, b.a), b.b);
  if (a.k === "div") return div(mul(a.a, b), a.b);
  // k I(t) = (k if t, else 0): a factor moves into a case one of whose values is 0
  if (b.k === "if" && (isValue(b.then, 0) || isValue(b.else, 0))) return cases(b.test, mul(a, b.then), mul(a, b.else));
  if (a.k === "if" && (isValue(a.then, 0) || isValue(a.else, 0))) return cases(a.test, mul(a.then, b), mul(a.else, b));
  return mul(a, b);
}

function divRule(a: Expr, b: Expr): Expr {
  if (isNum(a) && isNum(b)) return (b.v !== 0 && folded(a.v / b.v)) || div(a, b);
  if (isValue(b, 1)) return a;
  if (isValue(a, 0) && !hasInfinity(b) && !isValue(b, 0)) return num(0);
  if (infinite(b) && !hasInfinity(a)) return num(0);
  if (same(a, b) && !hasInfinity(a)) return num(1);
  if (a.k === "div") return div(a.a, mul(a.b, b));
  if (b.k === "div") return div(mul(a, b.b), b.a);
  // -a / b = -(a / b): the sign in front
  if (a.k === "mul" && isValue(a.a, -1)) return neg(div(a.b, b));
  // (c a) / (c b) = a / b
  var fa = factors(a),
    fb = factors(b);
  for (var i = 0; i < fa.length; i++)
    for (var j = 0; j < fb.length; j++)
      if (same(fa[i].factor, fb[j].factor) && !hasInfinity(fa[i].factor)) return div(fa[i].rest, fb[j].rest);
  return div(a, b);
}

function expRule(a: Expr): Expr {
  if (isNum(a) && (a.v === 0 || !isFinite(a.v))) return num(Math.exp(a.v));
  if (a.k === "log") return a.a;
  return exp(a);
}

function logRule(a: Expr): Expr {
  if (isNum(a) && (a.v === 1 || a.v === 0 || a.v === Infinity)) return num(Math.log(a.v));
  if (a.k === "exp") return a.a;
  return log(a);
}

function maxMinRule(k: "max" | "min", a: Expr, b: Expr): Expr {
  var isMax = k === "max";
  if (isNum(a) && isNum(b)) return num(isMax ? Math.max(a.v, b.v) : Math.min(a.v, b.v));
  if (same(a, b)) return a;
  // max(-inf, a) = a, max(inf, a) = inf; min the other way round
  if (infinite(a) || infinite(b)) {
    var c = infinite(a) ? a : (b as NumExpr),
      other = infinite(a) ? b : a;
    return c.v > 0 === isMax ? num(c.v) : other;
  }
  // max(0, a) = a where a >= 0 always, = 0 where a <= 0 always (min: the other way round)
  var zeroFirst = isValue(a, 0),
    zeroSecond = isValue(b, 0);
  if (zeroFirst || zeroSecond) {
    var e = zeroFirst ? b : a;
    if (nonNegative(e)) return isMax ? e : num(0);
    if (nonPositive(e)) return isMax ? num(0) : e;
  }
  return bin(k, a, b);
}

function ifRule(t: Test, then: Expr, otherwise: Expr): Expr {
  if (t.k === "truth") return t.v ? then : otherwise;
  if (same(then, otherwise)) return then;
  // "0 if t, else a" reads better turned round: "a if not t, else 0", a k I(not t)
  if (isValue(then, 0) && !isValue(otherwise, 0) && (t.k === "gt" || t.k === "ge")) return cases(negate(t), otherwise, then);
  // (a if t2, else b) if t1, else b  =  a if (t1 and t2), else b
  if (then.k === "if" && same(then.else, otherwise)) return cases(and(t, then.test), then.then, otherwise);
  return cases(t, then, otherwise);
}

/** not (a > b) = b >= a; not (a >= b) = b > a. */
export function negate(t: { k: "gt" | "ge"; a: Expr; b: Expr }): Test {
  return t.k === "gt" ? ge(t.b, t.a) : gt(t.b, t.a);
}

function passTest(t: Test): Test {
  switch (t.k) {
    case "truth":
      return t;
    case "and": {
      var a = passTest(t.a),
        b = passTest(t.b);
      if (a.k === "truth") return a.v ? b : a;
      if (b.k === "truth") return b.v ? a : b;
      if (sameTest(a, b)) return a;
      return and(a, b);
    }
    default: {
      var l = pass(t.a),
        r = pass(t.b);
      if (isNum(l) && isNum(r)) return truth(t.k === "gt" ? l.v > r.v : l.v >= r.v);
      if (isNum(r)) return solve(l, t.k === "gt" ? ">" : ">=", r.v);
      if (isNum(l)) return solve(r, t.k === "gt" ? "<" : "<=", l.v);
      return { k: t.k, a: l, b: r };
    }
  }
}

type Rel = ">" | ">=" | "<" | "<=";

function flip(r: Rel): Rel {
  return r === ">" ? "<" : r === ">=" ? "<=" : r === "<" ? ">" : ">=";
}

function compare(p: number, r: Rel, c: number): boolean {
  return r === ">" ? p > c : r === ">=" ? p >= c : r === "<" ? p < c : p <= c;
}

/** The test "e r c" with c a constant, solved for what is inside e where an
 * operation is monotone: k u + m r c  <=>  u r' (c - m) / k, exp(u) r 1 <=> u r 0,
 * a positive factor of a test against 0 dropped, and min/max against a constant
 * split into the cases the constant decides. */
function solve(e: Expr, r: Rel, c: number): Test {
  if (e.k === "add" && isNum(e.b)) return solve(e.a, r, c - e.b.v);
  if (e.k === "add" && isNum(e.a)) return solve(e.b, r, c - e.a.v);
  if (e.k === "sub" && isNum(e.b)) return solve(e.a, r, c + e.b.v);
  if (e.k === "sub" && isNum(e.a)) return solve(e.b, flip(r), e.a.v - c);
  if (e.k === "mul" && isNum(e.a) && e.a.v !== 0 && isFinite(e.a.v)) return solve(e.b, e.a.v > 0 ? r : flip(r), c / e.a.v);
  if (e.k === "mul" && c === 0) {
    var sa = signOf(e.a),
      sb = signOf(e.b);
    if (sa === POS) return solve(e.b, r, 0);
    if (sb === POS) return solve(e.a, r, 0);
    if (sa === NEG) return solve(e.b, flip(r), 0);
    if (sb === NEG) return solve(e.a, flip(r), 0);
  }
  if (e.k === "exp") {
    if (c <= 0) return truth(r === ">" || r === ">=");
    if (c === 1) return solve(e.a, r, 0);
  }
  if ((e.k === "min" || e.k === "max") && (isNum(e.a) || isNum(e.b))) {
    var p = isNum(e.a) ? e.a : (e.b as NumExpr),
      u = isNum(e.a) ? e.b : e.a;
    // min(p, u) > c <=> p > c and u > c; min(p, u) < c <=> p < c or u < c (max: and/or swapped)
    var both = (e.k === "min") === (r === ">" || r === ">=");
    if (both) return compare(p.v, r, c) ? solve(u, r, c) : truth(false);
    return compare(p.v, r, c) ? truth(true) : solve(u, r, c);
  }
  return r === ">" ? gt(e, num(c)) : r === ">=" ? ge(e, num(c)) : r === "<" ? gt(num(c), e) : ge(num(c), e);
}
