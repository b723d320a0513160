// A binary classifier with one logistic output (docs/FORMAT.md, Labels: 2
// labels for one output, labels[0] for <= 0.5, labels[1] for > 0.5), end to
// end: train, info, eval, quantize, predict, and the board runtime bundle in
// Node, in Duktape and on the Espruino surface, all giving the same classes.
// And what is not a model: one output with one label, refused the same way
// everywhere.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { crc32, createNetwork, decodeLayout, decodeModel, encodeModel, modelFromNetwork } from "../../src/core/index";
import { bundleText, requireBundle } from "../helpers/bundle";
import { cli, IRIS_CSV, json, tempDir } from "../helpers/cli";
import { createSandbox } from "../helpers/espruino-sandbox";

const dir = tempDir();
const data = join(dir, "versicolor-virginica.csv");
const model = join(dir, "binary.efnn");
const q8 = join(dir, "binary.q8.efnn");
const LABELS = ["versicolor", "virginica"];

/** the feature rows of the CSV as the CLI reads them (float32), and the labels */
function rowsOf(file: string): { x: number[][]; y: string[] } {
  const [, ...rows]: string[][] = parse(readFileSync(file, "utf8"));
  return { x: rows.map((r) => Array.from(Float32Array.from(r.slice(0, 4).map(Number)))), y: rows.map((r) => r[4]) };
}

beforeAll(() => {
  // iris's two classes that overlap (setosa is separable by one feature): a classifier that makes some mistakes
  const lines = readFileSync(IRIS_CSV, "utf8").trim().split("\n");
  writeFileSync(data, [lines[0], ...lines.slice(1).filter((l) => !l.endsWith(",setosa"))].join("\n") + "\n");
  // --no-search here and below: these tests are about the logistic output, not the rates' search (~0.4 CPU-s a train)
  const r = cli(["train", data, "--output", "logistic", "--out", model, "--no-search", "--json"]);
  if (r.status !== 0) throw new Error(r.stderr);
  const q = cli(["quantize", model, "--bits", "8", "--out", q8]);
  if (q.status !== 0) throw new Error(q.stderr);
}, 120_000);

