// train --report tells the whole story in one set of numbers: the data file,
// the features, the rows used and dropped, the command line, the version and
// date, the held-out file's accuracy and confusion (--test), and the kept
// epoch's train and validation numbers, the same in the summary, in the charts'
// captions and in the CLI (they once disagreed: train 96.2% vs 95.6%, loss
// 0.111 vs 0.0942, the running mean during an epoch against the kept weights).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, IRIS_CSV, json } from "../helpers/cli";
import { tempFiles } from "../helpers/temp-files";

const tmp = tempFiles("edgefnn-story-");
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

describe("the report", () => {
  it("names the data, features, rows, command, version and date; --test's accuracy and confusion; one set of numbers", () => {
    const dir = tmp.folder(),
      data = join(dir, "iris.csv");
    const [head, ...rows] = readFileSync(IRIS_CSV, "utf8").trim().split("\n");
    // two rows with a gap, dropped with --drop-incomplete
    writeFileSync(data, [head, ...rows, "5.0,,1.4,0.2,setosa", "6.1,2.8,NA,1.2,versicolor"].join("\n") + "\n");
    const s = json(cli(["split", data, "--test", "0.2", "--stratify", "--json"]));
    const report = join(dir, "r.html"),
      model = join(dir, "m.efnn");
    const t = json(
      cli([
        "train",
        s.train,
        "--drop-incomplete",
        "--test",
        s.test,
        "--out",
        model,
        "--report",
        report,
        "--epochs",
        "60",
        "--val-fraction",
        "0.2",
        "--json",
      ]),
    );
    const page = text(readFileSync(report, "utf8"));
    expect(page).toContain(
      `data ${s.train}: ${t.rows} rows read, ${t.rows - t.dropped} used; ${t.dropped} dropped (a missing value, --drop-incomplete)`,
    );
    expect(t.dropped).toBeGreaterThan(0);
    expect(page).toContain("features sepal_length, sepal_width, petal_length, petal_width");
    expect(page).toContain("label column species (3 classes)");
    expect(page).toMatch(
      /command edgefnn train \S+ --drop-incomplete --test \S+ --out \S+ --report \S+ --epochs 60 --val-fraction 0.2 --json/,
    );
    // the cross-validated choice of lambda and the learning rate, and the values the model was trained with
    expect(page).toContain(`lambda and learning rate chosen by 3-fold cross-validation on the training rows`);
    expect(page).toContain(`L2 lambda ${t.lambda}`);
    expect(page).toContain(`learning rate / optimizer / batch ${t.learningRate} / sgd / 1`);
    expect(page).toMatch(/edgefnn version \d+\.\d+\.\d+, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
    // --test: the held-out accuracy, and the confusion matrix is counted on it
    const testRows = t.test.n;
    expect(page).toContain(`test: ${s.test} ${testRows} rows`);
    expect(page).toContain(`On the held-out file ${s.test} (${testRows} rows)`);
    const e = json(cli(["eval", model, s.test, "--drop-incomplete", "--json"]));
    expect(t.test.accuracy).toBe(e.accuracy);
    // one set of numbers: the summary's train / validation accuracy and loss are the captions' (the kept epoch's)
    const best = t.bestEpoch;
    const cap = new RegExp(
      `Accuracy At epoch ${best}, the best on validation, whose weights the model keeps: train ([\\d.]+%), validation ([\\d.]+%)`,
    ).exec(page);
    expect(cap).not.toBeNull();
    expect(page).toContain(`train accuracy (epoch ${best}, kept) ${cap![1]}`);
    expect(page).toContain(`validation accuracy (epoch ${best}, kept) ${cap![2]}`);
    expect(Number(cap![1].slice(0, -1)) / 100).toBeCloseTo(t.trainAccuracy, 3);
    const loss = new RegExp(
      `Loss At epoch ${best}, the best on validation, whose weights the model keeps: train (\\S+), validation (\\S+)\\.`,
    ).exec(page);
    expect(page).toContain(`train loss (epoch ${best}, kept) ${loss![1]}`);
    expect(page).toContain(`validation loss (epoch ${best}, kept) ${loss![2]}`);
  });
});
