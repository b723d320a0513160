/// <reference lib="dom" />
// The gesture app from the page: its files as `edgefnn upload --app gestures`
// writes them (apps/gesture-files.ts, the same bytes from dist/), uploaded by
// board-panel.ts with the model; then the app started on the board and its
// output read live. The app (firmware-scripts/gestures.js) prints one line per
// window, G,<n>,<label or ?>,<top %>,<ms>,<every class's %> (the last field
// because the page's settings ask for it, "probs"), after G,start,<board>,<labels>.
import { decodeModel } from "../../../src/core/index";
import { FEATURE_COUNT, featureNames } from "../../../src/features/window-features";
import { gestureAppFiles, startAppCommand, type AppFile } from "../../apps/gesture-files";
import type { EspruinoRepl } from "../../protocols/espruino-repl";
import { windowProblem } from "../../protocols/collect-windows";
import { fetchBytes, type BoardContext } from "./board-context";

declare const __EDGEFNN_VERSION__: string;

const el = (id: string) => document.getElementById(id) as HTMLElement;
const num = (id: string) => Number((el(id) as HTMLInputElement).value);
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

/** The accelerometer settings of the page (rate, window, hop), checked; the app's gestures.json and collect use them. */
export function accelSettings(): { rate: number; window: number; hop: number } {
  const rate = num("acc-rate"),
    window = num("acc-window"),
    hop = num("acc-hop");
  if (!(rate > 0 && rate <= 416)) throw new Error(`samples per second must be above 0 and at most 416, got ${rate}`);
  const bad = windowProblem(window, hop);
  if (bad) throw new Error(bad.replace("--window", "the window").replace("--hop", "the hop"));
  return { rate, window, hop };
}

/** Refuses, before anything goes over the link, a model that cannot take the app's window features. */
export function checkAppModel(model: Uint8Array): void {
  const m = decodeModel(model);
  if (m.inputSize !== FEATURE_COUNT)
    throw new Error(
      `the gesture app gives the model ${FEATURE_COUNT} window features (${featureNames().slice(0, 3).join(", ")}, …), but this ` +
        `model takes ${m.inputSize} input${m.inputSize === 1 ? "" : "s"}: train it on recorded windows (below). ` +
        "Nothing was sent to the board.",
    );
}

/** The gesture app's files for this board and model (checkAppModel first). */
export async function appFiles(model: Uint8Array, board: string): Promise<AppFile[]> {
  checkAppModel(model);
  const [features, app] = await Promise.all([fetchBytes("edgefnn-features.min.js"), fetchBytes("gestures.min.js")]);
  // probs: the app's lines carry every class's probability, which the page draws
  return gestureAppFiles(board, { features, app }, { ...accelSettings(), probs: 1 }, __EDGEFNN_VERSION__);
}

/** One G line of the app: window number, label ("?" under the threshold), top %, ms, each class's %. */
const WINDOW_LINE = /^G,(\d+),([^,]*),(\d+),([\d.]+)(?:,([\d/]+))?$/;
const START_LINE = /^G,start,([^,]*),([^,]*)/;

export function initGesturePanel(ctx: BoardContext): void {
  const start = el("live-start") as HTMLButtonElement,
    stop = el("live-stop") as HTMLButtonElement;
  ctx.needsBoard("live-start");
  const say = (s: string) => (el("live-status").textContent = s);
  let timer: ReturnType<typeof setInterval> | null = null;
  let labels: string[] = [];
  let tail = "";
  let windows = 0;

  const show = (m: RegExpExecArray) => {
    windows++;
    const [, n, label, top, ms, probs] = m;
    el("live-label").textContent = label === "?" ? `? (no class reaches the threshold; best ${top}%)` : `${label} ${top}%`;
    const p = probs ? probs.split("/").map(Number) : [];
    el("live-probs").innerHTML =
      `<caption>window ${esc(n)}: ${esc(ms)} ms on the board for the features and the model</caption>` +
      p
        .map((v, k) => {
          const name = esc(labels[k] ?? String(k));
          return (
            `<tr><th scope="row">${name}</th><td data-class="${name}">${v}%</td>` +
            `<td><meter min="0" max="100" value="${v}" aria-label="${name}: ${v}%"></meter></td></tr>`
          );
        })
        .join("");
    el("live").hidden = false;
  };

  const read = (repl: EspruinoRepl) => {
    const lines = (tail + repl.inbox.take()).split("\n");
    tail = lines.pop() ?? "";
    for (const raw of lines) {
      const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
      const at = line.indexOf("G,");
      const g = at >= 0 ? line.slice(at).trim() : "";
      const s = START_LINE.exec(g);
      if (s) {
        labels = s[2].split("/");
        say(`the gesture app runs on ${s[1]}: classes ${labels.join(", ")}`);
        continue;
      }
      const w = WINDOW_LINE.exec(g);
      if (w) show(w);
      else if (/Uncaught|Error/.test(line)) say(`the board said: ${line.trim()}`);
    }
  };

  const halt = async (why: string) => {
    if (timer) clearInterval(timer);
    timer = null;
    const repl = ctx.repl();
    // the app's accelerometer listeners off (the app stays in Storage: a reset starts it again)
    if (repl)
      await repl
        .call(
          `(function(){if(typeof Puck!="undefined"&&Puck.accelOff){Puck.accelOff();Puck.removeAllListeners("accel")}` +
            `if(typeof Bangle!="undefined")Bangle.removeAllListeners("accel");return 1})()`,
        )
        .catch(() => {});
    stop.disabled = true;
    ctx.busy(false);
    say(why);
  };

  start.addEventListener("click", async () => {
    const repl = ctx.repl();
    if (!repl) return;
    ctx.busy(true);
    start.disabled = true;
    labels = [];
    tail = "";
    windows = 0;
    el("live").hidden = true;
    try {
      const board = await repl.call<string>("process.env.BOARD");
      repl.inbox.clear();
      // as the board starts it at boot: load() runs .bootcde (a Bangle.js: the launcher's app file); RAM is reset
      await repl.send(startAppCommand(board) + "\n");
      repl.noteReset();
      await repl.inbox.waitFor((t) => /G,start|Uncaught|Error/.test(t), 15_000, "the gesture app's start line");
      read(repl);
      if (!labels.length) throw new Error(el("live-status").textContent || "the app did not start");
      stop.disabled = false;
      ctx.busy(true);
      timer = setInterval(() => {
        const r = ctx.repl();
        if (!r) void halt("the board link closed");
        else read(r);
      }, 100);
    } catch (e) {
      await halt(`the gesture app did not start: ${(e as Error).message}`);
    }
  });
  stop.addEventListener("click", () => halt(`stopped after ${windows} windows; the app starts again at the board's next reset`));
}
