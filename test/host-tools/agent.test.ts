// edgefnn agent (the Raspberry Pi side) end to end: the agent runs as a child
// process through the real CLI on one end of a socat pty pair, the host
// commands (upload, verify, predict --port) run on the other, through the
// real serialport package. Crashes with kill -9, damaged frames through a
// fault-injecting proxy, hand-made bad frames, and requests carrying code.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNetwork, createRng, crc32, encodeModel, initialize, modelFromNetwork } from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { AGENT_TIMEOUTS, AgentClient, AgentRefused, TIMEOUTS_ENV } from "../../host-tools/agent/client";
import { openAgentModel } from "../../host-tools/agent/local-model";
import { ACTIVE, RECORD } from "../../host-tools/agent/model-store";
import {
  E,
  encodeFrame,
  ESC,
  FLAG,
  Frame,
  FrameDecoder,
  MAX_PAYLOAD,
  Reader,
  REPLY,
  T,
  T_ERROR,
  T_NAK,
  Writer,
} from "../../host-tools/agent/protocol";
import { AgentServer } from "../../host-tools/agent/server";
import { requireRuntime } from "../../host-tools/agent/bundle-runtime";
import { modelId } from "../../host-tools/serial/board-files";
import { SerialLink } from "../../host-tools/links/serial-link";
import { Inbox } from "../../host-tools/protocols/inbox";
import { latin1Bytes } from "../../host-tools/protocols/bytes";
import { openTarget } from "../../host-tools/boards/target";
import { RunningSim, startSim } from "../../host-tools/sim/index";
import { cliAsync, okJson as json, tempDir } from "../helpers/cli";
import { irisModel, writeIrisTestCsv, writeIrisUploadModels } from "../helpers/models";
import { Agent, startAgent } from "../helpers/agent-process";
import { PtyPair, ptyPair } from "../helpers/pty-pair";
import { serialProxy } from "../helpers/serial-proxy";
import { linkPackage } from "../helpers/installed";
import { manualClock } from "../helpers/manual-clock";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a wait on a condition may take before the test is taken to hang: a bound for a broken agent, never a
 * claim about speed (a busy machine is slower, not wrong). */
const BOUND = 60_000;

/** Waits until test() holds, checking every 5 ms; fails after ms. */
async function until(test: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`still not true after ${ms} ms: ${test}`);
    await sleep(5);
  }
}
const dir = tempDir();
let q8: string, q8b: string, big: string, testCsv: string, testRows: Float32Array[];
const cleanups: (() => Promise<void> | void)[] = [];

async function pair(name: string): Promise<PtyPair> {
  const p = await ptyPair(dir, name);
  cleanups.push(() => p.close());
  return p;
}

beforeAll(() => {
  const { labels } = irisModel();
  ({ q8, q8b } = writeIrisUploadModels(dir));
  // ~8 KiB of float32 weights: an upload long enough to be killed in the middle
  const net = createNetwork({
    inputSize: 4,
    layers: [
      { size: 256, activation: "relu" },
      { size: 3, activation: "softmax" },
    ],
  });
  initialize(net, createRng(7));
  big = join(dir, "big.efnn");
  writeFileSync(big, encodeModel(modelFromNetwork(net, labels)));
  testCsv = join(dir, "test.csv");
  testRows = writeIrisTestCsv(testCsv);
});

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const idOf = (file: string) => modelId(new Uint8Array(readFileSync(file)));

