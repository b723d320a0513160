// edgefnn verify model.efnn data.csv --port ...: runs the rows on the device
// (an Espruino board through its runtime and active model, or an edgefnn agent
// on a Raspberry Pi) and compares outputs (to the bit) and classes with the
// host's: the parity check to run after a firmware update.
import { classifyBatch, runBatch } from "../../src/device/batch";
import { load } from "../evaluation/host-runtime";
import { AgentRefused } from "../agent/client";
import { fail } from "../cli/user-error";
import { Output, percent } from "../cli/output";
import { readModelFile } from "../files/model-file";
import { BoardResetError } from "../protocols/espruino-repl";
import { LinkError } from "../links/serial-link";
import { remoteRunner } from "../boards/remote-run";
import { openTarget } from "../boards/target";
import { DataOptions, loadDataFor } from "../evaluation/model-data";
import { isClassifier } from "../evaluation/model-kind";

export async function verifyCommand(
  modelFile: string,
  dataFile: string,
  o: DataOptions & { port: string; baud: number; rows?: number },
  out: Output,
) {
  const { bytes, model } = readModelFile(modelFile);
  const csv = await loadDataFor(model, modelFile, dataFile, o);
  const host = load(bytes),
    d = csv.data,
    D = d.inputSize;
  const n = Math.min(d.n, o.rows ?? d.n);
  const target = await openTarget(o.port, o.baud).catch((e) => fail((e as Error).message));
  try {
    const device = await remoteRunner(target, bytes, o.port, modelFile);
    const rows = Array.from({ length: n }, (_, i) => d.x.slice(i * D, (i + 1) * D) as Float32Array);
    const answers = await device.run(rows);
    const K = host.outputSize,
      Y = runBatch(host, d.x, n),
      C = classifyBatch(host, d.x, n);
    let same = 0,
      sameClass = 0;
    const mismatches: { row: number; board: string; host: string }[] = [];
    rows.forEach((_x, i) => {
      const h = Buffer.from(Y.buffer, Y.byteOffset + i * K * 4, K * 4).toString("hex") + ";" + C[i];
      if (answers[i] === h) same++;
      else mismatches.push({ row: i + 1, board: answers[i], host: h });
      if (answers[i]?.split(";")[1] === h.split(";")[1]) sameClass++;
    });
    await device.finish();
    const ok = same === n;
    const what = target.kind === "agent" ? "the agent" : "the board";
    out.say(
      `edgefnn verify: ${modelFile} on ${o.port} (${target.kind === "agent" ? "edgefnn agent, " : ""}${device.file}), ${n} rows of ` +
        `${dataFile}`,
    );
    out.say(
      `  outputs identical to the host's: ${same}/${n}; classes equal: ` +
        `${sameClass}/${n}${isClassifier(model) ? ` (${percent(sameClass / n)})` : ""}`,
    );
    for (const m of mismatches.slice(0, 5)) out.say(`  row ${m.row}: board ${m.board}, host ${m.host}`);
    if (!ok) process.stderr.write(`edgefnn: ${what} disagrees with the host on ${n - same} of ${n} rows\n`);
    return { ok, n, identical: same, sameClass, file: device.file, target: target.kind, mismatches: mismatches.slice(0, 20) };
  } catch (e) {
    if (e instanceof LinkError || e instanceof BoardResetError || e instanceof AgentRefused) fail(`verify interrupted: ${e.message}`);
    throw e;
  } finally {
    await target.link.close();
  }
}
