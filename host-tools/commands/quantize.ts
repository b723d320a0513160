// edgefnn quantize model.efnn --bits 8: int8/int16 weights with a scale per row,
// and what it costs on a data set.
import { encodeModel, maxWeightErrors, quantizeModel, WeightBits, withScaledInputs } from "../../src/core/index";
import { bytes as fmtBytes, fail, Output, percent, table, quoteValue } from "../cli-support";
import { checkWritable, readModelFile, writeFileAtomic } from "../model-file";
import { MODEL_FILE } from "../own-output";
import { quantizationReport } from "../quantize-report";
import { DataOptions, isClassifier, loadDataFor } from "./eval";

export function parseBits(v: string[], layers: number): WeightBits | WeightBits[] {
  const bits = v.map((s) => {
    if (s !== "8" && s !== "16" && s !== "32") fail(`--bits: ${quoteValue(s)} is not 8, 16 or 32`);
    return Number(s) as WeightBits;
  });
  if (bits.length === 1) return bits[0];
  if (bits.length !== layers) fail(`--bits: give one width for all layers or one per layer (${layers}), not ${bits.length}`);
  return bits;
}

export function defaultQuantizedName(file: string, bits: WeightBits | WeightBits[]): string {
  const tag = typeof bits === "number" ? `q${bits}` : `q${bits.join("-")}`;
  return file.replace(/(\.efnn)?$/, `.${tag}.efnn`);
}

export async function quantizeCommand(
  modelFile: string, o: DataOptions & { bits: string[]; out?: string; data?: string; fold?: string }, out: Output,
) {
  const { bytes: floatBytes, model } = readModelFile(modelFile);
  if (model.layers.some((L) => L.scales)) fail(`${modelFile} is already quantized: quantize the float32 model`);
  const bits = parseBits(o.bits, model.layers.length);
  const file = o.out ?? defaultQuantizedName(modelFile, bits);
  const guard = { kind: MODEL_FILE, flag: "--out" };
  checkWritable(file, guard);
  const fold = o.fold ?? "auto";
  if (fold !== "auto" && fold !== "yes" && fold !== "no") fail(`--fold-normalization: ${quoteValue(fold)} is not auto, yes or no`);
  const firstBits = typeof bits === "number" ? bits : bits[0];
  if (fold === "yes" && firstBits === 32) fail("--fold-normalization yes needs a quantized first layer (8 or 16 bits)");
  // a missing input is taken as the normalization's center: folding it away would leave none
  if (fold === "yes" && model.impute) fail(`--fold-normalization yes: ${modelFile} fills missing inputs (trained with --impute), so it keeps its normalization`);
  if (o.data) {
    const csv = await loadDataFor(model, modelFile, o.data, o);
    let r = quantizationReport(model, bits, csv.data);
    let folded = false;
    // Folding the normalization into layer 1 saves the board a statement per
    // input; keep it when the data says it costs nothing (auto) or when asked.
    if (fold === "yes" || (fold === "auto" && firstBits !== 32 && !model.impute)) {
      const f = quantizationReport(model, bits, csv.data, { foldNormalization: true });
      const noWorse = isClassifier(model) ? f.quantizedAccuracy >= r.quantizedAccuracy : f.meanOutputDiff <= 1.5 * r.meanOutputDiff;
      if (fold === "yes" || noWorse) {
        r = f;
        folded = true;
      }
    }
    writeFileAtomic(file, r.bytes, guard);
    const classifier = isClassifier(model);
    out.say(`edgefnn quantize: ${modelFile} -> ${file} (${typeof bits === "number" ? `int${bits}` : bits.map((b) => (b === 32 ? "f32" : `int${b}`)).join(", ")})`);
    for (const line of table([
      ["", "float32", "quantized"],
      ["file size", fmtBytes(r.floatBytes), `${fmtBytes(r.quantizedBytes)} (${percent(r.quantizedBytes / r.floatBytes)})`],
      ...(classifier ? [["accuracy on " + o.data, percent(r.floatAccuracy), percent(r.quantizedAccuracy)]] : []),
    ]))
      out.say("  " + line);
    out.say(`  outputs: max |float - quantized| ${r.maxOutputDiff.toExponential(2)}, mean ${r.meanOutputDiff.toExponential(2)} over ${r.n} rows`);
    out.say(`  max weight error per layer: ${r.maxWeightError.map((e) => e.toExponential(2)).join(", ")}`);
    out.say(`  input normalization ${folded ? "folded into layer 1 (the board skips a loop per input)" : "kept separate"}`);
    return {
      foldedNormalization: folded,
      out: file, bits, n: r.n, floatAccuracy: classifier ? r.floatAccuracy : null, quantizedAccuracy: classifier ? r.quantizedAccuracy : null,
      floatBytes: r.floatBytes, bytes: r.quantizedBytes, maxOutputDiff: r.maxOutputDiff, meanOutputDiff: r.meanOutputDiff, maxWeightError: r.maxWeightError,
    };
  }
  const q = quantizeModel(model, bits, { foldNormalization: fold === "yes" });
  const qBytes = encodeModel(q);
  writeFileAtomic(file, qBytes, guard);
  const errs = maxWeightErrors(fold === "yes" ? withScaledInputs(model) : model, q);
  out.say(`edgefnn quantize: ${modelFile} -> ${file}: ${fmtBytes(floatBytes.length)} -> ${fmtBytes(qBytes.length)} (${percent(qBytes.length / floatBytes.length)})`);
  out.say(`  max weight error per layer: ${errs.map((e) => e.toExponential(2)).join(", ")}`);
  out.say(`  give --data test.csv to compare accuracy`);
  return { out: file, bits, foldedNormalization: fold === "yes", floatAccuracy: null, quantizedAccuracy: null, floatBytes: floatBytes.length, bytes: qBytes.length, maxWeightError: errs };
}
