// The textbook's three ways to a derivative, side by side for every activation:
// symbolic (check/symbolic: f' derived from the formula as an expression),
// numerical (the central difference (f(x+h) - f(x-h)) / 2h, gradcheck.ts's rule)
// and automatic (dual numbers, forward mode; the computation graph, reverse mode),
// each against the table's hand-written df.
import { describe, expect, it } from "vitest";
import { gammaOf, kinks, nearKink, points } from "../helpers/activation-points";
import { ACTIVATIONS, activationByName } from "../../src/core/index";
import { backwardGraph, derivative, graphOps, variable } from "../../src/core/check/index";
import { activationFormula, activationFormulas } from "../../src/core/check/symbolic/activation-formulas";
import { derive } from "../../src/core/check/symbolic/derive";
import { evaluate, Expr, exprOps, mul, num, same, size, sub, Test, X } from "../../src/core/check/symbolic/expression";
import { toText } from "../../src/core/check/symbolic/print";
import { rangeOf, rangeText } from "../../src/core/check/symbolic/range";
import { simplify } from "../../src/core/check/symbolic/simplify";
import { firstOrderTaylor, hardVersion, largestGap } from "../../src/core/check/symbolic/taylor";

const elementwise = ACTIVATIONS.filter((a) => a.elementwise);

/** The constants x is compared with in a derivative's cases: where its pieces meet. */
function boundaries(e: Expr): number[] {
  const out: number[] = [];
  const fromTest = (t: Test): void => {
    if (t.k === "and") {
      fromTest(t.a);
      fromTest(t.b);
      return;
    }
    if (t.k === "truth") return;
    if (t.a.k === "x" && t.b.k === "num") out.push(t.b.v);
    if (t.b.k === "x" && t.a.k === "num") out.push(t.a.v);
  };
  const walk = (n: Expr): void => {
    if (n.k === "if") {
      fromTest(n.test);
      walk(n.then);
      walk(n.else);
    } else if ("b" in n) {
      walk(n.a);
      walk(n.b);
    } else if ("a" in n) walk(n.a);
  };
  walk(e);
  return [...new Set(out)].sort((a, b) => a - b);
}

describe("three routes to f', one answer", () => {
  it("covers every elementwise activation of the table", () => {
    expect(activationFormulas().map((r) => r.activation.name)).toEqual(elementwise.map((a) => a.name));
    expect(activationFormula(activationByName("softmax"))).toBeNull();
  });

  for (const act of elementwise) {
    const g = gammaOf(act.name);
    const r = activationFormula(act)!;
    it(`${act.name}: symbolic f' = ${toText(r.df)} agrees with the hand-written df, the central difference, dual numbers and the reverse-mode graph`, () => {
      const h = 1e-5;
      let checked = 0;
      for (const x of points) {
        if (nearKink(act.name, x, h)) continue;
        const hand = act.df(x, act.f(x, g), g);
        const symbolic = evaluate(r.df, { x, gamma: g });
        const numerical = (act.f(x + h, g) - act.f(x - h, g)) / (2 * h);
        const forward = derivative((o, v) => act.build(o, v, o.c(g)), x).derivative;
        const xn = variable(x);
        backwardGraph(act.build(graphOps, xn, graphOps.c(g)));
        const reverse = xn.grad;
        const scale = Math.max(1, Math.abs(hand));
        expect(Math.abs(symbolic - hand), `symbolic at x = ${x}`).toBeLessThan(1e-12 * scale);
        expect(Math.abs(numerical - symbolic), `numerical at x = ${x}`).toBeLessThan(1e-7 * scale);
        expect(Math.abs(forward - symbolic), `forward mode at x = ${x}`).toBeLessThan(1e-12 * scale);
        expect(Math.abs(reverse - symbolic), `reverse mode at x = ${x}`).toBeLessThan(1e-12 * scale);
        // and the simplified f is still the table's f
        expect(Math.abs(evaluate(r.f, { x, gamma: g }) - act.f(x, g))).toBeLessThan(1e-12 * Math.max(1, Math.abs(act.f(x, g))));
        checked++;
      }
      expect(checked).toBeGreaterThan(100);
    });

    it(`${act.name}: the cases of the symbolic f' meet exactly at the table's kinks`, () => {
      const found = boundaries(r.df);
      // step is written as max(0, min(1, 1e300 x)): its second kink is at 1e-300, next to 0
      const expected = act.name === "step" ? [0, 1e-300] : (kinks[act.name] ?? []);
      expect(found).toEqual(expected);
    });
  }

  it("simplification keeps the value: the raw derivative (rules only) gives the same numbers", () => {
    for (const r of activationFormulas()) {
      const g = gammaOf(r.activation.name);
      for (const x of points) {
        if (nearKink(r.activation.name, x, 1e-9)) continue;
        const a = evaluate(r.rawDf, { x, gamma: g }),
          b = evaluate(r.df, { x, gamma: g });
        expect(Math.abs(a - b)).toBeLessThan(1e-12 * Math.max(1, Math.abs(a)));
      }
    }
  });
});

