// edgefnn collect --port P --label wave --seconds 20 --out gestures.csv:
// record labelled accelerometer windows from a board. The board streams its
// samples (firmware-scripts/collect.js, kept in Storage as "edgefnn-collect",
// written only when it is missing or changed); the host checks each line,
// counts dropped and corrupt lines, cuts the stream into windows and appends
// one CSV row of window features per window (src/features: the very code the
// board's gesture app runs). Windows never span a gap in the stream.
//
// The CSV: a header of the feature names and "label", written once; the
// recording's settings (rate, window, hop, units) go to the sidecar
// <out>.json, since the CSV loader takes no comment lines. Rows are appended
// as each window completes, so Ctrl-C (or a pulled cable) keeps every
// finished window.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { featureNames } from "../../src/features/window-features";
import { fail, quoteValue } from "../cli/user-error";
import { Output } from "../cli/output";
import {
  COLLECT_MODULE,
  CollectSession,
  collectHeader,
  collectLabelProblem,
  windowProblem,
  windowRows as cutWindows,
} from "../protocols/collect-windows";
import { FIRMWARE_DIR } from "../files/bundle-files";
import { StreamStats } from "../protocols/collect-stream";
import { openBoard } from "../serial/open-board";
import { ensureStorageFile } from "../serial/ensure-file";
import { forgetHelpers } from "../protocols/storage-write";
import { LinkError } from "../links/serial-link";
import { BoardError } from "../protocols/espruino-repl";
import { join } from "node:path";

export { COLLECT_MODULE };

export interface CollectOptions {
  port: string;
  label: string;
  seconds: number;
  out: string;
  rate: number;
  window: number;
  hop?: number;
  baud: number;
}

/** The sidecar <out>.json: how the CSV's windows were made. */
export interface CollectSidecar {
  format: "edgefnn-collect 1";
  units: "milli-g";
  /** the board's sample rate (Hz) every session was recorded at: the rate the gesture app must sample at
   * (upload --app-config reads it; a sidecar from before it was written has only sessions[].rateBoard) */
  rate?: number;
  /** samples per window, and between window starts */
  window: number;
  hop: number;
  features: string[];
  sessions: CollectSession[];
}

function checkOut(o: CollectOptions, names: string[], hop: number): CollectSidecar {
  const header = collectHeader();
  const side = o.out + ".json";
  let meta: CollectSidecar = { format: "edgefnn-collect 1", units: "milli-g", window: o.window, hop, features: names, sessions: [] };
  if (existsSync(side)) {
    try {
      meta = JSON.parse(readFileSync(side, "utf8"));
    } catch (e) {
      fail(`${side}: not readable JSON (${(e as Error).message}); move it away to start a new recording`);
    }
    if (meta.window !== o.window || meta.hop !== hop)
      fail(
        `${o.out} holds windows of ${meta.window} samples, hop ${meta.hop} (see ${side}); use --window ${meta.window} --hop ` +
          `${meta.hop}, or another --out`,
      );
    // a model fits windows of one rate, and the app samples at one: the rate asked before is the one to ask again
    const asked = [...new Set((meta.sessions ?? []).map((x) => x.rateAsked))];
    if (asked.length && !asked.includes(o.rate))
      fail(
        `${o.out} holds windows recorded at ${meta.rate ?? asked[0]} Hz (--rate ${asked[0]}, see ${side}); use --rate ${asked[0]}, ` +
          `or another --out`,
      );
  }
  if (existsSync(o.out)) {
    const first = readFileSync(o.out, "utf8")
      .split(/\r?\n/, 1)[0]
      .replace(/^\uFEFF/, "");
    if (first !== "" && first !== header)
      fail(`${o.out}: its header is not edgefnn collect's (${first.slice(0, 60)}...); use another --out`);
    if (first === "") writeFileSync(o.out, header + "\n");
  } else writeFileSync(o.out, header + "\n");
  return meta;
}

/** The label and window settings, refused before the board is touched when the CSV or a model could not take them. */
function checkOptions(o: CollectOptions): number {
  // the label goes into the CSV as it is and into a model later: refuse now what either could not take
  const problem = collectLabelProblem(o.label);
  if (problem) fail(`--label ${quoteValue(o.label)}: ${problem}`);
  const hop = o.hop ?? o.window;
  const bad = windowProblem(o.window, hop);
  if (bad) fail(bad);
  return hop;
}

/** The samples cut into windows, one CSV row of window features appended per finished window; a gap in the stream starts a new window. */
function windowRows(o: CollectOptions, hop: number) {
  return cutWindows(o.window, hop, o.label, (row) => appendFileSync(o.out, row + "\n"));
}

type Rows = ReturnType<typeof windowRows>;

