// What every contestant implements, and how it is timed.
//
// One contestant runs per process (see worker.ts): no library's garbage or JIT
// state leaks into another's numbers. This machine is shared (2 cores, other
// people's test runs) and its speed drifts by up to 2x over seconds, so
// absolute numbers from runs minutes apart are not comparable. Every
// measurement is therefore paired with a yardstick: a copy of the limit
// (limit.ts) in the same process, timed in short slices alternating with the
// contestant's. The ratio of each adjacent pair is immune to the drift; the
// table's "vs" columns are medians of those ratios. (The limit timed against
// its own yardstick reads ~1.00, which checks the method.)

import { Problem } from "./data";

export interface Model {
  /** Per-sample SGD (batch 1, no momentum) over these training rows, in this
   * order. The harness passes consecutive slices of the shared per-epoch
   * orders (epoch e's order follows epoch e - 1's). */
  trainEpoch?(order: Int32Array): void;
  /** Instead of trainEpoch, for a contestant that owns its loop (core.train):
   * trains this many more whole epochs. */
  trainAll?(epochs: number): void;
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
  title: string;
  fingerprint: string;
  /** training samples per second: 1 / median per-sample time over the timed slices */
  trainSps: number;
  /** per slice pair: contestant speed / yardstick speed (1 = as fast as the limit) */
  trainVsLimit: number[];
  /** wall time of the spec'd epochs (the ones accuracy comes from), ms, yardstick excluded */
  trainMs: number;
  /** epochs trained before accuracy was measured (< specEpochs only if the time budget ran out) */
  accuracyEpochs: number;
  specEpochs: number;
  /** median per-call single-sample inference time, microseconds */
  inferUs: number;
  /** per batch pair: contestant speed / yardstick speed */
  inferVsLimit: number[];
  /** the yardstick's own median speeds in this process (how fast the machine was) */
  yardTrainSps: number;
  yardInferUs: number;
  accuracy: number | null;
  warning: string | null;
  notes: string[];
}

export interface Budget {
  /** keep timing (after the accuracy measurement) until this much contestant training time is collected */
  minTimingMs: number;
  /** stop the spec'd epochs early past this much training time (slow peers on slow machines) */
  maxTrainMs: number;
  /** time spent on the inference measurement */
  inferMs: number;
}

/** Slice lengths: long enough that timer reads and switching do not count,
 * short enough that the machine's speed is the same for both halves of a pair.
 * The yardstick's slice is a quarter of the contestant's, at least YARD_MS
 * (contestants that train whole epochs at a time have long slices). */
var SLICE_MS = 20,
  YARD_MS = 5;

/** This process's CPU time (user + system), ms, not wall time: on a shared
 * machine a wall-clock slice also counts the turns other processes get, and
 * under heavy load (several runs on 2 cores) the limit timed against its own
 * copy read 0.4x instead of 1.0x. CPU time counts this process only (its
 * helper threads too: JIT and GC, mostly during warm-up). */
