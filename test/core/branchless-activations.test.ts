// The host's ReLU, forward and derivative, selects without a
// branch on z (src/core/apply-activation.ts): arithmetic that is exact except
// where it gives NaN, and then the old formula. Here both against the old
// formulas, bit for bit (NaN's bits and -0 included), on the values where the
// arithmetic could go wrong: +-0, subnormals, the band's edges and the float
// just inside them, float32 and float64 overflow of z + |z|, +-Inf, NaN of
// either sign; and for the derivative every such z with every such e.
import { describe, expect, it } from "vitest";
import { createNetwork } from "../../src/core/index";
import { readFileSync } from "node:fs";
import { applyActivation, applyDerivative } from "../../src/core/apply-activation";
import { ACT_HARD_TANH, ACT_RELU } from "../../src/core/activations";

const negNaN = new Float64Array(new BigUint64Array([0xfff8000000000001n]).buffer)[0];
const EDGES = [
  0,
  -0,
  5e-324,
  -5e-324,
  1e-45,
  -1e-45,
  1.2e-38,
  -1.2e-38,
  0.5,
  -0.5,
  1 - 2 ** -53,
  -(1 - 2 ** -53),
  1 - 2 ** -24,
  -(1 - 2 ** -24),
  1,
  -1,
  1 + 2 ** -52,
  -(1 + 2 ** -52),
  2,
  -2,
  3.4e38,
  -3.4e38,
  8.98846567431158e307,
  8.98846567431159e307,
  -8.98846567431159e307,
  1.7976931348623157e308,
  -1.7976931348623157e308,
  Infinity,
  -Infinity,
  NaN,
  negNaN,
];

const bits = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

describe("the host's branchless ReLU and hard-tanh equal Math.max/min and the comparisons, bit for bit", () => {
  for (const arrayType of ["float32", "float64"] as const) {
    for (const [name, id] of [
      ["relu", ACT_RELU],
      ["hard-tanh", ACT_HARD_TANH],
    ] as const) {
      it(`${name}, ${arrayType}`, () => {
        const n = EDGES.length;
        const net = createNetwork({ inputSize: 1, arrayType, layers: [{ size: n * n, activation: name }] });
        const L = net.layers[0];
        for (let i = 0; i < n * n; i++) L.z[i] = EDGES[i % n];
        // forward, z = every edge value (and in place, a === z)
        const want = L.a.slice(0);
        for (let i = 0; i < n * n; i++) {
          const x = L.z[i];
          want[i] = id === ACT_RELU ? Math.max(0, x) : Math.min(1, Math.max(-1, x));
        }
        applyActivation(id, L.z, L.a, n * n, net.gammas, 0, net.params, L.pOff);
        expect(bits(L.a)).toBe(bits(want));
        const inPlace = L.z.slice(0);
        applyActivation(id, inPlace, inPlace, n * n, net.gammas, 0, net.params, L.pOff);
        expect(bits(inPlace)).toBe(bits(want));
        // derivative, every z with every e
        const e = L.z.slice(0);
        for (let i = 0; i < n * n; i++) e[i] = EDGES[Math.floor(i / n)];
        const dWant = L.delta.slice(0);
        for (let i = 0; i < n * n; i++) {
          const x = L.z[i];
          dWant[i] = id === ACT_RELU ? (x > 0 ? e[i] : 0) : x > -1 && x < 1 ? e[i] : 0;
        }
        applyDerivative(L, e, net.params, null);
        expect(bits(L.delta)).toBe(bits(dWant));
      });
    }
  }
});

describe("the board's bundles carry only the loops with the branch", () => {
  // The minifier sets EDGEFNN_BOARD_BUNDLE (rollup.config.mjs), so the host-only
  // branchless loops and the 3-row fround pass (backprop.ts) are dead code there
  // and removed: the interpreter reads every byte of a Storage module's text.
  // The unminified bundle keeps them (the check can fail).
  const dist = (f: string) => readFileSync(new URL(`../../dist/${f}`, import.meta.url), "utf8");
  it("edgefnn-learn.js has them, edgefnn-learn.min.js and edgefnn.min.js do not", () => {
    expect(dist("edgefnn-learn.js")).toMatch(/fround/);
    expect(dist("edgefnn-learn.js")).toMatch(/v < Infinity \? v : Math\.max\(0, x\)/);
    for (const f of ["edgefnn-learn.min.js", "edgefnn.min.js"]) {
      expect(dist(f)).not.toMatch(/fround|EDGEFNN_BOARD_BUNDLE/);
      // the branchless ReLU's overflow test, minified (Node's own rows in the runtime are another loop, kept)
      expect(dist(f)).not.toMatch(/<1\/0\?/);
    }
  });
});
