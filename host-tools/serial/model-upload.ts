// Uploading a model so that the board always has one complete, verified
// active model: the new model goes to a fresh Storage name, is verified, and
// only then becomes active by rewriting the small pointer file; the old model
// is erased after that. Interrupted at any point, the old pointer (and the old
// model) are still there.
import { EspruinoRepl } from "../protocols/espruino-repl";
import { BOOT, isModelFileOf, modelFileName, modelId, Pointer, POINTER, RUNTIME } from "./board-files";
import { ensureStorageFile } from "./ensure-file";
import { forgetHelpers, writeVerified, WriteOptions } from "../protocols/storage-write";

export interface UploadPlan {
  name: string;
  model: Uint8Array;
  runtime?: Uint8Array;
  boot?: Uint8Array;
  /** more Storage files to hold exactly these bytes (an app and what it needs), written after the model */
  extra?: { name: string; bytes: Uint8Array }[];
  write?: WriteOptions;
  /** the board's state if the caller already read it (readBoardState): saves a round trip */
  state?: BoardState;
  onStage?: (stage: string) => void;
  /** filled in as the upload goes: after an interruption, what could have changed on the board */
  progress?: UploadProgress;
}

/** How far an upload got. Until `pointerSent` no command that could change
 * the pointer file has left the host, so the previous model is still active
 * whatever happened after; from then on only reading the board can tell. */
export interface UploadProgress {
  /** the new model's Storage file name */
  file: string | null;
  /** the active model before the upload (its pointer named it and the file was there) */
  previous: string | null;
  /** the new pointer's write command has been (or may have been) sent */
  pointerSent: boolean;
  /** the files the upload writes besides the model (runtime, boot script, app files), with their bytes */
  others: { name: string; bytes: Uint8Array }[];
}

export function newProgress(): UploadProgress {
  return { file: null, previous: null, pointerSent: false, others: [] };
}

export interface UploadResult {
  file: string;
  previous: string | null;
  /** bytes of files actually written */
  payload: number;
  retries: number;
  unchanged: string[];
}

export interface BoardState {
  p: Pointer | null;
  files: string[];
  free: number;
  board: string;
}

/** The first command of an upload, only a read (on a noisy link it is sent again like any other: see EspruinoRepl.call). */
export async function readBoardState(repl: EspruinoRepl, tries = 3): Promise<BoardState> {
  return repl.call<BoardState>(
    `(function(){var S=require("Storage"),p=S.read(${JSON.stringify(POINTER)}),q=null;try{q=p?JSON.parse(p):null}catch(e){}` +
      `return {p:q,files:S.list(),free:S.getFree?S.getFree():-1,board:process.env.BOARD||""}})()`,
    5000,
    tries,
  );
}

export async function uploadModel(repl: EspruinoRepl, plan: UploadPlan): Promise<UploadResult> {
  const stage = plan.onStage ?? (() => {});
  const state = plan.state ?? (await readBoardState(repl));
  const previous = state.p && state.files.includes(state.p.file) ? state.p.file : null;
  const file = modelFileName(plan.name, plan.model);
  const progress = plan.progress ?? newProgress();
  Object.assign(progress, { file, previous, pointerSent: false, others: [] });
  if (plan.runtime) progress.others.push({ name: RUNTIME, bytes: plan.runtime });
  if (plan.boot) progress.others.push({ name: BOOT, bytes: plan.boot });
  progress.others.push(...(plan.extra ?? []));
  let payload = 0, retries = 0;
  const unchanged: string[] = [];
  if (plan.runtime) {
    stage(`runtime -> ${RUNTIME}`);
    const r = await ensureStorageFile(repl, RUNTIME, plan.runtime, plan.write);
    if (r.written) payload += plan.runtime.length;
    else unchanged.push(RUNTIME);
    retries += r.retries;
  }
  // leftovers of interrupted uploads of this name (never the active one)
  for (const f of state.files)
    if (isModelFileOf(plan.name, f) && f !== previous && f !== file) await repl.call(`require("Storage").erase(${JSON.stringify(f)})`);
  if (file === previous) {
    stage(`${file} is already the active model`);
    unchanged.push(file);
  } else {
    stage(`model -> ${file}`);
    if (state.files.includes(file)) await repl.call(`require("Storage").erase(${JSON.stringify(file)})`);
    const r = await writeVerified(repl, file, plan.model, plan.write);
    payload += plan.model.length;
    retries += r.retries;
    // the switch: one small file, written whole, then read back
    stage(`activate ${file}`);
    const pointer: Pointer = { file, name: plan.name, bytes: plan.model.length, crc: modelId(plan.model) };
    const text = JSON.stringify(pointer);
    progress.pointerSent = true;
    await repl.call(`require("Storage").write(${JSON.stringify(POINTER)},${JSON.stringify(text)})`);
    const back = await repl.call<string>(`require("Storage").read(${JSON.stringify(POINTER)})`);
    if (back !== text) throw new Error(`the pointer file reads back wrong: ${JSON.stringify(back)}`);
    payload += text.length;
    if (previous) {
      stage(`erase the old model ${previous}`);
      await repl.call(`require("Storage").erase(${JSON.stringify(previous)})`);
    }
  }
  if (plan.boot) {
    stage(`boot script -> ${BOOT}`);
    const r = await ensureStorageFile(repl, BOOT, plan.boot, plan.write);
    if (r.written) payload += plan.boot.length;
    else unchanged.push(BOOT);
    retries += r.retries;
  }
  for (const f of plan.extra ?? []) {
    stage(`${f.name}`);
    const r = await ensureStorageFile(repl, f.name, f.bytes, plan.write);
    if (r.written) payload += f.bytes.length;
    else unchanged.push(f.name);
    retries += r.retries;
  }
  await forgetHelpers(repl);
  return { file, previous, payload, retries, unchanged };
}
