// edgefnn info model.efnn [--board puckjs]: what is inside a model and whether it fits a board.
import { activationById, decodeLayout, Model, WEIGHT_F32 } from "../../src/core/index";
import { learnCost } from "../../src/learn/cost";
import { fail, quoteValue, UserError } from "../cli/user-error";
import { bytes as fmtBytes, Output, table } from "../cli/output";
import { boardById, BOARDS, estimateMemory, findBoard } from "../boards/boards";
import { load } from "../../src/device/runtime";
import { readModelFile } from "../files/model-file";
import { classNames, isBinary, isClassifier, layerGamma } from "../evaluation/model-kind";

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

/** What a connected board says about itself: its free blocks now and its free Storage (or that it is an edgefnn agent). */
async function readBoard(port: string, baud: number) {
  // the serial code loads only for --port
  const { openTarget } = await import("../boards/target");
  const target = await openTarget(port, baud).catch((e) => fail((e as Error).message));
  try {
    if (target.kind === "agent") return { port, kind: "agent" as const, agent: target.client.info };
    const r = await target.repl.call<{ env: string; free: number; total: number; blocksize: number; storageFree: number }>(
      `(function(){var m=process.memory(),S=require("Storage");return ` +
        `{env:process.env.BOARD||"",free:m.free,total:m.total,blocksize:m.blocksize||0,storageFree:S.getFree?S.getFree():-1}})()`,
      5000,
    );
    return { port, kind: "espruino" as const, ...r };
  } catch (e) {
    if (e instanceof UserError) throw e;
    fail(`info --port ${port}: ${(e as Error).message}`);
  } finally {
    await target.link.close();
  }
}

/** a positive whole number option, or a message that says what to give */
function count(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`${name} ${quoteValue(v)}: give a whole number of at least 1`);
  return n;
}

export interface InfoOptions {
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
  const layers = model.layers.map((L, l) => ({
    layer: l + 1,
    inputs: L.nIn,
    outputs: L.nOut,
    activation: activationById(L.act).name,
    gamma: layerGamma(L),
    weights: TYPE_NAMES[L.wtype],
    params: L.nIn * L.nOut + L.nOut + (L.prelu ? L.nOut : 0),
    macs: L.nIn * L.nOut,
  }));
  const params = layers.reduce((s, L) => s + L.params, 0);
  const macs = layers.reduce((s, L) => s + L.macs, 0);
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
  out.say();
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
  let memory = null;
  let rpi = null;
  if (o.board && isRpi(o.board)) {
    rpi = raspberryPi(bytes, model);
    out.say();
    out.say('  on a Raspberry Pi (Node.js, require("edgefnn")): no block budget, the model is a small part of a Node process');
    out.say(`    the model in memory: the ${fmtBytes(bytes.length)} file plus ${fmtBytes(rpi.bufferBytes)} of buffers`);
    out.say(
      `    one inference (run) on this computer, with the same runtime: ${rpi.microsecondsHere.toPrecision(3)} us; on a Pi it is ` +
        `slower by a factor edgefnn has not measured`,
    );
  } else if (board) {
    const m = estimateMemory(model, board);
    memory = { board: board.id, ...m };
    out.say();
    out.say(`  on a ${board.name} (${board.blocks} blocks of ${board.blockBytes} bytes):`);
    out.say(
      `    runtime ${m.runtime} + model ${m.model} + buffers ${m.buffers} = ${m.total} blocks ` +
        `(${((100 * m.total) / board.blocks).toFixed(0)}% of the board; labels are read from the file)`,
    );
    out.say(`    the ${fmtBytes(bytes.length)} file stays in flash: check it fits Storage with require("Storage").getFree() on the board`);
    out.say(
      `    ${m.fits ? "fits" : "does not fit"}: ${m.fits ? "leaves" : "would leave"} ${board.blocks - m.total} blocks for your own ` +
        `code (edgefnn wants at least half the board free)`,
    );
    if (o.learn !== undefined) {
      const k = Math.min(count("--learn", o.learn, 1), model.layers.length),
        n = count("--buffer", o.buffer, 30);
      const c = learnCost(decodeLayout(bytes).T, k, n, board.blockBytes),
        left = board.blocks - m.total - c.blocks;
      memory = { ...memory, learn: { layers: k, buffer: n, ...c, left } };
      out.say(
        `    fine-tuning the last ${k} layer${k > 1 ? "s" : ""} (${c.params} float32 parameters), a buffer of ${n} samples: about ` +
          `${c.blocks} blocks more while fit() runs`,
      );
      out.say(
        left >= 0
          ? `    leaves about ${left} blocks for the app (the learner checks process.memory() when it starts)`
          : `    is ${-left} blocks short: the learner refuses to start; train fewer layers (--learn) or keep fewer samples (--buffer).`,
      );
    }
  }
  let onBoard = null;
  if (connected?.kind === "agent") {
    onBoard = connected;
    out.say();
    out.say(`  ${connected.port}: an edgefnn agent (Node.js, a Raspberry Pi or the like): no block budget`);
  } else if (connected) {
    // the estimate in this board's own block size and count; what it needs against what is free now
    const here = estimateMemory(model, {
      ...(board ?? BOARDS[0]),
      blocks: connected.total,
      blockBytes: connected.blocksize || (board ?? BOARDS[0]).blockBytes,
    });
    const fitsNow = here.total <= connected.free;
    const fitsStorage = connected.storageFree < 0 ? null : bytes.length <= connected.storageFree;
    onBoard = { ...connected, needs: here.total, fitsNow, fitsStorage };
    out.say();
    out.say(`  the board on ${connected.port}${connected.env ? ` (${connected.env})` : ""}, read now:`);
    out.say(
      `    ${connected.free} of ${connected.total} blocks free (${connected.blocksize} bytes each); the runtime and this model need ` +
        `${here.total}${board ? "" : " (block costs of a Puck.js: the board did not say which it is)"}: ` +
        `${fitsNow ? "fits in what is free" : "more than is free"} (less if the runtime is loaded already)`,
    );
    out.say(
      `    Storage: ` +
        (connected.storageFree < 0
          ? "its free space could not be read (no Storage.getFree)"
          : `${fmtBytes(connected.storageFree)} free; the model file is ${fmtBytes(bytes.length)}: ` +
            (fitsStorage ? "fits" : "does not fit")),
    );
  }
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
