import { describe, expect, it } from "vitest";
import { gammaOf, nearKink, points } from "../helpers/activation-points";
import {
  ACTIVATIONS,
  activationById,
  activationByName,
  applyActivation,
  applyDerivative,
  createNetwork,
  logistic,
  Ops,
  softplus,
  tanh,
} from "../../src/core/index";
import { ACT_GAMMA_PER_NEURON, ACT_OUTPUT_ONLY, LAST_ACTIVATION_ID } from "../../src/core/activations";
import { derivative } from "../../src/core/check/index";

// Evaluate a formula written in basic operations on plain numbers.
const numberOps: Ops<number> = {
  c: (v) => v,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  exp: Math.exp,
  log: Math.log,
  max: Math.max,
  min: Math.min,
};

const elementwise = ACTIVATIONS.filter((a) => a.elementwise);
describe("activation table", () => {
  it("has a stable id and a name for every entry", () => {
    const names = ACTIVATIONS.map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
    ACTIVATIONS.forEach((a, i) => {
      expect(a.id).toBe(i);
      expect(activationById(a.id)).toBe(a);
      expect(activationByName(a.name)).toBe(a);
    });
    // ids are written into model files: pin them
    expect(names).toEqual([
      "linear",
      "step",
      "logistic",
      "tanh",
      "hard-logistic",
      "hard-tanh",
      "relu",
      "leaky-relu",
      "prelu",
      "elu",
      "softplus",
      "softmax",
    ]);
  });

  it("decides what the file format reads of it (format.ts tests these ids, the board carrying no table)", () => {
    expect(LAST_ACTIVATION_ID).toBe(ACTIVATIONS.length - 1);
    // one activation has gammas per neuron and one is not elementwise: a second would need format.ts to test a list
    expect(ACTIVATIONS.filter((a) => a.parameter === "neuron").map((a) => a.id)).toEqual([ACT_GAMMA_PER_NEURON]);
    expect(ACTIVATIONS.filter((a) => !a.elementwise).map((a) => a.id)).toEqual([ACT_OUTPUT_ONLY]);
    expect(activationById(ACT_OUTPUT_ONLY).name).toBe("softmax"); // (format.ts's message names it)
  });

  it("refuses unknown names and ids with a message listing the choices", () => {
    expect(() => activationByName("sigmoidz")).toThrow(/unknown activation "sigmoidz": expected one of linear, step/);
    expect(() => activationById(42)).toThrow("unknown activation id 42");
  });

  for (const act of elementwise) {
    const g = gammaOf(act.name);
    it(`${act.name}: f' matches the central difference (f(x+h) - f(x-h)) / 2h`, () => {
      const h = 1e-5;
      let checked = 0;
      for (const x of points) {
        if (nearKink(act.name, x, h)) continue;
        const numeric = (act.f(x + h, g) - act.f(x - h, g)) / (2 * h);
        const analytic = act.df(x, act.f(x, g), g);
        expect(Math.abs(numeric - analytic)).toBeLessThan(1e-7 * Math.max(1, Math.abs(analytic)));
        checked++;
      }
      expect(checked).toBeGreaterThan(100);
    });

    it(`${act.name}: f' matches forward-mode AD (dual numbers) of its formula in basic operations`, () => {
      for (const x of points) {
        if (nearKink(act.name, x, 1e-9) || x === 0) continue;
        const r = derivative((o, v) => act.build(o, v, o.c(g)), x);
        expect(r.value).toBeCloseTo(act.f(x, g), 12);
        expect(Math.abs(r.derivative - act.df(x, act.f(x, g), g))).toBeLessThan(1e-12);
      }
    });

    it(`${act.name}: the table's f equals its formula in basic operations`, () => {
      for (const x of points) expect(Math.abs(act.f(x, g) - act.build(numberOps, x, g))).toBeLessThan(1e-12);
    });
  }

  it("says which activations have a parameter, consistent with their formulas and the network's parameter layout", () => {
    const xs = [-3, -1.5, -0.2, 0.7, 2.5];
    for (const act of elementwise) {
      // f depends on gamma exactly when the table says it has a parameter
      const depends = xs.some((x) => act.f(x, 0.3) !== act.f(x, 0.7));
      expect(act.parameter !== "none", act.name).toBe(depends);
      // per-neuron gammas take one parameter per neuron after the biases (countParams, createNetwork's pOff)
      const net = createNetwork({ inputSize: 3, layers: [{ size: 4, activation: act.name }] });
      expect(net.params.length, act.name).toBe(3 * 4 + 4 + (act.parameter === "neuron" ? 4 : 0));
      expect(net.layers[0].pOff >= 0, act.name).toBe(act.parameter === "neuron");
    }
    expect(ACTIVATIONS.filter((a) => a.parameter === "neuron").map((a) => a.name)).toEqual(["prelu"]);
    expect(ACTIVATIONS.filter((a) => a.parameter === "layer").map((a) => a.name)).toEqual(["leaky-relu", "elu"]);
  });

  it("softmax is not elementwise and says so", () => {
    const s = activationByName("softmax");
    expect(() => s.f(0, 0)).toThrow(/softmax is not elementwise/);
  });
});

