// edgefnn pull [NAME] --port P [--out model.efnn]: copies a model file from an
// Espruino board's Storage to the desktop (a model the board fine-tuned itself,
// docs/ON-BOARD-LEARNING.md), so `edgefnn eval` can score it there.
//
// The file comes in chunks small enough for the console, each as base64 of
// Storage.read(name, offset, length) through the REPL's checked call (the
// answer carries its own CRC-32, a garbled one is asked again). The whole is
// then proved against the board's own E.CRC32 of the file, read after the last
// chunk (a file rewritten meanwhile fails it), and must decode as a model;
// only then is --out written, atomically, and never over a file edgefnn did not write.
import { decodeModel, Model } from "../../src/core/index";
import { crc32 } from "../files/crc32";
import { AgentRefused } from "../agent/client";
import { fail, quoteValue, UserError } from "../cli/user-error";
import { Output } from "../cli/output";
import { LinkError } from "../links/byte-link";
import { checkWritable, writeFileAtomic } from "../files/model-file";
import { MODEL_FILE } from "../files/own-output";
import { BoardResetError, EspruinoRepl } from "../protocols/espruino-repl";
import { modelId, POINTER, STORAGE_NAME_MAX } from "../serial/board-files";

/** Bytes per chunk: 684 characters of base64 in each answer, a few dozen blocks
 * of the board's RAM for the copy (the file itself is read from flash in place). */
export const CHUNK = 512;

const GUARD = { kind: MODEL_FILE, flag: "--out" };

export interface PullOptions {
  port: string;
  baud: number;
  out?: string;
}

/** A Storage name as the user typed it: pasted into board code only through JSON.stringify. */
function checkStorageName(name: string): string {
  if (!name.length || name.length > STORAGE_NAME_MAX || !/^[\x21-\x7e]+$/.test(name))
    fail(
      `${quoteValue(name)} is not a Storage file name: give 1 to ${STORAGE_NAME_MAX} printable characters without spaces, or active ` +
        `(the board's active model)`,
    );
  return name;
}

/** The host file a board file lands in without --out: its name plus .efnn, here. */
function defaultOut(file: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(file)) fail(`${quoteValue(file)} does not make a safe file name here: give --out`);
  return `${file}.efnn`;
}

/** Which file the pointer edgefnn.active names, or what to do without one. */
async function activeFile(repl: EspruinoRepl, port: string): Promise<string> {
  const p = await repl.call<{ file?: unknown } | null | "bad">(
    `(function(){var p=require("Storage").read(${JSON.stringify(POINTER)});if(p===undefined)return null;try{return ` +
      `JSON.parse(p)}catch(e){return "bad"}})()`,
  );
  if (p === null)
    fail(`${port}: the board has no active model (no ${POINTER}): upload one, or give the Storage file's name (edgefnn pull NAME)`);
  if (p === "bad" || typeof p !== "object" || typeof p.file !== "string")
    fail(`${port}: ${POINTER} on the board does not name a model file: give the Storage file's name (edgefnn pull NAME)`);
  return p.file;
}

/** The file's length and first 4 bytes (base64), or its absence with the Storage files that look like models. */
async function fileHead(repl: EspruinoRepl, file: string): Promise<{ n: number; head: string } | { missing: string[] }> {
  return repl.call(
    `(function(n){var S=require("Storage"),s=S.read(n);if(s===undefined)return {missing:S.list(/^[A-Za-z0-9_-]+\\.[0-9a-f]{8}$/)};` +
      `return {n:s.length,head:btoa(s.substr(0,4))}})(${JSON.stringify(file)})`,
  );
}

