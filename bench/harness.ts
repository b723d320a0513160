// What every contestant implements, and how it is timed. One contestant runs
// per process (see worker.ts), so call sites here stay monomorphic and no
// library's garbage or JIT state leaks into another's numbers.

import { Problem } from "./data";

export interface Model {
  /** One epoch of per-sample SGD (batch 1, no momentum) over the training rows in this order. */
  trainEpoch?(order: Int32Array): void;
  /** Alternative to trainEpoch for a contestant that owns its loop (core.train):
   * trains this many more epochs and returns each one's wall time in ms. */
  trainAll?(epochs: number): number[];
  /** Single-sample inference on test row i: one input in, the network's output computed, its class returned. */
  predict(i: number): number;
  /** false when accuracy means nothing (the limit has no activations) */
  hasAccuracy?: boolean;
  /** a message if the parameters are no longer finite (the run diverged), else null */
  health?(): string | null;
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
  /** training samples per second: training rows / median epoch time */
  trainSps: number;
  /** how many epoch times the median is over (spec epochs + timing-only extra epochs) */
  timedEpochs: number;
  /** wall time of the spec'd epochs (the ones accuracy comes from), ms */
  trainMs: number;
  /** epochs trained before accuracy was measured (< spec only if the time budget ran out) */
  accuracyEpochs: number;
  specEpochs: number;
  /** median per-call single-sample inference time, microseconds */
  inferUs: number;
  inferReps: number;
  inferBatch: number;
  accuracy: number | null;
  warning: string | null;
  notes: string[];
}

export interface Budget {
  /** keep timing extra epochs (after the accuracy measurement) until this much epoch time is collected */
  minTimingMs: number;
  /** stop the spec'd epochs early if the next one would end past this (slow peers on slow machines) */
  maxTrainMs: number;
  /** time spent on the inference measurement */
  inferMs: number;
}

var now = function (): number { return performance.now(); };

export function median(xs: number[]): number {
  var s = xs.slice().sort(function (a, b) { return a - b; }), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function sum(xs: number[]): number {
  var s = 0;
  for (var i = 0; i < xs.length; i++) s += xs[i];
  return s;
}

function epochs(model: Model, p: Problem, first: number, count: number): number[] {
  if (model.trainAll) return model.trainAll(count);
  var times: number[] = [];
  for (var e = first; e < first + count; e++) {
    var t0 = now();
    model.trainEpoch!(p.orders[e % p.epochs]);
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
 * batches of >= ~0.5 ms (so timer resolution and the clock reads do not count),
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

/**
 * 1. The spec'd epochs, each timed: the network accuracy is measured on.
 * 2. Test accuracy.
 * 3. More epochs (same orders again), timed only, until minTimingMs of epoch
 *    time is collected: the throughput is training rows / median epoch time,
 *    over all timed epochs. The median leaves out the first epoch's JIT warm-up
 *    and pauses caused by other processes on this shared 2-core machine, and
 *    keeps the steady-state GC cost. Slow peers (an epoch of seconds) get no
 *    extra epochs.
 * 4. Single-sample inference.
 */
export function measure(model: Model, p: Problem, budget: Budget, log: (s: string) => void): {
  times: number[]; trainMs: number; accuracyEpochs: number; accuracy: number | null; warning: string | null;
  infer: { us: number; reps: number; batch: number };
} {
  var times: number[] = [];
  while (times.length < p.epochs) {
    var spent = sum(times), last = times.length ? times[times.length - 1] : 0;
    if (times.length > 0 && spent + last > budget.maxTrainMs) break;
    times = times.concat(epochs(model, p, times.length, 1));
  }
  var accuracyEpochs = times.length, trainMs = sum(times);
  log(" " + (trainMs / 1000).toFixed(1) + " s");
  var warning = model.health ? model.health() : null;
  var acc = model.hasAccuracy === false ? null : accuracy(model, p);
  if (accuracyEpochs < p.epochs)
    warning = (warning ? warning + "; " : "") + "time budget: accuracy after " + accuracyEpochs + " of " + p.epochs + " epochs";
  // Extra timing epochs: a tenth of the budget at a time, so trainAll needs few calls.
  while (sum(times) < budget.minTimingMs) {
    var per = median(times), more = Math.max(1, Math.min(p.epochs * 100, Math.ceil((budget.minTimingMs - sum(times)) / per / 10)));
    times = times.concat(epochs(model, p, times.length, more));
  }
  if (times.length > accuracyEpochs) log(", +" + (times.length - accuracyEpochs) + " timing epochs");
  log("; inference...");
  var infer = timeInference(model, p.test.n, budget.inferMs);
  return { times: times, trainMs: trainMs, accuracyEpochs: accuracyEpochs, accuracy: acc, warning: warning, infer: infer };
}
