// edgefnn info model.efnn [--board puckjs]: what is inside a model and whether it fits a board.
import { activationById, decodeLayout, Model, WEIGHT_F32 } from "../../src/core/index";
import { learnCost } from "../../src/learn/cost";
import { bytes as fmtBytes, fail, Output, table } from "../cli-support";
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

/** a positive whole number option, or a message that says what to give */
function count(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`${name} ${JSON.stringify(v)}: give a whole number of at least 1`);
  return n;
}

export function infoCommand(file: string, o: { board?: string; learn?: string; buffer?: string }, out: Output) {
  if ((o.learn !== undefined || o.buffer !== undefined) && !o.board) fail("--learn and --buffer need --board: the cost is in a board's blocks");
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
  if (o.board) {
    const board = boardById(o.board);
    const m = estimateMemory(model, board);
    memory = { board: board.id, ...m };
    out.say();
    out.say(`  on a ${board.name} (${board.blocks} blocks of ${board.blockBytes} bytes):`);
    out.say(`    runtime ${m.runtime} + model ${m.model} + buffers ${m.buffers} = ${m.total} blocks (${((100 * m.total) / board.blocks).toFixed(0)}% of the board; labels are read from the file)`);
    out.say(`    the ${fmtBytes(bytes.length)} file stays in flash: check it fits Storage with require("Storage").getFree() on the board`);
    out.say(`    ${m.fits ? "fits" : "does not fit"}: ${m.fits ? "leaves" : "would leave"} ${board.blocks - m.total} blocks for your own code (edgefnn wants at least half the board free)`);
    if (o.learn !== undefined) {
      const k = Math.min(count("--learn", o.learn, 1), model.layers.length), n = count("--buffer", o.buffer, 30);
      const c = learnCost(decodeLayout(bytes).T, k, n, board.blockBytes), left = board.blocks - m.total - c.blocks;
      memory = { ...memory, learn: { layers: k, buffer: n, ...c, left } };
      out.say(`    fine-tuning the last ${k} layer${k > 1 ? "s" : ""} (${c.params} float32 parameters), a buffer of ${n} samples: about ${c.blocks} blocks more while fit() runs`);
      out.say(`    ${left >= 0 ? `leaves about ${left}` : `is ${-left} blocks short: the learner refuses to start; train fewer layers (--learn) or keep fewer samples (--buffer).`}${left >= 0 ? " blocks for the app (the learner checks process.memory() when it starts)" : ""}`);
    }
  }
  const types = new Set(model.layers.map((L) => L.wtype));
  return {
    file, bytes: bytes.length, inputSize: model.inputSize, outputSize: model.outputSize, task, labels: model.labels, params, macs, layers,
    weights: types.size === 1 ? TYPE_NAMES[[...types][0]] : "mixed", memory,
    quantized: [...types].some((t) => t !== WEIGHT_F32),
  };
}
