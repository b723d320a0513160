// A page in headless Chromium (Debian's, through playwright-core) for the
// report tests: opened at 1280x800, watched for console errors, failed
// requests and any request besides the page itself, closed after `look`.
import { chromium, Page } from "playwright-core";

// Without the background-networking flags Chromium tries to reach Google's
// hosts at start, which this machine's closed network refuses.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Watched<T> {
  value: T;
  consoleErrors: string[];
  failed: string[];
  foreign: string[];
}

export async function inChromium<T>(url: string, look: (page: Page) => Promise<T>): Promise<Watched<T>> {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const consoleErrors: string[] = [],
      failed: string[] = [],
      foreign: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    page.on("requestfailed", (r) => failed.push(r.url()));
    page.on("request", (r) => {
      if (r.url() !== url) foreign.push(r.url());
    });
    await page.goto(url, { waitUntil: "load" });
    return { value: await look(page), consoleErrors, failed, foreign };
  } finally {
    await browser.close();
  }
}
