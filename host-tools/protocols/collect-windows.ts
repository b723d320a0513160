// edgefnn collect's CSV, apart from files: the header, the label rules, and
// the samples cut into windows with one row of window features each
// (src/features: the very code the board's gesture app runs). The CLI
// (commands/collect.ts) appends the rows to its file; the studio page keeps
// them in memory; both write the same columns and the same numbers.
import { clearWindow, computeFeatures, createWindow, FEATURE_COUNT, featureNames, pushSample } from "../../src/features/window-features";
import { LABEL_RULE, labelProblem } from "../data/model-limits";
import { SampleStream } from "./collect-stream";

/** collect.js's name in Storage: require("edgefnn-collect"). */
export const COLLECT_MODULE = "edgefnn-collect";
/** collect's default sample rate (Hz) and window (samples; the hop defaults to the window): collect.cli.ts's
 * COLLECT_DEFAULTS (a test compares them; that file stays light for the CLI's start-up) */
export const COLLECT_WINDOW_DEFAULTS = { rate: 25, window: 50 };

/** One recording as collect's sidecar lists it (and the studio page counts it): what was asked, what the
 * board did, what arrived. */
export interface CollectSession {
  label: string;
  board: string;
  rateAsked: number;
  rateBoard: number;
  rateMeasured: number;
  samples: number;
  windows: number;
  dropped: number;
  corrupt: number;
  date: string;
}

/** The CSV's first line: the feature names, then "label". */
export function collectHeader(): string {
  return [...featureNames(), "label"].join(",");
}

/** A float32 in the fewest digits that read back as the same float32. */
export function f32(v: number): string {
  return String(Number(v.toPrecision(9)));
}

/** Why a label cannot go into the CSV and a model (the sentence after `--label "x": `), or null. */
export function collectLabelProblem(label: string): string | null {
  const problem = labelProblem(label);
  if (problem) return `${LABEL_RULE}, and ${problem}`;
  if (!/^[^,;\t"]+$/.test(label) || label.trim() !== label) return "no commas, semicolons, quotes or surrounding spaces (it is a CSV cell)";
  if (/^[=+\-@]/.test(label))
    return "a cell starting with = + - or @ runs as a formula when the CSV is opened in a spreadsheet; start it with a letter or digit";
  return null;
}

/** Why window and hop cannot be used (the whole sentence), or null. */
export function windowProblem(window: number, hop: number): string | null {
  if (!Number.isInteger(window) || window < 2 || window > 10000) return `--window must be 2..10000 samples, got ${window}`;
  if (!Number.isInteger(hop) || hop < 1) return `--hop must be a whole number of samples >= 1, got ${hop}`;
  if (hop > window) return `--hop ${hop} is longer than --window ${window}: samples would be skipped`;
  return null;
}

/** The board's sample lines cut into windows; each finished window is one CSV row (without its newline) handed
 * to onRow. A gap in the stream starts a new window. */
export function windowRows(window: number, hop: number, label: string, onRow: (row: string) => void) {
  const w = createWindow(window, hop);
  const feats = new Float32Array(FEATURE_COUNT);
  const counts = { windows: 0, gapsInWindows: 0 };
  const stream = new SampleStream((x, y, z, gap) => {
    if (gap) {
      if (w.count > 0) counts.gapsInWindows++;
      clearWindow(w);
    }
    if (!pushSample(w, x, y, z)) return;
    computeFeatures(w, feats);
    const row: string[] = [];
    for (let i = 0; i < feats.length; i++) row.push(f32(feats[i]));
    row.push(label);
    onRow(row.join(","));
    counts.windows++;
  });
  return { stream, counts };
}
