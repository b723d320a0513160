// The studio page in headless Chromium (Debian's, through playwright-core),
// served by the real `edgefnn studio` command: a CSV opened through the file
// input, columns chosen, a network trained in the page's Web Worker, quantized
// and downloaded; every number checked against the CLI run on the same file
// with the same settings, and the downloaded model files compared byte for
// byte with the CLI's. The page may request only its own files; a console
// error fails the test. Screenshots go to $EDGEFNN_STUDIO_SHOTS (default: a
// temporary folder, printed) to be looked at.
import { request } from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index";
import { cli, IRIS_CSV, json } from "../helpers/cli";
import {
  cell,
  dir,
  download,
  launchChromium,
  openCsv,
  openPage,
  shot,
  shotOf,
  shots,
  startStudio,
  trainInPage,
  type Studio,
} from "./studio-browser";

let studio: Studio;
let url = "";
let browser: Browser;

beforeAll(async () => {
  studio = await startStudio();
  url = studio.url;
  browser = await launchChromium();
  console.log(`studio screenshots: ${shots}`);
});

afterAll(async () => {
  await browser?.close();
  studio?.proc.kill("SIGTERM");
});

const openStudio = (viewport = { width: 1280, height: 800 }) => openPage(browser, url, viewport);

/** For the report, not asserted (wall-clock): the page's load time and its training time beside the CLI's. */
async function logSpeed(page: Page, what: string, cliSeconds: number): Promise<void> {
  const load = await page.evaluate(() => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).loadEventEnd);
  const status = (await page.locator("#train-status").textContent()) ?? "";
  const worker = Number(/in ([\d.]+) s/.exec(status)?.[1]);
  console.log(
    `studio ${what}: page loaded in ${load.toFixed(0)} ms; training in the worker ${worker} s (split to encoded model), the CLI's train ${cliSeconds.toFixed(2)} s (CSV load to written file)`,
  );
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

