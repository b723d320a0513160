// The agent client's timeouts on a clock the test moves (test/helpers/manual-clock.ts):
// a reply that never comes is given up after exactly the tries and waits the
// timeouts say, and the re-read after an interrupted upload stops at its
// bound, without a second of real waiting, so a busy machine cannot change
// the outcome. The agent is the real AgentServer in this process, on one end of
// a socat pty pair, the client the real one on the other end; a filter between
// the agent and its port loses its replies when the test says so, after seeing
// which request arrived (so a timeout fires only for a request that was sent
// and whose reply was lost). The CLI's side, EDGEFNN_AGENT_TIMEOUTS, is in
// upload-agent-interrupt.test.ts.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterAll, describe, expect, it } from "vitest";
import { createNetwork, createRng, encodeModel, initialize, modelFromNetwork } from "../../src/core/index";
import { requireRuntime } from "../../host-tools/agent/bundle-runtime";
import { AGENT_TIMEOUTS, AgentClient, AgentRefused, AgentTimeouts, parseAgentTimeouts, TIMEOUTS_ENV } from "../../host-tools/agent/client";
import { rereadAgent } from "../../host-tools/agent/reread";
import { E, FrameDecoder, MAX_PAYLOAD, Reader, T, Writer } from "../../host-tools/agent/protocol";
import { AgentServer, ServerOptions } from "../../host-tools/agent/server";
import { LinkError } from "../../host-tools/links/byte-link";
import { SerialLink } from "../../host-tools/links/serial-link";
import { RETRY_PAUSE_MS } from "../../host-tools/serial/bounded-retry";
import { tempDir } from "../helpers/cli";
import { manualClock, ManualClock } from "../helpers/manual-clock";
import { ptyPair } from "../helpers/pty-pair";

const dir = tempDir();
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const model = (() => {
  const net = createNetwork({ inputSize: 4, layers: [{ size: 3, activation: "softmax" }] });
  initialize(net, createRng(4));
  return encodeModel(modelFromNetwork(net, ["a", "b", "c"]));
})();

/** An agent in this process whose replies are lost while `lose` is on; `seen` counts the requests it got, by type,
 * `lost` the replies it lost. */
async function agent(name: string, options: Pick<ServerOptions, "transferTimeoutMs" | "now"> = {}) {
  const pair = await ptyPair(dir, name);
  cleanups.push(() => pair.close());
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path: pair.a, baudRate: 115200, autoOpen: false });
    p.open((e) => (e ? reject(e) : resolve(p)));
  });
  cleanups.push(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
  const state = { lose: false, lost: 0, damage: 0, seen: new Map<number, number>(), log: [] as string[] };
  const models = join(dir, `models-${name}`);
  const server = new AgentServer({
    ...options,
    dir: models,
    runtime: requireRuntime(),
    log: (line) => state.log.push(line),
    send: (bytes) => {
      if (state.lose) state.lost++;
      else if (state.damage > 0) {
        // one byte in the middle changed, as line noise would: a frame that fails its CRC
        state.damage--;
        const b = Buffer.from(bytes);
        const mid = b.length >> 1;
        b[mid] = b[mid] === 0x41 ? 0x42 : 0x41;
        port.write(b);
      } else port.write(Buffer.from(bytes));
    },
  });
  server.start();
  cleanups.push(() => server.stop());
  const watch = new FrameDecoder();
  port.on("data", (b: Buffer) => {
    watch.push(b, (d) => {
      if (d.ok) state.seen.set(d.frame.type, (state.seen.get(d.frame.type) ?? 0) + 1);
    });
    server.receive(b);
  });
  return { port: pair.b, state, models, server };
}

/** The client on the clock; the probe is answered, so it needs no time to pass. */
async function client(port: string, clock: ManualClock, timeouts: AgentTimeouts = AGENT_TIMEOUTS): Promise<AgentClient> {
  const link = await SerialLink.open(port);
  cleanups.push(() => link.close());
  const c = await AgentClient.probe(link, undefined, undefined, undefined, { clock: clock.clock, timeouts });
  expect(c).not.toBeNull();
  return c!;
}

