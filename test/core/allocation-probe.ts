// The measurements of allocation.test.ts, run in a process of their own
// (`node --expose-gc --import tsx test/core/allocation-probe.ts`; prints one
// JSON object). What they read, the GC count and the heap's size, belongs to
// the whole process: in vitest's shared workers (isolate: false) the files run
// before in the same process leave their own activity and their own type
// feedback in the shared core modules, and a clean-clone CI run counted 9 GCs
// in a loop that allocates nothing here. A process that runs nothing else
// measures only the loops.
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapStatistics } from "node:v8";
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

export interface Measured {
  bytes: number;
  gcs: number;
  retained: number;
}

declare const gc: () => void;

// 200,000 calls a loop: allocation.test.ts says why that proves enough
const CALLS = 200_000;

/** Runs fn n times after a warm-up; reports the heap growth across the loop
 * (no GC in between: garbage counts too) and the number of GCs during it.
 * V8 optimizes on a background thread: on a busy machine the loop can start
 * before the optimized code is in, and the interpreter's code boxes doubles
 * (a few scavenges in a CI run at load ~8). So a run that saw a GC is warmed
 * up and run again, up to 5 times in all; code that allocates allocates on
 * every try and still fails (the last case shows the measure sees it). */
async function measure(fn: () => void, n: number): Promise<Measured> {
  let r = await measureOnce(fn, n);
  for (let tries = 1; tries < 5 && r.gcs > 0; tries++) r = await measureOnce(fn, n);
  return r;
}

async function measureOnce(fn: () => void, n: number): Promise<Measured> {
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

/** forward, 200,000 times */
async function forwardOnly(): Promise<Measured> {
  let i = 0;
  return measure(() => {
    forward(net, data.x, (i++ & 63) * 4);
  }, CALLS);
}

/** a per-sample training step (forward, delta(L), fused SGD), 200,000 times */
async function trainingStep(): Promise<Measured> {
  let i = 0;
  return measure(() => {
    const row = i++ & 63;
    forward(net, data.x, row * 4);
    outputDelta(net, "cross-entropy", data, row, G);
    sgdStep(net, rate, G);
  }, CALLS);
}

/** createTrainer's step on a one-hidden-layer classifier (small-step.ts), hard-tanh and tanh, 300,000 times each */
async function smallSteps(): Promise<Measured[]> {
  const out: Measured[] = [];
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
    out.push(
      await measure(() => {
        trainer.step(i++ & 63);
      }, 300_000), // 16 bytes a call would be 4.8 MB
    );
  }
  return out;
}

/** the training step through every activation, logistic + cross-entropy and elu + squared-error outputs */
async function everyActivation(): Promise<Measured[]> {
  const acts = ["logistic", "hard-logistic", "hard-tanh", "relu", "leaky-relu", "elu", "softplus", "linear"] as const;
  const out: Measured[] = [];
  for (const [o, loss] of [
    ["logistic", "cross-entropy"],
    ["elu", "squared-error"],
  ] as const) {
    const n2 = createNetwork({
      inputSize: 4,
      layers: [...acts.map((activation) => ({ size: 5, activation })), { size: 3, activation: o }],
    });
    initialize(n2, createRng(3));
    const G2 = new Float32Array(n2.params.length);
    const data2 = { ...data, classes: undefined, numClasses: undefined, targets: new Float32Array(64 * 3).fill(0.5), targetSize: 3 };
    let i = 0;
    out.push(
      await measure(() => {
        const row = i++ & 63;
        forward(n2, data2.x, row * 4);
        outputDelta(n2, loss, data2, row, G2);
        sgdStep(n2, rate, G2);
      }, CALLS), // 16 bytes a call would be 3.2 MB
    );
  }
  return out;
}

/** a loop that does allocate: the measure must see it */
async function allocating(): Promise<Measured> {
  let sink: number[] = [];
  return measure(() => {
    sink = [sink.length, 1];
  }, CALLS);
}

export interface ProbeResults {
  forward: Measured;
  step: Measured;
  smallSteps: Measured[];
  everyActivation: Measured[];
  allocating: Measured;
}

if (typeof gc !== "function") throw new Error("run with node --expose-gc");
const results: ProbeResults = {
  forward: await forwardOnly(),
  step: await trainingStep(),
  smallSteps: await smallSteps(),
  everyActivation: await everyActivation(),
  allocating: await allocating(),
};
process.stdout.write(JSON.stringify(results) + "\n");
