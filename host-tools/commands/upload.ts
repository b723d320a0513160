// edgefnn upload model.efnn --port /dev/ttyACM0: the model (and with
// --runtime the ES5 runtime, with --boot a boot script) into the board's
// Storage, verified, and made active atomically. If an edgefnn agent answers
// on the port instead (a Raspberry Pi), the model goes to it over the agent
// protocol: staged, CRC-checked on the Pi's disk, then activated by a rename.
//
//   upload.ts         the options, the default name, and which of the two paths
//   upload-board.ts   an Espruino board: check what would be replaced, send, report or say what is active
//   upload-agent.ts   an edgefnn agent: PUT, CHECK, ACTIVATE, or ask what is active
//   upload-report.ts  what both report: the progress bar, the wire cost, an interrupted upload
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { prepareApp } from "../apps/gestures";
import { fail } from "../cli/user-error";
import { Output } from "../cli/output";
import { DIST_MIN, ensureBundle, FIRMWARE_DIR } from "../files/bundle-files";
import { readModelFile } from "../files/model-file";
import { checkModelName, MODEL_NAME_MAX } from "../serial/board-files";
import { openTarget } from "../boards/target";
import { uploadToAgent } from "./upload-agent";
import { uploadToBoard } from "./upload-board";

export interface UploadOptions {
  port: string;
  name?: string;
  runtime?: boolean;
  boot?: boolean;
  /** an on-board app to install with the model, started at boot: "gestures" */
  app?: string;
  /** the training CSV's sidecar (collect's gestures.csv.json): the app's rate and window */
  appConfig?: string;
  /** with app: also install edgefnn-learn, the on-board learning module */
  learn?: boolean;
  /** replace Storage files of edgefnn's fixed names that edgefnn did not write (their contents are lost) */
  force?: boolean;
  baud: number;
  /** how files travel to an Espruino board: auto (packets on firmware 2v25+, else the console), console or packet */
  transfer?: "auto" | "console" | "packet";
}

/** A Storage-safe name from the model's file name: iris.q8.efnn -> iris_q8. */
export function defaultName(file: string): string {
  const n = basename(file)
    .replace(/\.efnn$/, "")
    .replace(/[^A-Za-z0-9_-]/g, "_")
    .slice(0, MODEL_NAME_MAX);
  return n || "model";
}

export async function uploadCommand(file: string, o: UploadOptions, out: Output) {
  const { bytes, model } = readModelFile(file);
  const name = checkModelName(o.name ?? defaultName(file));
  let runtime: Uint8Array | undefined;
  const app = prepareApp(o, model, file);
  if (o.runtime || app) {
    ensureBundle();
    runtime = new Uint8Array(readFileSync(DIST_MIN));
  }
  const boot = o.boot ? new Uint8Array(readFileSync(join(FIRMWARE_DIR, "boot.js"))) : undefined;
  const t0 = performance.now();
  const target = await openTarget(o.port, o.baud).catch((e) => fail((e as Error).message));
  if (target.kind === "agent") return uploadToAgent({ file, name, bytes, client: target.client, o, out, t0 });
  return uploadToBoard({ file, name, bytes, runtime, boot, app, link: target.link, repl: target.repl, o, out, t0 });
}
