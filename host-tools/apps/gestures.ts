// upload --app gestures: the gesture app's Storage files, as each kind of board
// expects them, and the checks that must pass before anything is written.
//
// On a Bangle.js, Storage follows the App Loader's conventions: .bootcde and
// .boot0 belong to the Bootloader app (it loads the clock, the launcher and
// the widgets), and an app is <id>.info (the launcher's entry: JSON with id,
// name, src) plus <id>.app.js (what the launcher load()s), with its settings in
// <id>.json. So there the app is installed as gestures.info, gestures.app.js
// and gestures.json, opened from the launcher, and .bootcde is left alone. It
// needs no gestures.boot.js: that would run at every boot and under every app,
// the clock included.
// On the other boards .bootcde is the user's saved code: the app is
// gestures.js plus a .bootcde that starts it at every boot, which own-files.ts
// refuses to put over a .bootcde edgefnn did not write (without --force).
import { readFileSync } from "node:fs";
import { fail, quoteValue } from "../cli/user-error";
import { DIST_FEATURES_MIN, DIST_GESTURES_MIN, DIST_LEARN_MIN } from "../files/bundle-files";
import { PACKAGE_VERSION } from "../files/package-root";
import { Model } from "../../src/core/index";
import { FEATURE_COUNT, featureNames } from "../../src/features/window-features";
import { EspruinoRepl } from "../protocols/espruino-repl";
import { APP_ID, APP_SETTINGS, type AppFile, gestureAppFiles, gestureAppNotes } from "./gesture-files";

export interface AppOptions {
  /** the app's name: gestures is the one there is */
  app?: string;
  /** collect's sidecar (gestures.csv.json): the app's rate, window, hop and threshold */
  appConfig?: string;
  /** also install the on-board learning module edgefnn-learn (docs/ON-BOARD-LEARNING.md) */
  learn?: boolean;
}

export type { AppFile } from "./gesture-files";
export { APP_ID, isBangle } from "./gesture-files";

export interface BoardApp {
  id: string;
  /** the files for a board of this process.env.BOARD, in the order they are written (the one that makes the app visible last) */
  files(board: string): AppFile[];
  /** what to tell the user about the app on this board: where to find it (info), what is wrong with the board (warnings) */
  notes(repl: EspruinoRepl, board: string, storage: string[]): Promise<{ info: string[]; warnings: string[] }>;
}

function readSettings(file: string): Record<string, number> {
  let side: unknown;
  try {
    side = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    fail(`--app-config ${quoteValue(file)}: ${(e as Error).message}`);
  }
  if (!side || typeof side !== "object" || Array.isArray(side))
    fail(`--app-config ${quoteValue(file)}: expected a JSON object such as collect's sidecar (gestures.csv.json)`);
  const cfg: Record<string, number> = {};
  for (const k of APP_SETTINGS) {
    const v = (side as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
      fail(
        `--app-config ${quoteValue(file)}: "${k}" is ` +
          `${typeof v === "string" ? quoteValue(v) : String(JSON.stringify(v)).slice(0, 60)}, expected a positive number`,
      );
    cfg[k] = v;
  }
  return cfg;
}

const packageVersion = (): string => PACKAGE_VERSION;

/** Checks --app against the model (all on the host: nothing has been sent to
 * the board yet) and returns what the app will write, or null without --app. */
export function prepareApp(o: AppOptions, model: Model, modelFile: string): BoardApp | null {
  if (o.learn && o.app === undefined) fail("--learn installs the learning module with an app: add --app gestures");
  if (o.app === undefined) return null;
  if (o.app !== APP_ID) fail(`--app: unknown app ${quoteValue(o.app)}: the one there is is gestures`);
  // the app feeds the model FEATURE_COUNT window features (src/features): a
  // model of another input size would only fail on the board, at boot
  if (model.inputSize !== FEATURE_COUNT)
    fail(
      `--app gestures: ${quoteValue(modelFile)} takes ${model.inputSize} input${model.inputSize === 1 ? "" : "s"}, but the gesture app ` +
        `gives the model ${FEATURE_COUNT} window features ` +
        `(${featureNames().slice(0, 3).join(", ")}, ... as edgefnn collect writes them): train it on collect's CSV ` +
        `(examples/gestures). Nothing was sent to the board.`,
    );
  const cfg = o.appConfig !== undefined ? readSettings(o.appConfig) : {};
  const features = () => new Uint8Array(readFileSync(DIST_FEATURES_MIN));
  // firmware-scripts/gestures.js without its comments (dist/gestures.min.js): a Puck.js's 40 KiB of
  // Storage holds the runtime, the features, the learning module, the app and two models only so
  const app = () => new Uint8Array(readFileSync(DIST_GESTURES_MIN));
  return {
    id: APP_ID,
    files: (board) =>
      gestureAppFiles(
        board,
        { features: features(), app: app(), learn: o.learn ? new Uint8Array(readFileSync(DIST_LEARN_MIN)) : undefined },
        cfg,
        packageVersion(),
      ),
    notes: gestureAppNotes,
  };
}
