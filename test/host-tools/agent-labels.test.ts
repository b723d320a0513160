// A model with many (or long) labels, many outputs or many inputs
// must neither lock the host out of the agent nor be reported refused when it
// was activated. Every case goes through the real agent (a child process on a
// socat pty pair) and the real CLI: upload, then HELLO, LIST, LABELS and RUN
// through the client, then verify and predict --port, then a restart.
import { SerialPort } from "serialport";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createNetwork, createRng, encodeModel, initialize, modelFromNetwork } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { AgentClient, AgentRefused } from "../../host-tools/agent/client";
import { ACTIVE } from "../../host-tools/agent/model-store";
import { E, encodeFrame, FrameDecoder, MAX_PAYLOAD, RUN_STAGED, T, T_ERROR, Writer, floatBytes } from "../../host-tools/agent/protocol";
import { modelId } from "../../host-tools/serial/board-files";
import { SerialLink } from "../../host-tools/links/serial-link";
import { cliAsync, okJson as json, tempDir } from "../helpers/cli";
import { startAgent } from "../helpers/agent-process";
import { PtyPair, ptyPair } from "../helpers/pty-pair";
import { expectSameBytes } from "../helpers/same-bytes";

const dir = tempDir();
/** the host paces what it writes at the baud rate; a pty is not a UART, and the 512 KiB models would take 45 s at 115200 */
const FAST = ["--baud", "921600"];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function pair(name: string): Promise<PtyPair> {
  const p = await ptyPair(dir, name);
  cleanups.push(() => p.close());
  return p;
}

async function client(port: string): Promise<AgentClient> {
  const link = await SerialLink.open(port);
  cleanups.push(() => link.close());
  const c = await AgentClient.probe(link);
  expect(c, "an agent answers HELLO").not.toBeNull();
  return c!;
}

/** One softmax layer, inputs -> outputs: the smallest model of that shape. */
function wideModel(inputs: number, outputs: number, labels: string[]): Uint8Array {
  const net = createNetwork({ inputSize: inputs, layers: [{ size: outputs, activation: "softmax" }] });
  initialize(net, createRng(outputs + inputs));
  return encodeModel(modelFromNetwork(net, labels));
}

const numbered = (n: number, prefix: string, width: number) => Array.from({ length: n }, (_, i) => prefix + String(i).padStart(width, "0"));

interface Case {
  what: string;
  inputs: number;
  outputs: number;
  labels: string[];
  /** rows run through RUN/RUN_PART, verify and predict (3 unless told) */
  rows?: number;
}

const CASES: Case[] = [
  // 60 labels of 16 characters made a protocol 1 HELLO reply 1418 bytes, over the 1024-byte frame: the host was locked out
  { what: "60 labels", inputs: 1, outputs: 60, labels: numbered(60, "class-number-", 3) },
  // the most outputs whose row still fits in one RUN reply (2 + 2 + 4 x 255 = 1024)
  { what: "255 labels", inputs: 1, outputs: 255, labels: numbered(255, "class-number-", 3) },
  // the label section's byte length is a u16: 1985 x (1 + 32) = 65505 bytes, the most 32-character labels a file holds
  { what: "1985 labels of 32 characters", inputs: 1, outputs: 1985, labels: numbered(1985, "class-with-a-long-name-", 9) },
  // the most labels a file holds: 32767 x (1 + 1) = 65534 bytes (the format does not ask labels to differ)
  {
    what: "32767 labels (the format's most)",
    inputs: 1,
    outputs: 32767,
    labels: Array.from({ length: 32767 }, (_, i) => String.fromCharCode(0x21 + (i % 94))),
    // one row: what this case proves is the label section's limit and a row of 32767 outputs paged back (129
    // RUN_PART replies) bit for bit; rows one after another through RUN_PART are the 1985-label and 600-input cases'
    rows: 1,
  },
  // the most outputs a layer has (u16); 65535 labels would need 131070 label bytes, so the format allows none here.
  // One row: what it proves is the layer's limit, a row of 65535 outputs paged back (258 RUN_PART replies) bit for
  // bit on every path; each more row cost ~0.4 CPU-s a path (4 paths) and proved what the 1985-label and 600-input cases do
  { what: "65535 outputs without labels", inputs: 1, outputs: 65535, labels: [], rows: 1 },
  // a row too long for any one request: its inputs go ahead in INPUT requests
  { what: "600 inputs, 3 labels", inputs: 600, outputs: 3, labels: ["left", "right", "none"] },
];

function rowsFor(inputs: number, n = 3): Float32Array[] {
  const rng = createRng(inputs);
  return Array.from({ length: n }, () => Float32Array.from({ length: inputs }, () => rng.float() * 4 - 2));
}

