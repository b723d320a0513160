// predict's CSV opened in a spreadsheet: a label such as =1+1 must not land
// raw in a cell (CSV formula injection), while numbers, negative ones
// included, stay numbers.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { createNetwork, encodeModel, modelFromNetwork } from "../../src/core/index";
import { csvCell } from "../../host-tools/files/csv-cell";
import { cli, json, tempDir } from "../helpers/cli";

describe("csvCell", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+x", "'+x"],
    ["-x", "'-x"],
    ["@x", "'@x"],
    ['=HYPERLINK("http://e.x","a")', `"'=HYPERLINK(""http://e.x"",""a"")"`],
    ["\tx", `"'\tx"`],
    ["\rx", `"'\rx"`],
    ["-", "'-"],
    ["+1-1", "'+1-1"],
    ["-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"],
  ])("neutralises %j as %j", (cell, want) => expect(csvCell(cell)).toBe(want));

  it.each(["-1", "+1", "-0.5", "+.5", "-1e-3", "1E+9", "setosa", "a b", "x=1", "p_=1+1", "0"])("leaves %j as it is", (cell) =>
    expect(csvCell(cell)).toBe(cell),
  );

  it.each([
    ["a,b", '"a,b"'],
    ['a"b', '"a""b"'],
    ["a;b", '"a;b"'],
    ["a\nb", '"a\nb"'],
  ])("quotes %j as %j", (cell, want) => expect(csvCell(cell)).toBe(want));
});

describe("predict with labels that look like formulas", () => {
  const dir = tempDir();
  const LABELS = ["=1+1", "+x", "-x", "@x", "-1", "ok"];
  // 1 input -> 6 softmax outputs, z_k = 2 k x - k^2: input k predicts class k
  const net = createNetwork({ inputSize: 1, layers: [{ size: LABELS.length, activation: "softmax" }] });
  LABELS.forEach((_, k) => {
    net.layers[0].W[k] = 2 * k;
    net.layers[0].b[k] = -k * k;
  });
  const model = join(dir, "formulas.efnn");
  writeFileSync(model, encodeModel(modelFromNetwork(net, LABELS)));
  const data = join(dir, "x.csv");
  writeFileSync(data, ["x", ...LABELS.map((_, k) => String(k))].join("\n") + "\n");

  it("every label cell that would start a formula starts with an apostrophe; -1 stays a number; the file parses back", () => {
    const r = cli(["predict", model, data]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const rows: string[][] = parse(r.stdout);
    expect(rows[0]).toEqual(["label", ...LABELS.map((l) => "p_" + l)]);
    expect(rows.slice(1).map((row) => row[0])).toEqual(["'=1+1", "'+x", "'-x", "'@x", "-1", "ok"]);
    for (const row of rows) for (const cell of row) if (/^[=+\-@\t\r]/.test(cell)) expect(Number.isFinite(Number(cell))).toBe(true);
  });

  it("--json keeps the labels as they are (JSON is no spreadsheet)", () => {
    const j = json(cli(["predict", model, data, "--json"]));
    expect(j.predictions.map((p: { label: string }) => p.label)).toEqual(LABELS);
  });

  it("labelled data with those labels: eval reads them and counts every row right", () => {
    const labelled = join(dir, "xy.csv");
    writeFileSync(labelled, ["x,y", ...LABELS.map((l, k) => `${k},${l.includes(",") ? `"${l}"` : l}`)].join("\n") + "\n");
    const j = json(cli(["eval", model, labelled, "--json"]));
    expect(j.accuracy).toBe(1);
    expect(j.labels).toEqual(LABELS);
  });
});