var now = function (): number {
  var u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

export function median(xs: number[]): number {
  var s = xs.slice().sort(function (a, b) {
      return a - b;
    }),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Next slice length (in samples or calls) so that it takes about targetMs. */
function resize(size: number, ms: number, targetMs: number, unit: number): number {
  var next = ms > 0 ? Math.round((size * targetMs) / ms) : size * 4;
  next = Math.max(unit, Math.min(size * 4, next));
  return Math.ceil(next / unit) * unit;
}

/** Trains `count` samples starting at `pos` of the concatenated epoch orders `all` (cycling); returns ms. */
function trainSlice(m: Model, p: Problem, all: Int32Array, pos: number, count: number): number {
  var t = now();
  if (m.trainAll) m.trainAll(count / p.train.n);
  else {
    for (var start = pos % all.length; count > 0; start = 0) {
      var k = Math.min(count, all.length - start);
      m.trainEpoch!(all.subarray(start, start + k));
      count -= k;
    }
  }
  return now() - t;
}

export function accuracy(model: Model, p: Problem): number {
  var right = 0,
    classes = p.test.classes as Int32Array;
  for (var i = 0; i < p.test.n; i++) if (model.predict(i) === classes[i]) right++;
  return right / p.test.n;
}

/** A sink for predictions, so the work under the timer cannot be optimised away. */
export var sink = { v: 0 };

// Two copies of the same batch loop, one per model: each call site then sees
// one predict() only and V8 can inline it, as it would in a user's own loop.
function batchContestant(m: Model, first: number, count: number, n: number): number {
  var s = 0,
    i = first;
  for (var b = 0; b < count; b++) {
    s += m.predict(i);
    if (++i === n) i = 0;
  }
  sink.v += s;
  return i;
}
function batchYardstick(m: Model, first: number, count: number, n: number): number {
  var s = 0,
    i = first;
  for (var b = 0; b < count; b++) {
    s += m.predict(i);
    if (++i === n) i = 0;
  }
  sink.v += s;
  return i;
}

/**
 * 1. The spec'd epochs, in slices of ~SLICE_MS, each followed by a slice of
 *    the yardstick.
 * 2. Test accuracy (and a divergence check).
 * 3. More slices (the same orders again), timed only, until minTimingMs of
 *    contestant time is collected.
 * 4. Single-sample inference: warm-up, then alternating batches of contestant
 *    and yardstick calls.
 * Throughput is 1 / the median per-sample time over the slices: the median
 * leaves out the JIT warm-up and one-off pauses and keeps steady GC cost.
 */
export function measure(
  model: Model,
  yard: Model,
  p: Problem,
  budget: Budget,
  log: (s: string) => void,
): {
  trainSps: number;
  trainVsLimit: number[];
  trainMs: number;
  accuracyEpochs: number;
  accuracy: number | null;
  warning: string | null;
  inferUs: number;
  inferVsLimit: number[];
  yardTrainSps: number;
  yardInferUs: number;
} {
  var n = p.train.n,
    all = new Int32Array(n * p.epochs);
  for (var e = 0; e < p.epochs; e++) all.set(p.orders[e], e * n);
  var unit = model.trainAll ? n : 1;
  var size = unit,
    ySize = 1,
    pos = 0,
    yPos = 0,
    trainMs = 0,
    timedMs = 0;
  var perSample: number[] = [],
    yPerSample: number[] = [],
    vs: number[] = [];

  function pair(count: number): void {
    var ms = trainSlice(model, p, all, pos, count);
    pos += count;
    var yms = trainSlice(yard, p, all, yPos, ySize);
    yPos += ySize;
    // The first slices are warm-up-sized (from one sample up): too short to time.
    if (ms > 1) perSample.push(ms / count);
    if (ms > 1 && yms > 0.25) {
      vs.push(yms / ySize / (ms / count));
      yPerSample.push(yms / ySize);
    }
    timedMs += ms;
    size = resize(count, ms, SLICE_MS, unit);
    ySize = resize(ySize, yms, Math.max(YARD_MS, ms / 4), 1);
  }

  var total = all.length;
  while (pos < total && trainMs < budget.maxTrainMs) {
    var before = timedMs;
    pair(Math.min(size, total - pos));
    trainMs += timedMs - before;
  }
  var accuracyEpochs = pos / n;
  log(" " + (trainMs / 1000).toFixed(1) + " s");
  var warning = model.health ? model.health() : null;
  var acc = model.hasAccuracy === false ? null : accuracy(model, p);
  if (pos < total)
    warning = (warning ? warning + "; " : "") + "time budget: accuracy after " + accuracyEpochs.toFixed(1) + " of " + p.epochs + " epochs";
  var extra = 0;
  while (timedMs < budget.minTimingMs) {
    pair(size);
    extra++;
  }
  if (extra) log(", +" + extra + " timing slices");

  log("; inference...");
  var inf = measureInference(model, yard, p, budget);
  return {
    trainSps: 1000 / median(perSample),
    trainVsLimit: vs,
    trainMs: trainMs,
    accuracyEpochs: accuracyEpochs,
    accuracy: acc,
    warning: warning,
    inferUs: inf.inferUs,
    inferVsLimit: inf.inferVsLimit,
    yardTrainSps: 1000 / median(yPerSample),
    yardInferUs: inf.yardInferUs,
  };
}

/** Step 4 of measure() alone, for contestants that only infer (the device
 * runtime, batched inference): warm-up, then alternating batches of
 * contestant and yardstick calls. */
export function measureInference(
  model: Model,
  yard: Model,
  p: Problem,
  budget: Budget,
): {
  inferUs: number;
  inferVsLimit: number[];
  yardInferUs: number;
} {
  var nt = p.test.n,
    i = 0,
    j = 0,
    t = now(),
    calls = 0;
  while (calls < 2000 || now() - t < 200) {
    i = batchContestant(model, i, 100, nt);
    j = batchYardstick(yard, j, 100, nt);
    calls += 100;
  }
  var cBatch = 1,
    yBatch = 1,
    us: number[] = [],
    yus: number[] = [],
    ivs: number[] = [],
    start = now();
  while (ivs.length < 31 || (now() - start < budget.inferMs && ivs.length < 5000)) {
    var t0 = now();
    i = batchContestant(model, i, cBatch, nt);
    var t1 = now();
    j = batchYardstick(yard, j, yBatch, nt);
    var t2 = now(),
      cms = t1 - t0,
      yms = t2 - t1;
    if (cms > 0.25 && yms > 0.1) {
      us.push((cms / cBatch) * 1000);
      yus.push((yms / yBatch) * 1000);
      ivs.push(yms / yBatch / (cms / cBatch));
    }
    cBatch = resize(cBatch, cms, 2, 1);
    yBatch = resize(yBatch, yms, 1, 1);
  }
  return { inferUs: median(us), inferVsLimit: ivs, yardInferUs: median(yus) };
}
