// Gestures from the studio page, on the virtual board of `edgefnn studio
// --sim`, in headless Chromium: labelled accelerometer windows recorded from
// the board in the page, trained on the spot (the CLI's model from the same
// CSV, byte for byte), uploaded with the gesture app by the CLI's verified,
// atomic upload, and the board's live classification of its sensor shown in
// the page with every class's probability.
//
// What is not real here: headless Chromium has no radio and no serial port, so
// the page's link to the board is a WebSocket (the only stand-in for Web
// Bluetooth or Web Serial: 20-byte packets, bridged unchanged to the virtual
// board's TCP port). The board is the virtual one (host-tools/sim), and its
// accelerometer plays synthetic gestures: the page's "virtual board's motion"
// (shown only with ?sim) tells it which, as a hand would. The page's code,
// the protocols, collect.js and the gesture app are the real ones.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLLECT_DEFAULTS } from "../../host-tools/commands/collect.cli";
import { COLLECT_WINDOW_DEFAULTS } from "../../host-tools/protocols/collect-windows";
import { featureNames } from "../../src/features/window-features";
import { cli, cliAsync, json } from "../helpers/cli";
import { dir, download, launchChromium, openPage, shot, shotOf, startStudio, trainInPage, type Studio } from "./studio-browser";

let browser: Browser;
const studios: Studio[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  for (const s of studios) s.proc.kill("SIGTERM");
});

/** The app's files as upload --app gestures writes them: a Puck.js's, and a Bangle.js's by the App Loader's conventions;
 * and the CLI's warning about the virtual Bangle.js's Storage (empty: no Bootloader, so no launcher to open the app from). */
const BOARDS = [
  { board: "puckjs", env: "PUCKJS", shots: "", files: "edgefnn-features, gestures\\.js, gestures\\.json, \\.bootcde", warning: "" },
  {
    board: "banglejs2",
    env: "BANGLEJS2",
    shots: "-bangle",
    files: "edgefnn-features, gestures\\.app\\.js, gestures\\.json, gestures\\.info",
    warning: "\\. Warning: this Bangle\\.js has no Bootloader \\(\\.boot0 or \\.bootcde is missing\\): install the Bootloader app .*",
  },
];

const GESTURES = ["still", "shake", "circle"];
// as test/host-tools/gestures.test.ts: half-second windows at 52 Hz, overlapping by half
const RATE = 52,
  WIN = 26,
  HOP = 13;

const status = (page: Page, id: string) => page.locator(`#${id}`).textContent();

/** The windows of one label recorded so far, from the page's summary table (0 before any). */
async function windowsOf(page: Page, gesture: string): Promise<number> {
  const cell = page.locator(`#collect-summary td[data-label="${gesture}"]`);
  if ((await cell.count()) === 0) return 0;
  return Number(/^(\d+) windows/.exec((await cell.textContent()) ?? "")?.[1] ?? 0);
}

/** One 4 s recording of a gesture, as a user makes it; done when the summary counts its windows. */
async function record(page: Page, gesture: string): Promise<void> {
  const before = await windowsOf(page, gesture);
  await page.selectOption("#sim-hand", gesture);
  await page.fill("#collect-label", gesture);
  await page.fill("#collect-seconds", "4");
  await page.click("#collect-start");
  await expect
    .poll(async () => (await windowsOf(page, gesture)) > before || /failed/.test((await status(page, "collect-status")) ?? ""), {
      timeout: 60_000,
    })
    .toBe(true);
  expect(await status(page, "collect-status")).toMatch(new RegExp(`^\\d+ samples, \\d+ windows of "${gesture}"`));
}

