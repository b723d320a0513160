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
import { APP_DEFAULTS, APP_ID, APP_SETTINGS, type AppFile, gestureAppFiles, gestureAppNotes } from "./gesture-files";

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

/** collect's sidecar says so in its "format" (commands/collect.ts's CollectSidecar). */
const COLLECT_FORMAT = "edgefnn-collect 1";

/** The board rates a collect sidecar's sessions were recorded at, each once (a sidecar from before collect wrote a
 * top-level "rate" has only these). */
function sessionRates(side: Record<string, unknown>, where: string): number[] {
  const sessions = side.sessions;
  if (sessions === undefined) return [];
  if (!Array.isArray(sessions)) fail(`${where}: "sessions" is not a list; it is collect's record of each recording`);
  const rates: number[] = [];
  sessions.forEach((s: unknown, i) => {
    const r = s && typeof s === "object" ? (s as Record<string, unknown>).rateBoard : undefined;
    if (typeof r !== "number" || !Number.isFinite(r) || r <= 0)
      fail(`${where}: sessions[${i}].rateBoard is ${String(JSON.stringify(r)).slice(0, 60)}, expected the board's rate in Hz`);
    if (!rates.includes(r)) rates.push(r);
  });
  return rates;
}

/** The gestures.json settings an --app-config's JSON gives (collect's sidecar, or a hand-written {rate, window, hop,
 * threshold}), checked: a collect sidecar's rate is the rate its windows were recorded at, the board's. */
export function appSettings(side: unknown, file: string): Record<string, number> {
  const where = `--app-config ${quoteValue(file)}`;
  if (!side || typeof side !== "object" || Array.isArray(side))
    fail(`${where}: expected a JSON object such as collect's sidecar (gestures.csv.json)`);
  const obj = side as Record<string, unknown>;
  const cfg: Record<string, number> = {};
  for (const k of APP_SETTINGS) {
    const v = obj[k];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0)
      fail(
        `${where}: "${k}" is ` +
          `${typeof v === "string" ? quoteValue(v) : String(JSON.stringify(v)).slice(0, 60)}, expected a positive number`,
      );
    cfg[k] = v;
  }
  if (obj.format === COLLECT_FORMAT) {
    // the model learned windows of the rate they were recorded at: the app must sample at that rate
    const rates = sessionRates(obj, where);
    if (rates.length > 1)
      fail(
        `${where}: its windows were recorded at ${rates.join(" Hz and ")} Hz (sessions[].rateBoard), and the app samples at one ` +
          `rate: record them again at one --rate (with another --out), or give a JSON with the "rate" to use`,
      );
    if (rates.length === 1 && cfg.rate !== undefined && cfg.rate !== rates[0])
      fail(`${where}: "rate" is ${cfg.rate}, but its windows were recorded at ${rates[0]} Hz (sessions[].rateBoard); fix one of them`);
    if (rates.length === 1) cfg.rate = rates[0];
  }
  return cfg;
}

function readSettings(file: string): Record<string, number> {
  let side: unknown;
  try {
    side = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    fail(`--app-config ${quoteValue(file)}: ${(e as Error).message}`);
  }
  return appSettings(side, file);
}

/** The sentence that says which of rate, window and hop the app takes from its defaults (firmware-scripts/gestures.js),
 * or null when gestures.json gives all three: a model trained on windows recorded otherwise would be fed windows it
 * never learned, with nothing on the board to tell. */
export function appDefaultsNote(cfg: Record<string, number>, file: string | undefined): string | null {
  const window = cfg.window ?? APP_DEFAULTS.window;
  const missing = [
    cfg.rate === undefined ? `rate ${APP_DEFAULTS.rate} Hz` : "",
    cfg.window === undefined ? `windows of ${APP_DEFAULTS.window} samples` : "",
    cfg.hop === undefined ? `hop ${window} samples (the window)` : "",
  ].filter((x) => x);
  if (!missing.length) return null;
  const lacking = ["rate", "window", "hop"].filter((k) => cfg[k] === undefined).join(", ");
  return (
    `app gestures: ${file === undefined ? "no --app-config" : `--app-config ${quoteValue(file)} gives no ${lacking}`}, ` +
    `so the app uses its defaults: ${missing.join(", ")}; a model trained on windows recorded otherwise gets windows it never ` +
    `learned: give collect's sidecar (<csv>.json) to --app-config`
  );
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
  // never a silent fallback: without --app-config the defaults are said, and an --app-config that lacks one is warned of
  const defaults = appDefaultsNote(cfg, o.appConfig);
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
    notes: async (repl, board, storage) => {
      const n = await gestureAppNotes(repl, board, storage);
      if (defaults === null) return n;
      if (o.appConfig === undefined) return { info: [`  ${defaults}`, ...n.info], warnings: n.warnings };
      return { info: n.info, warnings: [defaults, ...n.warnings] };
    },
  };
}
