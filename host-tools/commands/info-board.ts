// edgefnn info's board half: whether the model fits a board's blocks (and a
// learner's, with --learn), what a Raspberry Pi holds for it, and what a
// connected board (--port) says about itself now.
import { decodeLayout, Model } from "../../src/core/index";
import { learnCost } from "../../src/learn/cost";
import { load } from "../../src/device/runtime";
import { fail, quoteValue, UserError } from "../cli/user-error";
import { bytes as fmtBytes, Output } from "../cli/output";
import { Board, BOARDS, estimateMemory } from "../boards/boards";
import type { InfoOptions } from "./info";

export const isRpi = (board: string): boolean => /^(rpi|pi|raspberry ?pi)$/i.test(board.trim());

/** What a Pi's Node.js holds for the model (the file's bytes, the runtime's two
 * activation buffers of the widest layer), and one inference's time measured
 * here with the board runtime: not a Pi's time, which this tool has not measured. */
function raspberryPi(bytes: Uint8Array, model: Model) {
  let widest = model.inputSize;
  for (const layer of model.layers) widest = Math.max(widest, layer.nOut);
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
export async function readBoard(port: string, baud: number) {
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

/** The Raspberry Pi lines (--board rpi); returns what --json reports. */
export function sayRaspberryPi(bytes: Uint8Array, model: Model, out: Output) {
  const rpi = raspberryPi(bytes, model);
  out.say();
  out.say('  on a Raspberry Pi (Node.js, require("edgefnn")): no block budget, the model is a small part of a Node process');
  out.say(`    the model in memory: the ${fmtBytes(bytes.length)} file plus ${fmtBytes(rpi.bufferBytes)} of buffers`);
  out.say(
    `    one inference (run) on this computer, with the same runtime: ${rpi.microsecondsHere.toPrecision(3)} us; on a Pi it is ` +
      `slower by a factor edgefnn has not measured`,
  );
  return rpi;
}

/** Whether the model fits `board`'s blocks, and with --learn the learner's; returns what --json reports. */
export function sayBoardFit(bytes: Uint8Array, model: Model, board: Board, o: InfoOptions, out: Output) {
  const m = estimateMemory(model, board);
  const memory = { board: board.id, ...m };
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
  if (o.learn === undefined) return memory;
  return { ...memory, learn: sayLearnCost(bytes, model, board, board.blocks - m.total, o, out) };
}

/** What fine-tuning the last --learn layers with a buffer of --buffer samples costs, and what it leaves of `free` blocks. */
function sayLearnCost(bytes: Uint8Array, model: Model, board: Board, free: number, o: InfoOptions, out: Output) {
  const k = Math.min(count("--learn", o.learn, 1), model.layers.length),
    n = count("--buffer", o.buffer, 30);
  const c = learnCost(decodeLayout(bytes).T, k, n, board.blockBytes),
    left = free - c.blocks;
  out.say(
    `    fine-tuning the last ${k} layer${k > 1 ? "s" : ""} (${c.params} float32 parameters), a buffer of ${n} samples: about ` +
      `${c.blocks} blocks more while fit() runs`,
  );
  out.say(
    left >= 0
      ? `    leaves about ${left} blocks for the app (the learner checks process.memory() when it starts)`
      : `    is ${-left} blocks short: the learner refuses to start; train fewer layers (--learn) or keep fewer samples (--buffer).`,
  );
  return { layers: k, buffer: n, ...c, left };
}

/** What the board on --port said, against what the model needs; returns what --json reports. */
export function sayConnected(
  connected: NonNullable<Awaited<ReturnType<typeof readBoard>>>,
  bytes: Uint8Array,
  model: Model,
  board: Board | null,
  out: Output,
) {
  if (connected.kind === "agent") {
    out.say();
    out.say(`  ${connected.port}: an edgefnn agent (Node.js, a Raspberry Pi or the like): no block budget`);
    return connected;
  }
  // the estimate in this board's own block size and count; what it needs against what is free now
  const here = estimateMemory(model, {
    ...(board ?? BOARDS[0]),
    blocks: connected.total,
    blockBytes: connected.blocksize || (board ?? BOARDS[0]).blockBytes,
  });
  const fitsNow = here.total <= connected.free;
  const fitsStorage = connected.storageFree < 0 ? null : bytes.length <= connected.storageFree;
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
  return { ...connected, needs: here.total, fitsNow, fitsStorage };
}