describe("edgefnn studio --sim: gestures", () => {
  it("the page's accelerometer settings start from collect's defaults", () => {
    expect(COLLECT_WINDOW_DEFAULTS).toEqual({ rate: COLLECT_DEFAULTS.rate, window: COLLECT_DEFAULTS.window });
  });

  it.each(BOARDS)(
    "$board: records windows, trains on them, uploads the model with the gesture app, shows its live classification",
    async (b) => {
      const studio = await startStudio(["--sim", "--board", b.board]);
      studios.push(studio);
      // another site may not move the virtual board
      const moved = await fetch(`${studio.origin}/sim/gesture?g=shake`, { method: "POST", headers: { Origin: "http://evil.example" } });
      expect(moved.status).toBe(403);
      const { page, consoleErrors, foreign } = await openPage(browser, studio.url);
      await page.click("#connect-sim");
      await expect.poll(() => status(page, "board-status"), { timeout: 30_000 }).toMatch(/connected to|could not/);
      expect(await status(page, "board-status")).toMatch(new RegExp(`^connected to ${b.env}`));
      expect(await page.locator("#acc-rate").inputValue()).toBe(String(COLLECT_DEFAULTS.rate));
      expect(await page.locator("#acc-window").inputValue()).toBe(String(COLLECT_DEFAULTS.window));
      await page.fill("#acc-rate", String(RATE));
      await page.fill("#acc-window", String(WIN));
      await page.fill("#acc-hop", String(HOP));

      // 1. record: 4 s of each gesture, and 4 s more of one while it has under 10 windows (as a user would: on a
      // busy machine the virtual board's sensor, a timer, delivers fewer samples in 4 s, as a real board's FIFO
      // overflows when its interpreter is late); the test's timeout bounds the repeats
      for (const g of GESTURES)
        do await record(page, g);
        while ((await windowsOf(page, g)) < 10);
      await shotOf(page, "#board-link", `14-collected${b.shots}`);
      for (const g of GESTURES) expect(await windowsOf(page, g)).toBeGreaterThanOrEqual(10);
      // the CSV: collect's columns (the window features, then the label), float32 numbers written as collect writes them
      const csvText = (await download(page, "collect-download")).toString("utf8");
      const csv = join(dir, "page-gestures.csv");
      writeFileSync(csv, csvText);
      const lines = csvText.trimEnd().split("\n");
      expect(lines[0]).toBe([...featureNames(), "label"].join(","));
      for (const line of lines.slice(1)) {
        const cells = line.split(",");
        expect(cells.length).toBe(featureNames().length + 1);
        expect(GESTURES).toContain(cells[cells.length - 1]);
        for (const c of cells.slice(0, -1)) expect(String(Number(Math.fround(Number(c)).toPrecision(9)))).toBe(c);
      }

      // 2. trained on the spot: the recorded windows as step 1's data, the CLI's defaults; the CLI's model from the same CSV
      await page.click("#collect-use");
      await expect.poll(() => status(page, "data-summary")).toContain("3 classes in label: still, shake, circle");
      expect(await status(page, "data-summary")).toContain(`${featureNames().length} features`);
      await trainInPage(page);
      await shot(page, `16-collected-trained${b.shots}`);
      const model = join(dir, "page-gestures-cli.efnn");
      const r = json(cli(["train", csv, "--out", model, "--json"]));
      expect(Buffer.compare(await download(page, "download-model"), readFileSync(model))).toBe(0);
      await page.click("#quantize");
      await page.waitForSelector("#compare:not([hidden])");

      // 3. the model, the runtime and the gesture app, uploaded as upload --app gestures uploads them
      await page.check("#with-app");
      await page.click("#upload");
      await expect.poll(() => status(page, "board-status"), { timeout: 180_000 }).toMatch(/^uploaded|failed/);
      expect(await status(page, "board-status")).toMatch(
        new RegExp(`^uploaded gestures\\.[0-9a-f]{8} .*the board's active model; the gesture app: ${b.files}${b.warning}$`),
      );

      // 4. live: the app started as at boot, its windows classified on the board, every class's probability shown
      await page.selectOption("#sim-hand", "shake");
      await page.click("#live-start");
      await expect.poll(() => status(page, "live-status"), { timeout: 30_000 }).toMatch(/gesture app runs|did not start/);
      expect(await status(page, "live-status")).toBe(`the gesture app runs on ${b.env}: classes still, shake, circle`);
      for (const g of ["shake", "circle", "still"]) {
        await page.selectOption("#sim-hand", g);
        // the windows after the change: a few for the window to fill with the new motion
        await expect.poll(() => status(page, "live-label"), { timeout: 30_000 }).toMatch(new RegExp(`^${g} \\d+%$`));
        const probs = await page.locator("#live-probs tr th").allTextContents();
        expect(probs).toEqual(GESTURES);
        // the label and the class's bar read in one turn of the page's event loop: a window arriving between two
        // reads would update both (a run under load read 95% then 100%)
        const [label, bar] = await page.evaluate(
          (c) => [
            document.getElementById("live-label")?.textContent,
            document.querySelector(`#live-probs td[data-class="${c}"]`)?.textContent,
          ],
          g,
        );
        const top = Number(/(\d+)%$/.exec(label ?? "")![1]);
        expect(label).toMatch(new RegExp(`^${g} \\d+%$`));
        expect(bar).toBe(`${top}%`);
        if (g === "circle") await shotOf(page, "#board-link", `15-live-circle${b.shots}`);
      }
      await page.click("#live-stop");
      await expect.poll(() => status(page, "live-status")).toMatch(/^stopped after \d+ windows/);
      expect(consoleErrors).toEqual([]);
      expect(foreign).toEqual([]);
      await page.context().close();
      console.log(
        `studio gestures on ${b.env}: ${lines.length - 1} windows recorded in the page; the model ${r.bytes} bytes, best epoch ${r.bestEpoch}`,
      );

      // the CLI's collect on the same board writes the same header and the same kind of rows
      const cliCsv = join(dir, "cli-gestures.csv");
      const c = await cliAsync([
        "collect",
        "--port",
        studio.board!,
        "--label",
        "still",
        "--seconds",
        "2",
        "--out",
        cliCsv,
        "--rate",
        String(RATE),
        "--window",
        String(WIN),
        "--hop",
        String(HOP),
        "--json",
      ]);
      expect(c.status, c.stderr).toBe(0);
      expect(readFileSync(cliCsv, "utf8").split("\n")[0]).toBe(lines[0]);
    },
  );
});
