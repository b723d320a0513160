// edgefnn verify model.efnn data.csv --port ...: runs the rows on the board
// through its runtime and active model and compares outputs (to the bit) and
// classes with the host's: the parity check to run after a firmware update.
import { load } from "../../src/device/runtime";
import { fail, Output, percent } from "../cli-support";
import { readModelFile } from "../model-file";
import { modelId } from "../serial/board-files";
import { BoardResetError } from "../serial/espruino-repl";
import { LinkError } from "../serial/link";
import { openBoard, readBoardState } from "../serial/model-upload";
import { isClassifier, loadDataFor } from "./eval";

const BATCH = 8;

export async function verifyCommand(
  modelFile: string, dataFile: string, o: { port: string; baud: number; label?: string; features?: string[]; rows?: number }, out: Output,
) {
  const { bytes, model } = readModelFile(modelFile);
  const csv = await loadDataFor(model, modelFile, dataFile, o);
  const host = load(bytes), d = csv.data, D = d.inputSize;
  const n = Math.min(d.n, o.rows ?? d.n);
  const { link, repl } = await openBoard(o.port, o.baud).catch((e) => fail((e as Error).message));
  try {
    const state = await readBoardState(repl);
    if (!state.p) fail(`${o.port}: the board has no active model: run edgefnn upload first`);
    if (state.p.crc !== modelId(bytes) || state.p.bytes !== bytes.length)
      fail(`${o.port}: the board's active model ${state.p.file} is not ${modelFile} (CRC differs): upload it first`);
    await repl.call(`(global.__edgefnnVerify=require("edgefnn").loadFile(${JSON.stringify(state.p.file)})).inputSize`);
    let same = 0, sameClass = 0;
    const mismatches: { row: number; board: string; host: string }[] = [];
    for (let i = 0; i < n; i += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, n - i) }, (_, k) => d.x.slice((i + k) * D, (i + k + 1) * D) as Float32Array);
      // inputs as float32 bits (base64), outputs as float32 bits (hex): no decimal conversion on either side
      const b64 = rows.map((r) => Buffer.from(r.buffer).toString("base64"));
      const answers = await repl.call<string[]>(
        `(function(xs){var m=__edgefnnVerify,r=[];for(var i=0;i<xs.length;i++){var x=new Float32Array(E.toArrayBuffer(atob(xs[i]))),o=m.run(x),` +
          `b=new Uint8Array(o.buffer,o.byteOffset,o.length*4),h="";for(var k=0;k<b.length;k++)h+=(b[k]<16?"0":"")+b[k].toString(16);` +
          `r.push(h+";"+m.classify(x))}return r})(${JSON.stringify(b64)})`,
        10_000,
      );
      rows.forEach((x, k) => {
        const o2 = host.run(x);
        const h = Buffer.from(o2.buffer, o2.byteOffset, o2.length * 4).toString("hex") + ";" + host.classify(x);
        if (answers[k] === h) same++;
        else mismatches.push({ row: i + k + 1, board: answers[k], host: h });
        if (answers[k]?.split(";")[1] === h.split(";")[1]) sameClass++;
      });
    }
    await repl.call(`delete global.__edgefnnVerify`);
    const ok = same === n;
    out.say(`edgefnn verify: ${modelFile} on ${o.port} (${state.p.file}), ${n} rows of ${dataFile}`);
    out.say(`  outputs identical to the host's: ${same}/${n}; classes equal: ${sameClass}/${n}${isClassifier(model) ? ` (${percent(sameClass / n)})` : ""}`);
    for (const m of mismatches.slice(0, 5)) out.say(`  row ${m.row}: board ${m.board}, host ${m.host}`);
    if (!ok) process.stderr.write(`edgefnn: the board disagrees with the host on ${n - same} of ${n} rows\n`);
    return { ok, n, identical: same, sameClass, file: state.p.file, mismatches: mismatches.slice(0, 20) };
  } catch (e) {
    if (e instanceof LinkError || e instanceof BoardResetError) fail(`verify interrupted: ${e.message}`);
    throw e;
  } finally {
    await link.close();
  }
}