describe("edgefnn upload, verify and predict --port against an agent", () => {
  it("upload detects the agent and makes the model active; verify agrees to the bit; predict --port gives the host's classes; openAgentModel follows a new upload", async () => {
    const p = await pair("main");
    const models = join(dir, "models-main");
    await startAgent(p.a, models, cleanups);

    const up = json(await cliAsync(["upload", q8, "--port", p.b, "--name", "iris", "--json"]));
    expect(up.target).toBe("agent");
    expect(up.file).toBe(`iris.${idOf(q8).toString(16).padStart(8, "0")}`);
    expect(up.previous).toBeNull();
    expect(up.payload).toBe(readFileSync(q8).length);
    expect(readFileSync(join(models, ACTIVE))).toEqual(readFileSync(q8));

    const host = load(readFileSync(q8));
    const local = openAgentModel(models, { pollMs: 100 });
    cleanups.push(() => local.close());
    expect(local.info!.file).toBe(up.file);
    expect(local.labels).toEqual(["setosa", "versicolor", "virginica"]);
    expect(testRows.map((x) => local.classify(x))).toEqual(testRows.map((x) => host.classify(x)));

    const v = json(await cliAsync(["verify", q8, testCsv, "--port", p.b, "--json"]));
    expect(v).toMatchObject({ ok: true, target: "agent", identical: testRows.length, file: up.file });

    const pr = json(await cliAsync(["predict", q8, testCsv, "--port", p.b, "--json"]));
    const names = ["setosa", "versicolor", "virginica"];
    expect(pr.predictions.map((r: { label: string }) => r.label)).toEqual(testRows.map((x) => names[host.classify(x)]));
    expect(pr.predictions[0].outputs).toEqual(Array.from(host.run(testRows[0])));

    // a second model replaces the first; the local program sees it without restarting
    const changed = new Promise<string>((resolve) => local.onChange((i) => resolve(i.file)));
    const up2 = json(await cliAsync(["upload", q8b, "--port", p.b, "--name", "iris", "--json"]));
    expect(up2.previous).toBe(up.file);
    expect(await changed).toBe(up2.file);
    expect(local.info!.id).toBe(idOf(q8b));
    // verify knows the agent now runs another model
    const stale = await cliAsync(["verify", q8, testCsv, "--port", p.b]);
    expect(stale.status).toBe(1);
    expect(stale.stderr).toMatch(/the agent's active model iris\.[0-9a-f]{8} is not .*iris\.q8\.efnn \(CRC differs\): upload it first/);
    // the same model again: nothing is sent
    const again = json(await cliAsync(["upload", q8b, "--port", p.b, "--name", "iris", "--json"]));
    expect(again).toMatchObject({ payload: 0, unchanged: [up2.file] });
    expect(readdirSync(models).sort()).toEqual([ACTIVE, RECORD]);
  });

  // Detection is quick because it decides on the other side's first answer
  // (the agent's reply, or the console's echo), never by waiting out a
  // timeout. That is what is checked, without a clock (a busy machine is
  // slower, not wrong): with the probe's timeout set to an hour, the probe
  // still returns, so an answer ended it, and one probe was sent.
  it("detection decides on the first answer, not a timeout, for an agent and for an Espruino console (whose prompt is left clean)", async () => {
    const HOUR = 3_600_000;
    const p = await pair("detect");
    await startAgent(p.a, join(dir, "models-detect"), cleanups);
    const agentLink = await SerialLink.open(p.b);
    const client = await AgentClient.probe(agentLink, HOUR, 1, 1);
    expect(client).not.toBeNull();
    const oneProbe = agentLink.stats.sent;
    await agentLink.close();
    const a = await openTarget(p.b, 115200);
    expect(a.kind).toBe("agent");
    await a.link.close();

    const sim: RunningSim = await startSim({ board: "puckjs" });
    cleanups.push(() => sim.stop());
    // the probe alone: the console echoes it (so the answer comes at once) and its backspaces delete it: no line runs
    const link = await SerialLink.open(sim.port);
    expect(await AgentClient.probe(link, HOUR, 1, 1)).toBeNull();
    // one probe (their lengths differ by an escaped byte or two at most), not a second after a timeout
    expect(link.stats.sent).toBeLessThan(1.5 * oneProbe);
    while (sim.stats().received < link.stats.sent || sim.stats().buffered > 0) await sleep(20);
    expect(sim.stats()).toMatchObject({ lines: 0, lost: 0 });
    expect(sim.stats().received).toBeGreaterThan(20);
    await link.close();
    const b = await openTarget(sim.port, 115200);
    expect(b.kind).toBe("espruino");
    if (b.kind === "espruino") expect(await b.repl.call("1+1")).toBe(2);
    await b.link.close();
  });
});

describe("crashes", () => {
  it("kill -9 of the agent in the middle of an upload leaves the old model active and loadable after a restart", async () => {
    // the host's commands on host.b, the agent on dev.a, a proxy between them
    const host = await pair("crash-host"),
      dev = await pair("crash-dev");
    const models = join(dir, "models-crash");
    let agent = await startAgent(dev.a, models, cleanups);
    const proxy = await serialProxy(host.a, dev.b);
    cleanups.push(() => proxy.close());
    const first = json(await cliAsync(["upload", q8, "--port", host.b, "--name", "iris", "--json"]));
    // The kill must come in the middle, however slow or fast the upload runs: the line to the agent goes dead 4000
    // bytes into the next upload, past the probe and two of the big model's chunks (~1 KiB a frame, ~1.2 KiB at most
    // with escapes), far short of its ~9 KiB. The agent is killed once it staged the second chunk, and never gets the
    // rest whatever the timing.
    proxy.setFaults({ right: { dropFrom: 4000 } });
    const upload = cliAsync(["upload", big, "--port", host.b, "--name", "big"]);
    const staging = join(models, ".edgefnn-staging.tmp");
    await until(() => existsSync(staging) && readFileSync(staging).length >= 1024, BOUND);
    expect(await agent.stop("SIGKILL")).toBeNull();
    expect(existsSync(staging)).toBe(true); // what the crash left behind
    expect(readFileSync(staging).length).toBeLessThan(readFileSync(big).length);
    // the CLI's retries go unanswered, then the production re-read waits out its 6 s for a dead agent
    const r = await upload;
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`upload interrupted: .*The previous model ${first.file.replace(".", "\\.")} is still active\\.`));
    proxy.setFaults({});

    agent = await startAgent(dev.a, models, cleanups);
    await until(() => /removed leftovers of an interrupted transfer: \.edgefnn-staging\.tmp/.test(agent.stderr()), BOUND);
    expect(readdirSync(models).sort()).toEqual([ACTIVE, RECORD]);
    const local = openAgentModel(models);
    local.close();
    expect(local.info).toMatchObject({ file: first.file, id: idOf(q8) });
    expect(local.classify(testRows[0])).toBe(load(readFileSync(q8)).classify(testRows[0]));
    // the same from a plain Node program that installed the package, as the README shows it
    const appDir = linkPackage(join(dir, "app"));
    const app = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { openAgentModel } from "edgefnn/host";` +
          `const m = openAgentModel(${JSON.stringify(models)}); console.log(m.info.file, m.labels[m.classify([${Array.from(testRows[0]).join(",")}])]); m.close();`,
      ],
      { encoding: "utf8", cwd: appDir },
    );
    expect(app.stderr).toBe("");
    expect(app.stdout.trim()).toBe(`${first.file} ${local.labels[local.classify(testRows[0])]}`);
    expect(json(await cliAsync(["verify", q8, testCsv, "--port", host.b, "--json"])).ok).toBe(true);
    // and the next upload goes through
    const up = json(await cliAsync(["upload", big, "--port", host.b, "--name", "big", "--json"]));
    expect(up.previous).toBe(first.file);
    expect(json(await cliAsync(["verify", big, testCsv, "--port", host.b, "--json"])).ok).toBe(true);
  });

  it("whatever step of an activation a power cut interrupts, start-up finds a whole model", () => {
    const runtime = requireRuntime();
    const a = new Uint8Array(readFileSync(q8)),
      b = new Uint8Array(readFileSync(q8b));
    const record = (names: Record<string, string>) =>
      JSON.stringify({ names: Object.fromEntries(Object.entries(names).map(([id, n]) => [Number(id).toString(16).padStart(8, "0"), n])) });
    const [ida, idb] = [modelId(a), modelId(b)];
    const states: [string, Record<string, Uint8Array | string>, number, string | null][] = [
      // staged and complete, the new record half written: the old model stays
      [
        "before the record",
        { [ACTIVE]: a, [RECORD]: record({ [ida]: "iris" }), ".edgefnn-staging.tmp": b, ".edgefnn-record.tmp": '{"na' },
        ida,
        "iris",
      ],
      // the record names both, the rename not done: still the old model
      ["before the rename", { [ACTIVE]: a, [RECORD]: record({ [ida]: "iris", [idb]: "iris2" }), ".edgefnn-staging.tmp": b }, ida, "iris"],
      // renamed: the new model, with its name
      ["after the rename", { [ACTIVE]: b, [RECORD]: record({ [ida]: "iris", [idb]: "iris2" }) }, idb, "iris2"],
      // the record lost altogether: the model is still served, under no name
      ["without a record", { [ACTIVE]: b }, idb, null],
    ];
    for (const [what, files, id, name] of states) {
      const d = join(dir, "power-" + what.replace(/ /g, "-"));
      const s = new AgentServer({ dir: d, runtime, send: () => {} });
      s.store.open(); // makes the directory
      for (const [f, data] of Object.entries(files)) writeFileSync(join(d, f), data);
      s.start();
      s.stop();
      expect(
        readdirSync(d).filter((f) => f.startsWith(".")),
        what,
      ).toEqual([]);
      expect(s.activeInfo!.id, what).toBe(id);
      expect(s.activeInfo!.name, what).toBe(name);
    }
  });
});

/** A host end of the agent's line for hand-made frames. */
class Wire {
  private decoder = new FrameDecoder();
  frames: Frame[] = [];
  private pos = 0;
  readonly inbox: Inbox;
  constructor(readonly link: SerialLink) {
    this.inbox = Inbox.of(link);
  }

  static async open(port: string): Promise<Wire> {
    const w = new Wire(await SerialLink.open(port));
    cleanups.push(() => w.link.close());
    return w;
  }

  /** Sends raw bytes, then collects frames until `n` have come (or BOUND passed: a hung agent). */
  async send(bytes: Uint8Array | string, n = 1, ms = BOUND): Promise<Frame[]> {
    this.frames = [];
    await this.link.write(typeof bytes === "string" ? latin1Bytes(bytes) : bytes);
    await this.inbox
      .waitFor(
        () => {
          this.decoder.push(Buffer.from(this.inbox.text.slice(this.pos), "latin1"), (d) => d.ok && this.frames.push(d.frame));
          this.pos = this.inbox.text.length;
          return this.frames.length >= n;
        },
        ms,
        "frames",
      )
      .catch(() => {});
    return this.frames;
  }

  async request(type: number, seq: number, payload: Uint8Array): Promise<Frame> {
    const [f] = await this.send(encodeFrame(type, seq, payload));
    expect(f, `a reply to type 0x${type.toString(16)}`).toBeDefined();
    expect(f.seq).toBe(seq);
    return f;
  }
}

const errorOf = (f: Frame) => ({ type: f.type, code: f.payload[0], message: Buffer.from(f.payload.subarray(1)).toString("utf8") });
const hello = () => new Writer().bytes(Buffer.from("TEST")).u8(1).done();
const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("the protocol refuses what it should", () => {
  let p: PtyPair, agent: Agent, models: string, wire: Wire;

  beforeAll(async () => {
    p = await pair("frames");
    models = join(dir, "models-frames");
    // the default transfer timeout (30 s): a test's chunks are never discarded between its requests on a busy machine
    agent = await startAgent(p.a, models, cleanups);
    wire = await Wire.open(p.b);
  });

  it("damaged frames get a NAK and change nothing; noise without the magic gets no answer at all", async () => {
    const good = encodeFrame(T.HELLO, 10, hello());
    // flip a bit in the CRC (the last byte before the closing FLAG, never an escape here)
    const badCrc = Uint8Array.from(good);
    badCrc[badCrc.length - 2] ^= 0x04;
    expect((await wire.send(badCrc)).map((f) => f.type)).toEqual([T_NAK]);
    // cut in the middle, the next FLAG ends it
    const truncated = Uint8Array.from([...good.subarray(0, 9), FLAG]);
    const nak = await wire.send(truncated);
    expect(nak.map((f) => f.type)).toEqual([T_NAK]);
    expect(JSON.parse(Buffer.from(nak[0].payload).toString()).reason).toMatch(/truncated|length/);
    // a payload longer than its length field says
    const body = encodeFrame(T.HELLO, 11, hello());
    const longer = Uint8Array.from([...body.subarray(0, body.length - 1), 0x41, 0x41, FLAG]);
    expect((await wire.send(longer)).map((f) => f.type)).toEqual([T_NAK]);
    // far too long: cut off, never buffered whole
    expect((await wire.send(Uint8Array.from([FLAG, 0x45, 0x66, ...new Array(5000).fill(0x41), FLAG]))).map((f) => f.type)).toEqual([T_NAK]);
    // a terminal's keystrokes and an Espruino-style probe: silence. The agent answers in the order requests come, so
    // the first frame after them is the reply to the HELLO that follows: nothing was said about the noise (however
    // long an answer to it would have taken), and the agent still answers
    await wire.link.write(latin1Bytes("hello\r\n\x03\x10print(1)\n"));
    const ok = await wire.request(T.HELLO, 12, hello());
    expect(ok.type).toBe(T.HELLO | REPLY);
    expect(JSON.parse(Buffer.from(ok.payload.subarray(4)).toString())).toMatchObject({ agent: "edgefnn", protocol: 2, active: null });
  });

  it("a request sent again with the same seq is answered from the cache, not run twice", async () => {
    const put = encodeFrame(
      T.PUT,
      20,
      new Writer()
        .name("twice")
        .u32(10)
        .u32(0)
        .bytes(Uint8Array.of(1, 2, 3, 4, 5))
        .done(),
    );
    const [r1] = await wire.send(put);
    const [r2] = await wire.send(put);
    expect(latin1(r2.payload)).toBe(latin1(r1.payload));
    const next = await wire.request(
      T.PUT,
      21,
      new Writer()
        .name("twice")
        .u32(10)
        .u32(5)
        .bytes(Uint8Array.of(6, 7, 8, 9, 10))
        .done(),
    );
    expect(new DataView(next.payload.buffer, next.payload.byteOffset).getUint32(0, true)).toBe(10);
    const check = await wire.request(T.CHECK, 22, new Writer().name("twice").done());
    const v = new DataView(check.payload.buffer, check.payload.byteOffset);
    expect([v.getUint32(0, true), v.getUint32(8, true)]).toEqual([10, crc32(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))]);
    // a chunk out of order is refused
    const gap = await wire.request(T.PUT, 23, new Writer().name("twice").u32(20).u32(7).bytes(Uint8Array.of(1)).done());
    expect(errorOf(gap)).toMatchObject({ type: T_ERROR, code: E.NO_TRANSFER });
    // ABORT says whether it discarded something: run twice, the second would say 0
    const abort = encodeFrame(T.ABORT, 24, new Uint8Array(0));
    expect((await wire.send(abort))[0].payload[0]).toBe(1);
    expect((await wire.send(abort))[0].payload[0]).toBe(1);
    expect((await wire.request(T.ABORT, 25, new Uint8Array(0))).payload[0]).toBe(0);
  });

  it("an unknown request type, or a reply type sent as a request, gets an error reply", async () => {
    for (const [type, seq] of [
      [0x42, 30],
      [T.HELLO | REPLY, 31],
      [T_ERROR, 32],
      [0x00, 33],
    ]) {
      const f = await wire.request(type, seq, Buffer.from("require('child_process').execSync('touch /tmp/pwned')"));
      expect(errorOf(f)).toMatchObject({ type: T_ERROR, code: E.UNKNOWN_TYPE, message: expect.stringMatching(/unknown request type/) });
    }
    // known type, malformed payload
    expect(errorOf(await wire.request(T.RUN, 34, Uint8Array.of(1)))).toMatchObject({ type: T_ERROR, code: E.BAD_PAYLOAD });
    expect(errorOf(await wire.request(T.LIST, 35, Uint8Array.of(1, 2)))).toMatchObject({ type: T_ERROR, code: E.BAD_PAYLOAD });
  });

  it("JavaScript in a name or a model is data: refused or stored literally, never run; the agent lives on", async () => {
    const evil = 'x");process.exit(1);("';
    const f = await wire.request(T.PUT, 40, new Writer().name(evil).u32(4).u32(0).bytes(Buffer.from("abcd")).done());
    expect(errorOf(f)).toMatchObject({ type: T_ERROR, code: E.BAD_NAME });
    // a "model" that is a script: staged byte for byte, then refused by the runtime's loader
    const code = Buffer.from("process.exit(1);require('fs').rmSync('/', {recursive: true})");
    const put = await wire.request(T.PUT, 41, new Writer().name("script").u32(code.length).u32(0).bytes(code).done());
    expect(put.type).toBe(T.PUT | REPLY);
    expect(readFileSync(join(models, ".edgefnn-staging.tmp"))).toEqual(code);
    const act = await wire.request(T.ACTIVATE, 42, new Writer().name("script").u32(code.length).u32(crc32(code)).done());
    expect(errorOf(act)).toMatchObject({
      type: T_ERROR,
      code: E.BAD_MODEL,
      message: expect.stringMatching(/not a model the runtime loads/),
    });
    expect(existsSync(join(models, ACTIVE))).toBe(false);
    // the CLI refuses such a name before sending anything
    const r = await cliAsync(["upload", q8, "--port", p.b, "--name", evil]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--name .* use 1 to 19 letters, digits/);
    expect(agent.proc.exitCode).toBeNull();
    expect((await wire.request(T.HELLO, 43, hello())).type).toBe(T.HELLO | REPLY);
  });

  // An agent of its own with --transfer-timeout 600. Whether the staging file is there before the timeout is not
  // looked at here (a busy machine may hold this test longer than 600 ms between two lines); the PUT's reply says the
  // agent staged the bytes, and agent-timeouts.test.ts checks the file before and after on the agent's test clock.
  it("a stalled transfer times out and is discarded", async () => {
    const q = await pair("stall");
    const stallModels = join(dir, "models-stall");
    const stalling = await startAgent(q.a, stallModels, cleanups, ["--transfer-timeout", "600"]);
    const line = await Wire.open(q.b);
    const put = await line.request(T.PUT, 50, new Writer().name("slow").u32(1000).u32(0).bytes(new Uint8Array(500)).done());
    expect(put.type).toBe(T.PUT | REPLY);
    expect(new Reader(put.payload).u32()).toBe(500); // staged: the agent holds 500 bytes of slow
    await until(() => !existsSync(join(stallModels, ".edgefnn-staging.tmp")), BOUND);
    await until(() => /transfer of slow stalled for 600 ms: discarded/.test(stalling.stderr()), BOUND);
    const late = await line.request(T.PUT, 51, new Writer().name("slow").u32(1000).u32(500).bytes(new Uint8Array(500)).done());
    expect(errorOf(late)).toMatchObject({ type: T_ERROR, code: E.NO_TRANSFER });
  });

  it("escaping: no frame carries a raw control byte, FLAG or ESC inside", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const f = encodeFrame(T.PUT, 0x1311, all);
    const inner = f.subarray(1, -1);
    expect(inner.every((b) => b >= 0x20 && b !== FLAG && b !== 0x7f)).toBe(true);
    const got: Frame[] = [];
    new FrameDecoder().push(f, (d) => d.ok && got.push(d.frame));
    expect(got[0]).toMatchObject({ type: T.PUT, seq: 0x1311 });
    expect(Array.from(got[0].payload)).toEqual(Array.from(all));
    expect(inner.includes(ESC)).toBe(true);
  });
});

describe("a noisy line", () => {
  it("corrupted and dropped bytes both ways: frames are refused, resent, and the upload, verify and predict still come out right", async () => {
    const host = await pair("noisy-host"),
      dev = await pair("noisy-dev");
    const models = join(dir, "models-noisy");
    await startAgent(dev.a, models, cleanups);
    // host -> agent: the probe, then ~610 bytes a chunk; agent -> host: the hello reply (~250 bytes), then ~20 bytes a reply (verify: two hellos, then the RUN reply from ~500 on)
    const proxy = await serialProxy(host.a, dev.b, {
      right: { corruptAt: [300, 4000, 7777], dropAt: [1500, 9100] },
      left: { corruptAt: [120, 420], dropAt: [460] },
    });
    cleanups.push(() => proxy.close());
    // The faults sit at byte counts, so the probe's bytes must be the same in every run: the damaged hello reply
    // costs it one more try, never a slow agent. With the probe's 300 ms, at load ~11 an agent answered late, the
    // probe tried more often, byte 300 fell in a probe instead of a request frame, and retries read 4.
    const env = { [TIMEOUTS_ENV]: "probeMs=5000" };
    const up = json(await cliAsync(["upload", big, "--port", host.b, "--name", "big", "--json"], { env }));
    expect(up.target).toBe("agent");
    expect(proxy.stats).toMatchObject({ corrupted: 5, dropped: 3 });
    // the five faults on the way to the agent land in five different frames: each is NAKed (or, if it hit
    // a frame's end, times out) and sent again; the damaged hello reply costs the probe a second try
    expect(up.retries).toBeGreaterThanOrEqual(5);
    expect(up.naks).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(models, ACTIVE))).toEqual(readFileSync(big));
    proxy.setFaults({ right: { corruptAt: [100], dropAt: [600] }, left: { corruptAt: [500], dropAt: [800] } });
    const v = json(await cliAsync(["verify", big, testCsv, "--port", host.b, "--json"]));
    expect(v.ok).toBe(true);
    expect(proxy.stats).toMatchObject({ corrupted: 7, dropped: 5 });
    const pr = json(await cliAsync(["predict", big, testCsv, "--port", host.b, "--json"]));
    const m = load(readFileSync(big));
    expect(pr.predictions.map((r: { label: string }) => r.label)).toEqual(testRows.map((x) => m.labels[m.classify(x)]));
  });

  it("a line that loses everything: bounded retries, then a clear error, the model unchanged", async () => {
    const host = await pair("dead-host"),
      dev = await pair("dead-dev");
    const models = join(dir, "models-dead");
    await startAgent(dev.a, models, cleanups);
    const proxy = await serialProxy(host.a, dev.b);
    cleanups.push(() => proxy.close());
    const first = json(await cliAsync(["upload", q8, "--port", host.b, "--name", "iris", "--json"]));
    const link = await SerialLink.open(host.b);
    cleanups.push(() => link.close());
    // the client waits on a test clock: what it waited is read off the clock, the same however busy the machine
    const clock = manualClock();
    const client = (await AgentClient.probe(link, undefined, undefined, undefined, { clock: clock.clock, timeouts: AGENT_TIMEOUTS }))!;
    expect(client).not.toBeNull();
    // a round trip first: the agent answers in order, so no byte of the probe (its trailing backspaces) is still on the line
    expect((await client.hello()).active!.file).toBe(first.file);
    proxy.setFaults({ dropAll: true });
    const [sentBefore, droppedBefore] = [link.stats.sent, proxy.stats.dropped];
    const model = new Uint8Array(readFileSync(q8b));
    let error: unknown = null;
    const put = client.put("iris", model).catch((e) => (error = e));
    // each wait the client starts is a try whose reply never comes: fire it, until the put gives up
    const waits: number[] = [];
    for (let w; (w = await clock.fireNext(put)) > 0;) waits.push(w);
    await put;
    expect((error as Error).message).toMatch(/did not answer put in 6 tries/);
    expect(client.stats.retries).toBe(5);
    // bounded: one wait a try, each replyMs and the time the request and the largest reply need at the link's speed,
    // and no more than 6 s of waiting in all before the error
    expect(waits).toHaveLength(AGENT_TIMEOUTS.tries);
    const firstChunk = model.subarray(0, MAX_PAYLOAD - 9 - "iris".length); // the first chunk, the request that was tried
    const frame = encodeFrame(T.PUT, 0, new Writer().name("iris").u32(model.length).u32(0).bytes(firstChunk).done()).length;
    const each = AGENT_TIMEOUTS.replyMs + ((frame + 2 * (MAX_PAYLOAD + 16)) * 1000) / link.bytesPerSecond;
    for (const w of waits) expect(w).toBeCloseTo(each, 0);
    expect(clock.now()).toBeLessThan(6000);
    expect(clock.pending()).toBe(0);
    // the test's clock runs ahead of the line: before it comes back, every byte of the six tries has reached the
    // proxy and been lost (socat, another process, may still hold some on a busy machine)
    await until(() => proxy.stats.dropped - droppedBefore >= link.stats.sent - sentBefore, BOUND);
    expect(proxy.stats.dropped - droppedBefore).toBe(link.stats.sent - sentBefore);
    proxy.setFaults({});
    expect((await client.hello()).active!.file).toBe(first.file);
    await expect(client.activate("iris", new Uint8Array(readFileSync(q8b)))).rejects.toBeInstanceOf(AgentRefused);
  });
});
