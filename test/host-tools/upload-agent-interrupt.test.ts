// `edgefnn upload` to an agent whose answers go wrong around ACTIVATE: the
// agent runs in this process on one end of a pty pair, and what it sends back
// passes a filter that loses or replaces replies from a chosen request on. The
// message after the failure must say what the agent's model directory really
// holds (read from disk here), whatever the agent said or failed to say.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterAll, beforeAll, describe, it } from "vitest";
import { requireRuntime } from "../../host-tools/agent/bundle-runtime";
import { ACTIVE } from "../../host-tools/agent/model-store";
import { E, encodeFrame, FrameDecoder, T, T_ERROR, Writer } from "../../host-tools/agent/protocol";
import { AgentServer } from "../../host-tools/agent/server";
import { TIMEOUTS_ENV } from "../../host-tools/agent/client";
import { cliAsync, json, tempDir } from "../helpers/cli";
import { writeIrisUploadModels } from "../helpers/models";
import { PtyPair, ptyPair } from "../helpers/pty-pair";

const dir = tempDir();
let q8: string, q8b: string;
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(() => {
  ({ q8, q8b } = writeIrisUploadModels(dir));
});

/** What happens to the agent's replies once a request of type `from` has arrived, until one of type `until` does. */
interface ReplyFault {
  from: number;
  until?: number;
  /** lose the replies, or answer with a refusal instead (after doing the work) */
  kind: "lose" | "refuse";
}

/** An agent in this process behind a reply filter; returns the host's port and the model directory. */
async function agent(name: string): Promise<{ port: string; models: string; setFault: (f: ReplyFault | null) => void }> {
  const pair: PtyPair = await ptyPair(dir, name);
  cleanups.push(() => pair.close());
  const port = await new Promise<SerialPort>((resolve, reject) => {
    const p = new SerialPort({ path: pair.a, baudRate: 115200, autoOpen: false });
    p.open((e) => (e ? reject(e) : resolve(p)));
  });
  cleanups.push(() => new Promise<void>((r) => (port.isOpen ? port.close(() => r()) : r())));
  const models = join(dir, `models-${name}`);
  let fault: ReplyFault | null = null,
    on = false,
    lastSeq = 0;
  const server = new AgentServer({
    dir: models,
    runtime: requireRuntime(),
    send: (bytes) => {
      if (!on) port.write(Buffer.from(bytes));
      else if (fault?.kind === "refuse")
        port.write(
          Buffer.from(encodeFrame(T_ERROR, lastSeq, new Writer().u8(E.IO).bytes(Buffer.from("activate: the reply did not fit")).done())),
        );
    },
  });
  server.start();
  cleanups.push(() => server.stop());
  const watch = new FrameDecoder();
  port.on("data", (b: Buffer) => {
    // see which request this is before the agent answers it
    watch.push(b, (d) => {
      if (!d.ok || !fault) return;
      if (d.frame.type === fault.from) on = true;
      else if (fault.until !== undefined && d.frame.type === fault.until) on = false;
      lastSeq = d.frame.seq;
    });
    server.receive(b);
  });
  return { port: pair.b, models, setFault: (f) => ((fault = f), (on = false)) };
}

const onDisk = (models: string) => readFileSync(join(models, ACTIVE));

// ACTIVATE waits 10 s for each of its 6 tries, and the re-read after a failure asks for 6 s: an upload whose replies
// are lost on purpose waits 1 s for each ACTIVATE reply it will not get (the tries and the messages are the same), and
// 3 s for a re-read no one will answer, so such a case takes seconds, not a minute. A re-read that is answered keeps
// its 6 s (a busy machine must not make it time out), and so does every clean upload.
const LOST_ACTIVATE = { [TIMEOUTS_ENV]: "activateMs=1000" };
const LOST_FOR_GOOD = { [TIMEOUTS_ENV]: "activateMs=1000,rereadMs=3000" };

