// edgefnn quantize model.efnn --bits 8: int8/int16 weights with a scale per row,
// and what it costs on a data set.
import {
  activationById,
  encodeModel,
  maxWeightErrors,
  Model,
  quantizeModel,
  WEIGHT_BYTES,
  WEIGHT_F32,
  WeightBits,
  withScaledInputs,
} from "../../src/core/index";
import { BOARDS, estimateMemory } from "../boards/boards";
import { fail, quoteValue } from "../cli/user-error";
import { bytes as fmtBytes, Output, percent, table } from "../cli/output";
import { commandLine } from "../cli/command-line";
import { LoadedCsv } from "../data/csv-loader";
import { confusionMatrix } from "../evaluation/metrics";
import { checkWritable, readModelFile, writeFileAtomic } from "../files/model-file";
import { MODEL_FILE, REPORT_FILE } from "../files/own-output";
import { PACKAGE_VERSION } from "../files/package-root";
import { layerOutputDiffs, QuantizationReport, quantizationReport } from "../evaluation/quantize-report";
import { DataOptions, loadDataFor } from "../evaluation/model-data";
import { classNames, isClassifier } from "../evaluation/model-kind";

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
  modelFile: string,
  o: DataOptions & { bits: string[]; out?: string; data?: string; fold?: string; report?: string },
  out: Output,
) {
  // the report compares the two models on data: without it there is nothing to report
  if (o.report !== undefined && !o.data) fail("--report needs --data test.csv: the report compares float32 and quantized on that data");
  const { bytes: floatBytes, model } = readModelFile(modelFile);
  if (model.layers.some((L) => L.scales)) fail(`${modelFile} is already quantized: quantize the float32 model`);
  const bits = parseBits(o.bits, model.layers.length);
  const file = o.out ?? defaultQuantizedName(modelFile, bits);
  const guard = { kind: MODEL_FILE, flag: "--out" };
  checkWritable(file, guard);
  const reportGuard = { kind: REPORT_FILE, flag: "--report" };
  if (o.report !== undefined) checkWritable(o.report, reportGuard);
  const fold = o.fold ?? "auto";
  if (fold !== "auto" && fold !== "yes" && fold !== "no") fail(`--fold-normalization: ${quoteValue(fold)} is not auto, yes or no`);
  const firstBits = typeof bits === "number" ? bits : bits[0];
  if (fold === "yes" && firstBits === 32) fail("--fold-normalization yes needs a quantized first layer (8 or 16 bits)");
  // a missing input is taken as the normalization's center: folding it away would leave none
  if (fold === "yes" && model.impute)
    fail(`--fold-normalization yes: ${modelFile} fills missing inputs (trained with --impute), so it keeps its normalization`);
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
    const classifier = isClassifier(model),
      regression = !classifier && Number.isFinite(r.floatMae);
    out.say(
      `edgefnn quantize: ${modelFile} -> ${file} ` +
        `(${typeof bits === "number" ? `int${bits}` : bits.map((b) => (b === 32 ? "f32" : `int${b}`)).join(", ")})`,
    );
    for (const line of table([
      ["", "float32", "quantized"],
      ["file size", fmtBytes(r.floatBytes), `${fmtBytes(r.quantizedBytes)} (${percent(r.quantizedBytes / r.floatBytes)})`],
      ...(classifier ? [["accuracy on " + o.data, percent(r.floatAccuracy), percent(r.quantizedAccuracy)]] : []),
      ...(regression
        ? [
            ["MAE on " + o.data, r.floatMae.toPrecision(4), r.quantizedMae.toPrecision(4)],
            ["RMSE", r.floatRmse.toPrecision(4), r.quantizedRmse.toPrecision(4)],
          ]
        : []),
    ]))
      out.say("  " + line);
    out.say(
      `  outputs: max |float - quantized| ${r.maxOutputDiff.toExponential(2)}, mean ${r.meanOutputDiff.toExponential(2)} over ${r.n} rows`,
    );
    out.say(`  max weight error per layer: ${r.maxWeightError.map((e) => e.toExponential(2)).join(", ")}`);
    out.say(`  input normalization ${folded ? "folded into layer 1 (the board skips a loop per input)" : "kept separate"}`);
    if (o.report !== undefined) {
      // the report code loads only when a report is asked for
      const { renderQuantizeReport } = await import("../report/quantize-page");
      const html = renderQuantizeReport(reportData(model, modelFile, file, o.data, csv, r, folded, classifier, regression));
      writeFileAtomic(o.report, html, reportGuard);
      out.say(`  report: ${o.report}`);
    }
    return {
      foldedNormalization: folded,
      out: file,
      bits,
      n: r.n,
      floatAccuracy: classifier ? r.floatAccuracy : null,
      quantizedAccuracy: classifier ? r.quantizedAccuracy : null,
      floatMae: regression ? r.floatMae : null,
      quantizedMae: regression ? r.quantizedMae : null,
      floatRmse: regression ? r.floatRmse : null,
      quantizedRmse: regression ? r.quantizedRmse : null,
      ...(o.report !== undefined ? { report: o.report } : {}),
      floatBytes: r.floatBytes,
      bytes: r.quantizedBytes,
      maxOutputDiff: r.maxOutputDiff,
      meanOutputDiff: r.meanOutputDiff,
      maxWeightError: r.maxWeightError,
    };
  }
  const q = quantizeModel(model, bits, { foldNormalization: fold === "yes" });
  const qBytes = encodeModel(q);
  writeFileAtomic(file, qBytes, guard);
  const errs = maxWeightErrors(fold === "yes" ? withScaledInputs(model) : model, q);
  out.say(
    `edgefnn quantize: ${modelFile} -> ${file}: ${fmtBytes(floatBytes.length)} -> ${fmtBytes(qBytes.length)} ` +
      `(${percent(qBytes.length / floatBytes.length)})`,
  );
  out.say(`  max weight error per layer: ${errs.map((e) => e.toExponential(2)).join(", ")}`);
  out.say(`  give --data test.csv to compare accuracy`);
  return {
    out: file,
    bits,
    foldedNormalization: fold === "yes",
    floatAccuracy: null,
    quantizedAccuracy: null,
    floatBytes: floatBytes.length,
    bytes: qBytes.length,
    maxWeightError: errs,
  };
}

