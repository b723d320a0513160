// Features of a window of 3-axis accelerometer samples, computed the same way
// on the host (edgefnn collect, from this TypeScript) and on the board
// (dist/edgefnn-features.min.js, the Storage module "edgefnn-features", built
// from this file): the same operations in the same order, accumulated in
// doubles and stored in a Float32Array, so both give the same float32 bits.
//
// The window is a ring buffer: one Float32Array of size*3 values (x, y, z
// interleaved) allocated once; pushSample writes over the oldest sample and
// computeFeatures walks the samples oldest first. Neither allocates.
// ES5-safe: only Math.sqrt (present on Espruino), no helpers, declare-then-use.
//
// For n samples v_0..v_(n-1) of one axis (oldest first):
//   mean   m = (1/n) sum v_i
//   std    sqrt((1/n) sum (v_i - m)^2)          (population standard deviation)
//   min, max
//   energy (1/n) sum v_i^2                      (mean of squares)
//   zc     number of i >= 1 where (v_(i-1) - m) and (v_i - m) lie on different
//          sides of 0 (a value exactly m counts as the non-negative side)
// and for the magnitude |v_i| = sqrt(x_i^2 + y_i^2 + z_i^2): its mean and std.

/** Features per axis, in output order. */
export var AXIS_FEATURES = ["mean", "std", "min", "max", "energy", "zc"];
/** Features of the magnitude, after the three axes. */
export var MAGNITUDE_FEATURES = ["mean", "std"];
/** Number of features: 3 axes x 6 + 2. */
export var FEATURE_COUNT = 3 * 6 + 2;

/** A ring buffer of the last `size` samples. */
export interface SampleWindow {
  /** x, y, z interleaved, size*3 values */
  buf: Float32Array;
  /** capacity in samples */
  size: number;
  /** where the next sample goes (sample index) */
  head: number;
  /** samples held, at most size */
  count: number;
  /** a window is due every `hop` samples once full */
  hop: number;
  /** samples since the last window was due */
  since: number;
}

/** The feature names, in output order: x_mean, x_std, ..., z_zc, mag_mean, mag_std. */
export function featureNames(): string[] {
  var names: string[] = [],
    axes = ["x", "y", "z"],
    a = 0,
    f = 0;
  for (a = 0; a < 3; a++) for (f = 0; f < AXIS_FEATURES.length; f++) names.push(axes[a] + "_" + AXIS_FEATURES[f]);
  for (f = 0; f < MAGNITUDE_FEATURES.length; f++) names.push("mag_" + MAGNITUDE_FEATURES[f]);
  return names;
}

/** The one allocation: a window of `size` samples (2..10000), due every `hop` samples (default: size, windows side by side). */
export function createWindow(size: number, hop?: number): SampleWindow {
  var h = hop || size;
  if (!(size >= 2 && size <= 10000 && Math.floor(size) === size))
    throw new Error("window size must be an integer from 2 to 10000, got " + size);
  if (!(h >= 1 && h <= size && Math.floor(h) === h))
    throw new Error("hop must be an integer from 1 to the window size " + size + ", got " + h);
  return { buf: new Float32Array(size * 3), size: size, head: 0, count: 0, hop: h, since: 0 };
}

/** Forgets the samples (after a gap in the stream). */
export function clearWindow(w: SampleWindow): void {
  w.head = 0;
  w.count = 0;
  w.since = 0;
}

/** Adds a sample over the oldest one; true when a window is due (full, and `hop` samples since the last). */
export function pushSample(w: SampleWindow, x: number, y: number, z: number): boolean {
  var i = w.head * 3;
  // + 0 turns -0 (Math.round(-0.3) on the board) into 0, as the host's parse of the printed "0" gives
  w.buf[i] = x + 0;
  w.buf[i + 1] = y + 0;
  w.buf[i + 2] = z + 0;
  w.head = w.head + 1 === w.size ? 0 : w.head + 1;
  if (w.count < w.size) w.count++;
  w.since++;
  if (w.count === w.size && w.since >= w.hop) {
    w.since = 0;
    return true;
  }
  return false;
}

/** True when the window holds `size` samples. */
export function windowFull(w: SampleWindow): boolean {
  return w.count === w.size;
}

/** |sample i|: declared before its use (no hoisting on the board). */
function magnitudeAt(b: Float32Array, i: number): number {
  var x = b[i * 3],
    y = b[i * 3 + 1],
    z = b[i * 3 + 2];
  return Math.sqrt(x * x + y * y + z * z);
}

/** The FEATURE_COUNT features of the samples held (oldest first) into out[offset..]; returns out. */
export function computeFeatures(w: SampleWindow, out: Float32Array, offset?: number): Float32Array {
  var o = offset || 0,
    n = w.count,
    b = w.buf,
    size = w.size;
  if (n < 1) throw new Error("computeFeatures: the window is empty");
  // index of the oldest sample
  var first = w.head - n;
  if (first < 0) first += size;
  var a = 0,
    k = 0,
    i = 0,
    v = 0,
    d = 0,
    sum = 0,
    sq = 0,
    mn = 0,
    mx = 0,
    m = 0,
    dev = 0,
    zc = 0,
    neg = false,
    wasNeg = false;
  for (a = 0; a < 3; a++) {
    // pass 1: sum, sum of squares, min, max
    sum = 0;
    sq = 0;
    i = first;
    mn = b[i * 3 + a];
    mx = mn;
    for (k = 0; k < n; k++) {
      v = b[i * 3 + a];
      sum += v;
      sq += v * v;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
      i = i + 1 === size ? 0 : i + 1;
    }
    m = sum / n;
    // pass 2: squared deviations and zero crossings of v - m
    dev = 0;
    zc = 0;
    i = first;
    for (k = 0; k < n; k++) {
      d = b[i * 3 + a] - m;
      dev += d * d;
      neg = d < 0;
      if (k > 0 && neg !== wasNeg) zc++;
      wasNeg = neg;
      i = i + 1 === size ? 0 : i + 1;
    }
    out[o++] = m;
    out[o++] = Math.sqrt(dev / n);
    out[o++] = mn;
    out[o++] = mx;
    out[o++] = sq / n;
    out[o++] = zc;
  }
  // the magnitude: mean, then std (recomputed per pass: no buffer for it)
  sum = 0;
  i = first;
  for (k = 0; k < n; k++) {
    sum += magnitudeAt(b, i);
    i = i + 1 === size ? 0 : i + 1;
  }
  m = sum / n;
  dev = 0;
  i = first;
  for (k = 0; k < n; k++) {
    d = magnitudeAt(b, i) - m;
    dev += d * d;
    i = i + 1 === size ? 0 : i + 1;
  }
  out[o++] = m;
  out[o++] = Math.sqrt(dev / n);
  return out;
}
