// The edgefnn command end to end, through the real CLI process.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../../src/core/index";
import { gaussianClusters } from "../../src/core/check/index";
import { SEARCH } from "../../host-tools/commands/train-rates";
import { cli, cliAsync, CliResult, IRIS_CSV, json, tempDir } from "../helpers/cli";

const dir = tempDir();
const model = join(dir, "iris.efnn");

const helps = new Map<string, CliResult>();
/** `edgefnn <cmd> --help` (cmd "" for `edgefnn --help`): run once per command, its output read by every test that checks it */
function help(cmd: string): CliResult {
  if (!helps.has(cmd)) helps.set(cmd, cli(cmd ? [cmd, "--help"] : ["--help"]));
  return helps.get(cmd)!;
}

/** A data set as a CSV file: features f0..f(d-1), then the label column. */
function writeCsv(
  file: string,
  x: Float32Array,
  d: number,
  labels: string[],
  header = Array.from({ length: d }, (_, j) => `f${j}`),
): string {
  const lines = [[...header, "label"].join(",")];
  for (let i = 0; i < labels.length; i++)
    lines.push([...Array.from(x.subarray(i * d, (i + 1) * d), (v) => v.toFixed(4)), labels[i]].join(","));
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

beforeAll(() => {
  const r = cli(["train", IRIS_CSV, "--label", "species", "--out", model, "--report", join(dir, "report.html"), "--json"]);
  if (r.status !== 0) throw new Error(r.stderr);
});

describe("every command has --help", () => {
  for (const cmd of ["train", "eval", "quantize", "predict", "info", "bundle", "demo"]) {
    it(cmd, () => {
      const r = help(cmd);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: edgefnn ${cmd}`));
      expect(r.stdout).toMatch(/--json/);
    });
  }
  it("edgefnn --help lists the commands", () => {
    const r = help("");
    expect(r.status).toBe(0);
    for (const cmd of ["train", "eval", "quantize", "predict", "info", "bundle", "demo"]) expect(r.stdout).toContain(cmd);
  });
});

describe("train, eval, quantize, predict, info, bundle on iris", () => {
  it("train --json: one object with the summary fields; the model and the report are written", () => {
    const r = cli([
      "train",
      IRIS_CSV,
      "--label",
      "species",
      "--hidden",
      "8",
      "--activation",
      "relu",
      "--out",
      join(dir, "relu.efnn"),
      "--json",
    ]);
    expect(r.status).toBe(0);
    const j = json(r);
    for (const k of ["bestEpoch", "trainAccuracy", "valAccuracy", "params", "bytes", "lambda", "learningRate", "search"])
      expect(j).toHaveProperty(k);
    expect(j.params).toBe(4 * 8 + 8 + 8 * 3 + 3);
    // iris is small: lambda and the learning rate are cross-validated on all rows, which then all train (no validation split)
    expect(j.valAccuracy).toBeNull();
    expect(j.search.folds).toBe(3);
    expect(j.search.trials).toHaveLength(SEARCH.lambdas.length * SEARCH.learningRates.length);
    expect([j.lambda, j.learningRate]).toEqual([j.search.lambda, j.search.learningRate]);
    expect(j.search.cvAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(readFileSync(join(dir, "relu.efnn")).length).toBe(j.bytes);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("<svg");
  });

  it("train without --json prints a summary a person reads", () => {
    const r = cli(["train", IRIS_CSV, "--out", join(dir, "human.efnn"), "--epochs", "30"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/network: 4 -> 16 relu, 16 -> 3 softmax; 131 parameters/);
    expect(r.stdout).toMatch(/kept epoch \d+/);
    expect(r.stdout).toMatch(/wrote .*human\.efnn/);
  });

  it("eval --json: accuracy, n, labels, confusion", () => {
    const j = json(cli(["eval", model, IRIS_CSV, "--label", "species", "--json"]));
    expect(j.accuracy).toBeGreaterThan(0.9);
    expect(j.accuracy).toBeLessThanOrEqual(1);
    expect(j.n).toBe(150);
    expect(j.labels).toEqual(["setosa", "versicolor", "virginica"]);
    expect(j.modelClasses).toBe(3);
    // sparse cells [true, predicted, rows], indices into labels: every row counted once, the diagonal is the accuracy
    const cells = j.confusion as [number, number, number][];
    expect(cells.reduce((a, [, , v]) => a + v, 0)).toBe(150);
    expect(cells.filter(([t, p]) => t === p).reduce((a, [, , v]) => a + v, 0)).toBe(Math.round(j.accuracy * 150));
    expect(cells.every(([t, p, v]) => t >= 0 && t < 3 && p >= 0 && p < 3 && v > 0)).toBe(true);
    expect(j.perClass.map((c: { recall: number }) => c.recall).every((r: number) => r > 0.8)).toBe(true);
  });

  it("eval prints per-class precision, recall and the confusion matrix", () => {
    const r = cli(["eval", model, IRIS_CSV]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/class\s+precision\s+recall\s+rows/);
    expect(r.stdout).toMatch(/confusion \(rows: true class, columns: predicted\)/);
  });

  it("quantize --data --json: float and int8 accuracy, a smaller file", () => {
    const out = join(dir, "iris.q8.efnn");
    const j = json(cli(["quantize", model, "--bits", "8", "--out", out, "--data", IRIS_CSV, "--json"]));
    expect(j.floatAccuracy).toBeGreaterThan(0.9);
    expect(Math.abs(j.floatAccuracy - j.quantizedAccuracy)).toBeLessThanOrEqual(0.02);
    expect(j.bytes).toBeLessThan(j.floatBytes);
    expect(typeof j.foldedNormalization).toBe("boolean");
    expect(readFileSync(out).length).toBe(j.bytes);
    const again = cli(["quantize", out, "--bits", "16"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already quantized: quantize the float32 model/);
  });

  it("predict writes one CSV line per row, labelled or not", () => {
    const r = cli(["predict", model, IRIS_CSV]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("label,p_setosa,p_versicolor,p_virginica");
    expect(lines.length).toBe(151);
    const [label, ...p] = lines[1].split(",");
    expect(["setosa", "versicolor", "virginica"]).toContain(label);
    // the text rounds probabilities to 4 significant digits; --json has the exact ones, which sum to 1
    const exact: number[] = json(cli(["predict", model, IRIS_CSV, "--json"])).predictions[0].outputs;
    expect(exact.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(p.map(Number)).toEqual(exact.map((v) => Number(v.toPrecision(4))));
    expect(p.every((v) => v.replace(/^0\.0*|e.*$|\./g, "").length <= 4)).toBe(true);
    // the same rows without the label column
    const features = join(dir, "features.csv");
    writeFileSync(
      features,
      readFileSync(IRIS_CSV, "utf8")
        .split("\n")
        .map((l) => l.split(",").slice(0, 4).join(","))
        .join("\n"),
    );
    const r2 = cli(["predict", model, features]);
    expect(r2.stdout).toBe(r.stdout);
  });

  it("info --board puckjs: layers, parameters, multiply-adds, memory, fits", () => {
    const j = json(cli(["info", model, "--board", "puckjs", "--json"]));
    expect(j.params).toBe(131);
    expect(j.macs).toBe(4 * 16 + 16 * 3);
    expect(j.layers.map((L: { activation: string }) => L.activation)).toEqual(["relu", "softmax"]);
    expect(j.memory.fits).toBe(true);
    // measured on a Puck.js-sized build of the interpreter (docs/ESPRUINO-MEASUREMENTS.md):
    // require("edgefnn") 305 blocks, this 4-16-3 model 44 with its buffer
    expect(j.memory.runtime).toBe(305);
    expect(j.memory.model + j.memory.buffers).toBe(44);
    const r = cli(["info", model, "--board", "puckjs"]);
    expect(r.stdout).toMatch(/on a Puck\.js \(2630 blocks of 13 bytes\)/);
    expect(r.stdout).toMatch(/\bfits\b/);
  });

  it("info says when a model does not fit", () => {
    const big = join(dir, "big.efnn");
    const r = cli(["train", IRIS_CSV, "--hidden", "1000", "--epochs", "1", "--out", big, "--json"]);
    expect(r.status).toBe(0);
    const j = json(cli(["info", big, "--board", "esp8266", "--json"]));
    expect(j.memory.fits).toBe(false);
    expect(cli(["info", big, "--board", "esp8266"]).stdout).toMatch(/does not fit/);
  });

  it("bundle --out: the runtime, plain and minified, a firmware script; the bundled runtime runs the model", () => {
    const out = join(dir, "bundle");
    const j = json(cli(["bundle", "--out", out, "--model", model, "--json"]));
    for (const f of ["edgefnn.js", "edgefnn.min.js", "classify.js", "bench.js", "model.efnn", "README.txt"])
      expect(existsSync(join(out, f))).toBe(true);
    expect(j.runtimeBytes).toBe(readFileSync(join(out, "edgefnn.min.js")).length);
    const nn = createRequire(import.meta.url)(join(out, "edgefnn.min.js"));
    expect(nn.load(readFileSync(join(out, "model.efnn"))).labels).toEqual(["setosa", "versicolor", "virginica"]);
  });
});

describe("generated data", () => {
  it("64 features, 10 classes: train and eval", async () => {
    const { train, test } = gaussianClusters(2000, 500);
    const names = Array.from({ length: 10 }, (_, i) => `g${i}`);
    const trainCsv = writeCsv(
      join(dir, "g-train.csv"),
      train.x as Float32Array,
      64,
      Array.from(train.classes!, (c) => names[c]),
    );
    const testCsv = writeCsv(
      join(dir, "g-test.csv"),
      test.x as Float32Array,
      64,
      Array.from(test.classes!, (c) => names[c]),
    );
    const m = join(dir, "g.efnn");
    const t = json(
      await cliAsync([
        "train",
        trainCsv,
        "--hidden",
        "64,32",
        "--activation",
        "relu",
        "--lr",
        "0.01",
        "--epochs",
        "10",
        "--no-search",
        "--out",
        m,
        "--json",
      ]),
    );
    expect(t.valAccuracy).toBeGreaterThan(0.85);
    const e = json(await cliAsync(["eval", m, testCsv, "--json"]));
    expect(e.accuracy).toBeGreaterThan(0.85);
    expect(e.labels.length).toBe(10);
  });

  it("regression: --task regression with a linear output", async () => {
    const rng = createRng(5);
    const lines = ["a,b,y"];
    for (let i = 0; i < 400; i++) {
      const a = rng.normal(),
        b = rng.normal();
      lines.push(`${a},${b},${3 * a - 2 * b + 1}`);
    }
    const csv = join(dir, "reg.csv");
    writeFileSync(csv, lines.join("\n"));
    const m = join(dir, "reg.efnn");
    const t = json(
      await cliAsync([
        "train",
        csv,
        "--task",
        "regression",
        "--hidden",
        "8",
        "--activation",
        "tanh",
        "--lr",
        "0.01",
        "--epochs",
        "100",
        "--out",
        m,
        "--json",
      ]),
    );
    expect(t.valLoss).toBeLessThan(0.05);
    const e = json(await cliAsync(["eval", m, csv, "--json"]));
    expect(e.rmse).toBeLessThan(0.3);
  });
});

describe("bad input: a message that says what to fix, on stderr, and a non-zero exit", () => {
  const bad = (args: string[], msg: RegExp) => {
    const r = cli(args);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^edgefnn: /);
    expect(r.stderr).toMatch(msg);
    return r;
  };
  it("a data file that does not exist", () => bad(["train", join(dir, "nope.csv")], /nope\.csv/));
  it("a label column that does not exist", () => bad(["train", IRIS_CSV, "--label", "colour"], /colour/));
  it("a non-numeric value, with line and column", () => {
    const f = join(dir, "abc.csv");
    writeFileSync(f, readFileSync(IRIS_CSV, "utf8").replace("5.1,3.5,1.4,0.2,setosa", "5.1,3.5,abc,0.2,setosa"));
    bad(["train", f], /abc\.csv line 2: column "petal_length" is "abc", expected a number/);
  });
  it("an unknown activation", () =>
    bad(["train", IRIS_CSV, "--activation", "sigmoidz"], /unknown hidden activation "sigmoidz": expected one of/));
  it("the step activation", () => bad(["train", IRIS_CSV, "--activation", "step"], /step cannot be trained/));
  it("a bad layer size", () => bad(["train", IRIS_CSV, "--hidden", "16,x"], /--hidden: "x" is not a layer size/));
  it("a bad number option", () => bad(["train", IRIS_CSV, "--lr", "fast"], /--lr must be a positive number, got "fast"/));
  it("a diverging run", () =>
    bad(["train", IRIS_CSV, "--activation", "relu", "--lr", "1e6", "--hidden", "64,64"], /training diverged in epoch \d+/));
  it("a corrupt model", () => {
    const f = join(dir, "corrupt.efnn");
    const b = readFileSync(model);
    b[b.length - 10] ^= 0xff;
    writeFileSync(f, b);
    bad(["eval", f, IRIS_CSV], /corrupt\.efnn: checksum mismatch: file is corrupt/);
  });
  it("not a model", () => bad(["info", IRIS_CSV], /iris\.csv: not an \.efnn file/));
  it("data that does not fit the model", () => {
    // the model takes sepal_length by name: it cannot also be the label
    bad(
      ["eval", model, IRIS_CSV, "--label", "sepal_length"],
      /iris\.csv line 1: column "sepal_length" is the label, so it cannot also be a feature/,
    );
    bad(
      ["eval", model, IRIS_CSV, "--features", "sepal_length,sepal_width"],
      /has 2 feature columns \(sepal_length, sepal_width\) but .*iris\.efnn takes 4/,
    );
  });
  it("bad --bits", () => bad(["quantize", model, "--bits", "4"], /--bits: "4" is not 8, 16 or 32/));
  it("an unknown board", () => bad(["info", model, "--board", "arduino"], /unknown board "arduino": the boards are puckjs \(PUCKJS\)/));
  it("--json failures print one JSON object with the error on stdout, and the message on stderr", () => {
    const r = cli(["eval", join(dir, "missing.efnn"), IRIS_CSV, "--json"]);
    expect(r.status).toBe(1);
    expect(json(r)).toEqual({ error: expect.stringMatching(/missing\.efnn: no such file/) });
    expect(r.stderr).toMatch(/missing\.efnn: no such file/);
    // a command-line error too, and with -j
    const u = cli(["train", IRIS_CSV, "--optimizer", "Adam", "-j"]);
    expect(u.status).toBe(2);
    expect(json(u).error).toMatch(/'Adam' is invalid\. Allowed choices are sgd, momentum, adam/);
  });
  it("an unknown command", () => {
    const r = cli(["trian"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'trian'/);
  });
});

describe("conventions", () => {
  it("board names: process.env.BOARD's and common ones, any case; a near miss gets a suggestion and nothing else is printed", () => {
    for (const [name, id] of [
      ["PICO_R1_3", "pico"],
      ["bangle2", "banglejs2"],
      ["BANGLEJS2", "banglejs2"],
      ["Puck.js", "puckjs"],
      ["ESPRUINOWIFI", "wifi"],
      ["ESPRUINOBOARD", "original"],
      ["ESP8266_4MB", "esp8266"],
      ["mdbt42q", "mdbt42q"],
    ])
      expect(json(cli(["info", model, "--board", name, "--json"])).memory.board, name).toBe(id);
    const r = cli(["info", model, "--board", "puk"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown board "puk": did you mean puckjs \(Puck\.js\)\?/);
    expect(r.stdout).toBe("");
  });

  it("info --board rpi: no block budget; a time measured here, said to be not a Pi's", () => {
    const j = json(cli(["info", model, "--board", "rpi", "--json"]));
    expect(j.memory).toBeNull();
    expect(j.rpi.bufferBytes).toBe(2 * 4 * 16);
    expect(j.rpi.microsecondsHere).toBeGreaterThan(0);
    expect(j.rpi.measuredOn).toBe("this computer, not a Raspberry Pi");
    expect(cli(["info", model, "--board", "RPi"]).stdout).toMatch(/on a Pi it is slower by a factor edgefnn has not measured/);
  });

  it("choices are checked before the data is read", () => {
    const missing = join(dir, "no-such.csv");
    for (const [args, msg] of [
      [["--optimizer", "Adam"], /argument 'Adam' is invalid\. Allowed choices are sgd, momentum, adam/],
      [["--task", "regresion"], /argument 'regresion' is invalid\. Allowed choices are classification, regression/],
      [["--activation", "tanhh"], /--activation: unknown hidden activation "tanhh"/],
      [["--output", "softmx"], /--output: unknown activation "softmx"/],
    ] as [string[], RegExp][]) {
      const r = cli(["train", missing, ...args]);
      expect(r.stderr, args.join(" ")).toMatch(msg);
      expect(r.stderr).not.toMatch(/no such file|no-such\.csv/);
    }
  });

  it("an unknown option is named as unknown, not as a missing required one", () => {
    const r = cli(["upload", model, "--prot", "/dev/ttyACM0"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--prot'/);
    expect(r.stderr).not.toMatch(/required/);
    expect(cli(["upload", model]).stderr).toMatch(/required option '-p, --port <path>' not specified/);
  });

  it("short flags -o, -p, -b, -j, -q, -v; list defaults print as values; every command's help has examples", () => {
    const out = join(dir, "short.efnn");
    const q = cli(["train", IRIS_CSV, "--epochs", "3", "-o", out, "-q"]);
    expect(q.status).toBe(0);
    expect(q.stdout).toBe("");
    expect(existsSync(out)).toBe(true);
    expect(json(cli(["info", out, "-j"])).inputSize).toBe(4);
    for (const cmd of ["train", "eval", "quantize", "predict", "info", "bundle", "upload", "verify", "agent", "collect", "sim", "demo"]) {
      const h = help(cmd).stdout;
      expect(h, cmd).toMatch(/-j, --json/);
      expect(h, cmd).toMatch(/-q, --quiet/);
      expect(h, cmd).toMatch(/-v, --verbose/);
      expect(h, cmd).toMatch(new RegExp(`Examples:\\n  \\$ edgefnn ${cmd}`));
      expect(h, cmd).not.toMatch(/default:\s+\[/);
    }
    const up = help("upload").stdout;
    expect(up).toMatch(/-p, --port <path>/);
    expect(up).toMatch(/-b, --baud <rate>/);
    expect(help("train").stdout).toMatch(/\(default:\s+16\)/);
  });
});

describe("demo", () => {
  it("runs the whole pipeline on iris", async () => {
    const d = join(tempDir(), "demo");
    const j = json(await cliAsync(["demo", "--dir", d, "--json"]));
    expect(j.testAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(j.quantizedAccuracy).toBeGreaterThanOrEqual(j.testAccuracy - 0.034);
    expect(j.fits).toBe(true);
    expect(j.board.identical).toBe(j.board.n);
    expect(j.board.n).toBe(30);
    for (const f of ["train.csv", "test.csv", "iris.efnn", "iris.q8.efnn", "report.html", "bundle/edgefnn.min.js"])
      expect(existsSync(join(d, f))).toBe(true);
  });
});

describe("big files stream", () => {
  it("100,000 rows of 64 features load and train within a 300 MB heap", async () => {
    const f = join(dir, "big.csv");
    const rng = createRng(9);
    // Each row is 8 runs of 8 values drawn from 4,096 runs per class, each value class + N(0, 1) to 3 decimals: the
    // same 40 MB file of distinct rows (the size is what the heap bound is about), for ~1.5 CPU-s of this process
    // instead of the ~5 that 6.4 million normal draws and toFixed calls took
    const RUN = 8,
      RUNS = 4096;
    const runs = [0, 1, 2].map((c) =>
      Array.from({ length: RUNS }, () => {
        let run = "";
        for (let k = 0; k < RUN; k++) run += (c + rng.normal()).toFixed(3) + ",";
        return run;
      }),
    );
    const chunks: string[] = [Array.from({ length: 64 }, (_, j) => `x${j}`).join(",") + ",y\n"];
    for (let i = 0; i < 100_000; i++) {
      const c = i % 3;
      let line = "";
      for (let j = 0; j < 64; j += RUN) line += runs[c][rng.int(RUNS)];
      chunks.push(line + "c" + c + "\n");
    }
    writeFileSync(f, chunks.join(""));
    const r = await cliAsync(["train", f, "--hidden", "16", "--epochs", "1", "--out", join(dir, "big.efnn"), "--json"], {
      env: { NODE_OPTIONS: "--max-old-space-size=300" },
    });
    expect(r.stderr).toBe("");
    const j = json(r);
    expect(j.valAccuracy).toBeGreaterThan(0.9);
  }, 120_000);
});
