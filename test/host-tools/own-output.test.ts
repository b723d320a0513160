// A file the tool did not write is never overwritten: train --out/--report,
// quantize --out, bundle --out and demo --dir replace an existing file only
// when edgefnn wrote it (told by its first bytes), and refuse before any work.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, IRIS_CSV, json, tempDir } from "../helpers/cli";

const TRAIN = ["--label", "species", "--epochs", "3"];

describe("existing files that edgefnn did not write", () => {
  it("train --out the training CSV itself is refused before training, and the CSV is untouched", () => {
    const dir = tempDir(),
      csv = join(dir, "data.csv");
    writeFileSync(csv, readFileSync(IRIS_CSV));
    const before = readFileSync(csv);
    const r = cli(["train", csv, ...TRAIN, "--out", csv]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `edgefnn: ${csv} exists and is not an .efnn model (it starts "sepal_length,sepal_width,petal_length,pe…", ${before.length.toLocaleString("en-US")} bytes): ` +
        "edgefnn replaces only files it wrote; move it away or give another --out\n",
    );
    // refused before the data was even read: nothing about training on stdout
    expect(r.stdout).toBe("");
    expect(readFileSync(csv).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual(["data.csv"]);
  });

  it("train --report over a page of the user's is refused before training; an earlier report and model are replaced", () => {
    const dir = tempDir(),
      notes = join(dir, "notes.html"),
      model = join(dir, "m.efnn"),
      report = join(dir, "report.html");
    writeFileSync(notes, "<!DOCTYPE html><p>my notes</p>\n");
    const r = cli(["train", IRIS_CSV, ...TRAIN, "--out", model, "--report", notes]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${notes} exists and is not an edgefnn HTML report`);
    expect(readFileSync(notes, "utf8")).toBe("<!DOCTYPE html><p>my notes</p>\n");
    expect(existsSync(model)).toBe(false);
    // what edgefnn wrote is replaced: train twice over the same names
    for (let k = 0; k < 2; k++) expect(cli(["train", IRIS_CSV, ...TRAIN, "--out", model, "--report", report]).status).toBe(0);
    expect(readFileSync(report, "utf8")).toContain('<meta name="generator" content="edgefnn">');
    // an empty file holds nothing to lose
    const empty = join(dir, "empty.efnn");
    writeFileSync(empty, "");
    expect(cli(["train", IRIS_CSV, ...TRAIN, "--out", empty]).status).toBe(0);
    expect(readFileSync(empty).subarray(0, 4).toString()).toBe("EFNN");
  });

  it("quantize --out a file of the user's is refused and the file kept", () => {
    const dir = tempDir(),
      model = join(dir, "m.efnn"),
      mine = join(dir, "mine.txt");
    expect(cli(["train", IRIS_CSV, ...TRAIN, "--out", model]).status).toBe(0);
    writeFileSync(mine, "keep me");
    const r = cli(["quantize", model, "--bits", "8", "--out", mine]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${mine} exists and is not an .efnn model (it starts "keep me", 7 bytes)`);
    expect(readFileSync(mine, "utf8")).toBe("keep me");
  });

  it("bundle keeps a classify.js the user edited and refuses a foreign file before writing anything", () => {
    const dir = tempDir(),
      out = join(dir, "web-ide");
    const first = json(cli(["bundle", "--out", out, "--json"]));
    expect(first.kept).toEqual([]);
    const mine = readFileSync(join(out, "classify.js"), "utf8").replace("function readSensors", "// my sensors\nfunction readSensors");
    writeFileSync(join(out, "classify.js"), mine);
    const again = json(cli(["bundle", "--out", out, "--json"]));
    expect(again.kept).toEqual([join(out, "classify.js")]);
    expect(readFileSync(join(out, "classify.js"), "utf8")).toBe(mine);
    expect(again.files.map((f: { file: string }) => f.file)).toContain(join(out, "edgefnn.min.js"));

    const other = join(dir, "other");
    const r0 = cli(["bundle", "--out", other]);
    expect(r0.status).toBe(0);
    writeFileSync(join(other, "README.txt"), "my own readme\n");
    writeFileSync(join(other, "edgefnn.js"), "var edgefnn = 'an older runtime';\n");
    const r = cli(["bundle", "--out", other]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(other, "README.txt")} exists and is not edgefnn bundle's README`);
    // checked before anything was written: the runtime copy was not replaced either
    expect(readFileSync(join(other, "edgefnn.js"), "utf8")).toBe("var edgefnn = 'an older runtime';\n");
  });

  it("demo --dir a folder with the user's train.csv is refused and the file kept", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "train.csv"), "time,reading\n1,2\n");
    const r = cli(["demo", "--dir", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${join(dir, "train.csv")} exists and is not the demo's split of the iris data`);
    expect(readFileSync(join(dir, "train.csv"), "utf8")).toBe("time,reading\n1,2\n");
  });
});
