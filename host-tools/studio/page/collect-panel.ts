/// <reference lib="dom" />
// Labelled accelerometer windows from the board, as `edgefnn collect` records
// them (commands/collect.ts, step for step): firmware-scripts/collect.js made
// present in Storage as edgefnn-collect (written only when missing or
// changed), started at the page's rate, its sample lines checked (collect-stream.ts)
// and cut into windows of the same window features, one CSV row each
// (collect-windows.ts: the same header, the same numbers). The rows stay in
// the page; "Use these windows" opens them as step 1's data, to be trained on
// the spot; the CSV can be downloaded as it is.
import { ensureStorageFile } from "../../serial/ensure-file";
import { forgetHelpers } from "../../protocols/storage-write";
import { COLLECT_MODULE, type CollectSession, collectHeader, collectLabelProblem, windowRows } from "../../protocols/collect-windows";
import { fetchBytes, type BoardContext } from "./board-context";
import { accelSettings } from "./gesture-panel";

const el = (id: string) => document.getElementById(id) as HTMLElement;
const btn = (id: string) => document.getElementById(id) as HTMLButtonElement;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

/** the page keeps no sidecar: what it asked and when are not listed */
type Session = Omit<CollectSession, "rateAsked" | "date">;

export const COLLECTED_CSV = "gestures.csv";

export function initCollectPanel(ctx: BoardContext, onCsv: (name: string, text: string) => void): void {
  ctx.needsBoard("collect-start");
  const say = (s: string) => (el("collect-status").textContent = s);
  let rows: string[] = [];
  const sessions: Session[] = [];
  // the windows' settings: one CSV holds windows of one size (collect refuses to mix them too)
  let shape: { window: number; hop: number } | null = null;
  const csv = () => [collectHeader(), ...rows].join("\n") + "\n";

  const summary = () => {
    const per = new Map<string, number>();
    for (const s of sessions) per.set(s.label, (per.get(s.label) ?? 0) + s.windows);
    el("collect-summary").innerHTML =
      `<caption>${rows.length} windows of ${shape?.window} samples (hop ${shape?.hop})</caption>` +
      [...per].map(([l, n]) => `<tr><th scope="row">${esc(l)}</th><td data-label="${esc(l)}">${n} windows</td></tr>`).join("");
    el("collect-summary").hidden = sessions.length === 0;
    for (const id of ["collect-use", "collect-download", "collect-clear"]) btn(id).disabled = rows.length === 0;
  };

  btn("collect-start").addEventListener("click", async () => {
    const repl = ctx.repl(),
      link = ctx.link();
    if (!repl || !link) return;
    const label = (el("collect-label") as HTMLInputElement).value;
    const seconds = Number((el("collect-seconds") as HTMLInputElement).value);
    let o: ReturnType<typeof accelSettings>;
    try {
      const problem = collectLabelProblem(label);
      if (problem) throw new Error(`the label "${label}": ${problem}`);
      if (!(seconds > 0)) throw new Error(`seconds must be above 0, got ${seconds}`);
      o = accelSettings();
      if (shape && (shape.window !== o.window || shape.hop !== o.hop))
        throw new Error(`the windows recorded so far are of ${shape.window} samples, hop ${shape.hop}: use those, or start a new set`);
    } catch (e) {
      say((e as Error).message);
      return;
    }
    ctx.busy(true);
    for (const id of ["collect-use", "collect-download", "collect-clear"]) btn(id).disabled = true;
    const cut = windowRows(o.window, o.hop, label, (r) => rows.push(r));
    try {
      const written = (await ensureStorageFile(repl, COLLECT_MODULE, await fetchBytes("collect.js"))).written;
      await forgetHelpers(repl);
      const started = await repl.call<{ board: string; hz: number }>(`require(${JSON.stringify(COLLECT_MODULE)}).start(${o.rate})`);
      shape = { window: o.window, hop: o.hop };
      const end = performance.now() + seconds * 1000;
      say(
        `recording "${label}" from ${started.board} at ${started.hz} Hz` +
          (started.hz !== o.rate ? ` (asked ${o.rate}: the board's nearest rate)` : "") +
          (written ? ` (collect.js written to Storage as ${COLLECT_MODULE})` : "") +
          `, windows of ${o.window} samples, for ${seconds} s…`,
      );
      // whatever came after the start call's answer is the stream's beginning
      while (performance.now() < end && !link.isClosed) {
        const text = repl.inbox.take();
        if (text) cut.stream.feed(text, performance.now());
        await new Promise((r) => setTimeout(r, 10));
      }
      if (!link.isClosed) await repl.call(`require(${JSON.stringify(COLLECT_MODULE)}).stop()`).catch(() => {});
      const st = cut.stream.stats;
      sessions.push({
        label,
        board: started.board,
        rateBoard: started.hz,
        rateMeasured: Math.round(cut.stream.rate() * 100) / 100,
        samples: st.samples,
        windows: cut.counts.windows,
        dropped: st.dropped,
        corrupt: st.corrupt,
      });
      say(
        `${st.samples} samples, ${cut.counts.windows} windows of "${label}" (rate measured ${cut.stream.rate().toFixed(2)} Hz); ` +
          (st.dropped || st.corrupt
            ? `${st.dropped} lines dropped, ${st.corrupt} corrupt` +
              (cut.counts.gapsInWindows ? `; ${cut.counts.gapsInWindows} partial windows thrown away at the gaps` : "")
            : "no dropped or corrupt lines"),
      );
    } catch (e) {
      say(
        `recording failed: ${(e as Error).message}` + (cut.counts.windows ? `; the ${cut.counts.windows} windows recorded are kept` : ""),
      );
    }
    ctx.busy(false);
    summary();
  });

  btn("collect-use").addEventListener("click", () => onCsv(COLLECTED_CSV, csv()));
  btn("collect-download").addEventListener("click", () => {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([csv()], { type: "text/csv" }));
    a.download = COLLECTED_CSV;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  });
  btn("collect-clear").addEventListener("click", () => {
    rows = [];
    sessions.length = 0;
    shape = null;
    say("a new set: nothing recorded yet");
    summary();
  });
}
