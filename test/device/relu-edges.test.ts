// The runtime's ReLU at the edges, against the core's Math.max(0, z): Node's
// rows compute it without a branch on z's sign, (z + |z|) / 2, which is NaN at
// z = -Inf where max(0, z) is 0, so that case and NaN take a test of their
// own. Sums reach +-Inf from infinite inputs and from float32 overflow (a
// huge input times a 1/std of 2); NaN from Inf - Inf and 0 x Inf.
import { describe, expect, it } from "vitest";
import { createNetwork, encodeModel, forward, modelFromNetwork, Network } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { requireBundle } from "../helpers/bundle";

/** 2 inputs, a ReLU layer of 9 (each input's sign both ways, both, neither), then `then` */
function edgeNet(invStd: number, then: "relu" | "linear" | null): Network {
  const net = createNetwork({
    inputSize: 2,
    layers: [{ size: 9, activation: "relu" }, ...(then ? [{ size: 3, activation: then }] : [])],
  });
  net.layers[0].W.set([1, 0, -1, 0, 0, 1, 0, -1, 2, 0, -2, 0, 1, 1, 1, -1, 0, 0]);
  net.layers[0].b.set([0, -0, 0.5, -0.5, 0, 0, 0, 0, -1]);
  if (then) {
    for (let i = 0; i < 27; i++) net.layers[1].W[i] = ((i * 7) % 5) - 2;
    net.layers[1].b.set([0.25, -0.25, -3]);
  }
  net.mean.fill(0);
  net.invStd.fill(invStd);
  return net;
}

const INPUTS = [
  [Infinity, 1],
  [-Infinity, 1],
  [NaN, 2],
  [3e38, -3e38],
  [-3e38, 3e38],
  [Infinity, -Infinity],
  [1e-45, -1e-45],
  [-0, 0],
  [5, -7],
];

const bits = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");

describe("ReLU at -Inf, +Inf, NaN, -0 and overflow: the core's bits", () => {
  for (const invStd of [1, 2]) {
    for (const then of [null, "relu", "linear"] as const) {
      it(`1/std ${invStd} (${invStd === 1 ? "a copy of x" : "the normalization loop"}), ReLU layer${then ? " then " + then : " out"}`, () => {
        const net = edgeNet(invStd, then);
        const bytes = encodeModel(modelFromNetwork(net));
        const runtimes = [load(bytes), requireBundle(false).load(bytes), requireBundle(true).load(bytes)];
        for (const x of INPUTS) {
          const ref = bits(forward(net, x));
          for (const m of runtimes) expect(bits(m.run(x)), `x = [${x.join(", ")}]`).toBe(ref);
        }
      });
    }
  }
});
