/// <reference lib="dom" />
// Section 6 of the page: a board, over Web Bluetooth or Web Serial
// (browser-links.ts) or, with `edgefnn studio --sim` (the page opened with
// ?sim), the virtual board through a WebSocket (websocket-link.ts). Over any
// of them runs the CLI's own code: the REPL, the verified and atomic upload
// (serial/model-upload.ts) and verify's runner (remote-run.ts), compared bit
// for bit with the board runtime here. Where the browser lacks an API, its
// button says so. The gesture app, its live classification and the recording
// of labelled windows are in gesture-panel.ts and collect-panel.ts, over the
// same connection.
import type { DataSet } from "../../../src/core/index";
import { classifyBatch, runBatch } from "../../../src/device/batch";
import { load } from "../../../src/device/runtime";
import { EspruinoRepl } from "../../protocols/espruino-repl";
import { remoteRunner } from "../../boards/remote-run";
import { checkModelName } from "../../serial/board-files";
import { filesUploadTouches, guardFixedNames } from "../../serial/own-files";
import { gestureAppNotes } from "../../apps/gesture-files";
import { readBoardState, uploadModel } from "../../serial/model-upload";
import type { PacedLink } from "../../links/paced-link";
import { bluetoothApi, serialApi, WebBluetoothLink, WebSerialLink } from "./browser-links";
import { initCollectPanel } from "./collect-panel";
import { accelSettings, appFiles, checkAppModel, initGesturePanel } from "./gesture-panel";
import { fetchBytes, type BoardContext } from "./board-context";
import { WebSocketLink } from "./websocket-link";

/** rows verify runs on the board (the CLI's verify runs them all; the page keeps it short) */
const VERIFY_ROWS = 30;

export interface BoardModel {
  name: string;
  bytes: Uint8Array;
  data: DataSet;
}

const el = (id: string) => document.getElementById(id) as HTMLElement;
const btn = (id: string) => document.getElementById(id) as HTMLButtonElement;

