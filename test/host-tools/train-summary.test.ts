// train's printed summary (not --json, whose keys stay) says what each number
// counts: which rows (trained on, validation, the held-out file, out of fold)
// and which model (the one written, at its kept epoch, or the search's fold
// models), with the same numbers as --json. Issue 14.
import { join } from "node:path";
import { copyFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cli, IRIS_CSV, json, tempDir } from "../helpers/cli";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe("train's summary lines", () => {
  it("small data, the search and no validation split: the cross-validated accuracy is the fold models', the train row the rows it trained on", () => {
    const dir = tempDir();
    const args = ["train", IRIS_CSV, "--epochs", "40", "--seed", "1", "--out", join(dir, "m.efnn")];
    const r = cli(args);
    expect(r.status, r.stderr).toBe(0);
    const j = json(cli([...args, "--json"]));
    const cv = pct(j.search.cvAccuracy);
    expect(r.stdout).toContain(`(cross-validated accuracy ${cv}, loss ${j.search.cvLoss.toFixed(4)} after 40 epochs)`);
    expect(r.stdout).toContain(
      "(cross-validated: out of fold, each of the 150 training rows predicted by the one of 3 fold models that did not train on it; " +
        "not the model written)",
    );
    expect(r.stdout).toContain(`kept epoch ${j.bestEpoch} (the last: no validation split to choose by)`);
    expect(r.stdout).toContain(
      `the model written (epoch ${j.bestEpoch}'s weights) on each split; loss: mean cross-entropy, accuracy: the rows it classifies right:`,
    );
    expect(r.stdout).toMatch(
      new RegExp(
        `\\n  train \\(the 150 rows it trained on\\) +accuracy ${pct(j.trainAccuracy).replace(".", "\\.")} +loss ${j.trainLoss.toFixed(4)}\\n`,
      ),
    );
    expect(r.stdout).not.toMatch(/validation \(/);
  }, 60_000);

  it("a validation split and --test: each row names its rows, the kept epoch is the restored best on validation", () => {
    const dir = tempDir();
    // the "held-out" file: iris itself, copied (the labels are under test here, not the split; the CLI says what it was told)
    const test = join(dir, "held.csv");
    copyFileSync(IRIS_CSV, test);
    const args = ["train", IRIS_CSV, "--no-search", "--val-fraction", "0.2", "--seed", "1", "--test", test, "--out", join(dir, "m.efnn")];
    const r = cli(args);
    expect(r.status, r.stderr).toBe(0);
    const j = json(cli([...args, "--json"]));
    expect(r.stdout).toContain(`kept epoch ${j.bestEpoch} (best on validation: its weights restored)`);
    const esc = (s: string) => s.replace(/[.()%]/g, (c) => "\\" + c);
    expect(r.stdout).toMatch(
      new RegExp(`\\n  train \\(the 120 rows it trained on\\) +accuracy ${esc(pct(j.trainAccuracy))} +loss ${j.trainLoss.toFixed(4)}\\n`),
    );
    expect(r.stdout).toMatch(
      new RegExp(
        `\\n  validation \\(30 rows held out, which chose the epoch\\) +accuracy ${esc(pct(j.valAccuracy))} +loss ${j.valLoss.toFixed(4)}\\n`,
      ),
    );
    expect(r.stdout).toMatch(
      new RegExp(`\\n  test \\(the held-out file .*held\\.csv: 150 rows\\) +accuracy ${esc(pct(j.test.accuracy))}\\n`),
    );
  }, 60_000);
});
