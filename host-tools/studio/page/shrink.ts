// Quantization as `edgefnn quantize --bits B --data <the same CSV>` does it
// (host-tools/commands/quantize.ts): both models run through the board
// runtime on the data, and the input normalization is folded into layer 1
// when that costs nothing on the data (its default, --fold-normalization auto).
// Plus the board fit table of `quantize --report` (host-tools/boards.ts).
import { decodeModel, type DataSet, type WeightBits } from "../../../src/core/index";
import { BOARDS, estimateMemory } from "../../boards/boards";
import { isClassifier } from "../../evaluation/model-kind";
import { quantizationReport, type QuantizationReport } from "../../evaluation/quantize-report";

export interface BoardFit {
  id: string;
  name: string;
  runtime: number;
  model: number;
  buffers: number;
  total: number;
  blocks: number;
  fits: boolean;
}

export interface Shrunk {
  report: QuantizationReport;
  folded: boolean;
  classifier: boolean;
  boards: BoardFit[];
}

export function shrink(floatBytes: Uint8Array, bits: WeightBits, data: DataSet): Shrunk {
  const model = decodeModel(floatBytes);
  const classifier = isClassifier(model);
  let report = quantizationReport(model, bits, data);
  let folded = false;
  if (bits !== 32 && !model.impute) {
    const f = quantizationReport(model, bits, data, { foldNormalization: true });
    const noWorse = classifier ? f.quantizedAccuracy >= report.quantizedAccuracy : f.meanOutputDiff <= 1.5 * report.meanOutputDiff;
    if (noWorse) {
      report = f;
      folded = true;
    }
  }
  const boards = BOARDS.map((b) => ({ id: b.id, name: b.name, blocks: b.blocks, ...estimateMemory(report.quantized, b) }));
  return { report, folded, classifier, boards };
}