describe("numerically stable forms", () => {
  it("logistic never overflows and keeps tiny tails", () => {
    expect(logistic(1000)).toBe(1);
    expect(logistic(-1000)).toBe(0);
    expect(logistic(-700)).toBeGreaterThan(0); // exp(-700) is representable: the naive 1/(1+exp(700)) = 0
    expect(logistic(-30)).toBeCloseTo(Math.exp(-30), 20);
  });

  it("softplus is max(x, 0) + log(1 + exp(-|x|)) without overflow or lost tails", () => {
    expect(softplus(1000)).toBe(1000); // naive log(1 + exp(1000)) = Infinity
    expect(softplus(-1000)).toBe(0);
    expect(softplus(-50) / Math.exp(-50)).toBeCloseTo(1, 12); // naive log(1 + 2e-22) = 0
    expect(softplus(0)).toBeCloseTo(Math.LN2, 15);
  });

  it("tanh = 2 logistic(2x) - 1 agrees with Math.tanh", () => {
    for (const x of points) expect(Math.abs(tanh(x) - Math.tanh(x))).toBeLessThan(2e-16 * 4);
    expect(tanh(1000)).toBe(1);
    expect(tanh(-1000)).toBe(-1);
  });

  it("saturating activations' derivatives vanish at both ends; ReLU's does not for x > 0", () => {
    for (const name of ["logistic", "tanh"]) {
      const a = activationByName(name);
      expect(a.df(20, a.f(20, 0), 0)).toBeLessThan(1e-8);
      expect(a.df(-20, a.f(-20, 0), 0)).toBeLessThan(1e-8);
    }
    const relu = activationByName("relu");
    expect(relu.df(20, 20, 0)).toBe(1);
  });
});

describe("the layer loops (inlined formulas) equal the table, bit for bit", () => {
  for (const act of elementwise) {
    it(act.name, () => {
      const n = points.length;
      const net = createNetwork({ inputSize: 1, arrayType: "float64", layers: [{ size: n, activation: act.name }] });
      const L = net.layers[0];
      const g = L.gamma; // the default, rounded to float32
      L.z.set(points);
      applyActivation(L.act, L.z, L.a, L.nOut, net.gammas, 0, net.params, L.pOff);
      const e = Float64Array.from(points, (_, i) => 1 + (i % 7));
      applyDerivative(L, e, net.params, null);
      points.forEach((x, i) => {
        expect(L.a[i]).toBe(act.f(x, g));
        expect(L.delta[i]).toBe(e[i] * act.df(x, act.f(x, g), g));
      });
    });
  }
});

describe("edge values", () => {
  it("ReLU and hard-tanh keep NaN and map -0 as Math.max/min do (as the board's fused loop does)", () => {
    const relu = activationByName("relu"),
      ht = activationByName("hard-tanh");
    expect(relu.f(NaN, 0)).toBeNaN();
    expect(Object.is(relu.f(-0, 0), 0)).toBe(true);
    expect(ht.f(NaN, 0)).toBeNaN();
    expect(ht.f(5, 0)).toBe(1);
  });
});
