// A regression data set through the studio page in headless Chromium (the
// page served by the real `edgefnn studio`): the task is chosen from the
// label's values, the network trained in the page's worker with the CLI's
// defaults, MAE, RMSE and R^2 shown as `edgefnn eval` prints them, quantized
// as `edgefnn quantize --data` does, and the downloaded model files compared
// byte for byte with the CLI's on the same file.
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index";
import { cli, json } from "../helpers/cli";
import { cell, dir, download, launchChromium, openCsv, openPage, shot, startStudio, trainInPage, type Studio } from "./studio-browser";

let studio: Studio;
let browser: Browser;

beforeAll(async () => {
  studio = await startStudio();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  studio?.proc.kill("SIGTERM");
});

/** y = 2 x1 - x2^2 + 0.5 sin(3 x3) + noise, and a feature of pure noise: 300 rows. */
function regressionCsv(): string {
  const rng = createRng(5);
  const lines = ["x1,x2,x3,noise,y"];
  for (let i = 0; i < 300; i++) {
    const x = [rng.float() * 2 - 1, rng.float() * 2 - 1, rng.float() * 2 - 1];
    const y = 2 * x[0] - x[1] * x[1] + 0.5 * Math.sin(3 * x[2]) + 0.05 * rng.normal();
    lines.push([...x.map((v) => v.toFixed(4)), rng.normal().toFixed(3), y.toFixed(4)].join(","));
  }
  return lines.join("\n") + "\n";
}

describe("edgefnn studio: regression", () => {
  it("trains, reports MAE, RMSE and R^2 as edgefnn eval, quantizes and downloads the CLI's files byte for byte", async () => {
    const csv = join(dir, "regression.csv");
    writeFileSync(csv, regressionCsv());
    const { page, consoleErrors, foreign } = await openPage(browser, studio.url);
    await openCsv(page, csv);
    // a numeric label of many values: the page offers regression, with a linear output and squared error
    expect(await page.locator("#label-column").inputValue()).toBe("y");
    expect(await page.locator("#task").inputValue()).toBe("regression");
    await page.click("#load-data");
    await expect.poll(() => page.locator("#data-summary").textContent()).toContain("target y");
    expect(await page.locator("#output-act").inputValue()).toBe("linear");
    expect(await page.locator("#loss-name").textContent()).toBe("loss: squared error");
    await page.fill("#epochs", "80");
    await trainInPage(page);
    await shot(page, "12-regression-trained");
    const cliLine = (await page.locator("#cli-line").textContent()) ?? "";
    expect(cliLine).toContain("--task regression");
    expect(cliLine).toContain("--output linear");

    // the CLI with the page's settings (its defaults for the rest): the same model file
    const model = join(dir, "regression-cli.efnn");
    const r = json(cli(["train", csv, "--label", "y", "--task", "regression", "--epochs", "80", "--seed", "1", "--out", model, "--json"]));
    expect(Buffer.compare(await download(page, "download-model"), readFileSync(model))).toBe(0);
    expect(await cell(page, "best epoch")).toBe(`${r.bestEpoch} of ${r.epochs}`);
    // no accuracy for a regression; no confusion matrix
    expect(await page.locator('#result-table td[data-key="train accuracy"]').count()).toBe(0);
    expect(await page.locator("#confusion").textContent()).toContain("no confusion matrix");
    // MAE, RMSE, R^2: `edgefnn eval`'s words and numbers for the same model on the same file
    const ev = cli(["eval", model, csv]);
    expect(ev.status, ev.stderr).toBe(0);
    const evalWords = /MAE [^\n]*R\^2 [-\d.]+/.exec(ev.stdout)![0];
    expect(await cell(page, "on all 300 rows (as edgefnn eval)")).toBe(evalWords);
    const e = json(cli(["eval", model, csv, "--json"]));
    expect(e.r2).toBeGreaterThan(0.8);

    // int16, as quantize --data: the same file, and the same MAE and RMSE beside the float model's
    await page.selectOption("#bits", "16");
    await page.click("#quantize");
    await page.waitForSelector("#compare:not([hidden])");
    await shot(page, "13-regression-quantized");
    const qFile = join(dir, "regression-cli.q16.efnn");
    const q = json(cli(["quantize", model, "--bits", "16", "--data", csv, "--out", qFile, "--json"]));
    expect(Buffer.compare(await download(page, "download-quantized"), readFileSync(qFile))).toBe(0);
    expect(await cell(page, "MAE", "#compare")).toBe(q.quantizedMae.toPrecision(4));
    expect(await cell(page, "RMSE", "#compare")).toBe(q.quantizedRmse.toPrecision(4));
    const report = (await download(page, "download-report")).toString("utf8");
    expect(report).toContain("<svg");
    expect(consoleErrors).toEqual([]);
    expect(foreign).toEqual([]);
    await page.context().close();
  });
});
