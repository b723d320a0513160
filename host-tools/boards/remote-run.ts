// Running data rows on a device's active model, for verify and predict: the
// same rows in, and per row "hex of the float32 output bits;class" out, from an
// Espruino board (its runtime module, through the console) or an edgefnn agent
// (RUN requests). Both refuse to start unless the device's active model is
// exactly the model file the host has.
import { fail } from "../cli/user-error";
import { base64 } from "../protocols/bytes";
import { modelId } from "../serial/board-files";
import { readBoardState } from "../serial/model-upload";
import type { Target } from "./target";

const BATCH = 8;

export interface RemoteRunner {
  /** the device's name for its active model */
  file: string;
  /** per row: hex of the outputs' float32 bits (little-endian), ";", the class index */
  run(rows: Float32Array[]): Promise<string[]>;
  /** forgets what run() left on the device */
  finish(): Promise<void>;
}

export async function remoteRunner(t: Target, bytes: Uint8Array, port: string, modelFile: string): Promise<RemoteRunner> {
  const id = modelId(bytes);
  if (t.kind === "agent") {
    const a = (await t.client.hello()).active;
    if (!a) fail(`${port}: the agent has no active model: run edgefnn upload first`);
    if (a.id !== id || a.bytes !== bytes.length)
      fail(`${port}: the agent's active model ${a.file} is not ${modelFile} (CRC differs): upload it first`);
    return {
      file: a.file,
      run: async (rows) => (await t.client.run(rows, id)).map((r) => `${r.bits};${r.cls}`),
      finish: async () => {},
    };
  }
  const repl = t.repl;
  const state = await readBoardState(repl);
  if (!state.p) fail(`${port}: the board has no active model: run edgefnn upload first`);
  if (state.p.crc !== id || state.p.bytes !== bytes.length)
    fail(`${port}: the board's active model ${state.p.file} is not ${modelFile} (CRC differs): upload it first`);
  await repl.call(`(global.__edgefnnVerify=require("edgefnn").loadFile(${JSON.stringify(state.p.file)})).inputSize`);
  return {
    file: state.p.file,
    run: async (all) => {
      const answers: string[] = [];
      for (let i = 0; i < all.length; i += BATCH) {
        const rows = all.slice(i, i + BATCH);
        // inputs as float32 bits (base64), outputs as float32 bits (hex): no decimal conversion on either side
        const b64 = rows.map((r) => base64(new Uint8Array(r.buffer, r.byteOffset, r.byteLength)));
        answers.push(
          ...(await repl.call<string[]>(
            `(function(xs){var m=__edgefnnVerify,r=[];for(var i=0;i<xs.length;i++){var x=new ` +
              `Float32Array(E.toArrayBuffer(atob(xs[i]))),o=m.run(x),` +
              `b=new Uint8Array(o.buffer,o.byteOffset,o.length*4),h="";for(var k=0;k<b.length;k++)h+=(b[k]<16?"0":"")+b[k].toString(16);` +
              `r.push(h+";"+m.classify(x))}return r})(${JSON.stringify(b64)})`,
            10_000,
          )),
        );
      }
      return answers;
    },
    finish: async () => {
      await repl.call(`delete global.__edgefnnVerify`);
    },
  };
}

/** The outputs and class of one run() answer. */
export function parseAnswer(answer: string): { outputs: number[]; cls: number } {
  const [hex, cls] = answer.split(";");
  const b = Buffer.from(hex ?? "", "hex");
  const outputs: number[] = [];
  for (let i = 0; i + 4 <= b.length; i += 4) outputs.push(b.readFloatLE(i));
  return { outputs, cls: Number(cls) };
}
