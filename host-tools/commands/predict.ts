// edgefnn predict model.efnn data.csv: one CSV line per row, the predicted
// label and the model's outputs, through the board runtime.
import { open } from "node:fs/promises";
import { load } from "../../src/device/runtime";
import { fail, Output } from "../cli-support";
import { loadCsv } from "../data/csv-loader";
import { detectDelimiter, readHeaderLine } from "../data/detect-delimiter";
import { readModelFile } from "../model-file";
import { classNames, isClassifier } from "./eval";

/** The header's column count, to tell unlabelled data (exactly the model's inputs) from labelled. */
async function headerColumns(file: string): Promise<number> {
  let fh;
  try {
    fh = await open(file, "r");
  } catch {
    fail(`${file}: no such file`);
  }
  try {
    const header = await readHeaderLine(fh);
    if (header === null) return 0; // empty: the loader says so
    const d = detectDelimiter(header);
    let n = 1, quoted = false;
    for (const c of header) {
      if (c === '"') quoted = !quoted;
      else if (c === d && !quoted) n++;
    }
    return n;
  } finally {
    await fh.close();
  }
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function predictCommand(modelFile: string, dataFile: string, o: { label?: string; features?: string[] }, out: Output) {
  const { bytes, model } = readModelFile(modelFile);
  const classifier = isClassifier(model);
  const hasLabel = o.label !== undefined || o.features !== undefined || (await headerColumns(dataFile)) !== model.inputSize;
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