/** onCsv: a CSV made in the page (recorded windows) opened as step 1's data */
export function initBoardPanel(current: () => BoardModel | null, onCsv: (name: string, text: string) => void): void {
  const sim = new URLSearchParams(location.search).has("sim");
  el("sim-box").hidden = !sim;
  let repl: EspruinoRepl | null = null;
  let link: PacedLink | null = null;
  const say = (s: string) => (el("board-status").textContent = s);
  const linked = ["upload", "verify"];
  const busy = (b: boolean, except: string[] = []) => {
    for (const id of ["connect-sim", "connect-ble", "connect-serial"]) btn(id).disabled = b || repl !== null;
    for (const id of linked) btn(id).disabled = (b && !except.includes(id)) || repl === null;
  };
  const ctx: BoardContext = {
    repl: () => repl,
    link: () => link,
    busy,
    needsBoard: (id) => linked.push(id),
  };
  // the virtual board's "hand": what its accelerometer plays (edgefnn studio --sim only)
  el("sim-hand").addEventListener("change", async () => {
    const g = (el("sim-hand") as HTMLSelectElement).value;
    const r = await fetch(`sim/gesture?g=${encodeURIComponent(g)}`, { method: "POST" }).catch(() => null);
    if (!r?.ok) say(`the virtual board's motion could not be set to ${g}`);
  });
  const connect = async (open: () => Promise<PacedLink>, what: string) => {
    busy(true);
    say(what);
    try {
      link = await open();
      repl = new EspruinoRepl(link);
      await repl.sync();
      const s = await readBoardState(repl);
      // the upload's own state read no longer asks for free Storage (fewer bytes per upload): the page asks once here
      const free = await repl.call<number>("require('Storage').getFree()").catch(() => -1);
      say(
        `connected to ${s.board || "the board"} (${free >= 0 ? `${free} bytes of Storage free` : "Storage"}; ` +
          `${s.p ? `active model ${s.p.file}` : "no active model"}); link: ${link.speed}`,
      );
      link.onClose(() => {
        repl = null;
        link = null;
        busy(false);
        say("the board link closed");
      });
    } catch (e) {
      repl = null;
      await link?.close();
      link = null;
      say(`could not connect: ${(e as Error).message}`);
    }
    busy(false);
  };
  btn("connect-sim").addEventListener("click", () =>
    connect(
      () => WebSocketLink.open(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/link`),
      "connecting to the virtual board…",
    ),
  );
  btn("connect-ble").addEventListener("click", () =>
    bluetoothApi() && window.isSecureContext
      ? connect(() => WebBluetoothLink.request(), "choose the board in the browser's Bluetooth dialog…")
      : unavailable("ble"),
  );
  btn("connect-serial").addEventListener("click", () =>
    serialApi() && window.isSecureContext
      ? connect(() => WebSerialLink.request(), "choose the board's port in the browser's dialog…")
      : unavailable("serial"),
  );
  btn("upload").addEventListener("click", async () => {
    const m = current();
    if (!m || !repl) {
      say("train a model first");
      return;
    }
    busy(true);
    try {
      const name = checkModelName(m.name);
      const withApp = (el("with-app") as HTMLInputElement).checked;
      // with the app: the model and the settings checked before a byte goes to the board, as upload --app does
      if (withApp) {
        checkAppModel(m.bytes);
        accelSettings();
      }
      const runtime = await fetchBytes("edgefnn.min.js");
      // with the app: its files after the model's, the board's Storage read once for both (as upload --app gestures)
      const state = await readBoardState(repl);
      const extra = withApp ? await appFiles(m.bytes, state.board) : [];
      // as the CLI: no file of edgefnn's names that edgefnn did not write is replaced unless the user says so
      const touched = filesUploadTouches({
        name,
        runtime: true,
        boot: false,
        extra: extra.map((f) => f.name),
        files: state.files,
        pointerFile: state.p?.file ?? null,
      }).filter((f) => state.files.includes(f));
      const replaced = await guardFixedNames(repl, touched, (el("replace-foreign") as HTMLInputElement).checked, () => {});
      // the CLI's notes on the app (a Bangle.js without its Bootloader shows no launcher to open the app from)
      const notes = withApp ? await gestureAppNotes(repl, state.board, state.files) : { info: [], warnings: [] };
      const r = await uploadModel(repl, { name, model: m.bytes, runtime, extra, state, onStage: (s) => say(`uploading: ${s}`) });
      say(
        `uploaded ${r.file} (${m.bytes.length} bytes${r.unchanged.length ? `; unchanged: ${r.unchanged.join(", ")}` : ""}` +
          `${r.retries ? `; ${r.retries} chunks sent again` : ""}): it is the board's active model` +
          (extra.length ? `; the gesture app: ${extra.map((f) => f.name).join(", ")}` : "") +
          (replaced.length ? `; replaced (not edgefnn's): ${replaced.map((f) => f.name).join(", ")}` : "") +
          notes.warnings.map((w) => `. Warning: ${w}`).join(""),
      );
    } catch (e) {
      say(`upload failed: ${(e as Error).message}`);
    }
    busy(false);
  });
  btn("verify").addEventListener("click", async () => {
    const m = current();
    if (!m || !repl || !link) {
      say("connect and upload first");
      return;
    }
    busy(true);
    try {
      const d = m.data,
        D = d.inputSize,
        n = Math.min(VERIFY_ROWS, d.n);
      const device = await remoteRunner({ kind: "espruino", link, repl }, m.bytes, "the virtual board", `${m.name}.efnn`);
      const rows = Array.from({ length: n }, (_, i) => Float32Array.from(d.x.subarray(i * D, (i + 1) * D)));
      const answers = await device.run(rows);
      await device.finish();
      const host = load(m.bytes),
        K = host.outputSize,
        Y = runBatch(host, d.x, n),
        C = classifyBatch(host, d.x, n);
      let same = 0,
        sameClass = 0;
      for (let i = 0; i < n; i++) {
        const b = new Uint8Array(Y.buffer, Y.byteOffset + i * K * 4, K * 4);
        const h = Array.from(b, (x) => (x < 16 ? "0" : "") + x.toString(16)).join("") + ";" + C[i];
        if (answers[i] === h) same++;
        if (answers[i]?.split(";")[1] === String(C[i])) sameClass++;
      }
      el("verify-result").textContent =
        `verify: ${device.file} on the board, ${n} rows: outputs identical to the host's ${same}/${n}, classes equal ${sameClass}/${n}`;
      say(same === n ? "the board agrees with the host on every row" : `the board disagrees with the host on ${n - same} of ${n} rows`);
    } catch (e) {
      say(`verify failed: ${(e as Error).message}`);
    }
    busy(false);
  });
  initGesturePanel(ctx);
  initCollectPanel(ctx, onCsv);
  busy(false);
}

/** Why a button cannot connect, in words. */
function unavailable(kind: "ble" | "serial"): void {
  const what = kind === "ble" ? "Web Bluetooth" : "Web Serial";
  el("board-status").textContent = !window.isSecureContext
    ? `${what} needs a secure page (https, or http://localhost / 127.0.0.1); this one is not.`
    : `This browser has no ${what} (Chrome and Edge on desktop have it${kind === "ble" ? ", and Chrome on Android" : ""}; ` +
      `Firefox and Safari do not). ` +
      "Training, quantizing and downloading work here; upload the downloaded model with edgefnn upload model.efnn --port ….";
}
