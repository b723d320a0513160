// What every contestant implements, and how it is timed. One contestant runs
// per process (see worker.ts), so call sites here stay monomorphic and no
// library's garbage or JIT state leaks into another's numbers.

import { Problem } from "./data";

export interface Model {
  /** One epoch of per-sample SGD (batch 1, no momentum) over the training rows in this order. */
  trainEpoch?(order: Int32Array): void;
  /** Alternative to trainEpoch for contestants that own their loop (core.train):
   * trains all epochs and returns each epoch's wall time in ms. */
  trainAll?(): number[];
  /** Single-sample inference on test row i: one input in, the network's output computed, its class returned. */
  predict(i: number): number;
  /** null when accuracy means nothing (the limit has no activations) */
  hasAccuracy?: boolean;
}

export interface Contestant {
  label: string;
  /** what this contestant actually computes, where it departs from the spec */
  notes(p: Problem): string[];
  create(p: Problem): Model | Promise<Model>;
}

export interface Result {
  contestant: string;
  label: string;
  problem: string;
  fingerprint: string;
  /** training samples per second over the median epoch */
  trainSps: number;
  /** sum of all epochs' wall times, ms */
  trainMs: number;
  epochMsMedian: number;
  epochs: number;
  /** median per-call single-sample inference time, microseconds */
  inferUs: number;
  inferReps: number;
  inferBatch: number;
  accuracy: number | null;
  notes: string[];
}

var now = function (): number { return performance.now(); };

export function median(xs: number[]): number {
  var s = xs.slice().sort(function (a, b) { return a - b; }), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Times every epoch separately. The median epoch is the throughput figure:
 * it leaves out the first epoch's JIT warm-up and any one-off pause caused by
 * other processes on this 2-core machine, but keeps the steady GC cost. */
export function timeTraining(model: Model, p: Problem): number[] {
  if (model.trainAll) return model.trainAll();
  var times: number[] = [];
  for (var e = 0; e < p.epochs; e++) {
    var t0 = now();
    model.trainEpoch!(p.orders[e]);
    times.push(now() - t0);
  }
  return times;
}

export function accuracy(model: Model, p: Problem): number {
  var right = 0, classes = p.test.classes as Int32Array;
  for (var i = 0; i < p.test.n; i++) if (model.predict(i) === classes[i]) right++;
  return right / p.test.n;
}

/** A sink for predictions, so the work under the timer cannot be optimised away. */
export var sink = { v: 0 };

/** Median time of one predict() call, in microseconds. Calls are timed in
 * batches of >= ~0.5 ms (so timer resolution and the clock read do not count),
 * cycling through the test rows; after a warm-up of >= 2000 calls and >= 200 ms,
 * at least 31 batches, more while the time budget lasts. */
export function timeInference(model: Model, n: number, budgetMs: number): { us: number; reps: number; batch: number } {
  var i = 0, calls = 0, s = 0, t0 = now();
  while (calls < 2000 || now() - t0 < 200) {
    s += model.predict(i);
    if (++i === n) i = 0;
    calls++;
  }
  var perCall = (now() - t0) / calls;
  var batch = Math.max(1, Math.ceil(0.5 / perCall));
  var times: number[] = [], start = now();
  while (times.length < 31 || (now() - start < budgetMs && times.length < 2001)) {
    var t = now();
    for (var b = 0; b < batch; b++) {
      s += model.predict(i);
      if (++i === n) i = 0;
    }
    times.push((now() - t) / batch);
  }
  sink.v += s;
  return { us: median(times) * 1000, reps: times.length, batch: batch };
}
