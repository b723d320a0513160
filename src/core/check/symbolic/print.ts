// Printers: plain text in the textbook's notation (juxtaposition for products,
// "exp(-x)", "I(x > 0)" for an indicator, "(1 + exp(-x))^2" for a square) and
// LaTeX (\frac, e^{...}, \mathbb{I}, cases). Parentheses only where precedence
// needs them: sums bind loosest, then products and quotients, then atoms.

import { Expr, isNum, isValue, NumExpr, same, Test } from "./expression";

type Style = "text" | "latex";

const SUM = 1;
const PRODUCT = 2;
const ATOM = 3;

export function toText(e: Expr): string {
  return show(e, "text");
}

export function toLatex(e: Expr): string {
  return show(e, "latex");
}

export function testToText(t: Test): string {
  return showTest(t, "text");
}

export function testToLatex(t: Test): string {
  return showTest(t, "latex");
}

/** A constant as text: 1e300, not 1e+300; inf for Infinity. */
export function numberText(v: number, style: Style): string {
  if (v === Infinity) return style === "latex" ? "\\infty" : "inf";
  if (v === -Infinity) return style === "latex" ? "-\\infty" : "-inf";
  var s = String(v).replace("e+", "e");
  if (style === "text" || s.indexOf("e") < 0) return s;
  var parts = s.split("e");
  return (parts[0] === "1" ? "" : parts[0] === "-1" ? "-" : parts[0] + " \\times ") + "10^{" + parts[1] + "}";
}

/** k I(t): a case whose other value is 0, shown as a product with an indicator. */
function indicator(e: Expr): { factor: Expr | null; test: Test } | null {
  if (e.k !== "if" || !isValue(e.else, 0)) return null;
  return { factor: isValue(e.then, 1) ? null : e.then, test: e.test };
}

function precedence(e: Expr): number {
  switch (e.k) {
    case "num":
      return e.v < 0 ? PRODUCT : ATOM;
    case "add":
    case "sub":
      return SUM;
    case "mul":
      return same(e.a, e.b) ? ATOM : PRODUCT;
    case "div":
      return PRODUCT;
    case "if": {
      var i = indicator(e);
      return i && i.factor ? PRODUCT : ATOM;
    }
    default:
      return ATOM;
  }
}

function at(e: Expr, need: number, style: Style): string {
  var s = show(e, style);
  if (precedence(e) >= need) return s;
  return style === "latex" ? "\\left(" + s + "\\right)" : "(" + s + ")";
}

function show(e: Expr, style: Style): string {
  var L = style === "latex";
  switch (e.k) {
    case "num":
      return numberText(e.v, style);
    case "x":
      return "x";
    case "gamma":
      return L ? "\\gamma" : "gamma";
    case "add":
      return at(e.a, SUM, style) + " + " + at(e.b, SUM, style);
    case "sub":
      return at(e.a, SUM, style) + " - " + at(e.b, PRODUCT, style);
    case "mul": {
      if (isValue(e.a, -1)) return "-" + at(e.b, PRODUCT, style);
      if (same(e.a, e.b)) return L ? "{" + at(e.a, ATOM, style) + "}^{2}" : at(e.a, ATOM, style) + "^2";
      // a quotient or a negative number on the right would misread without parentheses
      var right = e.b.k === "div" || (isNum(e.b) && e.b.v < 0) ? ATOM : PRODUCT;
      return at(e.a, PRODUCT, style) + " " + at(e.b, right, style);
    }
    case "div":
      return L ? "\\frac{" + show(e.a, style) + "}{" + show(e.b, style) + "}" : at(e.a, PRODUCT, style) + " / " + at(e.b, ATOM, style);
    case "exp":
      return L ? "e^{" + show(e.a, style) + "}" : "exp(" + show(e.a, style) + ")";
    case "log":
      return L ? "\\log\\left(" + show(e.a, style) + "\\right)" : "log(" + show(e.a, style) + ")";
    case "max":
    case "min":
      return (L ? "\\" + e.k + "\\left(" : e.k + "(") + show(e.a, style) + ", " + show(e.b, style) + (L ? "\\right)" : ")");
    case "if": {
      var i = indicator(e);
      if (i) {
        var ind = (L ? "\\mathbb{I}\\left(" : "I(") + showTest(i.test, style) + (L ? "\\right)" : ")");
        return i.factor ? at(i.factor, PRODUCT, style) + " " + ind : ind;
      }
      if (L)
        return (
          "\\begin{cases} " +
          show(e.then, style) +
          " & \\text{if } " +
          showTest(e.test, style) +
          " \\\\ " +
          show(e.else, style) +
          " & \\text{otherwise} \\end{cases}"
        );
      return "(" + show(e.then, style) + " if " + showTest(e.test, style) + ", else " + show(e.else, style) + ")";
    }
  }
}

/** A comparison with its constant on the right: e > c, e <= c... */
interface Bound {
  e: Expr;
  c: NumExpr;
  rel: ">" | ">=" | "<" | "<=";
}

function bound(t: Test): Bound | null {
  if (t.k !== "gt" && t.k !== "ge") return null;
  var strict = t.k === "gt";
  if (isNum(t.b) && !isNum(t.a)) return { e: t.a, c: t.b, rel: strict ? ">" : ">=" };
  if (isNum(t.a) && !isNum(t.b)) return { e: t.b, c: t.a, rel: strict ? "<" : "<=" };
  return null;
}

function relText(r: string, style: Style): string {
  if (style === "text") return r;
  return r === ">=" ? "\\ge" : r === "<=" ? "\\le" : r;
}

function showTest(t: Test, style: Style): string {
  switch (t.k) {
    case "truth":
      return t.v ? "true" : "false";
    case "and": {
      // lo < e and e < hi, shown as the interval lo < e < hi
      var p = bound(t.a),
        q = bound(t.b);
      if (p && q && same(p.e, q.e)) {
        var lower = p.rel[0] === ">" ? p : q,
          upper = p.rel[0] === ">" ? q : p;
        if (lower.rel[0] === ">" && upper.rel[0] === "<")
          return (
            show(lower.c, style) +
            " " +
            relText(flip(lower.rel), style) +
            " " +
            show(lower.e, style) +
            " " +
            relText(upper.rel, style) +
            " " +
            show(upper.c, style)
          );
      }
      return showTest(t.a, style) + (style === "latex" ? " \\land " : " and ") + showTest(t.b, style);
    }
    default: {
      var b = bound(t);
      if (b) return show(b.e, style) + " " + relText(b.rel, style) + " " + show(b.c, style);
      return show(t.a, style) + " " + relText(t.k === "gt" ? ">" : ">=", style) + " " + show(t.b, style);
    }
  }
}

function flip(r: string): string {
  return r === ">" ? "<" : r === ">=" ? "<=" : r === "<" ? ">" : ">=";
}