describe("train --output logistic on two classes", () => {
  it("trains one logistic output and writes its two labels; training's accuracy is the model's", () => {
    const r = cli([
      "train",
      data,
      "--output",
      "logistic",
      "--out",
      join(dir, "again.efnn"),
      "--val-fraction",
      "0",
      "--no-search",
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const t = json(r);
    expect(t.labels).toEqual(LABELS);
    expect(t.params).toBe(4 * 16 + 16 + 16 + 1);
    expect(t.trainAccuracy).toBeGreaterThan(0.9);
    const m = decodeModel(new Uint8Array(readFileSync(join(dir, "again.efnn"))));
    expect(m.outputSize).toBe(1);
    expect(m.labels).toEqual(LABELS);
    // eval on the same rows through the board runtime agrees with train's own count
    expect(json(cli(["eval", join(dir, "again.efnn"), data, "--json"])).accuracy).toBe(t.trainAccuracy);
  });

  it("says what the output means", () => {
    const r = cli(["train", data, "--output", "logistic", "--out", join(dir, "human.efnn"), "--epochs", "5", "--no-search"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("one logistic output, P(virginica): virginica above 0.5, versicolor at or below");
    expect(r.stdout).toMatch(/16 -> 1 logistic/);
  });

  it("--report draws the 2 x 2 confusion matrix", () => {
    const report = join(dir, "binary.html");
    expect(
      cli(["train", data, "--output", "logistic", "--out", join(dir, "r.efnn"), "--epochs", "20", "--no-search", "--report", report])
        .status,
    ).toBe(0);
    const html = readFileSync(report, "utf8");
    expect(html).toContain('id="confusion"');
    for (const l of LABELS) expect(html).toContain(l);
  });

  it("an output a classifier cannot be trained with: says which ones work, before printing a network", () => {
    for (const output of ["hard-logistic", "linear"]) {
      const out = join(dir, `bad-${output}.efnn`);
      const r = cli(["train", data, "--output", output, "--out", out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        `edgefnn: --output ${output}: a classifier is trained with cross-entropy, which needs --output softmax (the default) or logistic (one output for two classes: a binary classifier); for numbers, --task regression\n`,
      );
      expect(r.stdout).toBe("");
      expect(existsSync(out)).toBe(false);
    }
  });

  it("a label column with one value: a clear error before training, no model written", () => {
    const one = join(dir, "one-class.csv");
    const lines = readFileSync(data, "utf8").trim().split("\n");
    writeFileSync(one, [lines[0], ...lines.slice(1).filter((l) => l.endsWith(",virginica"))].join("\n") + "\n");
    for (const output of ["logistic", "softmax"]) {
      const out = join(dir, `one-${output}.efnn`);
      const r = cli(["train", one, "--output", output, "--out", out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /^edgefnn: .*one-class\.csv: only one class "virginica" in column "species": classification needs at least two/,
      );
      expect(r.stdout).not.toMatch(/network:|epoch/);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe("the binary model in every command and on the board runtime", () => {
  it("info: binary classification, what each side of 0.5 means", () => {
    const j = json(cli(["info", q8, "--json"]));
    expect(j.outputSize).toBe(1);
    expect(j.labels).toEqual(LABELS);
    expect(j.task).toBe("binary classification");
    expect(cli(["info", q8]).stdout).toContain("binary classification: versicolor for output <= 0.5, virginica for > 0.5");
  });

  it("eval, quantize --data, predict and the bundle (Node, Duktape, Espruino surface) give the same classes, row by row", () => {
    const { x, y } = rowsOf(data);
    const bytes = new Uint8Array(readFileSync(q8));
    // the bundle, as a Raspberry Pi loads it
    const nn = requireBundle().load(bytes),
      nnMin = requireBundle(true).load(bytes);
    expect(nn.labels).toEqual(LABELS);
    const classes = x.map((r) => nn.classify(r));
    expect(x.map((r) => nnMin.classify(r))).toEqual(classes);
    const outputs = x.map((r) => nn.run(r)[0]);
    // the rule of the format: labels[1] exactly when the output is above 0.5
    expect(classes).toEqual(outputs.map((p) => (p > 0.5 ? 1 : 0)));
    const right = classes.filter((c, i) => LABELS[c] === y[i]).length;
    expect(right).toBeGreaterThan(0.85 * x.length);

    // predict: the label column is the bundle's class, the output column its output
    const p = cli(["predict", q8, data]);
    expect(p.stderr).toBe("");
    const table: string[][] = parse(p.stdout);
    expect(table[0]).toEqual(["label", "p_virginica"]);
    expect(table.slice(1).map((r) => r[0])).toEqual(classes.map((c) => LABELS[c]));
    // probabilities to 4 significant digits in the text; --json has them exact
    expect(table.slice(1).map((r) => Number(r[1]))).toEqual(outputs.map((v) => Number(v.toPrecision(4))));
    expect(json(cli(["predict", q8, data, "--json"])).predictions.map((r: { outputs: number[] }) => r.outputs[0])).toEqual(outputs);

    // eval: the bundle's count of right rows, and a 2 x 2 confusion over both labels
    const e = json(cli(["eval", q8, data, "--json"]));
    expect(e.accuracy).toBe(right / x.length);
    expect(e.labels).toEqual(LABELS);
    const cell = (t: number, pr: number) => (e.confusion as number[][]).find((c) => c[0] === t && c[1] === pr)?.[2] ?? 0;
    for (const t of [0, 1])
      for (const pr of [0, 1]) expect(cell(t, pr)).toBe(classes.filter((c, i) => c === pr && y[i] === LABELS[t]).length);

    // quantize --data: its quantized accuracy is the same count
    const q = json(
      cli(["quantize", model, "--bits", "8", "--out", join(dir, "again.q8.efnn"), "--data", data, "--fold-normalization", "no", "--json"]),
    );
    const again = requireBundle().load(new Uint8Array(readFileSync(join(dir, "again.q8.efnn"))));
    expect(q.quantizedAccuracy).toBe(x.filter((r, i) => LABELS[again.classify(r)] === y[i]).length / x.length);
    expect(q.floatAccuracy).toBeGreaterThan(0.85);

    // Duktape, an ES5 engine like the board's: the same labels for the same rows
    const script = `${bundleText(true)}
var m = edgefnn.load(new Uint8Array(${JSON.stringify(Array.from(bytes))}).buffer), xs = ${JSON.stringify(x)};
print(m.labels.join(","));
for (var i = 0; i < xs.length; i++) print(m.labels[m.classify(xs[i])]);`;
    const file = join(dir, "binary-duk.js");
    writeFileSync(file, script);
    const duk = execFileSync("duk", [file], { encoding: "utf8" }).trim().split("\n");
    expect(duk).toEqual([LABELS.join(","), ...classes.map((c) => LABELS[c])]);

    // the Espruino surface (E.convolve rows, labels read from the Storage file), as a board runs it
    const sb = createSandbox({ viewOffsetLimit: true });
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    sb.storage.set("bin", bytes);
    sb.context.xs = x;
    const board = sb.run(`var m = require("edgefnn").loadFile("bin"), got = [m.labels.join(",")];
for (var i = 0; i < xs.length; i++) got.push(m.labels[m.classify(xs[i])]);
JSON.stringify(got)`);
    expect(JSON.parse(board)).toEqual([LABELS.join(","), ...classes.map((c) => LABELS[c])]);
  }, 120_000);
});

describe("one output with one label is not a model", () => {
  /** a valid file but for its label count: one output, K = 1 (hand-made: the encoder refuses it) */
  function oneLabelFile(): Uint8Array {
    const net = createNetwork({ inputSize: 4, layers: [{ size: 1, activation: "logistic" }] });
    // labels "a" and "b" take 4 bytes, as "a" alone does padded: only the header changes
    const b = encodeModel(modelFromNetwork(net, ["a", "b"]));
    const lab = decodeLayout(b).meanOff + 8 * 4;
    expect([b[8], b[10], b[lab], b[lab + 1], b[lab + 2], b[lab + 3]]).toEqual([2, 4, 1, 97, 1, 98]);
    b[8] = 1;
    b[10] = 2;
    b[lab + 2] = b[lab + 3] = 0; // the second label becomes padding
    new DataView(b.buffer).setUint32(b.length - 4, crc32(b, b.length - 4), true);
    return b;
  }
  const MSG = "1 labels for 1 outputs (1 output: 2 labels or none)";

  it("the encoder refuses it and says how to make a binary classifier", () => {
    const net = createNetwork({ inputSize: 4, layers: [{ size: 1, activation: "logistic" }] });
    expect(() => encodeModel(modelFromNetwork(net, ["a"]))).toThrow(
      "1 labels for 1 outputs: a one-output (binary) classifier has 2 labels, for outputs <= 0.5 and > 0.5; a regression model none",
    );
    expect(() => encodeModel(modelFromNetwork(net, ["a", "b", "c"]))).toThrow(
      "3 labels for 1 outputs: a one-output (binary) classifier has 2 labels",
    );
    expect(decodeModel(encodeModel(modelFromNetwork(net, ["a", "b"]))).labels).toEqual(["a", "b"]);
    expect(decodeModel(encodeModel(modelFromNetwork(net))).labels).toEqual([]);
  });

  it("the reader refuses it, on the host and in the bundle", () => {
    const b = oneLabelFile();
    expect(() => decodeLayout(b)).toThrow(MSG);
    expect(() => requireBundle().load(b)).toThrow(MSG);
    expect(() => requireBundle(true).load(b)).toThrow(MSG);
    const sb = createSandbox();
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    sb.storage.set("one", b);
    expect(sb.run(`var r; try { require("edgefnn").loadFile("one"); r = "loaded"; } catch (e) { r = e.message; } r`)).toBe(MSG);
    // three labels for one output too; one label for two outputs keeps its message
    const c = oneLabelFile();
    c[8] = 3;
    expect(() => decodeLayout(c)).toThrow("3 labels for 1 outputs (1 output: 2 labels or none)");
  });

  it("eval, predict, info, verify and quantize --data all refuse it with the same message", () => {
    const f = join(dir, "one-label.efnn");
    writeFileSync(f, oneLabelFile());
    const csv = join(dir, "four.csv");
    writeFileSync(csv, "a,b,c,d,y\n1,2,3,4,a\n");
    for (const args of [
      ["eval", f, csv],
      ["predict", f, csv],
      ["info", f],
      ["verify", f, csv, "--port", join(dir, "no-such-port")],
      ["quantize", f, "--bits", "8", "--data", csv, "--out", join(dir, "q.efnn")],
    ]) {
      const r = cli(args);
      expect(r.status, args[0]).toBe(1);
      expect(r.stderr).toBe(`edgefnn: ${f}: ${MSG}\n`);
      expect(r.stdout).toBe("");
    }
    expect(existsSync(join(dir, "q.efnn"))).toBe(false);
  });
});

describe("one logistic output without labels is a regression model", () => {
  it("train --task regression --output logistic: eval gives RMSE, predict a prediction column, info says regression", () => {
    const lines = ["a,b,y"];
    for (let i = 0; i < 200; i++) {
      const a = Math.sin(i),
        b = Math.cos(3 * i);
      lines.push(`${a},${b},${1 / (1 + Math.exp(-(2 * a - b)))}`);
    }
    const csv = join(dir, "unit-interval.csv");
    writeFileSync(csv, lines.join("\n") + "\n");
    const m = join(dir, "reg-logistic.efnn");
    expect(cli(["train", csv, "--task", "regression", "--output", "logistic", "--out", m]).status).toBe(0);
    const e = json(cli(["eval", m, csv, "--json"]));
    expect(e.rmse).toBeLessThan(0.1);
    expect(json(cli(["info", m, "--json"])).task).toBe("regression");
    const p: string[][] = parse(cli(["predict", m, csv]).stdout);
    expect(p[0]).toEqual(["prediction"]);
    expect(p.length).toBe(201);
    const q = json(cli(["quantize", m, "--bits", "8", "--data", csv, "--out", join(dir, "reg.q8.efnn"), "--json"]));
    expect(q.quantizedAccuracy).toBeNull();
    expect(q.maxOutputDiff).toBeLessThan(0.05);
  });
});
