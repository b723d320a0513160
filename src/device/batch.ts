// Batched inference over a flat Float32Array of rows, for host programs (the
// CLI's eval, predict and verify; a Pi program scoring a file). Not in the
// board bundle (src/device/index.ts): there every byte is flash and the
// bundle has a size bound, and a board classifies one reading at a time.
// Each row goes through the model's own run()/classify(), so the results are
// the bits of one call per row.

import { checkBatch } from "../core/network";
import type { DeviceModel } from "./runtime";

/** The outputs of n rows of X (row i at i * inputSize), into out (n x
 * outputSize, row-major; allocated if not given). */
export function runBatch(m: DeviceModel, X: Float32Array | Float64Array, n: number, out?: Float32Array): Float32Array {
  var d = m.inputSize,
    k = m.outputSize;
  out = out || new Float32Array(n * k);
  checkBatch(X, n, d, out.length, n * k);
  for (var i = 0; i < n; i++) out.set(m.run(X.subarray(i * d, (i + 1) * d)), i * k);
  return out;
}

/** The class of each of n rows of X, into out (allocated if not given). */
export function classifyBatch(m: DeviceModel, X: Float32Array | Float64Array, n: number, out?: Int32Array): Int32Array {
  var d = m.inputSize;
  out = out || new Int32Array(n);
  checkBatch(X, n, d, out.length, n);
  for (var i = 0; i < n; i++) out[i] = m.classify(X.subarray(i * d, (i + 1) * d));
  return out;
}
