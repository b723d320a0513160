// `edgefnn eval` on a generated 100,000-row CSV (64 features and a label, the
// synthetic problem's clusters), in its own process:
//   node --import tsx bench/eval.ts
// Prints one line "EVAL {json}" for run.mjs: eval's rows per second (the whole
// command: read and parse the CSV, run every row, count), the share of that
// spent loading the CSV (the same loader call eval makes, timed alone), and the
// batched inference (classifyBatch) paired with the per-row loop it replaced,
// which must be no slower. Timed in CPU time (see cpuMs); rows per second is
// then what one core does when the machine is otherwise idle.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "../src/core/index";
import { gaussianClusters } from "../src/core/check/index";
import { classifyBatch } from "../src/device/batch";
import { load } from "../src/device/runtime";
import { evalCommand } from "../host-tools/commands/eval";
import { loadDataFor } from "../host-tools/evaluation/model-data";
import { readModelFile } from "../host-tools/files/model-file";
import { median } from "./harness";

var ROWS = 100000,
  d = 64,
  k = 10;

/** this process's CPU time (user + system), ms: on this shared machine wall
 * time counts the other processes' turns too; these runs are seconds long and
 * not paired, so they are timed by the CPU they use */
function cpuMs(): number {
  var u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  var dir = mkdtempSync(join(tmpdir(), "edgefnn-bench-eval-"));
  try {
    var data = gaussianClusters(5000, ROWS, { inputSize: d, classes: k, seed: 3 });
    var net = core.createNetwork({
      inputSize: d,
      layers: [
        { size: 64, activation: "relu" },
        { size: 32, activation: "relu" },
        { size: 10, activation: "softmax" },
      ],
    });
    var st = core.standardization(data.train);
    net.mean.set(st.mean);
    net.invStd.set(st.invStd);
    core.train(net, data.train, { epochs: 2, learningRate: 0.01 });
    var labels: string[] = [];
    for (var c = 0; c < k; c++) labels.push("class" + c);
    var modelFile = join(dir, "model.efnn"),
      csvFile = join(dir, "data.csv");
    writeFileSync(modelFile, core.encodeModel(core.modelFromNetwork(net, labels)));
    var head: string[] = [];
    for (var j = 0; j < d; j++) head.push("f" + j);
    var lines = [head.join(",") + ",label"],
      t = data.test;
    for (var q = 0; q < t.n; q++) {
      var cells: string[] = [];
      for (j = 0; j < d; j++) cells.push(t.x[q * d + j].toPrecision(6));
      lines.push(cells.join(",") + "," + labels[(t.classes as Int32Array)[q]]);
    }
    writeFileSync(csvFile, lines.join("\n") + "\n");
    await measure(modelFile, csvFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(modelFile: string, csvFile: string): Promise<void> {
  var quiet = { json: true, say: function () {} };
  var model = readModelFile(modelFile).model,
    evalMs: number[] = [],
    parseMs: number[] = [],
    acc = 0;
  for (var r = 0; r < 3; r++) {
    var t0 = cpuMs();
    var res = (await evalCommand(modelFile, csvFile, {}, quiet)) as { accuracy?: number };
    var t1 = cpuMs();
    var csv = await loadDataFor(model, modelFile, csvFile, {});
    var t2 = cpuMs();
    evalMs.push(t1 - t0);
    parseMs.push(t2 - t1);
    acc = res.accuracy || 0;
  }
  // batched vs per-row inference on the loaded rows, alternating
  var m = load(readModelFile(modelFile).bytes),
    x = csv!.data.x,
    n = csv!.data.n,
    out = new Int32Array(n),
    ratios: number[] = [],
    sink = 0;
  for (r = 0; r < 7; r++) {
    var a0 = cpuMs();
    classifyBatch(m, x, n, out);
    var a1 = cpuMs();
    for (var i = 0; i < n; i++) sink += m.classify(x.subarray(i * d, (i + 1) * d));
    var a2 = cpuMs();
    ratios.push((a2 - a1) / (a1 - a0));
  }
  // the core's classifyBatch (the four-row batch kernel) vs the per-row core.classify loop, the same way
  var net = core.networkFromModel(model),
    coreRatios: number[] = [];
  for (r = 0; r < 7; r++) {
    var c0 = cpuMs();
    core.classifyBatch(net, x, n, out);
    var c1 = cpuMs();
    for (i = 0; i < n; i++) sink += core.classify(net, x, i * d);
    var c2 = cpuMs();
    coreRatios.push((c2 - c1) / (c1 - c0));
  }
  var e = median(evalMs),
    p = median(parseMs);
  process.stdout.write(
    "EVAL " +
      JSON.stringify({
        rows: ROWS,
        evalMs: e,
        parseMs: p,
        rowsPerS: ROWS / (e / 1000),
        parseShare: p / e,
        accuracy: acc,
        batchVsPerRow: median(ratios),
        coreBatchVsPerRow: median(coreRatios),
        sink: sink > 0,
      }) +
      "\n",
  );
}

main().catch(function (err) {
  process.stdout.write("ERROR " + String(err && err.message) + "\n");
  process.exit(1);
});