describe.concurrent("upload to an agent: after a failure around ACTIVATE, the agent is asked again", () => {
  it("the replies to ACTIVATE are lost but the model was activated: the message says the new model is active", async ({ expect }) => {
    const a = await agent("lost");
    const first = json(await cliAsync(["upload", q8, "--port", a.port, "--name", "iris", "--json"]));
    a.setFault({ from: T.ACTIVATE, until: T.HELLO, kind: "lose" });
    const r = await cliAsync(["upload", q8b, "--port", a.port, "--name", "iris", "--json"], { env: LOST_ACTIVATE });
    const out = json(r);
    expect(r.status).toBe(1);
    expect(out).toMatchObject({
      ok: false,
      target: "agent",
      active: "new",
      activeFile: out.file,
      how: "the agent said so when asked again",
    });
    expect(out.activeFile).not.toBe(first.file);
    expect(r.stderr).toMatch(
      new RegExp(
        `upload interrupted: the agent did not answer activate in 6 tries\\. The new model ${out.file.replace(".", "\\.")} is active\\. The agent said so when asked again\\.`,
      ),
    );
    expect(onDisk(a.models)).toEqual(readFileSync(q8b));
  });

  it("the agent activates the model and then answers with a refusal: not reported as refused-and-unchanged", async ({ expect }) => {
    const a = await agent("refused");
    json(await cliAsync(["upload", q8, "--port", a.port, "--name", "iris", "--json"]));
    a.setFault({ from: T.ACTIVATE, until: T.HELLO, kind: "refuse" });
    const r = await cliAsync(["upload", q8b, "--port", a.port, "--name", "iris", "--json"]);
    const out = json(r);
    expect(out).toMatchObject({ ok: false, active: "new" });
    expect(r.stderr).toMatch(
      /upload interrupted: the agent refused it: activate: the reply did not fit\. The new model iris\.[0-9a-f]{8} is active\./,
    );
    expect(r.stderr).not.toMatch(/previous model .* is still active/);
    expect(onDisk(a.models)).toEqual(readFileSync(q8b));
  });

  it("the line dies at ACTIVATE and stays dead: which model is active could not be determined, and the command says how to find out", async ({
    expect,
  }) => {
    const a = await agent("dead");
    json(await cliAsync(["upload", q8, "--port", a.port, "--name", "iris", "--json"]));
    a.setFault({ from: T.ACTIVATE, kind: "lose" });
    const r = await cliAsync(["upload", q8b, "--port", a.port, "--name", "iris", "--json"], { env: LOST_FOR_GOOD });
    const out = json(r);
    expect(out).toMatchObject({ ok: false, active: "unknown", activeFile: null });
    expect(r.stderr).toMatch(
      /Which model is active could not be determined \(the agent did not answer again after the interruption\): run `edgefnn verify .*iris-b\.q8\.efnn <test\.csv> --port .*` when the agent answers again\./,
    );
    // (here it was activated: the message claimed nothing either way)
    expect(onDisk(a.models)).toEqual(readFileSync(q8b));
  });

  it("the line dies during the transfer: ACTIVATE was never sent, so the previous model is still active", async ({ expect }) => {
    const a = await agent("put");
    const first = json(await cliAsync(["upload", q8, "--port", a.port, "--name", "iris", "--json"]));
    a.setFault({ from: T.PUT, kind: "lose" });
    const r = await cliAsync(["upload", q8b, "--port", a.port, "--name", "iris", "--json"], { env: LOST_FOR_GOOD });
    const out = json(r);
    expect(out).toMatchObject({ ok: false, active: "previous", activeFile: first.file });
    expect(r.stderr).toMatch(
      new RegExp(`The previous model ${first.file.replace(".", "\\.")} is still active\\. ACTIVATE was never sent\\.`),
    );
    expect(onDisk(a.models)).toEqual(readFileSync(q8));
  });
});