/** Resolves once the agent has lost `count` replies (real time: the requests crossing the pty). */
async function lost(state: { lost: number }, count: number): Promise<void> {
  while (state.lost < count) await new Promise((r) => setTimeout(r, 5));
}

describe("the agent client's timeouts, on a test clock", () => {
  it("an ACTIVATE whose replies are lost: sent `tries` times, each given activateMs (and the wire's time), then a LinkError", async () => {
    const a = await agent("activate");
    const clock = manualClock();
    const timeouts = { ...AGENT_TIMEOUTS, activateMs: 7000, tries: 4 };
    const c = await client(a.port, clock, timeouts);
    await c.put("m", model);
    expect((await c.check("m")).received).toBe(model.length);
    a.state.lose = true;
    let error: unknown = null;
    const done = c.activate("m", model).catch((e) => (error = e));
    const waits: number[] = [];
    for (let k = 1; k <= timeouts.tries; k++) {
      await lost(a.state, k);
      waits.push(await clock.fireNext());
    }
    await done;
    expect(error).toBeInstanceOf(LinkError);
    expect((error as Error).message).toBe(`the agent did not answer activate in ${timeouts.tries} tries`);
    expect(a.state.seen.get(T.ACTIVATE)).toBe(timeouts.tries);
    // each wait: activateMs plus the time the request and the largest reply take at the link's speed
    const wire = (2 * (MAX_PAYLOAD + 16) * 1000) / c.link.bytesPerSecond;
    for (const w of waits) {
      expect(w).toBeGreaterThan(timeouts.activateMs + wire);
      expect(w).toBeLessThan(timeouts.activateMs + wire + 100);
    }
    // the agent did activate it on the first: the reply was what was lost
    a.state.lose = false;
    expect((await c.hello()).active?.bytes).toBe(model.length);
    expect(clock.pending()).toBe(0);
  });

  it("a reply lost once: the request goes again after replyMs and the answer is taken", async () => {
    const a = await agent("once");
    const clock = manualClock();
    const c = await client(a.port, clock);
    a.state.lose = true;
    const got = c.hello();
    await lost(a.state, 1);
    a.state.lose = false;
    const waited = await clock.fireNext();
    expect(waited).toBeGreaterThan(AGENT_TIMEOUTS.replyMs);
    expect((await got).protocol).toBe(2);
    expect(a.state.seen.get(T.HELLO)).toBe(3);
    expect(c.stats.retries).toBe(1);
  });

  it("the re-read after an interruption: the agent's answer when it gives one, null at the bound when it stays silent", async () => {
    const a = await agent("reread");
    const clock = manualClock();
    const timeouts = { ...AGENT_TIMEOUTS, replyMs: 300, tries: 2, rereadMs: 2000 };
    const c = await client(a.port, clock, timeouts);
    // answered: no time passes
    expect((await rereadAgent(c))?.protocol).toBe(2);
    expect(clock.now()).toBe(0);
    // silent: HELLO after HELLO goes unanswered until the bound (rereadMs) has passed
    a.state.lose = true;
    const requests = c.stats.requests;
    let settled = false;
    const got = rereadAgent(c).then((v) => ((settled = true), v));
    await lost(a.state, 1); // the first HELLO reached the agent, which said nothing
    // two sleeps at a time: the bound's give-up timer, and a HELLO's wait for its reply or the pause after a failure
    while (!settled) await clock.fireNext(got, 2);
    expect(await got).toBeNull();
    const t = clock.now();
    // the last attempt began before the bound; its sends and the pause after it end past it, within the 500 ms grace
    expect(t).toBeGreaterThanOrEqual(timeouts.rereadMs);
    expect(t).toBeLessThanOrEqual(timeouts.rereadMs + 500);
    // an attempt is one HELLO request (`tries` sends, replyMs and the wire's time each), then RETRY_PAUSE_MS: the
    // attempts that begin before the bound
    const wire = (2 * (MAX_PAYLOAD + 16) * 1000) / c.link.bytesPerSecond;
    const attempt = timeouts.tries * (timeouts.replyMs + wire) + RETRY_PAUSE_MS;
    expect(c.stats.requests - requests).toBe(Math.ceil(timeouts.rereadMs / attempt));
    expect(c.stats.requests - requests).toBeGreaterThan(1);
  });
});