describe("what the simplifier makes of each derivative", () => {
  const shown = (name: string) => {
    const r = activationFormula(activationByName(name))!;
    return { f: toText(r.f), df: toText(r.df) };
  };

  it("gives the textbook's forms for the piecewise activations", () => {
    expect(shown("linear")).toEqual({ f: "x", df: "1" });
    expect(shown("relu")).toEqual({ f: "max(0, x)", df: "I(x > 0)" });
    expect(shown("hard-logistic")).toEqual({ f: "max(0, min(1, 0.25 x + 0.5))", df: "0.25 I(-2 < x < 2)" });
    expect(shown("hard-tanh")).toEqual({ f: "max(-1, min(1, x))", df: "I(-1 < x < 1)" });
    // the textbook's "1 or gamma": the two pieces as indicators
    expect(shown("leaky-relu")).toEqual({ f: "max(0, x) + gamma min(0, x)", df: "I(x > 0) + gamma I(x < 0)" });
    expect(shown("prelu").df).toBe("I(x > 0) + gamma I(x < 0)");
    // textbook: I(x > 0) + I(x <= 0) gamma exp(x); the two differ only at the kink x = 0
    expect(shown("elu")).toEqual({ f: "max(0, x) + min(0, gamma (exp(x) - 1))", df: "I(x > 0) + gamma exp(x) I(x < 0)" });
    // the table writes the step as the limit form max(0, min(1, k x)), k = 1e300: f' is 0 off a sliver
    expect(shown("step")).toEqual({ f: "max(0, min(1, 1e300 x))", df: "1e300 I(0 < x < 1e-300)" });
  });

  // Where the simplified result reads worse than the textbook: the textbook
  // writes f' through f itself (sigma (1 - sigma), 1 - f^2), which reuses the
  // forward pass's value; a simplifier that only sees x cannot know that
  // exp(-x) / (1 + exp(-x))^2 is sigma(x) (1 - sigma(x)). Both are shown here,
  // and checked equal at every point.
  it("logistic: exp(-x) / (1 + exp(-x))^2 where the textbook has sigma(x) (1 - sigma(x))", () => {
    const r = activationFormula(activationByName("logistic"))!;
    expect(toText(r.df)).toBe("exp(-x) / (1 + exp(-x))^2");
    const textbook = mul(r.f, sub(num(1), r.f));
    expect(toText(textbook)).toBe("1 / (1 + exp(-x)) (1 - 1 / (1 + exp(-x)))"); // f (1 - f), with f spelled out
    for (const x of points) expect(Math.abs(evaluate(textbook, { x, gamma: 0 }) - evaluate(r.df, { x, gamma: 0 }))).toBeLessThan(1e-15);
  });

  it("tanh: 4 exp(-2x) / (1 + exp(-2x))^2 where the textbook has 1 - f(x)^2", () => {
    const r = activationFormula(activationByName("tanh"))!;
    expect(toText(r.f)).toBe("2 / (1 + exp(-2 x)) - 1");
    expect(toText(r.df)).toBe("4 exp(-2 x) / (1 + exp(-2 x))^2");
    const textbook = sub(num(1), mul(r.f, r.f));
    expect(toText(textbook)).toBe("1 - (2 / (1 + exp(-2 x)) - 1)^2"); // 1 - f^2, with f spelled out
    for (const x of points) expect(Math.abs(evaluate(textbook, { x, gamma: 0 }) - evaluate(r.df, { x, gamma: 0 }))).toBeLessThan(1e-14);
  });

  it("softplus: exp(x) / (1 + exp(x)), the textbook's sigma(x) in another spelling", () => {
    const r = activationFormula(activationByName("softplus"))!;
    expect(toText(r.df)).toBe("exp(x) / (1 + exp(x))");
    const sigma = activationFormula(activationByName("logistic"))!.f;
    for (const x of points) expect(Math.abs(evaluate(r.df, { x, gamma: 0 }) - evaluate(sigma, { x, gamma: 0 }))).toBeLessThan(1e-15);
  });

  it("simplifying never grows a raw derivative, and shrinks all but the two already minimal", () => {
    for (const r of activationFormulas()) {
      // linear's raw f' is already "1"; relu's only turns round (0 if x <= 0, else 1) into I(x > 0)
      if (r.activation.name === "linear" || r.activation.name === "relu") expect(size(r.df)).toBe(size(r.rawDf));
      else expect(size(r.df)).toBeLessThan(size(r.rawDf));
    }
  });
});

