// edgefnn upload model.efnn --port /dev/ttyACM0: the model (and with
// --runtime the ES5 runtime, with --boot a boot script) into the board's
// Storage, verified, and made active atomically.
import { SingleBar } from "cli-progress";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { bytes as fmtBytes, fail, Output } from "../cli-support";
import { DIST_MIN, ensureBundle, FIRMWARE_DIR } from "../bundle-files";
import { readModelFile } from "../model-file";
import { checkModelName, MODEL_NAME_MAX } from "../serial/board-files";
import { BoardResetError } from "../serial/espruino-repl";
import { LinkError } from "../serial/link";
import { openBoard, readBoardState, uploadModel } from "../serial/model-upload";

export interface UploadOptions {
  port: string;
  name?: string;
  runtime?: boolean;
  boot?: boolean;
  baud: number;
}

/** A Storage-safe name from the model's file name: iris.q8.efnn -> iris_q8. */
export function defaultName(file: string): string {
  const n = basename(file).replace(/\.efnn$/, "").replace(/[^A-Za-z0-9_-]/g, "_").slice(0, MODEL_NAME_MAX);
  return n || "model";
}

export async function uploadCommand(file: string, o: UploadOptions, out: Output) {
  const { bytes } = readModelFile(file);
  const name = checkModelName(o.name ?? defaultName(file));
  let runtime: Uint8Array | undefined;
  if (o.runtime) {
    ensureBundle();
    runtime = new Uint8Array(readFileSync(DIST_MIN));
  }
  const boot = o.boot ? new Uint8Array(readFileSync(join(FIRMWARE_DIR, "boot.js"))) : undefined;
  const t0 = performance.now();
  const { link, repl } = await openBoard(o.port, o.baud).catch((e) => fail((e as Error).message));
  const total = bytes.length + (runtime?.length ?? 0) + (boot?.length ?? 0);
  const bar = !out.json && process.stdout.isTTY
    ? new SingleBar({ format: "  {stage} |{bar}| {value}/{total} bytes", hideCursor: true, barsize: 24 })
    : null;
  let done = 0, stageBase = 0, previous: string | null = null, known = false;
  try {
    previous = (await readBoardState(repl)).p?.file ?? null;
    known = true;
    out.say(`edgefnn upload: ${file} -> ${o.port} as "${name}"${previous ? ` (active now: ${previous})` : ""}`);
    bar?.start(total, 0, { stage: "connecting" });
    const r = await uploadModel(repl, {
      name, model: bytes, runtime, boot,
      onStage: (s) => {
        stageBase = done;
        bar?.update(done, { stage: s.split(" ")[0] });
        if (!bar) out.say(`  ${s}`);
      },
      write: { onProgress: (d) => { done = stageBase + d; bar?.update(done); } },
    });
    bar?.update(total);
    bar?.stop();
    const seconds = (performance.now() - t0) / 1000;
    const wire = link.stats.sent;
    const at115200 = (wire * 10) / 115200;
    out.say(`  active model: ${r.file}${r.previous && r.previous !== r.file ? ` (replaced ${r.previous}, erased)` : ""}`);
    if (r.unchanged.length) out.say(`  already on the board, not sent again: ${r.unchanged.join(", ")}`);
    out.say(
      `  payload ${fmtBytes(r.payload)}, on the wire ${fmtBytes(wire)} (efficiency ${r.payload ? ((100 * r.payload) / wire).toFixed(0) : 0}%), ` +
        `${seconds.toFixed(1)} s; at 115200 baud the wire bytes take ${at115200.toFixed(1)} s` +
        (r.retries ? `; ${r.retries} chunk${r.retries > 1 ? "s" : ""} resent` : ""),
    );
    return { port: o.port, name, file: r.file, previous: r.previous, payload: r.payload, wire, efficiency: r.payload / wire, seconds, at115200, retries: r.retries, xoffs: link.stats.xoffs, unchanged: r.unchanged };
  } catch (e) {
    bar?.stop();
    if (e instanceof LinkError || e instanceof BoardResetError) {
      const what = e instanceof BoardResetError ? "the board reset during the upload" : e.message;
      fail(
        `upload interrupted: ${what}. ` +
          (!known
            ? "Nothing was changed on the board (its Storage could not even be read)."
            : previous
              ? `The previous model ${previous} is still active.`
              : "The board had no active model before; it still has none."),
      );
    }
    throw e;
  } finally {
    await link.close();
  }
}
