// edgefnn info model.efnn [--board puckjs]: what is inside a model and whether it fits a board.
import { activationById, Model, WEIGHT_F32 } from "../../src/core/index";
import { fail, quoteValue } from "../cli/user-error";
import { bytes as fmtBytes, Output, table } from "../cli/output";
import { boardById, findBoard } from "../boards/boards";
import { readModelFile } from "../files/model-file";
import { classNames, isBinary, isClassifier, layerGamma } from "../evaluation/model-kind";
import { isRpi, readBoard, sayBoardFit, sayConnected, sayRaspberryPi } from "./info-board";

/** Labels listed at most (a model may have thousands); --json has them all. */
const MAX_LISTED = 20;

/** What the model's output means, as docs/FORMAT.md (Labels) defines it. */
function whatItGives(model: Model): string {
  if (!isClassifier(model)) return `${model.outputSize === 1 ? "one output" : `${model.outputSize} outputs`}, no labels`;
  const names = classNames(model);
  if (!model.labels.length)
    return isBinary(model)
      ? "class 0 for output <= 0.5, 1 for > 0.5 (no labels)"
      : `${names.length} classes 0..${names.length - 1} (no labels), the top output wins`;
  if (isBinary(model)) return `${names[0]} for output <= 0.5, ${names[1]} for > 0.5`;
  const listed = names.slice(0, MAX_LISTED).join(", ");
  return (
    `${names.length} classes, the top output wins: ` +
    `${names.length > MAX_LISTED ? `${listed}, ... (${names.length - MAX_LISTED} more; --json has them all)` : listed}`
  );
}

const TYPE_NAMES = ["float32", "int16", "int8"];

/** The inputs by name (version 2 files), or that the file does not name them. */
function inputsLine(model: Model): string {
  if (!model.features) return "inputs: not named in this file (format version 1): give data columns in the order trained, or --features";
  const shown = model.features
    .slice(0, MAX_LISTED)
    .map((n) => quoteValue(n))
    .join(", ");
  const more = model.features.length - MAX_LISTED;
  return `inputs: ${shown}${more > 0 ? `, ... (${more} more; --json has them all)` : ""}`;
}

export interface InfoOptions {
  /** a board id, or rpi */
  board?: string;
  port?: string;
  baud?: number;
  learn?: string;
  buffer?: string;
}

export async function infoCommand(file: string, o: InfoOptions, out: Output) {
  // the board name is checked first: a typo prints nothing else
  let board = o.board && !isRpi(o.board) ? boardById(o.board) : null;
  if ((o.learn !== undefined || o.buffer !== undefined) && !o.board)
    fail("--learn and --buffer need --board: the cost is in a board's blocks");
  const { bytes, model } = readModelFile(file);
  const connected = o.port ? await readBoard(o.port, o.baud ?? 115200) : null;
  // the connected board's own name, when --board does not give one
  if (connected?.kind === "espruino" && !board && !o.board) board = findBoard(connected.env);
  const layers = layerRows(model);
  const params = layers.reduce((s, L) => s + L.params, 0);
  const macs = layers.reduce((s, L) => s + L.macs, 0);
  const task = sayModel(file, bytes, model, params, macs, out);
  out.say();
  sayLayers(layers, out);
  let memory = null;
  let rpi = null;
  if (o.board && isRpi(o.board)) rpi = sayRaspberryPi(bytes, model, out);
  else if (board) memory = sayBoardFit(bytes, model, board, o, out);
  const onBoard = connected ? sayConnected(connected, bytes, model, board, out) : null;
  const types = new Set(model.layers.map((L) => L.wtype));
  return {
    file,
    bytes: bytes.length,
    version: bytes[4],
    inputSize: model.inputSize,
    outputSize: model.outputSize,
    task,
    labels: model.labels,
    params,
    macs,
    layers,
    features: model.features ?? null,
    labelColumn: model.target ?? null,
    impute: model.impute ?? null,
    weights: types.size === 1 ? TYPE_NAMES[[...types][0]] : "mixed",
    memory,
    ...(rpi ? { rpi } : {}),
    ...(onBoard ? { onBoard } : {}),
    quantized: [...types].some((t) => t !== WEIGHT_F32),
  };
}

/** One row per layer: its sizes, activation (and gamma), weight type, parameters and multiply-adds. */
function layerRows(model: Model) {
  return model.layers.map((layer, l) => ({
    layer: l + 1,
    inputs: layer.nIn,
    outputs: layer.nOut,
    activation: activationById(layer.act).name,
    gamma: layerGamma(layer),
    weights: TYPE_NAMES[layer.wtype],
    params: layer.nIn * layer.nOut + layer.nOut + (layer.prelu ? layer.nOut : 0),
    macs: layer.nIn * layer.nOut,
  }));
}

/** The model's summary lines (size, task, normalization, inputs, label column, imputation); returns the task. */
function sayModel(file: string, bytes: Uint8Array, model: Model, params: number, macs: number, out: Output): string {
  out.say(
    `${file}: ${fmtBytes(bytes.length)}, ${model.inputSize} inputs -> ${model.outputSize} outputs, ${params} parameters, ${macs} ` +
      `multiply-adds per inference`,
  );
  const task = isBinary(model) ? "binary classification" : isClassifier(model) ? "classification" : "regression";
  out.say(`  ${task}: ${whatItGives(model)}`);
  out.say(
    `  input normalization: ${model.mean.some((m) => m !== 0) || model.invStd.some((s) => s !== 1) ? "yes (raw values go in)" : "none"}`,
  );
  out.say(`  ${inputsLine(model)}`);
  if (model.target !== undefined) out.say(`  label column: ${quoteValue(model.target)}${model.task ? ` (${model.task})` : ""}`);
  else if (model.task) out.say(`  task: ${model.task}`);
  if (model.impute)
    out.say(
      `  missing inputs (NaN) are filled with ` +
        `${model.impute === "center" ? "the normalization's center" : `the training split's ${model.impute}`}, here and on the board`,
    );
  return task;
}

/** The layer table. */
function sayLayers(layers: ReturnType<typeof layerRows>, out: Output): void {
  for (const line of table([
    ["layer", "in", "out", "activation", "weights", "params", "MACs"],
    ...layers.map((L) => [
      L.layer,
      L.inputs,
      L.outputs,
      L.activation + (L.gamma !== undefined ? ` (${L.gamma.toPrecision(3)})` : ""),
      L.weights,
      L.params,
      L.macs,
    ]),
  ]))
    out.say("  " + line);
}