describe("models that used to lock the host out of the agent", () => {
  it.each(CASES)(
    "$what: upload activates it and says so; HELLO, LIST, LABELS, RUN, verify, predict --port and a restart all work",
    async (c) => {
      const bytes = wideModel(c.inputs, c.outputs, c.labels);
      const slug = c.what.replace(/[^a-z0-9]+/gi, "-");
      const file = join(dir, `${slug}.efnn`);
      writeFileSync(file, bytes);
      const host = load(bytes);
      const rows = rowsFor(c.inputs, c.rows);
      const p = await pair(slug);
      const models = join(dir, `models-${slug}`);
      let agent = await startAgent(p.a, models, cleanups);

      // upload: one the agent had, then the new one; it reports what happened
      const up = json(await cliAsync(["upload", file, "--port", p.b, "--name", "wide", "--json", ...FAST]));
      expect(up).toMatchObject({ target: "agent", payload: bytes.length, previous: null });
      expectSameBytes(readFileSync(join(models, ACTIVE)), bytes, ACTIVE);
      expect(agent.stderr()).not.toMatch(/refused/);

      const check = async () => {
        const cl = await client(p.b);
        const id = modelId(bytes);
        expect(cl.info.protocol).toBe(2);
        expect(cl.info.active).toMatchObject({
          file: up.file,
          id,
          inputSize: c.inputs,
          outputSize: c.outputs,
          labelCount: c.labels.length,
        });
        expect(cl.info.active).not.toHaveProperty("labels");
        expect((await cl.list()).active).toEqual(cl.info.active);
        expect(await cl.labels(id)).toEqual(c.labels);
        const got = await cl.run(rows, id);
        expect(got.map((r) => r.cls)).toEqual(rows.map((x) => host.classify(x)));
        expect(got.map((r) => r.bits)).toEqual(rows.map((x) => Buffer.from(floatBytes(host.run(x))).toString("hex")));
        await cl.link.close();
      };
      await check();

      const csv = join(dir, `${slug}.csv`);
      const names = c.labels.length ? c.labels : Array.from({ length: c.outputs }, (_, i) => String(i));
      writeFileSync(
        csv,
        [
          [...Array.from({ length: c.inputs }, (_, i) => `x${i}`), "label"].join(","),
          ...rows.map((x) => [...Array.from(x), names[0]].join(",")),
        ].join("\n") + "\n",
      );
      const v = json(await cliAsync(["verify", file, csv, "--port", p.b, "--json", ...FAST]));
      expect(v).toMatchObject({ ok: true, target: "agent", identical: rows.length, file: up.file });
      const pr = json(await cliAsync(["predict", file, csv, "--port", p.b, "--json", ...FAST]));
      expect(pr.predictions.map((r: { label: string }) => r.label)).toEqual(rows.map((x) => names[host.classify(x)]));

      // an agent that starts with this model on disk answers at once
      await agent.stop();
      agent = await startAgent(p.a, models, cleanups);
      await check();
      await agent.stop();
    },
    600_000,
  );
});

describe("a model an older agent activated", () => {
  it("is on disk when the agent starts: it starts, answers HELLO and serves it", async () => {
    const c = CASES[0];
    const bytes = wideModel(c.inputs, c.outputs, c.labels);
    const models = join(dir, "models-old");
    mkdirSync(models, { recursive: true });
    writeFileSync(join(models, ACTIVE), bytes); // no active.json: an older agent's record may be gone too
    const p = await pair("old");
    await startAgent(p.a, models, cleanups);
    const cl = await client(p.b);
    const id = modelId(bytes);
    expect(cl.info.active).toMatchObject({ name: null, id, outputSize: 60, labelCount: 60 });
    expect(await cl.labels(id)).toEqual(c.labels);
    const x = Float32Array.of(0.25);
    expect((await cl.run([x], id))[0].cls).toBe(load(bytes).classify(x));
  }, 120_000);
});

