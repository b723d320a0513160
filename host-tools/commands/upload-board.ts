// edgefnn upload to an Espruino board: read its Storage, refuse to replace a
// file edgefnn did not write (without --force), say what is missing, send the
// files (uploadModel: verified, made active atomically), and report; when the
// upload stops part way, read the board again and say what is active.
import { AppFile, BoardApp } from "../apps/gestures";
import { filesUploadTouches, guardFixedNames } from "../serial/own-files";
import { UserError } from "../cli/user-error";
import { Output } from "../cli/output";
import { RUNTIME } from "../serial/board-files";
import { BoardResetError, EspruinoRepl } from "../protocols/espruino-repl";
import { ByteLink } from "../links/byte-link";
import { newProgress, readBoardState, uploadModel } from "../serial/model-upload";
import { factSentence, unknownFact } from "../serial/active-fact";
import { boardFact, rereadBoard } from "../serial/board-reread";
import { interrupted, progressBar, uploadCost, verifyHint } from "./upload-report";
import type { UploadOptions } from "./upload";

export interface BoardUpload {
  file: string;
  name: string;
  bytes: Uint8Array;
  runtime: Uint8Array | undefined;
  boot: Uint8Array | undefined;
  app: BoardApp | null;
  link: ByteLink;
  repl: EspruinoRepl;
  o: UploadOptions;
  out: Output;
  /** when the upload started (performance.now()) */
  t0: number;
}

type BoardState = Awaited<ReturnType<typeof readBoardState>>;
type Progress = ReturnType<typeof newProgress>;

const warn = (l: string) => process.stderr.write(`edgefnn: ${l}\n`);

export async function uploadToBoard(u: BoardUpload) {
  const { file, name, bytes, link, repl, o, out } = u;
  const bar = progressBar(out);
  const progress = newProgress();
  let known = false;
  try {
    const state = await readBoardState(repl);
    const previous = state.p?.file ?? null;
    known = true;
    out.say(`edgefnn upload: ${file} -> ${o.port} as "${name}"${previous ? ` (active now: ${previous})` : ""}`);
    const { extra, runtimeMissing } = await checkBoard(u, state);
    const total = bytes.length + (u.runtime?.length ?? 0) + (u.boot?.length ?? 0) + extra.reduce((s, f) => s + f.bytes.length, 0);
    bar?.start(total, 0, { stage: "connecting" });
    // bytes done before the current stage, and in all
    let done = 0,
      stageBase = 0;
    const r = await uploadModel(repl, {
      name,
      model: bytes,
      runtime: u.runtime,
      boot: u.boot,
      extra,
      state,
      progress,
      onStage: (s) => {
        stageBase = done;
        bar?.update(done, { stage: s.split(" ")[0] });
        if (!bar) out.say(`  ${s}`);
      },
      write: {
        transfer: o.transfer,
        onProgress: (d) => {
          done = stageBase + d;
          bar?.update(done);
        },
      },
    });
    bar?.update(total);
    bar?.stop();
    return boardReport(u, r, runtimeMissing);
  } catch (e) {
    bar?.stop();
    if (e instanceof UserError) throw e;
    return boardInterrupted(u, e, known, progress);
  } finally {
    await link.close();
  }
}

/** Before anything is written: the app's files for this board, no file edgefnn
 * did not write replaced without --force, a missing runtime and the app's notes said. */
async function checkBoard(u: BoardUpload, state: BoardState): Promise<{ extra: AppFile[]; runtimeMissing: boolean }> {
  const { name, runtime, boot, app, repl, o, out } = u;
  // the app's files depend on the board; no file edgefnn did not write is replaced without --force
  const extra = app?.files(state.board) ?? [];
  // only those the board lists can be someone else's: a board without any is asked nothing
  const touched = filesUploadTouches({
    name,
    runtime: !!runtime,
    boot: !!boot,
    extra: extra.map((f) => f.name),
    files: state.files,
    pointerFile: state.p?.file ?? null,
  }).filter((f) => state.files.includes(f));
  await guardFixedNames(repl, touched, o.force, warn);
  // the model alone is of no use to a board without the runtime module: say so, and which flag puts it there
  const runtimeMissing = !runtime && !state.files.includes(RUNTIME);
  if (runtimeMissing)
    warn(
      `the board has no runtime in Storage (no file "${RUNTIME}"), so require("edgefnn") fails there: add --runtime to upload it ` +
        `with the model`,
    );
  const notes = await app?.notes(repl, state.board, state.files);
  notes?.info.forEach((l) => out.say(l));
  notes?.warnings.forEach(warn);
  return { extra, runtimeMissing };
}

/** The finished upload's lines and --json object. */
function boardReport(u: BoardUpload, r: Awaited<ReturnType<typeof uploadModel>>, runtimeMissing: boolean) {
  const { name, link, o, out } = u;
  const cost = uploadCost(link, r.payload, u.t0);
  out.say(`  active model: ${r.file}${r.previous && r.previous !== r.file ? ` (replaced ${r.previous}, erased)` : ""}`);
  if (r.unchanged.length) out.say(`  already on the board, not sent again: ${r.unchanged.join(", ")}`);
  out.say(cost.sentence + (r.retries ? `; ${r.retries} chunk${r.retries > 1 ? "s" : ""} resent` : ""));
  return {
    ok: true,
    port: o.port,
    target: "espruino",
    name,
    file: r.file,
    previous: r.previous,
    active: "new",
    activeFile: r.file,
    ...cost.fields,
    retries: r.retries,
    xoffs: link.stats.xoffs,
    unchanged: r.unchanged,
    runtimeMissing,
  };
}

/** An upload that stopped: before the first read nothing was sent that writes;
 * after it, only reading the board again tells what is active. */
async function boardInterrupted(u: BoardUpload, e: unknown, known: boolean, progress: Progress) {
  const { file, name, bytes, link, repl, o } = u;
  const what = e instanceof BoardResetError ? "the board reset during the upload" : (e as Error).message;
  if (!known)
    return interrupted(
      o,
      name,
      null,
      `upload interrupted: ${what}. Nothing was changed on the board (its Storage could not even be read).`,
      unknownFact("the board's Storage could not be read, and nothing that writes was sent"),
    );
  const names = [progress.file, progress.previous, ...progress.others.map((x) => x.name)].filter((x): x is string => !!x);
  const fact = boardFact(progress, bytes, await rereadBoard(link, repl, names));
  return interrupted(o, name, progress.file, `upload interrupted: ${what}. ${factSentence(fact, "board", verifyHint(file, o.port))}`, fact);
}
