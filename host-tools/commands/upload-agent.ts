// edgefnn upload to an edgefnn agent (a Raspberry Pi): PUT chunks into the
// agent's staging file, CHECK its CRC-32 as read back from the Pi's disk,
// ACTIVATE (fsync, load, rename). Until the activation the agent's previous
// model stays active; --runtime and --boot do not apply (the agent runs its
// own copy of the runtime).
import { SingleBar } from "cli-progress";
import { UserError } from "../cli/user-error";
import { Output } from "../cli/output";
import { AgentClient, AgentRefused } from "../agent/client";
import { crc32 } from "../files/crc32";
import { modelFileName, modelId } from "../serial/board-files";
import { LinkError } from "../links/byte-link";
import { factSentence } from "../serial/active-fact";
import { agentFact, rereadAgent } from "../agent/reread";
import { interrupted, progressBar, uploadCost, verifyHint } from "./upload-report";
import type { UploadOptions } from "./upload";

export interface AgentUpload {
  file: string;
  name: string;
  bytes: Uint8Array;
  client: AgentClient;
  o: UploadOptions;
  out: Output;
  /** when the upload started (performance.now()) */
  t0: number;
}

export async function uploadToAgent(u: AgentUpload) {
  const { file, name, bytes, client, o, out } = u;
  const link = client.link;
  const info = client.info;
  const previous = info.active?.file ?? null;
  const target = modelFileName(name, bytes);
  const bar = progressBar(out);
  const sent = { activate: false };
  try {
    out.say(
      `edgefnn upload: ${file} -> ${o.port} (edgefnn agent ${info.version}) as "${name}"${previous ? ` (active now: ${previous})` : ""}`,
    );
    if (o.runtime || o.boot || o.app)
      out.say("  --runtime, --boot and --app are for Espruino boards: the agent runs its own runtime and loads the active model itself");
    const unchanged: string[] = [];
    let payload = 0;
    let activeFile = target;
    if (info.active && info.active.id === modelId(bytes) && info.active.bytes === bytes.length && info.active.name === name) {
      out.say(`  ${target} is already the active model`);
      unchanged.push(target);
    } else {
      activeFile = await sendToAgent(client, name, bytes, target, bar, out, sent);
      payload = bytes.length;
    }
    return agentReport(u, { previous, activeFile, payload, unchanged });
  } catch (e) {
    bar?.stop();
    if (e instanceof UserError || !(e instanceof LinkError || e instanceof AgentRefused)) throw e;
    const what = e instanceof AgentRefused ? `the agent refused it: ${e.message}` : e.message;
    // a refused or unanswered ACTIVATE may still have activated the model: ask the agent
    const fact = agentFact(bytes, target, previous, sent.activate, await rereadAgent(client));
    return {
      ...interrupted(o, name, target, `upload interrupted: ${what}. ${factSentence(fact, "agent", verifyHint(file, o.port))}`, fact),
      target: "agent",
    };
  } finally {
    await link.close();
  }
}

/** PUT, CHECK (the CRC-32 the agent read back from its disk), ACTIVATE; returns the file now active. */
async function sendToAgent(
  client: AgentClient,
  name: string,
  bytes: Uint8Array,
  target: string,
  bar: SingleBar | null,
  out: Output,
  sent: { activate: boolean },
): Promise<string> {
  bar?.start(bytes.length, 0, { stage: "model" });
  if (!bar) out.say(`  model -> ${target}`);
  await client.put(name, bytes, undefined, (d) => bar?.update(d));
  const c = await client.check(name);
  if (c.received !== bytes.length || c.crc !== crc32(bytes)) {
    await client.abort().catch(() => {});
    throw new LinkError(`the agent holds ${c.received} bytes with CRC-32 ${c.crc}, expected ${bytes.length} bytes with ${crc32(bytes)}`);
  }
  if (!bar) out.say(`  activate ${target}`);
  sent.activate = true;
  const r = await client.activate(name, bytes);
  bar?.update(bytes.length);
  bar?.stop();
  return r.active.file;
}

/** The finished upload's lines and --json object. */
function agentReport(u: AgentUpload, r: { previous: string | null; activeFile: string; payload: number; unchanged: string[] }) {
  const { client, o, name, out } = u;
  const link = client.link;
  const cost = uploadCost(link, r.payload, u.t0);
  const retries = client.stats.retries;
  out.say(`  active model: ${r.activeFile}${r.previous && r.previous !== r.activeFile ? ` (replaced ${r.previous})` : ""}`);
  out.say(cost.sentence + (retries ? `; ${retries} request${retries > 1 ? "s" : ""} resent` : ""));
  return {
    ok: true,
    port: o.port,
    target: "agent",
    agentVersion: client.info.version,
    name,
    file: r.activeFile,
    previous: r.previous,
    active: "new",
    activeFile: r.activeFile,
    ...cost.fields,
    retries,
    naks: client.stats.naks,
    xoffs: link.stats.xoffs,
    unchanged: r.unchanged,
  };
}
