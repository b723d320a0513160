// Uploading a model so that the board always has one complete, verified
// active model: the new model goes to a fresh Storage name, is verified, and
// only then becomes active by rewriting the small pointer file; the old model
// is erased after that. Interrupted at any point, the old pointer (and the old
// model) are still there.
import { EspruinoRepl } from "../protocols/espruino-repl";
import { BOOT, isModelFileOf, modelFileName, modelId, Pointer, POINTER, RUNTIME } from "./board-files";
import { eraseOwnFile } from "./ensure-file";
import { fileProof, jsString, sameProof } from "../protocols/file-proof";
import { noteFirmwareVersion } from "../protocols/packet-file";
import { forgetHelpers, readProofs, writeVerified, WriteOptions } from "../protocols/storage-write";

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
  board: string;
}

/** The first command of an upload, only a read (on a noisy link it is sent
 * again like any other: see EspruinoRepl.call). It also asks the firmware's
 * version, which decides how files travel (packet-file.ts), so that takes no
 * command of its own. */
export async function readBoardState(repl: EspruinoRepl, tries = 3): Promise<BoardState> {
  // the pointer travels as text, parsed here: one that does not parse is no pointer (S: see EspruinoRepl.call)
  const s = await repl.call<{ p?: string; f: string[]; b?: string; v?: string }>(
    `({p:S.read(${jsString(POINTER)}),f:S.list(),b:process.env.BOARD,v:process.env.VERSION})`,
    5000,
    tries,
  );
  noteFirmwareVersion(repl, String(s.v ?? ""));
  return { p: parsePointer(s.p), files: s.f, board: s.b ?? "" };
}

function parsePointer(text: string | undefined): Pointer | null {
  if (typeof text !== "string") return null;
  try {
    return JSON.parse(text) as Pointer;
  } catch {
    return null;
  }
}

/** Writes the upload's files, proves them all with one command, and only then
 * switches the pointer. Order: the runtime, the model, the boot script and the
 * app's files, each sent unproven (on the packet path the board ACKs even a
 * failed write); then the proofs of every file sent, read on the board in one
 * command; a file that fails its proof is erased and written again through the
 * console path, which proves it itself; then the pointer (when the model is
 * new), read back; then the old model erased. Files the board already holds
 * byte for byte (by their proofs, one command for all of them) are not sent. */
export async function uploadModel(repl: EspruinoRepl, plan: UploadPlan): Promise<UploadResult> {
  const stage = plan.onStage ?? (() => {});
  const state = plan.state ?? (await readBoardState(repl));
  const previous = state.p && state.files.includes(state.p.file) ? state.p.file : null;
  const file = modelFileName(plan.name, plan.model);
  const progress = plan.progress ?? newProgress();
  Object.assign(progress, { file, previous, pointerSent: false, others: [] });
  const runtime = plan.runtime ? { name: RUNTIME, bytes: plan.runtime, stage: `runtime -> ${RUNTIME}` } : null;
  const boot = plan.boot ? { name: BOOT, bytes: plan.boot, stage: `boot script -> ${BOOT}` } : null;
  const extra = (plan.extra ?? []).map((f) => ({ ...f, stage: f.name }));
  progress.others.push(
    ...[runtime, boot, ...extra].filter((f): f is NonNullable<typeof f> => !!f).map(({ name, bytes }) => ({ name, bytes })),
  );
  let payload = 0,
    retries = 0;
  const unchanged: string[] = [];
  // of the files besides the model, those the board lists: their proofs, one command (none on a board without them)
  const listed = progress.others.map((f) => f.name).filter((n) => state.files.includes(n));
  const have = listed.length ? await readProofs(repl, listed) : {};
  const sent: { name: string; bytes: Uint8Array }[] = [];
  const send = async (f: { name: string; bytes: Uint8Array; stage: string }) => {
    stage(f.stage);
    const r = await writeVerified(repl, f.name, f.bytes, plan.write, false);
    retries += r.retries;
    payload += f.bytes.length;
    sent.push(f);
  };
  const ensure = async (f: { name: string; bytes: Uint8Array; stage: string } | null) => {
    if (!f) return;
    const h = have[f.name] ?? null;
    if (sameProof(h, fileProof(f.bytes))) return void unchanged.push(f.name);
    if (h) await eraseOwnFile(repl, f.name);
    await send(f);
  };
  await ensure(runtime);
  // leftovers of interrupted uploads of this name (never the active one)
  for (const f of state.files)
    if (isModelFileOf(plan.name, f) && f !== previous && f !== file) await repl.call(`require("Storage").erase(${JSON.stringify(f)})`);
  if (file === previous) {
    stage(`${file} is already the active model`);
    unchanged.push(file);
  } else {
    if (state.files.includes(file)) await repl.call(`require("Storage").erase(${JSON.stringify(file)})`);
    await send({ name: file, bytes: plan.model, stage: `model -> ${file}` });
  }
  await ensure(boot);
  for (const f of extra) await ensure(f);
  // one proof for every file sent; the whole-file CRCs, as each file alone had them before
  if (sent.length) {
    const got = await readProofs(
      repl,
      sent.map((f) => f.name),
    );
    for (const f of sent) {
      if (sameProof(got[f.name] ?? null, fileProof(f.bytes))) continue;
      retries++;
      await repl.call(`require("Storage").erase(${JSON.stringify(f.name)})`);
      retries += (await writeVerified(repl, f.name, f.bytes, { ...plan.write, transfer: "console" })).retries;
    }
  }
  if (file !== previous) {
    // the switch: one small file, written whole and read back in the same command
    stage(`activate ${file}`);
    const pointer: Pointer = { file, name: plan.name, bytes: plan.model.length, crc: modelId(plan.model) };
    const text = JSON.stringify(pointer);
    progress.pointerSent = true;
    const back = await repl.call<string>(`(S.write(${jsString(POINTER)},${jsString(text)}),S.read(${jsString(POINTER)}))`);
    if (back !== text) throw new Error(`the pointer file reads back wrong: ${JSON.stringify(back)}`);
    payload += text.length;
    if (previous) {
      stage(`erase the old model ${previous}`);
      await repl.call(`require("Storage").erase(${JSON.stringify(previous)})`);
    }
  }
  await forgetHelpers(repl);
  return { file, previous, payload, retries, unchanged };
}
