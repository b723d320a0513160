// `edgefnn demo`: the whole pipeline on the bundled iris data, as a user would
// run it: split the CSV, train, evaluate, quantize and compare, check the
// board budget, bundle the runtime, upload to a virtual board and classify there.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createRng, shuffle } from "../../src/core/index";
import { Output } from "../cli/output";
import { packageFile } from "../files/package-root";
import { writeFileAtomic } from "../files/model-file";
import { startsLike } from "../files/own-output";
import { bundleCommand } from "./bundle";
import { evalCommand } from "./eval";
import { infoCommand } from "./info";
import { quantizeCommand } from "./quantize";
import { trainCommand } from "./train";
import { TRAIN_DEFAULTS } from "./train.cli";
import { uploadCommand } from "./upload";
import { verifyCommand } from "./verify";
import { startSim } from "../sim/index";

export const IRIS = packageFile("examples/data/iris.csv");

/** A seeded 80/20 split of a CSV's lines into two files (header kept in both). */
function splitCsv(file: string, dir: string, seed: number): { train: string; test: string } {
  const lines = readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const [header, ...rows] = lines;
  const order = new Int32Array(rows.length).map((_, i) => i);
  shuffle(order, order.length, createRng(seed));
  const nTest = Math.round(rows.length * 0.2);
  const pick = (from: number, to: number) => [header, ...Array.from(order.subarray(from, to), (i) => rows[i])].join("\n") + "\n";
  const train = join(dir, "train.csv"),
    test = join(dir, "test.csv");
  // replaced only when an earlier demo wrote them (same header): never a CSV of the user's
  const guard = { kind: startsLike("the demo's split of the iris data", header + "\n"), flag: "--dir" };
  writeFileAtomic(train, pick(nTest, rows.length), guard);
  writeFileAtomic(test, pick(0, nTest), guard);
  return { train, test };
}

export async function demoCommand(o: { dir: string }, out: Output) {
  mkdirSync(o.dir, { recursive: true });
  const step = (s: string) => {
    out.say();
    out.say(`== ${s}`);
  };
  step(`split ${IRIS} into train.csv and test.csv (80/20, seeded)`);
  const { train, test } = splitCsv(IRIS, o.dir, 1);
  out.say(`  ${train}, ${test}`);
  step("train a 4-16-3 network, hard-tanh hidden layer (cheap on a board), early stopping on a validation split");
  const model = join(o.dir, "iris.efnn");
  // train's defaults (train.cli.ts), with the demo's own longer run and patience and no L2 penalty
  const t = await trainCommand(
    train,
    {
      ...TRAIN_DEFAULTS,
      label: "species",
      // the demo's own choice, as its step says (train's default is ReLU since session 7)
      activation: ["hard-tanh"],
      epochs: 500,
      patience: 50,
      lr: 0.05,
      lambda: 0,
      valFraction: 0.2,
      out: model,
      report: join(o.dir, "report.html"),
    },
    out,
  );
  step("evaluate on the held-out test.csv");
  const e = await evalCommand(model, test, { label: "species" }, out);
  const testAccuracy = "accuracy" in e ? e.accuracy : NaN;
  step("quantize to int8 and compare on test.csv");
  const q = await quantizeCommand(model, { bits: ["8"], out: join(o.dir, "iris.q8.efnn"), data: test, label: "species" }, out);
  step("does it fit a Puck.js?");
  const info = await infoCommand(q.out, { board: "puckjs" }, out);
  step("bundle the ES5 runtime and a ready firmware script");
  const b = bundleCommand({ out: join(o.dir, "bundle"), model: q.out }, out);
  step("upload to a virtual Puck.js (runtime, model, boot script) and classify the test rows there");
  // on a TCP port of 127.0.0.1, as an ESP32's console is on telnet: nothing beyond npm install is needed
  const sim = await startSim({ board: "puckjs", storagePath: join(o.dir, "virtual-puckjs-flash.json"), tcp: 0 });
  let board: { identical: number; n: number; file: string };
  try {
    out.say(`  virtual board on ${sim.port}`);
    await uploadCommand(q.out, { port: sim.port, name: "iris", runtime: true, boot: true, baud: 115200 }, out);
    const v = await verifyCommand(q.out, test, { port: sim.port, baud: 115200, label: "species" }, out);
    board = { identical: v.identical, n: v.n, file: v.file };
  } finally {
    await sim.stop();
  }
  out.say();
  out.say(
    `done: test accuracy ${(100 * testAccuracy).toFixed(1)}% float32, ${(100 * (q.quantizedAccuracy ?? NaN)).toFixed(1)}% int8 ` +
      `(${q.bytes} bytes)` +
      `; the virtual board gave the host's outputs on ${board.identical}/${board.n} test rows` +
      `; files in ${o.dir}`,
  );
  return {
    dir: o.dir,
    trainAccuracy: t.trainAccuracy,
    valAccuracy: t.valAccuracy,
    testAccuracy,
    quantizedAccuracy: q.quantizedAccuracy,
    floatBytes: q.floatBytes,
    bytes: q.bytes,
    fits: info.memory?.fits,
    bundle: b.out,
    board,
  };
}
