// What train's confusion matrix counts, said in the report and in the CLI's
// summary alike: with no validation split (the default on small data) not the
// training rows by the model they trained, which flatters it, but each row
// predicted by the cross-validation's fold model that did not train on it; the
// training rows themselves only when nothing else exists, and then said so.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, IRIS_CSV, json } from "../helpers/cli";
import { tempFiles } from "../helpers/temp-files";

const tmp = tempFiles("edgefnn-confusion-");
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

/** the page's confusion matrix, from its cells' titles: right and total */
function counted(html: string): { right: number; total: number } {
  let right = 0,
    total = 0;
  for (const m of html.matchAll(/title="true ([^,]+), predicted ([^:]+): (\d+)"/g)) {
    total += Number(m[3]);
    if (m[1] === m[2]) right += Number(m[3]);
  }
  return { right, total };
}

function trainWithReport(extra: string[]) {
  const dir = tmp.folder(),
    report = join(dir, "r.html");
  const r = cli(["train", IRIS_CSV, "--label", "species", "--out", join(dir, "m.efnn"), "--report", report, "--epochs", "40", ...extra]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return { stdout: r.stdout, html: readFileSync(report, "utf8") };
}

describe("the confusion matrix says what it counts", () => {
  it("no validation split, the search ran: the training rows out of fold, as many right as the cross-validated accuracy", () => {
    const dir = tmp.folder();
    const t = json(cli(["train", IRIS_CSV, "--label", "species", "--out", join(dir, "m.efnn"), "--epochs", "40", "--json"]));
    const { stdout, html } = trainWithReport([]);
    const on =
      `the 150 training rows, cross-validated: each predicted by the one of 3 fold models ` +
      `(lambda ${t.search.lambda}, learning rate ${t.search.learningRate}, 40 epochs) that did not train on it, not by the final model`;
    expect(stdout).toContain(`(confusion matrix on ${on}`);
    expect(text(html)).toContain(`On ${on}`);
    const c = counted(html);
    expect(c.total).toBe(150);
    expect(c.right / 150).toBeCloseTo(t.search.cvAccuracy, 10);
  });

  it("no validation split and no search: the training rows by the model they trained, and that it flatters it", () => {
    const { stdout, html } = trainWithReport(["--no-search", "--val-fraction", "0"]);
    const on = "the 150 training rows, by the model they trained (no validation split and no cross-validation: it flatters the model";
    expect(stdout).toContain(`(confusion matrix on ${on}`);
    expect(text(html)).toContain(`On ${on}`);
    expect(counted(html).total).toBe(150);
  });

  it("a validation split: counted on it, its rows said", () => {
    const { stdout, html } = trainWithReport(["--val-fraction", "0.2"]);
    expect(stdout).toContain("(confusion matrix on the validation split (30 rows))");
    expect(text(html)).toContain("On the validation split (30 rows).");
    expect(counted(html).total).toBe(30);
  });
});