const TYPE_NAMES = ["float32", "int16", "int8"];

/** A layer's bytes in the file: its weights (padded to 4 bytes), bias, a scale per row when quantized, PReLU's gammas. */
function layerBytes(L: Model["layers"][number]): number {
  const weights = Math.ceil((L.nOut * L.nIn * WEIGHT_BYTES[L.wtype]) / 4) * 4;
  return weights + 4 * L.nOut * (1 + (L.wtype !== WEIGHT_F32 ? 1 : 0) + (L.prelu ? 1 : 0));
}

/** Above this many classes the report leaves the (K x K) matrix out: eval lists them. */
const MAX_MATRIX_CLASSES = 60;

/** What quantize --report shows, formatted as the terminal shows it. */
function reportData(
  model: Model,
  modelFile: string,
  file: string,
  dataFile: string,
  csv: LoadedCsv,
  r: QuantizationReport,
  folded: boolean,
  classifier: boolean,
  regression: boolean,
) {
  const q = r.quantized,
    d = csv.data;
  const types = q.layers.map((L) => TYPE_NAMES[L.wtype]);
  const kind = types.every((t) => t === types[0]) ? types[0] : types.join(", ");
  const labels = classifier ? classNames(model) : [];
  const k = labels.length;
  const confusion = classifier && k <= MAX_MATRIX_CLASSES ? confusionMatrix(d.classes!, (i) => r.quantizedClasses![i], k) : null;
  // against the float32 model as given: its last layer is the outputs the comparison above measures
  const diffs = layerOutputDiffs(model, q, d);
  const dropped = csv.dropped ? `; ${csv.dropped} dropped (a missing value, --drop-incomplete)` : "";
  return {
    title: `${modelFile} -> ${file} (${kind})`,
    meta: [kind, `${r.n} rows of ${dataFile}`, classifier ? `${k} classes` : "regression"],
    summary: [
      ["model file", `${modelFile} (${r.floatBytes} bytes, float32)`],
      ["quantized file", `${file} (${r.quantizedBytes} bytes, ${kind})`],
      ["data", `${dataFile}: ${csv.rows} rows read, ${d.n} used${dropped}`],
      ["input normalization", folded ? "folded into layer 1" : "kept separate"],
      ["command", commandLine()],
      ["edgefnn", `version ${PACKAGE_VERSION}, ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}`],
    ] as [string, string][],
    comparison: [
      ["file size (bytes)", String(r.floatBytes), `${r.quantizedBytes} (${percent(r.quantizedBytes / r.floatBytes)})`],
      ...(classifier ? [["accuracy", percent(r.floatAccuracy), percent(r.quantizedAccuracy)]] : []),
      ...(regression
        ? [
            ["MAE", r.floatMae.toPrecision(4), r.quantizedMae.toPrecision(4)],
            ["RMSE", r.floatRmse.toPrecision(4), r.quantizedRmse.toPrecision(4)],
          ]
        : []),
    ] as [string, string, string][],
    comparisonNote:
      `On ${dataFile}, ${r.n} rows, both models run by the board runtime. ` +
      `Outputs: max |float \u2212 quantized| ${r.maxOutputDiff.toExponential(2)}, mean ${r.meanOutputDiff.toExponential(2)}.`,
    labels,
    confusion,
    confusionOn: `${dataFile} (${r.n} rows)`,
    noConfusion: `${k} classes: too many for a matrix here; edgefnn eval lists each class's precision and recall.`,
    layers: q.layers.map((L, l) => ({
      shape: `${L.nIn} -> ${L.nOut} ${activationById(L.act).name}`,
      floatBytes: layerBytes(model.layers[l]),
      type: TYPE_NAMES[L.wtype],
      bytes: layerBytes(L),
      maxWeightError: r.maxWeightError[l].toExponential(2),
      maxOutputDiff: diffs[l].max.toExponential(2),
      meanOutputDiff: diffs[l].mean.toExponential(2),
    })),
    boards: BOARDS.map((b) => ({ name: b.name, id: b.id, blocks: b.blocks, ...estimateMemory(q, b) })),
    flashBytes: r.quantizedBytes,
  };
}