/** One recording on the board: collect.js made present in Storage, started, read until the time is up or Ctrl-C, stopped. */
async function record(o: CollectOptions, rows: Rows, out: Output) {
  const script = new Uint8Array(readFileSync(join(FIRMWARE_DIR, "collect.js")));
  const { link, repl } = await openBoard(o.port, o.baud).catch((e) => fail((e as Error).message));
  let interrupted = false,
    board = "",
    rateBoard = 0,
    uploaded = false;
  const onSigint = () => (interrupted = true);
  process.once("SIGINT", onSigint);
  try {
    uploaded = (await ensureStorageFile(repl, COLLECT_MODULE, script)).written;
    await forgetHelpers(repl);
    const started = await repl
      .call<{ board: string; hz: number }>(`require(${JSON.stringify(COLLECT_MODULE)}).start(${o.rate})`)
      .catch((e) => {
        if (e instanceof BoardError) fail(e.message.replace(/^the board said: /, `${o.port}: `));
        throw e;
      });
    board = started.board;
    rateBoard = started.hz;
    out.say(
      `edgefnn collect: "${o.label}" from ${board} on ${o.port} at ${rateBoard} Hz` +
        (rateBoard !== o.rate ? ` (asked ${o.rate}: the board's nearest rate)` : "") +
        `${uploaded ? " (collect.js written to Storage as " + COLLECT_MODULE + ")" : ""}` +
        `, windows of ${o.window} samples (${((o.window / rateBoard) * 1000).toFixed(0)} ms), for ${o.seconds} s;` +
        " Ctrl-C stops and keeps what is recorded",
    );
    const end = performance.now() + o.seconds * 1000;
    // whatever came after the start call's answer is the stream's beginning
    while (!interrupted && performance.now() < end && !link.isClosed) {
      const text = repl.inbox.take();
      if (text) rows.stream.feed(text, performance.now());
      await new Promise((r) => setTimeout(r, 10));
    }
    if (!link.isClosed) {
      await repl.call(`require(${JSON.stringify(COLLECT_MODULE)}).stop()`).catch(() => {});
    }
  } catch (e) {
    if (e instanceof LinkError && rows.counts.windows > 0) {
      process.stderr.write(`edgefnn collect: ${e.message}; the ${rows.counts.windows} windows recorded are kept in ${o.out}\n`);
      interrupted = true;
    } else throw e;
  } finally {
    process.off("SIGINT", onSigint);
    await link.close();
  }
  return { board, rateBoard, uploaded, interrupted };
}

export async function collectCommand(o: CollectOptions, out: Output) {
  const hop = checkOptions(o);
  let meta = checkOut(o, featureNames(), hop);
  const rows = windowRows(o, hop);
  const { board, rateBoard, uploaded, interrupted } = await record(o, rows, out);
  const { windows, gapsInWindows } = rows.counts;
  const stats: StreamStats = rows.stream.stats;
  const rateMeasured = rows.stream.rate();
  meta.sessions.push({
    label: o.label,
    board,
    rateAsked: o.rate,
    rateBoard,
    rateMeasured: Math.round(rateMeasured * 100) / 100,
    samples: stats.samples,
    windows,
    dropped: stats.dropped,
    corrupt: stats.corrupt,
    date: new Date().toISOString(),
  });
  // the one rate every session was recorded at (a different board may give another for the same --rate)
  const rates = [...new Set(meta.sessions.map((x) => x.rateBoard))];
  const { format, units, rate: _old, ...rest } = meta;
  // the rate next to the units, where a reader looks first
  meta = rates.length === 1 ? { format, units, rate: rates[0], ...rest } : { format, units, ...rest };
  writeFileSync(o.out + ".json", JSON.stringify(meta, null, 2) + "\n");
  if (rates.length > 1)
    process.stderr.write(
      `edgefnn collect: ${o.out} now holds windows recorded at ${rates.join(" Hz and ")} Hz (the boards' rates); a model fits one: ` +
        `record again at one rate into another --out\n`,
    );
  out.say(`  ${stats.samples} samples, ${windows} windows of "${o.label}" appended to ${o.out} (settings in ${o.out}.json)`);
  out.say(`  rate measured ${rateMeasured.toFixed(2)} Hz (board set to ${rateBoard} Hz)`);
  if (stats.dropped || stats.corrupt)
    process.stderr.write(
      `edgefnn collect: ${stats.dropped} line${stats.dropped === 1 ? "" : "s"} dropped (sequence gaps), ${stats.corrupt} corrupt ` +
        `(checksum)` +
        (gapsInWindows ? `; ${gapsInWindows} partial window${gapsInWindows === 1 ? "" : "s"} thrown away at the gaps` : "") +
        "\n",
    );
  else out.say("  no dropped or corrupt lines");
  if (interrupted) out.say("  stopped early; everything recorded so far is kept");
  return {
    port: o.port,
    board,
    label: o.label,
    out: o.out,
    uploaded,
    interrupted,
    rateAsked: o.rate,
    rateBoard,
    rateMeasured,
    window: o.window,
    hop,
    samples: stats.samples,
    windows,
    dropped: stats.dropped,
    corrupt: stats.corrupt,
    missing: stats.missing,
    discardedPartialWindows: gapsInWindows,
  };
}