describe("requests that cannot be answered are refused with a reason", () => {
  it("RUN on a model whose row does not fit, RUN_PART without its INPUT, an INPUT gap, LABELS of another model", async () => {
    const bytes = wideModel(300, 2, []);
    const file = join(dir, "refusals.efnn");
    writeFileSync(file, bytes);
    const p = await pair("refusals");
    await startAgent(p.a, join(dir, "models-refusals"), cleanups);
    json(await cliAsync(["upload", file, "--port", p.b, "--name", "wide", "--json", ...FAST]));
    const cl = await client(p.b);
    const id = modelId(bytes);
    const refusal = (type: number, payload: Uint8Array) =>
      cl.request(type, payload).then(
        () => {
          throw new Error("accepted");
        },
        (e) => {
          expect(e).toBeInstanceOf(AgentRefused);
          return { code: (e as AgentRefused).code, message: (e as Error).message };
        },
      );
    // the protocol 1 request: refused with what to use, not a RangeError from the encoder
    expect(
      await refusal(
        T.RUN,
        new Writer()
          .u8(1)
          .u32(id)
          .u16(1)
          .bytes(new Uint8Array(4 * 300))
          .done()
          .subarray(0, MAX_PAYLOAD),
      ),
    ).toMatchObject({
      code: E.BAD_PAYLOAD,
      message: expect.stringMatching(/300 inputs and 2 outputs: a row does not fit in a RUN request and its reply; use RUN_PART/),
    });
    expect(await refusal(T.RUN_PART, new Writer().u8(RUN_STAGED).u32(id).u16(0).done())).toMatchObject({
      code: E.NO_TRANSFER,
      message: expect.stringMatching(/no whole row staged: send its 300 inputs with INPUT first/),
    });
    expect(
      await cl.request(
        T.INPUT,
        new Writer()
          .u32(id)
          .u16(0)
          .bytes(new Uint8Array(4 * 100))
          .done(),
      ),
    ).toEqual(Uint8Array.of(100, 0));
    expect(await refusal(T.INPUT, new Writer().u32(id).u16(200).bytes(new Uint8Array(4)).done())).toMatchObject({
      code: E.BAD_OFFSET,
      message: "expected input 100, got 200",
    });
    expect(await refusal(T.RUN_PART, new Writer().u8(RUN_STAGED).u32(id).u16(0).done())).toMatchObject({
      code: E.NO_TRANSFER,
      message: expect.stringMatching(/\(100 so far\)/),
    });
    expect(
      await refusal(
        T.INPUT,
        new Writer()
          .u32(id)
          .u16(290)
          .bytes(new Uint8Array(4 * 20))
          .done(),
      ),
    ).toMatchObject({ code: E.BAD_PAYLOAD, message: "inputs 290..310 lie beyond the model's 300" });
    expect(
      await refusal(
        T.LABELS,
        new Writer()
          .u32(id ^ 1)
          .u16(0)
          .done(),
      ),
    ).toMatchObject({ code: E.OTHER_MODEL });
    expect(
      await refusal(
        T.RUN_PART,
        new Writer()
          .u8(0)
          .u32(id)
          .u16(2)
          .bytes(new Uint8Array(4 * 300))
          .done()
          .subarray(0, 7),
      ),
    ).toMatchObject({ code: E.BAD_PAYLOAD, message: "output 2: the model has 2" });
    // and a model without labels pages an empty list
    expect(await cl.labels(id)).toEqual([]);
  }, 180_000);
});

describe("LIST", () => {
  it("names only the agent's own files, so files someone else leaves in --dir cannot make it too long", async () => {
    const p = await pair("list");
    const models = join(dir, "models-list");
    await startAgent(p.a, models, cleanups);
    // made after start-up, which would remove them; protocol 1 listed every .edgefnn-*.tmp: 40 x ~60 bytes
    for (let i = 0; i < 40; i++) writeFileSync(join(models, `.edgefnn-${"x".repeat(40)}-${i}.tmp`), "");
    writeFileSync(join(models, "notes.txt"), "mine");
    const first = await client(p.b);
    expect(await first.list()).toEqual({ active: null, staged: null, files: [] });
    await first.link.close(); // one user of the port at a time
    const file = join(dir, "list.efnn");
    writeFileSync(file, wideModel(1, 60, CASES[0].labels));
    json(await cliAsync(["upload", file, "--port", p.b, "--name", "wide", "--json", ...FAST]));
    const again = await client(p.b);
    expect((await again.list()).files.map((f) => f.file).sort()).toEqual([ACTIVE, "active.json"]);
  }, 120_000);
});

describe("an agent that cannot answer HELLO", () => {
  it("is named as such, with its reason and what to do, not taken for a silent Espruino port", async () => {
    // what a protocol 1 agent with a 60-label model answered every HELLO (its real message); the
    // old agent itself is not in this tree, so this end of the pty plays it, frame for frame
    const p = await pair("old-hello");
    const port = new SerialPort({ path: p.a, baudRate: 115200 });
    cleanups.push(() => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())));
    const decoder = new FrameDecoder();
    port.on("data", (b: Buffer) =>
      decoder.push(b, (d) => {
        if (d.ok && d.frame.type === T.HELLO)
          port.write(
            Buffer.from(
              encodeFrame(
                T_ERROR,
                d.frame.seq,
                new Writer().u8(E.IO).bytes(Buffer.from("hello: payload of 1418 bytes, at most 1024\n")).done(),
              ),
            ),
          );
      }),
    );
    const file = join(dir, "old-hello.efnn");
    writeFileSync(file, wideModel(1, 3, ["a", "b", "c"]));
    const csv = join(dir, "old-hello.csv");
    writeFileSync(csv, "x,label\n0.5,a\n");
    for (const args of [
      ["upload", file, "--port", p.b, "--name", "m"],
      ["verify", file, csv, "--port", p.b],
      ["predict", file, csv, "--port", p.b],
    ]) {
      const r = await cliAsync(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `${p.b}: an edgefnn agent answers but refused to say which model it runs ("hello: payload of 1418 bytes, at most 1024\\n"). ` +
          "An agent older than protocol 2 cannot describe a model with many labels: update edgefnn on it, or move active.efnn out of its --dir and restart it",
      );
    }
  }, 60_000);
});
