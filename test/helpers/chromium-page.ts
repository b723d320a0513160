// A page in headless Chromium (Debian's, through playwright-core) for the
// report tests: opened at 1280x800, watched for console errors, failed
// requests and any request besides the page itself, closed after `look`.
import { Browser, chromium, Page } from "playwright-core";
import { afterAll } from "vitest";

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
    return await inPage(browser, url, look);
  } finally {
    await browser.close();
  }
}

/** inChromium for a file that opens several pages: one Chromium, launched for the first and closed after the
 * file's tests (a launch is ~2 CPU-s); each page is still new, watched and closed after `look`. */
export function chromiumForFile(): <T>(url: string, look: (page: Page) => Promise<T>) => Promise<Watched<T>> {
  let browser: Promise<Browser> | null = null;
  afterAll(async () => {
    await browser?.then(
      (b) => b.close(),
      () => {},
    );
  });
  return (url, look) => {
    browser ??= chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
    return browser.then((b) => inPage(b, url, look));
  };
}

async function inPage<T>(browser: Browser, url: string, look: (page: Page) => Promise<T>): Promise<Watched<T>> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  try {
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
    await page.close();
  }
}
