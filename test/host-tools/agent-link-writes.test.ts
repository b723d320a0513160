// Writes to an edgefnn agent go out a whole frame at a time, unpaced; writes to
// an Espruino console stay in small paced packets (its input buffer is a few
// hundred bytes and XOFF must stop what follows). The agent is the real
// AgentServer in this process on one end of a socat pty pair; the host's link
// is the real SerialLink on the other end. What the link hands its transport
// (one `transmit` per piece) is recorded by wrapping that method: the bytes
// still go through it unchanged.
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterAll, describe, expect, it } from "vitest";
import { createNetwork, createRng, encodeModel, initialize, modelFromNetwork } from "../../src/core/index";
import { requireRuntime } from "../../host-tools/agent/bundle-runtime";
import { AgentClient } from "../../host-tools/agent/client";
import { FLAG, FrameDecoder, MAX_PAYLOAD, T } from "../../host-tools/agent/protocol";
import { AgentServer } from "../../host-tools/agent/server";
import { SerialLink } from "../../host-tools/links/serial-link";
import { tempDir } from "../helpers/cli";
import { ptyPair } from "../helpers/pty-pair";

const dir = tempDir();
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function openPort(path: string): Promise<SerialPort> {
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    p.open((e) => (e ? reject(e) : resolve(p)));
  });
  cleanups.push(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
  return port;
}

/** The host's link on `path`, with every piece it transmits recorded. */
async function recordedLink(path: string): Promise<{ link: SerialLink; pieces: Uint8Array[] }> {
  const link = await SerialLink.open(path);
  cleanups.push(() => link.close());
  const pieces: Uint8Array[] = [];
  const l = link as unknown as { transmit(p: Uint8Array): Promise<void> };
  const transmit = l.transmit.bind(link);
  l.transmit = (p: Uint8Array) => {
    pieces.push(Uint8Array.from(p));
    return transmit(p);
  };
  return { link, pieces };
}

describe("the host's writes", () => {
  it("to an agent: after the probe found it, each request frame is one write, unpaced", async () => {
    const pair = await ptyPair(dir, "agent");
    cleanups.push(() => pair.close());
    const port = await openPort(pair.a);
    const server = new AgentServer({ dir: join(dir, "models"), runtime: requireRuntime(), send: (b) => port.write(Buffer.from(b)) });
    server.start();
    cleanups.push(() => server.stop());
    const types: number[] = [];
    const watch = new FrameDecoder();
    port.on("data", (b: Buffer) => {
      watch.push(b, (d) => d.ok && types.push(d.frame.type));
      server.receive(b);
    });

    const { link, pieces } = await recordedLink(pair.b);
    expect(link.paced).toBe(true);
    const client = await AgentClient.probe(link);
    expect(client).not.toBeNull();
    // the probe itself went paced (the far end could have been an Espruino console): in packets of at most 32 bytes
    expect(pieces.length).toBeGreaterThan(0);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(link.packetSize);
    expect(link.paced).toBe(false);

    // ~6 KB of float32 weights: PUT frames of ~1 KB, each more than 30 packets of the paced path
    const net = createNetwork({
      inputSize: 4,
      layers: [
        { size: 300, activation: "relu" },
        { size: 3, activation: "softmax" },
      ],
    });
    initialize(net, createRng(7));
    const bytes = encodeModel(modelFromNetwork(net, ["a", "b", "c"]));
    expect(bytes.length).toBeGreaterThan(5000);
    pieces.length = 0;
    types.length = 0;
    await client!.put("wide", bytes);
    const c = await client!.check("wide");
    expect(c.received).toBe(bytes.length);
    // one transmit a request, each a whole frame (FLAG ... FLAG), as many as the agent decoded
    expect(pieces.length).toBe(types.length);
    expect(types.filter((t) => t === T.PUT).length).toBe(Math.ceil(bytes.length / (MAX_PAYLOAD - 9 - "wide".length)));
    expect(Math.max(...pieces.map((p) => p.length))).toBeGreaterThan(1000);
    for (const p of pieces) {
      expect(p[0]).toBe(FLAG);
      expect(p[p.length - 1]).toBe(FLAG);
      expect(p.subarray(1, -1).includes(FLAG)).toBe(false);
    }
  });

  it("to an Espruino console (it echoes the probe): still paced packets of at most packetSize", async () => {
    const pair = await ptyPair(dir, "console");
    cleanups.push(() => pair.close());
    const port = await openPort(pair.a);
    port.on("data", (b: Buffer) => port.write(b)); // a console's echo, as Espruino's is
    const { link, pieces } = await recordedLink(pair.b);
    expect(await AgentClient.probe(link)).toBeNull();
    expect(link.paced).toBe(true);
    pieces.length = 0;
    await link.write(new Uint8Array(200).fill(0x41));
    expect(pieces.map((p) => p.length)).toEqual([32, 32, 32, 32, 32, 32, 8]);
  });
});
