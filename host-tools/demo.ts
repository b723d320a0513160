// `edgefnn demo`: the pipeline on the bundled iris data. Today: train a
// 4-16-3 hard-tanh network the textbook way (per-sample SGD, early stopping on
// a validation split) and evaluate it on a held-out test split. Quantization,
// the device runtime and upload join as they land.
import { fileURLToPath } from "node:url";
import { countParams, createNetwork, evaluate, forward, networkSpec, split, standardization, train } from "../src/core/index";
import { loadClassificationCsv } from "./csv-data";

export const IRIS = fileURLToPath(new URL("../examples/data/iris.csv", import.meta.url));

export function runDemo(log: (s: string) => void = console.log): { testAccuracy: number } {
  const { data, labels, features } = loadClassificationCsv(IRIS, "species");
  log(`edgefnn demo: iris, ${data.n} rows, features ${features.join(", ")}, classes ${labels.join(", ")}`);
  const { train: trainVal, test } = split(data, 0.2, 1);
  const { train: tr, test: val } = split(trainVal, 0.2, 101);
  const net = createNetwork({ inputSize: 4, layers: [{ size: 16, activation: "hard-tanh" }, { size: 3, activation: "softmax" }] });
  const st = standardization(tr); // stored in the model: raw measurements go in
  net.mean.set(st.mean);
  net.invStd.set(st.invStd);
  log(`network 4-16-3 (hard-tanh, softmax), ${countParams(networkSpec(net))} parameters; train ${tr.n}, validation ${val.n}, test ${test.n} rows`);
  const t0 = performance.now();
  const r = train(net, tr, {
    learningRate: 0.05, epochs: 500, patience: 50, validation: val, seed: 1,
    onEpoch: (s) => {
      if (s.epoch % 10 === 0 || s.epoch === 1)
        log(`  epoch ${String(s.epoch).padStart(3)}  loss ${s.trainLoss.toFixed(4)}  train ${(100 * s.trainAccuracy).toFixed(1)}%  validation ${(100 * s.valAccuracy).toFixed(1)}%`);
    },
  });
  const ms = performance.now() - t0;
  const ev = evaluate(net, test, r.loss);
  log(`stopped after ${r.history.length} epochs (${ms.toFixed(0)} ms); kept epoch ${r.bestEpoch}, validation ${(100 * r.history[r.bestEpoch - 1].valAccuracy).toFixed(1)}%`);
  log(`test accuracy ${(100 * ev.accuracy).toFixed(1)}% (${test.n - ev.errors}/${test.n})`);
  const confusion = labels.map(() => labels.map(() => 0));
  for (let i = 0; i < test.n; i++) {
    const out = forward(net, test.x, i * 4);
    let p = 0;
    for (let k = 1; k < 3; k++) if (out[k] > out[p]) p = k;
    confusion[test.classes![i]][p]++;
  }
  log("confusion (rows: true, columns: predicted)");
  const w = Math.max(...labels.map((l) => l.length));
  log(`  ${"".padEnd(w)}  ${labels.map((l) => l.padStart(w)).join(" ")}`);
  confusion.forEach((row, i) => log(`  ${labels[i].padEnd(w)}  ${row.map((v) => String(v).padStart(w)).join(" ")}`));
  return { testAccuracy: ev.accuracy };
}
