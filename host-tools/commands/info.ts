// edgefnn info model.efnn [--board puckjs]: what is inside a model and whether it fits a board.
import { activationById, Model, WEIGHT_F32 } from "../../src/core/index";
import { bytes as fmtBytes, Output, table } from "../cli-support";
import { boardById, estimateMemory } from "../boards";
import { load } from "../../src/device/runtime";
import { readModelFile } from "../model-file";
import { classNames, isBinary, isClassifier } from "../model-kind";

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

const isRpi = (board: string): boolean => /^(rpi|pi|raspberry ?pi)$/i.test(board.trim());

/** What a Pi's Node.js holds for the model (the file's bytes, the runtime's two
 * activation buffers of the widest layer), and one inference's time measured
 * here with the board runtime: not a Pi's time, which this tool has not measured. */
function raspberryPi(bytes: Uint8Array, model: Model) {
  let widest = model.inputSize;
  for (const L of model.layers) widest = Math.max(widest, L.nOut);
  const m = load(bytes);
  const x = new Float32Array(model.inputSize);
  let runs = 0;
  const t0 = performance.now();
  let t = t0;
  // at least 50 ms and 100 runs: a timer's resolution and the JIT's first calls do not dominate
  while (t - t0 < 50 || runs < 100) {
    for (let i = 0; i < 100; i++) m.run(x);
    runs += 100;
    t = performance.now();
  }
  return { bufferBytes: 2 * 4 * widest, microsecondsHere: ((t - t0) * 1000) / runs, measuredOn: "this computer, not a Raspberry Pi" };
}

export function infoCommand(file: string, o: { board?: string }, out: Output) {
  // the board name is checked first: a typo prints nothing else
  const board = o.board && !isRpi(o.board) ? boardById(o.board) : null;
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
  out.say();
  for (const line of table([
    ["layer", "in", "out", "activation", "weights", "params", "MACs"],
    ...layers.map((L) => [L.layer, L.inputs, L.outputs, L.activation + (L.gamma !== undefined ? ` (${L.gamma.toPrecision(3)})` : ""), L.weights, L.params, L.macs]),
  ]))
    out.say("  " + line);
  let memory = null;
  let rpi = null;
  if (o.board && isRpi(o.board)) {
    rpi = raspberryPi(bytes, model);
    out.say();
    out.say("  on a Raspberry Pi (Node.js, require(\"edgefnn\")): no block budget, the model is a small part of a Node process");
    out.say(`    the model in memory: the ${fmtBytes(bytes.length)} file plus ${fmtBytes(rpi.bufferBytes)} of buffers`);
    out.say(`    one inference (run) on this computer, with the same runtime: ${rpi.microsecondsHere.toPrecision(3)} us; on a Pi it is slower by a factor edgefnn has not measured`);
  } else if (board) {
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
    file, bytes: bytes.length, inputSize: model.inputSize, outputSize: model.outputSize, task, labels: model.labels, params, macs, layers,
    weights: types.size === 1 ? TYPE_NAMES[[...types][0]] : "mixed", memory, ...(rpi ? { rpi } : {}),
    quantized: [...types].some((t) => t !== WEIGHT_F32),
  };
}