export async function pullCommand(name: string | undefined, o: PullOptions, out: Output) {
  const wanted = checkStorageName(name ?? "active");
  // a wrong --out fails before the board is touched
  if (o.out !== undefined) checkWritable(o.out, GUARD);
  const { openTarget } = await import("../boards/target");
  const target = await openTarget(o.port, o.baud).catch((e) => fail((e as Error).message));
  try {
    if (target.kind === "agent")
      fail(
        `${o.port} is an edgefnn agent: pull supports Espruino boards only in this version (the agent protocol has no file read); ` +
          `the agent's active model is the file active.efnn in its --dir: copy that instead`,
      );
    const repl = target.repl;
    const file = wanted === "active" ? await activeFile(repl, o.port) : wanted;
    const outFile = o.out ?? defaultOut(file);
    checkWritable(outFile, GUARD);
    const info = await fileHead(repl, file);
    if ("missing" in info) {
      const models = info.missing.length ? `model files there: ${info.missing.join(", ")}` : "no model files there";
      fail(`${o.port}: no file ${quoteValue(file)} in the board's Storage (${models}): give one of them, or active`);
    }
    if (Buffer.from(info.head, "base64").toString("latin1") !== "EFNN")
      fail(
        `${o.port}: ${quoteValue(file)} (${info.n} bytes) is not an edgefnn model (it does not start EFNN): give a model file's name, ` +
          `or active; nothing was written`,
      );
    const bytes = new Uint8Array(info.n);
    let chunks = 0;
    for (let at = 0; at < info.n; at += CHUNK) {
      const len = Math.min(CHUNK, info.n - at);
      const b64 = await repl.call<string | null>(
        `(function(n){var s=require("Storage").read(n,${at},${len});return s===undefined?null:btoa(s)})(${JSON.stringify(file)})`,
      );
      const part = b64 === null ? null : Buffer.from(b64, "base64");
      if (!part || part.length !== len)
        fail(
          `${o.port}: ${quoteValue(file)} changed on the board while it was read (erased or shortened): run pull again; nothing was ` +
            `written`,
        );
      bytes.set(part, at);
      chunks++;
    }
    // the board's own CRC of the file as it is now: proves every byte, and that nothing rewrote it meanwhile
    const board = await repl.call<[number, number] | null>(
      `(function(n){var s=require("Storage").read(n);return s===undefined?null:[E.CRC32(s)>>>0,s.length]})(${JSON.stringify(file)})`,
    );
    const crc = crc32(bytes) >>> 0;
    if (!board || board[1] !== bytes.length || board[0] >>> 0 !== crc)
      fail(
        `${o.port}: ${quoteValue(file)} read wrong: CRC-32 ${hex(crc)} of ${bytes.length} bytes here, ` +
          `${board ? `${hex(board[0])} of ${board[1]} bytes` : "no such file now"} on the board (it changed meanwhile, or the link ` +
          `lost bytes): run pull again; nothing was written`,
      );
    let model: Model;
    try {
      model = decodeModel(bytes);
    } catch (e) {
      fail(
        `${o.port}: ${quoteValue(file)} arrived intact but is not a model edgefnn can read (${(e as Error).message}); nothing was written`,
      );
    }
    writeFileAtomic(outFile, bytes, GUARD);
    out.say(`edgefnn pull: ${file} from ${o.port} -> ${outFile}`);
    out.say(
      `  ${bytes.length} bytes in ${chunks} chunks, CRC-32 ${hex(crc)} equal to the board's; ${model.inputSize} inputs -> ` +
        `${model.outputSize} outputs`,
    );
    out.say(`  score it here: edgefnn eval ${outFile} data.csv`);
    return {
      ok: true,
      file,
      active: wanted === "active",
      out: outFile,
      bytes: bytes.length,
      crc32: crc,
      id: modelId(bytes),
      chunks,
      inputs: model.inputSize,
      outputs: model.outputSize,
    };
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof LinkError || e instanceof BoardResetError || e instanceof AgentRefused)
      fail(`pull interrupted: ${e.message}; nothing was written`);
    throw e;
  } finally {
    await target.link.close();
  }
}

const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
