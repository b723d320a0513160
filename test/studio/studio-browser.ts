// What the studio's browser tests share: `edgefnn studio` started as the user
// starts it, Debian's headless Chromium through playwright-core, a page that
// records console errors and requests outside its origin, and the page's
// steps (open a CSV, train, download) as a user does them.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../helpers/chromium-page";
import { BIN } from "../helpers/cli";
import { studioBuilt } from "../helpers/studio-build";

export const dir = mkdtempSync(join(tmpdir(), "edgefnn-studio-"));
export const shots = process.env.EDGEFNN_STUDIO_SHOTS ?? join(dir, "shots");
mkdirSync(shots, { recursive: true });

export interface Studio {
  proc: ChildProcess;
  /** the URL it printed (with ?sim under --sim) */
  url: string;
  /** the page's origin, http://127.0.0.1:PORT */
  origin: string;
  /** --sim: the virtual board's own TCP port (tcp://127.0.0.1:N), which the CLI can open too */
  board: string | null;
}

/** `edgefnn studio --port 0 --json [more]`, up and serving. */
export async function startStudio(more: string[] = []): Promise<Studio> {
  await studioBuilt(); // built beside the first suites (test/setup/build-bundle.ts)
  const proc = spawn(process.execPath, [BIN, "studio", "--port", "0", "--json", ...more], { stdio: ["ignore", "pipe", "pipe"] });
  const first = await new Promise<string>((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
    proc.on("exit", (code) => reject(new Error(`edgefnn studio exited with ${code}`)));
  });
  const { url, board } = JSON.parse(first) as { url: string; board: string | null };
  return { proc, url, origin: new URL(url).origin, board };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

export interface Watched {
  page: Page;
  consoleErrors: string[];
  foreign: string[];
}

/** A fresh context and page on url, watched: console errors, failed requests, requests outside the page's origin. */
export async function openPage(browser: Browser, url: string, viewport = { width: 1280, height: 800 }): Promise<Watched> {
  const origin = new URL(url).origin;
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const consoleErrors: string[] = [],
    foreign: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  page.on("requestfailed", (r) => consoleErrors.push(`request failed: ${r.url()}`));
  page.on("request", (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith("blob:") && !r.url().startsWith(origin.replace(/^http/, "ws")))
      foreign.push(r.url());
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, consoleErrors, foreign };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

/** One part of the page (a section), where the whole page is too long to look at. */
export async function shotOf(page: Page, selector: string, name: string): Promise<void> {
  await page.locator(selector).screenshot({ path: join(shots, `${name}.png`) });
}

/** Clicks a download button; the file's bytes. */
let downloads = 0;
export async function download(page: Page, buttonId: string): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent("download"), page.click(`#${buttonId}`)]);
  // a count, not the time: two downloads in one millisecond would be one file
  const path = join(dir, `${buttonId}-${++downloads}`);
  await d.saveAs(path);
  return readFileSync(path);
}

/** A value cell of a key-value table, by its key. */
export async function cell(page: Page, key: string, table = "#result-table"): Promise<string> {
  return (await page.locator(`${table} td[data-key="${key}"]`).textContent()) ?? "";
}

/** Opens a CSV in the page and waits for its columns. */
export async function openCsv(page: Page, file: string): Promise<void> {
  await page.setInputFiles("#csv-file", file);
  await page.waitForSelector("#columns-box:not([hidden])");
}

export async function trainInPage(page: Page): Promise<void> {
  await page.click("#train");
  await page.waitForSelector("#result:not([hidden])", { timeout: 120_000 });
}