// The agent's side: a transfer with no chunk for transferTimeoutMs is discarded. The agent reads the time from `now`,
// which only the test moves, so the staging file is there for as long as the test looks, and goes once the test
// moves time past the timeout (the check runs on a real interval: waited for, with a bound only for a hung agent).
// The CLI's --transfer-timeout is in agent.test.ts.
describe("the agent's transfer timeout, on a test clock", () => {
  it("a stalled transfer is kept until transferTimeoutMs has passed, then its staging file is removed and a late chunk refused", async () => {
    let now = 0;
    const a = await agent("stall", { transferTimeoutMs: 600, now: () => now });
    const c = await client(a.port, manualClock());
    const staging = join(a.models, ".edgefnn-staging.tmp");
    const chunk = (offset: number) => new Writer().name("slow").u32(1000).u32(offset).bytes(new Uint8Array(500)).done();
    expect(new Reader(await c.request(T.PUT, chunk(0))).u32()).toBe(500);
    expect(existsSync(staging)).toBe(true);
    // the agent's checks, counted: each asks the store to expire what stalled
    let checks = 0;
    const expire = a.server.store.expire.bind(a.server.store);
    a.server.store.expire = (t, ms) => (checks++, expire(t, ms));
    /** until a check has run since now, or `done` holds (60 s: a bound for a hung agent, not a speed) */
    const checked = async (done = () => false) => {
      const [from, end] = [checks, Date.now() + 60_000];
      while (checks === from && !done() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      expect(checks > from || done()).toBe(true);
    };
    now = 599; // 1 ms short: a check (in this process, so it reads 599) leaves it, however long the machine took
    await checked();
    expect(existsSync(staging)).toBe(true);
    now = 600;
    await checked(() => !existsSync(staging));
    expect(existsSync(staging)).toBe(false);
    expect(a.state.log).toContain("transfer of slow stalled for 600 ms: discarded");
    const late = await c.request(T.PUT, chunk(500)).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(AgentRefused);
    expect((late as AgentRefused).code).toBe(E.NO_TRANSFER);
  });
});

describe("the probe on a noisy line", () => {
  it("hello replies that arrive damaged prove an agent: the probe tries on (agentTries) instead of giving up after two", async () => {
    const a = await agent("damaged-hellos");
    const link = await SerialLink.open(a.port);
    cleanups.push(() => link.close());
    a.state.damage = 2; // the first two hello replies fail their CRC; a port nobody answers gets two tries only
    const c = await AgentClient.probe(link);
    expect(c).not.toBeNull();
    expect(c!.info.protocol).toBeGreaterThanOrEqual(1);
    expect(a.state.damage).toBe(0);
    expect(a.state.seen.get(T.HELLO)).toBeGreaterThanOrEqual(3);
  });
});

describe(`${TIMEOUTS_ENV}`, () => {
  it("sets the timeouts it names and keeps the others; refuses names and values it does not know, saying which", () => {
    expect(parseAgentTimeouts(undefined)).toEqual(AGENT_TIMEOUTS);
    expect(parseAgentTimeouts("")).toEqual(AGENT_TIMEOUTS);
    expect(parseAgentTimeouts("activateMs=1000, rereadMs=2500")).toEqual({ ...AGENT_TIMEOUTS, activateMs: 1000, rereadMs: 2500 });
    expect(parseAgentTimeouts("probeMs=5000")).toEqual({ ...AGENT_TIMEOUTS, probeMs: 5000 });
    expect(AGENT_TIMEOUTS.probeMs).toBe(300);
    expect(() => parseAgentTimeouts("activate=1000")).toThrow(
      `${TIMEOUTS_ENV}: "activate=1000" is not one of replyMs, checkMs, activateMs, tries, rereadMs, probeMs with "=" and a value`,
    );
    expect(() => parseAgentTimeouts("tries=0")).toThrow(`${TIMEOUTS_ENV}: tries must be a whole number of at least 1, not "0"`);
    expect(() => parseAgentTimeouts("replyMs=")).toThrow(`${TIMEOUTS_ENV}: replyMs must be a whole number of at least 1, not ""`);
    expect(() => parseAgentTimeouts("replyMs=1.5")).toThrow(/replyMs must be a whole number/);
  });
});
