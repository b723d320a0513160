// edgefnn info model.efnn [--board puckjs]: what is inside a model and whether it fits a board.
import { activationById, Model, WEIGHT_F32 } from "../../src/core/index";
import { bytes as fmtBytes, Output, quoteValue, table } from "../cli-support";
import { boardById, estimateMemory } from "../boards";
import { readModelFile } from "../model-file";
import { classNames, isBinary, isClassifier } from "./eval";

/** Labels listed at most (a model may have thousands); --json has them all. */
const MAX_LISTED = 20;

/** What the model's output means, as docs/FORMAT.md (Labels) defines it. */
function whatItGives(model: Model): string {
  if (!isClassifier(model)) return `${model.outputSize === 1 ? "one output" : `${model.outputSize} outputs`}, no labels`;
  const names = classNames(model);
  if (!model.labels.length) return isBinary(model) ? "class 0 for output <= 0.5, 1 for > 0.5 (no labels)" : `${names.length} classes 0..${names.length - 1} (no labels), the top output wins`;
  if (isBinary(model)) return `${names[0]} for output <= 0.5, ${names[1]} for > 0.5`;
  const listed = names.slice(0, MAX_LISTED).join(", ");
  return `${names.length} classes, the top output wins: ${names.length > MAX_LISTED ? `${listed}, ... (${names.length - MAX_LISTED} more; --json has them all)` : listed}`;
}

const TYPE_NAMES = ["float32", "int16", "int8"];

/** The inputs by name (version 2 files), or that the file does not name them. */
function inputsLine(model: Model): string {
  if (!model.features) return "inputs: not named in this file (format version 1): give data columns in the order trained, or --features";
  const shown = model.features.slice(0, MAX_LISTED).map((n) => quoteValue(n)).join(", ");
  return `inputs: ${shown}${model.features.length > MAX_LISTED ? `, ... (${model.features.length - MAX_LISTED} more; --json has them all)` : ""}`;
}

export function infoCommand(file: string, o: { board?: string }, out: Output) {
  const { bytes, model } = readModelFile(file);
  const layers = model.layers.map((L, l) => ({
    layer: l + 1,
    inputs: L.nIn,
    outputs: L.nOut,
    activation: activationById(L.act).name,
    gamma: L.act === 7 || L.act === 9 ? L.gamma : undefined,
    weights: TYPE_NAMES[L.wtype],
    params: L.nIn * L.nOut + L.nOut + (L.prelu ? L.nOut : 0),
    macs: L.nIn * L.nOut,
  }));
  const params = layers.reduce((s, L) => s + L.params, 0);
  const macs = layers.reduce((s, L) => s + L.macs, 0);
  out.say(`${file}: ${fmtBytes(bytes.length)}, ${model.inputSize} inputs -> ${model.outputSize} outputs, ${params} parameters, ${macs} multiply-adds per inference`);
  const task = isBinary(model) ? "binary classification" : isClassifier(model) ? "classification" : "regression";
  out.say(`  ${task}: ${whatItGives(model)}`);
  out.say(`  input normalization: ${model.mean.some((m) => m !== 0) || model.invStd.some((s) => s !== 1) ? "yes (raw values go in)" : "none"}`);
  out.say(`  ${inputsLine(model)}`);
  if (model.target !== undefined) out.say(`  label column: ${quoteValue(model.target)}${model.task ? ` (${model.task})` : ""}`);
  else if (model.task) out.say(`  task: ${model.task}`);
  if (model.impute)
    out.say(`  missing inputs (NaN) are filled with ${model.impute === "center" ? "the normalization's center" : `the training split's ${model.impute}`}, here and on the board`);
  out.say();
  for (const line of table([
    ["layer", "in", "out", "activation", "weights", "params", "MACs"],
    ...layers.map((L) => [L.layer, L.inputs, L.outputs, L.activation + (L.gamma !== undefined ? ` (${L.gamma.toPrecision(3)})` : ""), L.weights, L.params, L.macs]),
  ]))
    out.say("  " + line);
  let memory = null;
  if (o.board) {
    const board = boardById(o.board);
    const m = estimateMemory(model, board);
    memory = { board: board.id, ...m };
    out.say();
    out.say(`  on a ${board.name} (${board.blocks} blocks of ${board.blockBytes} bytes):`);
    out.say(`    runtime ${m.runtime} + model ${m.model} + buffers ${m.buffers} = ${m.total} blocks (${((100 * m.total) / board.blocks).toFixed(0)}% of the board; labels are read from the file)`);
    out.say(`    the ${fmtBytes(bytes.length)} file stays in flash: check it fits Storage with require("Storage").getFree() on the board`);
    out.say(`    ${m.fits ? "fits" : "does not fit"}: ${m.fits ? "leaves" : "would leave"} ${board.blocks - m.total} blocks for your own code (edgefnn wants at least half the board free)`);
  }
  const types = new Set(model.layers.map((L) => L.wtype));
  return {
    file, bytes: bytes.length, version: bytes[4], inputSize: model.inputSize, outputSize: model.outputSize, task, labels: model.labels, params, macs, layers,
    features: model.features ?? null, labelColumn: model.target ?? null, impute: model.impute ?? null,
    weights: types.size === 1 ? TYPE_NAMES[[...types][0]] : "mixed", memory,
    quantized: [...types].some((t) => t !== WEIGHT_F32),
  };
}
