// The quantization report: what shrinking a model costs on a data set. Both
// models run through the board runtime's ES5 bundle (host-runtime.ts), the code the board runs.
import {
  DataSet,
  encodeModel,
  maxWeightErrors,
  Model,
  quantizeModel,
  QuantizeOptions,
  WeightBits,
  withScaledInputs,
} from "../../src/core/index";
import { load } from "./host-runtime";

export interface QuantizationReport {
  bits: WeightBits | WeightBits[];
  n: number;
  floatAccuracy: number;
  quantizedAccuracy: number;
  /** over every output of every row: max and mean |float - quantized| */
  maxOutputDiff: number;
  meanOutputDiff: number;
  floatBytes: number;
  quantizedBytes: number;
  /** per layer, max |w - scale q| */
  maxWeightError: number[];
  /** regression (one target per output): mean |y - t| and sqrt(mean (y - t)^2), float32 and quantized; NaN otherwise */
  floatMae: number;
  quantizedMae: number;
  floatRmse: number;
  quantizedRmse: number;
  /** classification: the quantized model's class per row (for its confusion matrix); null otherwise */
  quantizedClasses: Int32Array | null;
  quantized: Model;
  bytes: Uint8Array;
}

export function quantizationReport(model: Model, bits: WeightBits | WeightBits[], data: DataSet, o?: QuantizeOptions): QuantizationReport {
  const q = quantizeModel(model, bits, o);
  const floatBytes = encodeModel(model),
    bytes = encodeModel(q);
  const f = load(floatBytes),
    g = load(bytes);
  const d = data.inputSize,
    k = model.outputSize;
  let rightF = 0,
    rightQ = 0,
    maxDiff = 0,
    sumDiff = 0;
  const regression = !data.classes && !!data.targets && data.targetSize === k;
  let aeF = 0,
    aeQ = 0,
    seF = 0,
    seQ = 0;
  const predicted = data.classes ? new Int32Array(data.n) : null;
  for (let i = 0; i < data.n; i++) {
    const x = data.x.subarray(i * d, (i + 1) * d);
    const a = Float32Array.from(f.run(x)),
      b = g.run(x);
    for (let j = 0; j < k; j++) {
      const diff = Math.abs(a[j] - b[j]);
      maxDiff = Math.max(maxDiff, diff);
      sumDiff += diff;
      if (regression) {
        const t = data.targets![i * k + j],
          ef = a[j] - t,
          eq = b[j] - t;
        aeF += Math.abs(ef);
        aeQ += Math.abs(eq);
        seF += ef * ef;
        seQ += eq * eq;
      }
    }
    if (data.classes) {
      const c = g.classify(x);
      predicted![i] = c;
      if (f.classify(x) === data.classes[i]) rightF++;
      if (c === data.classes[i]) rightQ++;
    }
  }
  return {
    bits,
    n: data.n,
    floatAccuracy: data.classes ? rightF / data.n : NaN,
    quantizedAccuracy: data.classes ? rightQ / data.n : NaN,
    maxOutputDiff: maxDiff,
    meanOutputDiff: data.n ? sumDiff / (data.n * k) : 0,
    floatBytes: floatBytes.length,
    quantizedBytes: bytes.length,
    // against the float layer's own weights (with a folded normalization, layer 1's differ by design)
    maxWeightError: o?.foldNormalization ? maxWeightErrors(withScaledInputs(model), q) : maxWeightErrors(model, q),
    // over every output of every row, as eval counts one output's rows
    floatMae: regression && data.n ? aeF / (data.n * k) : NaN,
    quantizedMae: regression && data.n ? aeQ / (data.n * k) : NaN,
    floatRmse: regression && data.n ? Math.sqrt(seF / (data.n * k)) : NaN,
    quantizedRmse: regression && data.n ? Math.sqrt(seQ / (data.n * k)) : NaN,
    quantizedClasses: predicted,
    quantized: q,
    bytes,
  };
}

/** The model up to layer l (0-based): its output is a(l+1), the layer's output.
 * Labels, target and task belong to the last layer's outputs, so they go. */
function prefix(m: Model, l: number): Model {
  return { ...m, layers: m.layers.slice(0, l + 1), outputSize: m.layers[l].nOut, labels: [], target: undefined, task: undefined };
}

/** Per layer l, over every row and every unit: max and mean |a(l) float - a(l) quantized|,
 * each model run by the board runtime up to that layer (so the quantized side carries
 * the error of the layers before it, as on the board). */
export function layerOutputDiffs(model: Model, quantized: Model, data: DataSet): { max: number; mean: number }[] {
  const d = data.inputSize;
  return model.layers.map((L, l) => {
    const f = load(encodeModel(prefix(model, l))),
      g = load(encodeModel(prefix(quantized, l)));
    let max = 0,
      sum = 0;
    for (let i = 0; i < data.n; i++) {
      const x = data.x.subarray(i * d, (i + 1) * d);
      const a = Float32Array.from(f.run(x)),
        b = g.run(x);
      for (let j = 0; j < L.nOut; j++) {
        const diff = Math.abs(a[j] - b[j]);
        max = Math.max(max, diff);
        sum += diff;
      }
    }
    return { max, mean: data.n ? sum / (data.n * L.nOut) : 0 };
  });
}
