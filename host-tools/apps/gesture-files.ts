// The gesture app's Storage files for a board, from their bytes: no file
// reading here, so the studio page (in a browser) writes the very files
// `edgefnn upload --app gestures` writes (gestures.ts reads the bytes from
// dist/ and explains the two layouts).
import type { EspruinoRepl } from "../protocols/espruino-repl";
import { inspectFiles, SCRIPT_MARK } from "../serial/own-files";

export interface AppFile {
  name: string;
  bytes: Uint8Array;
}

export const APP_ID = "gestures";
/** Settings a gestures.json may hold (firmware-scripts/gestures.js reads them). */
export const APP_SETTINGS = ["rate", "window", "hop", "threshold", "teach", "probs"];
/** What firmware-scripts/gestures.js uses for a setting gestures.json lacks (the hop: the window); a test reads them there. */
export const APP_DEFAULTS = { rate: 25, window: 50 };

/** The app's parts: dist/edgefnn-features.min.js, dist/gestures.min.js, and dist/edgefnn-learn.min.js with --learn. */
export interface GestureAppBytes {
  features: Uint8Array;
  app: Uint8Array;
  learn?: Uint8Array;
}

/** A Bangle.js keeps its Storage by the App Loader's conventions. */
export function isBangle(board: string): boolean {
  return /^BANGLEJS/.test(board);
}

/** Latin-1 text as bytes (no Buffer: this runs in the page too). */
function text(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 255;
  return b;
}

/** The files for a board of this process.env.BOARD, in the order they are written (the one that makes the app visible last). */
export function gestureAppFiles(board: string, parts: GestureAppBytes, settings: Record<string, number>, version: string): AppFile[] {
  const learn: AppFile[] = parts.learn ? [{ name: "edgefnn-learn", bytes: parts.learn }] : [];
  // edgefnn's key first: how own-files.ts knows these JSON files are edgefnn's
  const json = text(JSON.stringify({ edgefnn: 1, ...settings }));
  if (isBangle(board)) {
    // the .info as the App Loader writes it (id, name, src, version, files,
    // data), plus edgefnn's marker; written last, so the launcher never
    // lists the app before its files are there
    const info = {
      id: APP_ID,
      edgefnn: 1,
      name: "Gestures",
      src: `${APP_ID}.app.js`,
      version,
      files: `${APP_ID}.info,${APP_ID}.app.js`,
      data: `${APP_ID}.json`,
    };
    return [
      { name: "edgefnn-features", bytes: parts.features },
      ...learn,
      { name: `${APP_ID}.app.js`, bytes: parts.app },
      { name: `${APP_ID}.json`, bytes: json },
      { name: `${APP_ID}.info`, bytes: text(JSON.stringify(info)) },
    ];
  }
  return [
    { name: "edgefnn-features", bytes: parts.features },
    ...learn,
    { name: `${APP_ID}.js`, bytes: parts.app },
    { name: `${APP_ID}.json`, bytes: json },
    // the board's saved code: starts the app at every boot (written last: the app's files are there by then)
    {
      name: ".bootcde",
      bytes: text(
        `${SCRIPT_MARK}: starts the gesture app (edgefnn upload --app gestures)\neval(require("Storage").read("gestures.js"));\n`,
      ),
    },
  ];
}

/** The command that starts the installed app now, as a reset would: load() runs .bootcde; a Bangle.js opens the launcher's app. */
export function startAppCommand(board: string): string {
  return isBangle(board) ? `load(${JSON.stringify(`${APP_ID}.app.js`)})` : "load()";
}

/** What to tell the user about the app on this board: where to find it (info), what is wrong with the board (warnings). */
export async function gestureAppNotes(
  repl: EspruinoRepl,
  board: string,
  storage: string[],
): Promise<{ info: string[]; warnings: string[] }> {
  if (!isBangle(board))
    return { info: [`  app gestures: gestures.js, started at every boot by .bootcde (type load() to start it now)`], warnings: [] };
  const info = [
    `  app gestures: in the launcher as "Gestures" (gestures.info, gestures.app.js); the Bootloader's .bootcde and .boot0 are left ` +
      `alone`,
  ];
  const warnings: string[] = [];
  const bootcde = (await inspectFiles(repl, [".bootcde"]))[0];
  // edgefnn 0.1 put its own .bootcde over the Bootloader's: say how to get the watch's boot back
  if (bootcde?.ours)
    warnings.push(
      `this Bangle.js's .bootcde is an older edgefnn's gesture starter, written over the Bootloader's: reinstall the Bootloader ` +
        `app with the App Loader to get the clock, launcher and widgets back`,
    );
  else if (!bootcde || !storage.includes(".boot0"))
    warnings.push(
      `this Bangle.js has no Bootloader (.boot0 or .bootcde is missing): install the Bootloader app with the App Loader, or the ` +
        `watch shows no launcher`,
    );
  return { info, warnings };
}