describe("ranges, from the limits at -inf and +inf", () => {
  it("gives each activation's range, closed where f reaches its limit", () => {
    const ranges = Object.fromEntries(elementwise.map((a) => [a.name, rangeText(rangeOf(a)!, "text")]));
    expect(ranges).toEqual({
      linear: "(-inf, inf)",
      step: "[0, 1]",
      logistic: "(0, 1)",
      tanh: "(-1, 1)",
      "hard-logistic": "[0, 1]",
      "hard-tanh": "[-1, 1]",
      relu: "[0, inf)",
      "leaky-relu": "(-inf, inf)",
      prelu: "(-inf, inf)",
      elu: "(-gamma, inf)",
      softplus: "(0, inf)",
    });
    expect(rangeText(rangeOf(activationByName("elu"))!, "latex")).toBe("(-\\gamma, \\infty)");
  });
});

describe("the chapter's first-order Taylor argument", () => {
  const logistic = activationFormula(activationByName("logistic"))!;
  const tanh = activationFormula(activationByName("tanh"))!;

  it("finds f(0) and f'(0) symbolically: logistic 1/2 and 1/4, tanh 0 and 1", () => {
    const l = firstOrderTaylor(logistic.f, 0),
      t = firstOrderTaylor(tanh.f, 0);
    expect([l.value, l.slope, t.value, t.slope]).toEqual([num(0.5), num(0.25), num(0), num(1)]);
    expect(toText(l.line)).toBe("0.25 x + 0.5");
    expect(toText(t.line)).toBe("x");
  });

  it("derives the table's hard-logistic and hard-tanh by clipping the Taylor line to the range", () => {
    const hl = hardVersion(logistic.f).hard,
      ht = hardVersion(tanh.f).hard;
    expect(toText(hl)).toBe("max(0, min(1, 0.25 x + 0.5))");
    expect(toText(ht)).toBe("max(-1, min(1, x))");
    expect(same(hl, simplify(activationByName("hard-logistic").build(exprOps, X, num(0))))).toBe(true);
    expect(same(ht, simplify(activationByName("hard-tanh").build(exprOps, X, num(0))))).toBe(true);
  });

  it("the largest gap over [-6, 6] is where the clip starts: 1 - sigma(2) at x = 2, 1 - tanh(1) at x = 1", () => {
    const hl = hardVersion(logistic.f).hard,
      ht = hardVersion(tanh.f).hard;
    const lg = largestGap(
      (x) => evaluate(hl, { x, gamma: 0 }),
      (x) => logistic.activation.f(x, 0),
      -6,
      6,
      1 / 1024,
    );
    const tg = largestGap(
      (x) => evaluate(ht, { x, gamma: 0 }),
      (x) => tanh.activation.f(x, 0),
      -6,
      6,
      1 / 1024,
    );
    expect(Math.abs(lg.at)).toBe(2);
    expect(lg.gap).toBeCloseTo(1 - 1 / (1 + Math.exp(-2)), 15);
    expect(Math.abs(tg.at)).toBe(1);
    expect(tg.gap).toBeCloseTo(1 - Math.tanh(1), 15);
  });
});

describe("derive", () => {
  it("applies the product, quotient and chain rules before any simplification", () => {
    expect(toText(derive(mul(X, X)))).toBe("1 x + x 1");
    expect(toText(simplify(derive(mul(X, X))))).toBe("2 x");
  });
});
