// The numbers of docs/STUDIO.md's Speed section (not a test: wall-clock
// times, for the docs): the page's size and load time in headless Chromium,
// and training in the page's worker beside `edgefnn train` on the same CSV
// with the same settings, each run RUNS times in turn. Needs `npm run build`.
//   node test/studio/measure-speed.mjs [rows] [runs]
// The CSV: `rows` rows of 8 features and 4 classes (seeded); the network
// 8-32-16-4 hard-tanh, 30 epochs, everything else the page's defaults (the
// learning rate, lambda and the validation split "auto": on up to 2000 rows of
// a classification, the CLI's 3-fold cross-validated search first).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const ROWS = Number(process.argv[2] ?? 3000),
  RUNS = Number(process.argv[3] ?? 3);
const BIN = new URL("../../bin/edgefnn.mjs", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "edgefnn-studio-speed-"));

// a seeded LCG and Box-Muller: four Gaussian classes in 8 dimensions
let seed = 12345;
const uni = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
const normal = () => Math.sqrt(-2 * Math.log(uni())) * Math.cos(2 * Math.PI * uni());
const centres = Array.from({ length: 4 }, () => Array.from({ length: 8 }, () => 1.5 * normal()));
const lines = [["f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "cls"].join(",")];
for (let i = 0; i < ROWS; i++) {
  const k = i % 4;
  lines.push([...centres[k].map((m) => (m + normal()).toFixed(4)), `c${k}`].join(","));
}
const csv = join(dir, `speed-${ROWS}.csv`);
writeFileSync(csv, lines.join("\n") + "\n");

const pageFiles = ["index.html", "studio.css", "studio.js", "worker.js"];
const studioDir = new URL("../../dist/studio/", import.meta.url).pathname;
const bytes = pageFiles.reduce((n, f) => n + statSync(join(studioDir, f)).size, 0);
const gz = pageFiles.reduce((n, f) => n + gzipSync(readFileSync(join(studioDir, f))).length, 0);
console.log(`page: ${bytes} bytes, ${gz} gzipped (${pageFiles.join(", ")})`);

const server = spawn(process.execPath, [BIN, "studio", "--port", "0", "--json"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise((resolve) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]).url);
  });
});
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
try {
  for (let run = 1; run <= RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    const load = await page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd);
    await page.setInputFiles("#csv-file", csv);
    await page.waitForSelector("#columns-box:not([hidden])");
    await page.click("#load-data");
    await page.fill("#layers li:nth-child(1) .layer-size", "32");
    await page.click("#add-layer");
    await page.fill("#layers li:nth-child(2) .layer-size", "16");
    await page.fill("#epochs", "30");
    await page.click("#train");
    await page.waitForSelector("#result:not([hidden])", { timeout: 600_000 });
    const status = await page.locator("#train-status").textContent();
    const worker = Number(/in ([\d.]+) s/.exec(status)[1]);
    const cliLine = (await page.locator("#cli-line").textContent()).replace(/^.*?edgefnn train /, "");
    await context.close();
    const args = cliLine.split(" ").slice(1); // the page's own command line, the file replaced by the path
    const r = spawnSync(process.execPath, [BIN, "train", csv, ...args, "--out", join(dir, `m${run}.efnn`), "--json"], { encoding: "utf8" });
    const cli = JSON.parse(r.stdout);
    console.log(
      `run ${run}: page load ${load.toFixed(0)} ms; worker ${worker.toFixed(2)} s; CLI train ${cli.seconds.toFixed(2)} s` +
        ` (${cli.search ? `searched: lr ${cli.learningRate}, lambda ${cli.lambda}` : "no search"}; ${cli.epochs} epochs)`,
    );
  }
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
