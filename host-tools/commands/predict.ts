// edgefnn predict model.efnn data.csv: one CSV line per row, the predicted
// label and the model's outputs, through the board runtime.
import { closeSync, openSync, readSync } from "node:fs";
import { load } from "../../src/device/runtime";
import { fail, Output } from "../cli-support";
import { loadCsv } from "../data/csv-loader";
import { readModelFile } from "../model-file";
import { classNames, isClassifier } from "./eval";

/** The header's column count, to tell unlabelled data (exactly the model's inputs) from labelled. */
function headerColumns(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    fail(`${file}: no such file`);
  }
  const buf = Buffer.alloc(65536);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const line = buf.subarray(0, n).toString("utf8").replace(/^\uFEFF/, "").split(/\r?\n/)[0];
  const counts = [",", ";", "\t"].map((d) => line.split(d).length);
  return Math.max(...counts);
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function predictCommand(modelFile: string, dataFile: string, o: { label?: string; features?: string[] }, out: Output) {
  const { bytes, model } = readModelFile(modelFile);
  const classifier = isClassifier(model);
  const hasLabel = o.label !== undefined || o.features !== undefined || headerColumns(dataFile) !== model.inputSize;
  const csv = await loadCsv(dataFile, {
    label: o.label, features: o.features, hasLabel,
    task: classifier ? "classification" : "regression",
    labels: classifier && hasLabel ? classNames(model) : undefined,
  });
  if (csv.data.inputSize !== model.inputSize)
    fail(`${dataFile} has ${csv.data.inputSize} feature columns (${csv.features.join(", ")}) but ${modelFile} takes ${model.inputSize}`);
  const m = load(bytes), d = csv.data, D = d.inputSize;
  const names = classifier ? classNames(model) : [];
  const outputs = classifier ? (model.outputSize === 1 ? ["p_" + names[1]] : names.map((l) => "p_" + l)) : ["prediction"];
  const rows: { label?: string; outputs: number[] }[] = [];
  if (!out.json) process.stdout.write((classifier ? ["label", ...outputs] : outputs).map(csvField).join(",") + "\n");
  for (let i = 0; i < d.n; i++) {
    const x = d.x.subarray(i * D, (i + 1) * D);
    const y = Array.from(m.run(x));
    const label = classifier ? names[m.classify(x)] : undefined;
    if (out.json) rows.push({ label, outputs: y });
    else process.stdout.write((classifier ? [csvField(label!), ...y.map((v) => String(v))] : y.map(String)).join(",") + "\n");
  }
  return { n: d.n, columns: outputs, predictions: rows };
}
