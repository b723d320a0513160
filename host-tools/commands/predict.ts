// edgefnn predict model.efnn data.csv: one CSV line per row, the predicted
// label and the model's outputs, through the board runtime; with --port, on
// the device (an Espruino board or an edgefnn agent) whose active model it is.
import { open } from "node:fs/promises";
import { classifyBatch, runBatch } from "../../src/device/batch";
import { load } from "../evaluation/host-runtime";
import { AgentRefused } from "../agent/client";
import { fail } from "../cli/user-error";
import { Output } from "../cli/output";
import { csvCell } from "../files/csv-cell";
import { loadCsv } from "../data/csv-loader";
import { detectDelimiter, readHeaderLine } from "../data/detect-delimiter";
import { readModelFile } from "../files/model-file";
import { BoardResetError } from "../protocols/espruino-repl";
import { LinkError } from "../links/serial-link";
import { parseAnswer, remoteRunner } from "../boards/remote-run";
import { openTarget } from "../boards/target";
import { DataOptions, featuresFor, missingFor } from "../evaluation/model-data";
import { classNames, isClassifier } from "../evaluation/model-kind";

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
    let n = 1,
      quoted = false;
    for (const c of header) {
      if (c === '"') quoted = !quoted;
      else if (c === d && !quoted) n++;
    }
    return n;
  } finally {
    await fh.close();
  }
}

/** A class probability as people read it: 4 significant digits (0.9871, 1.234e-7); --json has the exact float. */
const probability = (v: number): string => String(Number(v.toPrecision(4)));

/** Per row, the outputs and class from the device on `port` (which must have this model active). */
async function onDevice(
  port: string,
  baud: number,
  bytes: Uint8Array,
  modelFile: string,
  rows: Float32Array[],
): Promise<{ file: string; results: { outputs: number[]; cls: number }[] }> {
  const target = await openTarget(port, baud).catch((e) => fail((e as Error).message));
  try {
    const device = await remoteRunner(target, bytes, port, modelFile);
    const answers = await device.run(rows);
    await device.finish();
    return { file: device.file, results: answers.map(parseAnswer) };
  } catch (e) {
    if (e instanceof LinkError || e instanceof BoardResetError || e instanceof AgentRefused)
      fail(`predict on ${port} interrupted: ${e.message}`);
    throw e;
  } finally {
    await target.link.close();
  }
}

export async function predictCommand(modelFile: string, dataFile: string, o: DataOptions & { port?: string; baud?: number }, out: Output) {
  const { bytes, model } = readModelFile(modelFile);
  const classifier = isClassifier(model);
  const features = featuresFor(model, modelFile, o.features);
  // Chosen features (given or stored in the model) need no label column: any
  // other column, a label included, is ignored. Otherwise a file with exactly
  // the model's inputs is unlabelled, and a wider one ends in its label.
  const hasLabel = o.label !== undefined || (features === undefined && (await headerColumns(dataFile)) !== model.inputSize);
  const csv = await loadCsv(dataFile, {
    label: o.label,
    features,
    hasLabel,
    dropIncomplete: o.dropIncomplete,
    exclude: o.exclude,
    ...missingFor(model, o),
    task: classifier ? "classification" : "regression",
    labels: classifier && hasLabel ? classNames(model) : undefined,
    featuresOf: features && !o.features ? modelFile : undefined,
  });
  if (csv.data.inputSize !== model.inputSize)
    fail(`${dataFile} has ${csv.data.inputSize} feature columns (${csv.features.join(", ")}) but ${modelFile} takes ${model.inputSize}`);
  const m = load(bytes),
    d = csv.data,
    D = d.inputSize;
  const names = classifier ? classNames(model) : [];
  // a binary classifier's one output is the probability of labels[1] (FORMAT.md, Labels)
  const outputs = classifier
    ? model.outputSize === 1
      ? ["p_" + names[1]]
      : names.map((l) => "p_" + l)
    : model.outputSize === 1
      ? ["prediction"]
      : Array.from({ length: model.outputSize }, (_, k) => `output_${k}`);
  const rows: { label?: string; outputs: number[] }[] = [];
  const device = o.port
    ? await onDevice(
        o.port,
        o.baud ?? 115200,
        bytes,
        modelFile,
        Array.from({ length: d.n }, (_, i) => d.x.slice(i * D, (i + 1) * D) as Float32Array),
      )
    : null;
  if (!out.json) process.stdout.write((classifier ? ["label", ...outputs] : outputs).map(csvCell).join(",") + "\n");
  const K = model.outputSize,
    Y = runBatch(m, d.x, d.n),
    C = classifier ? classifyBatch(m, d.x, d.n) : null;
  for (let i = 0; i < d.n; i++) {
    const r = device?.results[i];
    const y = r ? r.outputs : Array.from(Y.subarray(i * K, (i + 1) * K));
    const label = classifier ? names[r ? r.cls : C![i]] : undefined;
    if (out.json) rows.push({ label, outputs: y });
    else process.stdout.write((classifier ? [csvCell(label!), ...y.map(probability)] : y.map(String)).join(",") + "\n");
  }
  return { n: d.n, columns: outputs, predictions: rows, ...(device ? { port: o.port, file: device.file } : {}) };
}
