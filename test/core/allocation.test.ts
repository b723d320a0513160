import { PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  createNetwork,
  createRng,
  createTrainer,
  forward,
  initialize,
  outputDelta,
  sgdStep,
  classificationSet,
} from "../../src/core/index";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

// The bound: one 16-byte heap number per call would be 3.2 MB over the 200,000
// calls each loop runs (CALLS), three times the bound, or a scavenge; what does
// appear (a few hundred KB, whatever n is) is the optimizing compiler's code and
// feedback for the loop, allocated once. A million calls a loop (until session
// 9) proved no more than this, in five times the calls.
const ONCE = 1024 * 1024;
const CALLS = 200_000;

/** Runs fn n times after a warm-up; reports the heap growth across the loop
 * (no GC in between: garbage counts too) and the number of GCs during it.
 * V8 optimizes on a background thread: on a busy machine the loop can start
 * before the optimized code is in, and the interpreter's code boxes doubles
 * (a few scavenges in a CI run at load ~8). So a run that saw a GC is warmed
 * up and run again, up to 5 times in all; code that allocates allocates on
 * every try and still fails (the last test below shows the measure sees it). */
async function measure(fn: () => void, n: number): Promise<{ bytes: number; gcs: number; retained: number }> {
  let r = await measureOnce(fn, n);
  for (let tries = 1; tries < 5 && r.gcs > 0; tries++) r = await measureOnce(fn, n);
  return r;
}

async function measureOnce(fn: () => void, n: number): Promise<{ bytes: number; gcs: number; retained: number }> {
  for (let i = 0; i < 20_000; i++) fn(); // let the optimizing compiler take over (unoptimized code boxes doubles)
  gc();
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ["gc"] });
  const before = getHeapStatistics().used_heap_size;
  for (let i = 0; i < n; i++) fn();
  const after = getHeapStatistics().used_heap_size;
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  gc();
  const retained = getHeapStatistics().used_heap_size - before;
  return { bytes: after - before, gcs, retained };
}

describe("no allocation in the hot loops", () => {
  const net = createNetwork({
    inputSize: 4,
    layers: [
      { size: 16, activation: "tanh" },
      { size: 8, activation: "prelu" },
      { size: 3, activation: "softmax" },
    ],
  });
  initialize(net, createRng(1));
  const rng = createRng(2);
  const xs = Array.from({ length: 64 }, () => [rng.normal(), rng.normal(), rng.normal(), rng.normal()]);
  const data = classificationSet(
    xs,
    xs.map((_, i) => i % 3),
  );
  const G = new Float32Array(net.params.length);
  const rate = { alpha: 1e-6, lambda: 1e-4 };

  it("forward, 200,000 times: no garbage, no GC, no growth", async () => {
    let i = 0;
    const r = await measure(() => {
      forward(net, data.x, (i++ & 63) * 4);
    }, CALLS);
    expect(r.bytes).toBeLessThan(ONCE);
    expect(r.gcs).toBe(0);
    expect(r.retained).toBeLessThan(ONCE);
  });

  it("a per-sample training step (forward, delta(L), fused SGD), 200,000 times: the same", async () => {
    let i = 0;
    const r = await measure(() => {
      const row = i++ & 63;
      forward(net, data.x, row * 4);
      outputDelta(net, "cross-entropy", data, row, G);
      sgdStep(net, rate, G);
    }, CALLS);
    expect(r.bytes).toBeLessThan(ONCE);
    expect(r.gcs).toBe(0);
    expect(r.retained).toBeLessThan(ONCE);
  });

  it("the fused step of a one-hidden-layer classifier (createTrainer's step, small-step.ts): the same", async () => {
    for (const activation of ["hard-tanh", "tanh"] as const) {
      const n1 = createNetwork({
        inputSize: 4,
        layers: [
          { size: 16, activation },
          { size: 3, activation: "softmax" },
        ],
      });
      initialize(n1, createRng(4));
      const trainer = createTrainer(n1, data, { learningRate: 1e-6, lambda: 1e-4 });
      let i = 0;
      const r = await measure(() => {
        trainer.step(i++ & 63);
      }, 300_000); // 16 bytes a call would be 4.8 MB
      expect(r.bytes).toBeLessThan(ONCE);
      expect(r.gcs).toBe(0);
    }
  });

  it("the same for every activation, logistic + cross-entropy and squared-error outputs", async () => {
    const acts = ["logistic", "hard-logistic", "hard-tanh", "relu", "leaky-relu", "elu", "softplus", "linear"] as const;
    for (const [out, loss] of [
      ["logistic", "cross-entropy"],
      ["elu", "squared-error"],
    ] as const) {
      const n2 = createNetwork({
        inputSize: 4,
        layers: [...acts.map((activation) => ({ size: 5, activation })), { size: 3, activation: out }],
      });
      initialize(n2, createRng(3));
      const G2 = new Float32Array(n2.params.length);
      const data2 = { ...data, classes: undefined, numClasses: undefined, targets: new Float32Array(64 * 3).fill(0.5), targetSize: 3 };
      let i = 0;
      const r = await measure(() => {
        const row = i++ & 63;
        forward(n2, data2.x, row * 4);
        outputDelta(n2, loss, data2, row, G2);
        sgdStep(n2, rate, G2);
      }, CALLS); // 16 bytes a call would be 3.2 MB
      expect(r.bytes).toBeLessThan(ONCE);
      expect(r.gcs).toBe(0);
    }
  });

  it("the measurement sees allocation when there is some (the test can fail)", async () => {
    let sink: number[] = [];
    const r = await measure(() => {
      sink = [sink.length, 1];
    }, CALLS);
    expect(r.bytes + r.gcs * ONCE).toBeGreaterThan(ONCE);
  });
});