describe("edgefnn studio", () => {
  it("serves the page on 127.0.0.1 with its files only, cross-origin isolated", async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(page.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
    expect(await page.text()).toContain("edgefnn studio");
    expect((await fetch(url + "worker.js")).status).toBe(200);
    expect((await fetch(url + "../package.json")).status).toBe(404);
    expect((await fetch(url + "%2e%2e/package.json")).status).toBe(404);
  });

  it("iris: data -> train -> quantize -> download gives the CLI's model files, byte for byte", async () => {
    const { page, consoleErrors, foreign } = await openStudio();
    await shot(page, "1-empty");
    await openCsv(page, IRIS_CSV);
    expect(await page.locator("#label-column").inputValue()).toBe("species");
    await shot(page, "2-columns");
    await page.click("#load-data");
    await expect.poll(() => page.locator("#data-summary").textContent()).toContain("3 classes in species");
    expect(await page.locator("#cli-line").textContent()).toContain("edgefnn train iris.csv --label species");
    // the learning rate, lambda and the validation split start on auto: the CLI's line leaves them out, as its defaults do
    for (const id of ["lr", "lambda", "val-fraction"]) expect(await page.locator(`#${id}-auto`).isChecked()).toBe(true);
    expect(await page.locator("#cli-line").textContent()).not.toMatch(/--lr |--lambda |--val-fraction /);
    await trainInPage(page);
    await shot(page, "3-trained");
    const pageModel = await download(page, "download-model");

    const model = join(dir, "iris-cli.efnn");
    // the page's defaults are the CLI's: lambda and the learning rate chosen by 3-fold cross-validation, no validation split
    const r = json(cli(["train", IRIS_CSV, "--out", model, "--json"]));
    await logSpeed(page, "iris", r.seconds);
    expect(Buffer.compare(pageModel, readFileSync(model))).toBe(0);
    expect(await cell(page, "best epoch")).toBe(`${r.bestEpoch} of ${r.epochs}`);
    expect(r.search).not.toBeNull();
    expect(await cell(page, "learning rate")).toBe(`${r.learningRate} (chosen by 3-fold cross-validation)`);
    expect(await cell(page, "L2 lambda")).toBe(`${r.lambda} (chosen by 3-fold cross-validation)`);
    expect(await cell(page, "cross-validated accuracy")).toContain(`${pct(r.search.cvAccuracy)}, loss `);
    expect(await cell(page, "validation accuracy")).toBe(r.valAccuracy === null ? "none (no validation split)" : pct(r.valAccuracy));
    expect(await cell(page, "train accuracy")).toBe(pct(r.trainAccuracy));
    expect(await cell(page, "parameters")).toBe(String(r.params));
    // the charts rendered, the best epoch marked, the confusion matrix with recall and precision
    expect(await page.locator("#loss-chart svg").count()).toBe(1);
    expect(await page.locator("#delta-chart svg").count()).toBe(1);
    // no validation split: the kept epoch is the last, and the mark says so (not "best")
    expect(r.valAccuracy).toBeNull();
    expect(await page.locator("#loss-chart").textContent()).toContain(`kept: epoch ${r.bestEpoch}, the last`);
    expect(await page.locator("#confusion table").textContent()).toMatch(/recall/i);
    expect(await page.locator("#confusion table").textContent()).toMatch(/precision/i);
    // with no validation split, the matrix counts what the CLI's does (train-confusion.ts): out-of-fold predictions
    const confusionNote = await page.locator("#confusion .hint").textContent();
    expect(confusionNote).toContain("the 150 training rows, cross-validated: each predicted by the one of 3 fold models");
    expect(confusionNote).toContain("set a validation split for held-out rows");

    await page.selectOption("#bits", "8");
    await page.selectOption("#board", "puckjs");
    await page.click("#quantize");
    await page.waitForSelector("#boards:not([hidden])");
    await shot(page, "4-quantized");
    const pageQ = await download(page, "download-quantized");
    const qFile = join(dir, "iris-cli.q8.efnn");
    const q = json(cli(["quantize", model, "--bits", "8", "--data", IRIS_CSV, "--out", qFile, "--json"]));
    expect(Buffer.compare(pageQ, readFileSync(qFile))).toBe(0);
    expect(await cell(page, `accuracy on all ${q.n ?? 150} rows`, "#compare")).toBe(pct(q.quantizedAccuracy));
    expect(await page.locator("#boards tr.chosen").textContent()).toContain("Puck.js");
    const report = (await download(page, "download-report")).toString("utf8");
    expect(report).toContain("<svg");
    expect(report).toContain(`kept: epoch ${r.bestEpoch}, the last`);
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it("a generated set with an id, a timestamp and gaps: hints, imputation, two layers, Adam, pause and resume: the CLI's model", async () => {
    const csv = join(dir, "generated.csv");
    writeFileSync(csv, generatedCsv());
    const { page, consoleErrors, foreign } = await openStudio();
    await openCsv(page, csv);
    expect(await page.locator("#label-column").inputValue()).toBe("gesture");
    // the id and the time column are offered but not ticked
    const row = (name: string) => page.locator("#columns tbody tr", { has: page.locator(`label:text-is("${name}")`) });
    expect(await row("sample_id").locator("input").isChecked()).toBe(false);
    expect(await row("sample_id").textContent()).toContain("id");
    expect(await row("recorded").locator("input").isChecked()).toBe(false);
    expect(await row("recorded").textContent()).toContain("time");
    expect(await row("ax").locator("input").isChecked()).toBe(true);
    await page.selectOption("#missing", "mean");
    await page.click("#load-data");
    await expect.poll(() => page.locator("#data-summary").textContent()).toContain("3 classes in gesture");
    // two hidden layers of different activations, Adam, more epochs: long enough to pause
    await page.fill("#layers li:nth-child(1) .layer-size", "12");
    await page.selectOption("#layers li:nth-child(1) .layer-act", "elu");
    await page.click("#add-layer");
    await page.fill("#layers li:nth-child(2) .layer-size", "6");
    await page.selectOption("#layers li:nth-child(2) .layer-act", "logistic");
    await page.selectOption("#optimizer", "adam");
    // explicit rates and split (auto unticked): no cross-validation, the settings given
    for (const id of ["lr", "lambda", "val-fraction"]) await page.uncheck(`#${id}-auto`);
    await page.fill("#lr", "0.01");
    expect(await page.locator("#lambda").inputValue()).toBe("0.001");
    expect(await page.locator("#val-fraction").inputValue()).toBe("0.2");
    await page.fill("#epochs", "60");
    await page.fill("#patience", "60");
    await page.fill("#seed", "7");
    // served by edgefnn studio the page is cross-origin isolated: the worker can pause between epochs
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // Train, then Pause at once (both clicks in one task of the page, so the pause is
    // asked before the first epoch can end, however fast the machine): the worker stops after epoch 1 and waits
    await page.evaluate(() => {
      (document.getElementById("train") as HTMLButtonElement).click();
      (document.getElementById("pause") as HTMLButtonElement).click();
    });
    await expect.poll(() => page.locator("#train-status").textContent(), { timeout: 60_000 }).toBe("paused after epoch 1");
    await shot(page, "5-paused");
    expect(await page.locator("#resume").isEnabled()).toBe(true);
    await page.click("#resume");
    await page.waitForSelector("#result:not([hidden])", { timeout: 120_000 });
    await shot(page, "6-generated-trained");
    const pageModel = await download(page, "download-model");
    const model = join(dir, "generated-cli.efnn");
    const r = json(
      cli([
        "train",
        csv,
        "--label",
        "gesture",
        "--exclude",
        "sample_id,recorded",
        "--impute",
        "mean",
        "--hidden",
        "12,6",
        "--activation",
        "elu,logistic",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--lambda",
        "0.001",
        "--val-fraction",
        "0.2",
        "--epochs",
        "60",
        "--patience",
        "60",
        "--seed",
        "7",
        "--out",
        model,
        "--json",
      ]),
    );
    expect(Buffer.compare(pageModel, readFileSync(model))).toBe(0);
    expect(await cell(page, "best epoch")).toBe(`${r.bestEpoch} of ${r.epochs}`);
    await logSpeed(page, "generated", r.seconds);
    await page.selectOption("#bits", "16");
    await page.click("#quantize");
    await page.waitForSelector("#compare:not([hidden])");
    const q = json(cli(["quantize", model, "--bits", "16", "--data", csv, "--out", join(dir, "generated-cli.q16.efnn"), "--json"]));
    expect(Buffer.compare(await download(page, "download-quantized"), readFileSync(join(dir, "generated-cli.q16.efnn")))).toBe(0);
    expect(await cell(page, `accuracy on all ${r.rows} rows`, "#compare")).toBe(pct(q.quantizedAccuracy));
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it("a bad CSV: the CLI's error, with its file, line and column", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "a,b,label\n1,2,x\n3,oops,y\n");
    const { page, consoleErrors } = await openStudio();
    await openCsv(page, bad);
    // "oops" makes b look like text, so it is not ticked: the user ticks it
    expect(await page.locator("#use-1").isChecked()).toBe(false);
    await page.check("#use-1");
    await page.click("#load-data");
    await page.waitForSelector("#data-error:not([hidden])");
    await shot(page, "7-bad-csv");
    const shown = await page.locator("#data-error").textContent();
    const r = cli(["train", bad, "--out", join(dir, "bad.efnn")]);
    expect(r.status).toBe(1);
    const cliMessage = r.stderr
      .trim()
      .replace(/^edgefnn: /, "")
      .replace(bad, "bad.csv");
    expect(shown).toBe(cliMessage);
    expect(shown).toContain("bad.csv line 3");
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it("every control has a label; usable at a phone's width; connecting says why it is unavailable", async () => {
    const { page, consoleErrors } = await openStudio({ width: 390, height: 844 });
    await openCsv(page, IRIS_CSV);
    await page.click("#load-data");
    await page.click("#add-layer");
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll("input, select, button"))
        .filter((e) => {
          const el = e as HTMLInputElement;
          const named =
            (el.labels && el.labels.length > 0) ||
            el.getAttribute("aria-label") ||
            (el.tagName === "BUTTON" && el.textContent!.trim() !== "");
          return !named;
        })
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    // nothing wider than the phone's screen: no sideways scrolling of the page
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "8-phone");
    await trainInPage(page);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "9-phone-trained");
    // headless Chromium: no Web Bluetooth at all (the page says so); Web Serial exists but its
    // port chooser never opens (the page asks the user to choose, and waits)
    const apis = await page.evaluate(() => ({ ble: "bluetooth" in navigator, serial: "serial" in navigator }));
    console.log(`studio: headless Chromium has Web Bluetooth ${apis.ble}, Web Serial ${apis.serial}`);
    await page.click("#connect-ble");
    await expect.poll(() => page.locator("#board-status").textContent()).toMatch(apis.ble ? /choose the board/ : /no Web Bluetooth/);
    await page.click("#connect-serial");
    await expect.poll(() => page.locator("#board-status").textContent()).toMatch(apis.serial ? /choose the board's port/ : /no Web Serial/);
    console.log(`studio phone: ${await page.locator("#board-status").textContent()}`);
    await shotOf(page, "#board-link", "9b-phone-board");
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});

/** Three gestures in three accelerometer features plus a noise one; an id, a timestamp, and a few gaps. */
function generatedCsv(): string {
  const rng = createRng(11);
  const centres: Record<string, number[]> = { wave: [1, 0, 0.5], shake: [-0.5, 1, 0], rest: [0, -0.8, -0.6] };
  const lines = ["sample_id,recorded,ax,ay,az,noise,gesture"];
  for (let i = 0; i < 240; i++) {
    const g = Object.keys(centres)[i % 3];
    const c = centres[g];
    const v = c.map((m) => (m + 0.45 * rng.normal()).toFixed(4));
    if (i % 37 === 5) v[1] = ""; // a gap, filled with the training split's mean
    const t = new Date(Date.UTC(2026, 11, 1, 10, 0, i)).toISOString();
    lines.push([1000 + i, t, ...v, rng.normal().toFixed(3), g].join(","));
  }
  return lines.join("\n") + "\n";
}

// Headless Chromium has no radio and no serial ports: `edgefnn studio --sim`
// bridges the page's link through a WebSocket to a virtual board (the one
// `edgefnn sim --tcp` runs). The page's code under test is the real one (the
// CLI's REPL, verified upload and verify runner, bundled into the page); only
// the link differs from a board's: a WebSocket instead of Web Bluetooth or Web
// Serial, carrying BLE-sized 20-byte packets.
describe("edgefnn studio --sim", () => {
  let sim: Studio;
  let simUrl = "";
  let boardPort = "";
  beforeAll(async () => {
    sim = await startStudio(["--sim"]);
    simUrl = sim.url;
    boardPort = sim.board!;
  });
  afterAll(() => {
    sim?.proc.kill("SIGTERM");
  });

  it("uploads the quantized model to the virtual board with the CLI's protocol, verifies it, and the CLI's verify agrees", async () => {
    expect(simUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?sim$/);
    expect(boardPort).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    // another site's page may not open the bridge
    const origin = simUrl.replace(/\/\?sim$/, "");
    const upgrade = (from: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(origin + "/link", {
          headers: {
            Connection: "Upgrade",
            Upgrade: "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
            Origin: from,
          },
        });
        req.on("upgrade", (res, socket) => {
          socket.destroy();
          resolve(res.statusCode ?? 0);
        });
        req.on("response", (res) => resolve(res.statusCode ?? 0));
        req.on("error", reject);
        req.end();
      });
    const foreignWs = await upgrade("http://evil.example");
    expect(foreignWs).toBe(403);

    const { page, consoleErrors, foreign } = await openPage(browser, simUrl);
    await openCsv(page, IRIS_CSV);
    await page.click("#load-data");
    await trainInPage(page);
    await page.click("#quantize");
    await page.waitForSelector("#compare:not([hidden])");
    const q8 = join(dir, "sim-page.q8.efnn");
    writeFileSync(q8, await download(page, "download-quantized"));

    await page.click("#connect-sim");
    await expect.poll(() => page.locator("#board-status").textContent(), { timeout: 30_000 }).toMatch(/connected to|could not/);
    expect(await page.locator("#board-status").textContent()).toMatch(
      /^connected to PUCKJS .*no active model.*link: WebSocket to the virtual board, 20-byte packets/,
    );
    // the gesture app with a model of 4 inputs: refused before anything is sent
    await page.check("#with-app");
    await page.click("#upload");
    await expect.poll(() => page.locator("#board-status").textContent(), { timeout: 30_000 }).toMatch(/^uploaded|failed/);
    expect(await page.locator("#board-status").textContent()).toBe(
      "upload failed: the gesture app gives the model 20 window features (x_mean, x_std, x_min, …), but this model takes 4 inputs: " +
        "train it on recorded windows (below). Nothing was sent to the board.",
    );
    await page.uncheck("#with-app");
    await page.click("#upload");
    await expect
      .poll(() => page.locator("#board-status").textContent(), { timeout: 120_000 })
      .toMatch(/^uploaded|failed: (?!the gesture app)/);
    expect(await page.locator("#board-status").textContent()).toMatch(/^uploaded iris\.[0-9a-f]{8} .*the board's active model/);
    await page.click("#verify");
    await expect
      .poll(() => page.locator("#verify-result").textContent(), { timeout: 60_000 })
      .toContain("outputs identical to the host's 30/30, classes equal 30/30");
    await shot(page, "10-sim-verified");
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();

    // the page's upload is a real one: the CLI finds the same model active on the board and agrees row for row
    await expect
      .poll(async () => cli(["verify", q8, IRIS_CSV, "--port", boardPort, "--rows", "20", "--json"]).status, {
        timeout: 20_000,
        interval: 1000,
      })
      .toBe(0);
    const v = json(cli(["verify", q8, IRIS_CSV, "--port", boardPort, "--rows", "20", "--json"]));
    expect(v.ok).toBe(true);
    expect(v.identical).toBe(20);
  });

  // Web Serial and Web Bluetooth need a port or a radio that headless Chromium
  // does not have: these tests put stand-ins for navigator.serial and
  // navigator.bluetooth into the page (STAND_IN below), each carrying its bytes
  // over the same WebSocket bridge to the virtual board. What runs for real is
  // the page's WebSerialLink and WebBluetoothLink (BLE: 20-byte writes, 20-byte
  // notifications) and everything above them.
  for (const via of ["serial", "ble"] as const)
    it(`over ${via === "ble" ? "Web Bluetooth" : "Web Serial"} (a stand-in API, bridged to the virtual board): upload and verify`, async () => {
      const origin = simUrl.replace(/\/\?sim$/, "");
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addInitScript(STAND_IN);
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(m.text());
      });
      page.on("pageerror", (e) => consoleErrors.push(String(e)));
      await page.goto(origin + "/", { waitUntil: "load" });
      await openCsv(page, IRIS_CSV);
      await page.click("#load-data");
      await trainInPage(page);
      await page.click(via === "ble" ? "#connect-ble" : "#connect-serial");
      await expect.poll(() => page.locator("#board-status").textContent(), { timeout: 30_000 }).toMatch(/connected to|could not/);
      expect(await page.locator("#board-status").textContent()).toContain(
        via === "ble" ? "link: Bluetooth LE, 20-byte writes" : "link: 115200 baud",
      );
      await page.click("#upload");
      await expect.poll(() => page.locator("#board-status").textContent(), { timeout: 120_000 }).toMatch(/^uploaded|failed/);
      expect(await page.locator("#board-status").textContent()).toMatch(/^uploaded iris\.[0-9a-f]{8} /);
      await page.click("#verify");
      await expect
        .poll(() => page.locator("#verify-result").textContent(), { timeout: 60_000 })
        .toContain("outputs identical to the host's 30/30");
      if (via === "ble") {
        const w = await page.evaluate(() => (window as any).__bleWrites as number[]);
        expect(w.length).toBeGreaterThan(10);
        expect(Math.max(...w)).toBeLessThanOrEqual(20);
        expect(JSON.stringify(await page.evaluate(() => (window as any).__bleRequest))).toContain("6e400001-b5a3-f393-e0a9-e50e24dcca9e");
      }
      await shot(page, `11-${via}-verified`);
      expect(consoleErrors).toEqual([]);
      await context.close();
    });
});

/** Stand-ins for navigator.serial and navigator.bluetooth (see above): bytes over the studio's WebSocket bridge. */
const STAND_IN = `(() => {
  const url = location.origin.replace(/^http/, "ws") + "/link";
  const connect = () => new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error("no bridge"));
  });
  Object.defineProperty(navigator, "serial", { configurable: true, value: { requestPort: async () => {
    let ws = null;
    const port = {
      readable: null, writable: null,
      async open(o) {
        if (o.baudRate !== 115200) throw new Error("unexpected baud rate " + o.baudRate);
        ws = await connect();
        port.readable = new ReadableStream({ start(c) {
          ws.onmessage = (e) => c.enqueue(new Uint8Array(e.data));
          ws.onclose = () => { try { c.close(); } catch (e) {} };
        } });
        port.writable = new WritableStream({ write(chunk) { ws.send(chunk); } });
      },
      async close() { if (ws) ws.close(); },
    };
    return port;
  } } });
  window.__bleWrites = [];
  Object.defineProperty(navigator, "bluetooth", { configurable: true, value: { requestDevice: async (o) => {
    window.__bleRequest = o;
    const dev = new EventTarget();
    dev.name = "Puck.js 1a2b";
    let ws = null;
    const rx = new EventTarget();
    rx.startNotifications = async () => rx;
    const tx = { writeValue: async (b) => { window.__bleWrites.push(b.byteLength); ws.send(b); } };
    dev.gatt = {
      connected: false,
      async connect() {
        ws = await connect();
        dev.gatt.connected = true;
        ws.onmessage = (e) => {
          const b = new Uint8Array(e.data);
          for (let i = 0; i < b.length; i += 20) {
            rx.value = new DataView(b.slice(i, i + 20).buffer);
            rx.dispatchEvent(new Event("characteristicvaluechanged"));
          }
        };
        ws.onclose = () => { dev.gatt.connected = false; dev.dispatchEvent(new Event("gattserverdisconnected")); };
        return { getPrimaryService: async (s) => {
          if (s !== "6e400001-b5a3-f393-e0a9-e50e24dcca9e") throw new Error("no such service");
          return { getCharacteristic: async (c) => (c.startsWith("6e400002") ? tx : rx) };
        } };
      },
      disconnect() { if (ws) ws.close(); },
    };
    return dev;
  } } });
})();`;
