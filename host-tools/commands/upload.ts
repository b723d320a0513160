// edgefnn upload model.efnn --port /dev/ttyACM0: the model (and with
// --runtime the ES5 runtime, with --boot a boot script) into the board's
// Storage, verified, and made active atomically. If an edgefnn agent answers
// on the port instead (a Raspberry Pi), the model goes to it over the agent
// protocol: staged, CRC-checked on the Pi's disk, then activated by a rename.
import { SingleBar } from "cli-progress";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { AppFile, BoardApp, prepareApp } from "../apps/gestures";
import { filesUploadTouches, guardFixedNames } from "../serial/own-files";
import { fail, UserError } from "../cli/user-error";
import { bytes as fmtBytes, Output } from "../cli/output";
import { DIST_MIN, ensureBundle, FIRMWARE_DIR } from "../files/bundle-files";
import { readModelFile } from "../files/model-file";
import { AgentClient, AgentRefused } from "../agent/client";
import { crc32 } from "../../src/core/index";
import { checkModelName, modelFileName, modelId, MODEL_NAME_MAX, RUNTIME } from "../serial/board-files";
import { BoardResetError, EspruinoRepl } from "../protocols/espruino-repl";
import { ByteLink, LinkError } from "../links/byte-link";
import { newProgress, readBoardState, uploadModel } from "../serial/model-upload";
import { ActiveFact, factSentence, unknownFact } from "../serial/active-fact";
import { agentFact, rereadAgent } from "../agent/reread";
import { boardFact, rereadBoard } from "../serial/board-reread";
import { openTarget } from "../boards/target";

export interface UploadOptions {
  port: string;
  name?: string;
  runtime?: boolean;
  boot?: boolean;
  /** an on-board app to install with the model, started at boot: "gestures" */
  app?: string;
  /** the training CSV's sidecar (collect's gestures.csv.json): the app's rate and window */
  appConfig?: string;
  /** with app: also install edgefnn-learn, the on-board learning module */
  learn?: boolean;
  /** replace Storage files of edgefnn's fixed names that edgefnn did not write (their contents are lost) */
  force?: boolean;
  baud: number;
  /** how files travel to an Espruino board: auto (packets on firmware 2v25+, else the console), console or packet */
  transfer?: "auto" | "console" | "packet";
}

/** A Storage-safe name from the model's file name: iris.q8.efnn -> iris_q8. */
export function defaultName(file: string): string {
  const n = basename(file)
    .replace(/\.efnn$/, "")
    .replace(/[^A-Za-z0-9_-]/g, "_")
    .slice(0, MODEL_NAME_MAX);
  return n || "model";
}

export async function uploadCommand(file: string, o: UploadOptions, out: Output) {
  const { bytes, model } = readModelFile(file);
  const name = checkModelName(o.name ?? defaultName(file));
  let runtime: Uint8Array | undefined;
  const app = prepareApp(o, model, file);
  if (o.runtime || app) {
    ensureBundle();
    runtime = new Uint8Array(readFileSync(DIST_MIN));
  }
  const boot = o.boot ? new Uint8Array(readFileSync(join(FIRMWARE_DIR, "boot.js"))) : undefined;
  const t0 = performance.now();
  const target = await openTarget(o.port, o.baud).catch((e) => fail((e as Error).message));
  if (target.kind === "agent") return uploadToAgent(file, name, bytes, target.client, o, out, t0);
  return uploadToBoard(file, name, bytes, runtime, boot, app, target.link, target.repl, o, out, t0);
}

function progressBar(out: Output): SingleBar | null {
  return !out.json && !out.quiet && process.stdout.isTTY
    ? new SingleBar({ format: "  {stage} |{bar}| {value}/{total} bytes", hideCursor: true, barsize: 24 })
    : null;
}

async function uploadToBoard(
  file: string,
  name: string,
  bytes: Uint8Array,
  runtime: Uint8Array | undefined,
  boot: Uint8Array | undefined,
  app: BoardApp | null,
  link: ByteLink,
  repl: EspruinoRepl,
  o: UploadOptions,
  out: Output,
  t0: number,
) {
  let extra: AppFile[], total: number;
  const bar = progressBar(out);
  const progress = newProgress();
  let done = 0,
    stageBase = 0,
    known = false;
  try {
    const state = await readBoardState(repl);
    const previous = state.p?.file ?? null;
    known = true;
    out.say(`edgefnn upload: ${file} -> ${o.port} as "${name}"${previous ? ` (active now: ${previous})` : ""}`);
    // the app's files depend on the board; no file edgefnn did not write is replaced without --force
    extra = app?.files(state.board) ?? [];
    // only those the board lists can be someone else's: a board without any is asked nothing
    const touched = filesUploadTouches({
      name,
      runtime: !!runtime,
      boot: !!boot,
      extra: extra.map((f) => f.name),
      files: state.files,
      pointerFile: state.p?.file ?? null,
    }).filter((f) => state.files.includes(f));
    const warn = (l: string) => process.stderr.write(`edgefnn: ${l}\n`);
    await guardFixedNames(repl, touched, o.force, warn);
    // the model alone is of no use to a board without the runtime module: say so, and which flag puts it there
    const runtimeMissing = !runtime && !state.files.includes(RUNTIME);
    if (runtimeMissing)
      warn(
        `the board has no runtime in Storage (no file "${RUNTIME}"), so require("edgefnn") fails there: add --runtime to upload it ` +
          `with the model`,
      );
    const notes = await app?.notes(repl, state.board, state.files);
    notes?.info.forEach((l) => out.say(l));
    notes?.warnings.forEach(warn);
    total = bytes.length + (runtime?.length ?? 0) + (boot?.length ?? 0) + extra.reduce((s, f) => s + f.bytes.length, 0);
    bar?.start(total, 0, { stage: "connecting" });
    const r = await uploadModel(repl, {
      name,
      model: bytes,
      runtime,
      boot,
      extra,
      state,
      progress,
      onStage: (s) => {
        stageBase = done;
        bar?.update(done, { stage: s.split(" ")[0] });
        if (!bar) out.say(`  ${s}`);
      },
      write: {
        transfer: o.transfer,
        onProgress: (d) => {
          done = stageBase + d;
          bar?.update(done);
        },
      },
    });
    bar?.update(total);
    bar?.stop();
    const seconds = (performance.now() - t0) / 1000;
    const wire = link.stats.sent;
    const cost = wireCost(link, r.payload, wire, seconds);
    out.say(`  active model: ${r.file}${r.previous && r.previous !== r.file ? ` (replaced ${r.previous}, erased)` : ""}`);
    if (r.unchanged.length) out.say(`  already on the board, not sent again: ${r.unchanged.join(", ")}`);
    out.say(cost.sentence + (r.retries ? `; ${r.retries} chunk${r.retries > 1 ? "s" : ""} resent` : ""));
    return {
      ok: true,
      port: o.port,
      target: "espruino",
      name,
      file: r.file,
      previous: r.previous,
      active: "new",
      activeFile: r.file,
      payload: r.payload,
      wire,
      efficiency: cost.efficiency,
      seconds,
      speed: link.speed,
      wireSeconds: cost.wireSeconds,
      retries: r.retries,
      xoffs: link.stats.xoffs,
      unchanged: r.unchanged,
      runtimeMissing,
    };
  } catch (e) {
    bar?.stop();
    if (e instanceof UserError) throw e;
    const what = e instanceof BoardResetError ? "the board reset during the upload" : (e as Error).message;
    // Before the first read nothing was sent that writes; after it, only reading the board again tells what is active.
    if (!known)
      return interrupted(
        o,
        name,
        null,
        `upload interrupted: ${what}. Nothing was changed on the board (its Storage could not even be read).`,
        unknownFact("the board's Storage could not be read, and nothing that writes was sent"),
      );
    const names = [progress.file, progress.previous, ...progress.others.map((x) => x.name)].filter((x): x is string => !!x);
    const fact = boardFact(progress, bytes, await rereadBoard(link, repl, names));
    return interrupted(
      o,
      name,
      progress.file,
      `upload interrupted: ${what}. ${factSentence(fact, "board", verifyHint(file, o.port))}`,
      fact,
    );
  } finally {
    await link.close();
  }
}

/** What an upload cost on its link: payload, wire bytes, efficiency, and the
 * time the wire bytes take at the link's own speed (its baud rate; a link
 * without one, TCP, is only timed). */
function wireCost(link: ByteLink, payload: number, wire: number, seconds: number) {
  const efficiency = wire ? payload / wire : 0;
  const wireSeconds = Number.isFinite(link.bytesPerSecond) ? wire / link.bytesPerSecond : null;
  const sentence =
    `  payload ${fmtBytes(payload)}, on the wire ${fmtBytes(wire)} (efficiency ${(100 * efficiency).toFixed(0)}%), ` +
    `${seconds.toFixed(1)} s over ${link.speed}` +
    (wireSeconds !== null ? ` (the wire bytes alone take ${wireSeconds.toFixed(1)} s at ${link.speed})` : "");
  return { efficiency, wireSeconds, sentence };
}

function verifyHint(file: string, port: string): string {
  return `edgefnn verify ${file} <test.csv> --port ${port}`;
}

/** An upload that stopped part way: the message on stderr, and with --json the same fact in one object on stdout (exit code 1). */
function interrupted(o: UploadOptions, name: string, file: string | null, message: string, fact: ActiveFact) {
  process.stderr.write(`edgefnn: ${message}\n`);
  return {
    ok: false,
    port: o.port,
    name,
    file,
    error: message,
    active: fact.active,
    activeFile: fact.file,
    how: fact.how,
    incomplete: fact.incomplete,
    leftover: fact.leftover,
  };
}

/** The agent path: PUT chunks into the agent's staging file, CHECK its CRC-32
 * as read back from the Pi's disk, ACTIVATE (fsync, load, rename). Until the
 * activation the agent's previous model stays active; --runtime and --boot do
 * not apply (the agent runs its own copy of the runtime). */
async function uploadToAgent(
  file: string,
  name: string,
  bytes: Uint8Array,
  client: AgentClient,
  o: UploadOptions,
  out: Output,
  t0: number,
) {
  const link = client.link;
  const info = client.info;
  const previous = info.active?.file ?? null;
  const target = modelFileName(name, bytes);
  const bar = progressBar(out);
  let activateSent = false;
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
      bar?.start(bytes.length, 0, { stage: "model" });
      if (!bar) out.say(`  model -> ${target}`);
      await client.put(name, bytes, undefined, (d) => bar?.update(d));
      const c = await client.check(name);
      if (c.received !== bytes.length || c.crc !== crc32(bytes)) {
        await client.abort().catch(() => {});
        throw new LinkError(
          `the agent holds ${c.received} bytes with CRC-32 ${c.crc}, expected ${bytes.length} bytes with ${crc32(bytes)}`,
        );
      }
      if (!bar) out.say(`  activate ${target}`);
      activateSent = true;
      const r = await client.activate(name, bytes);
      activeFile = r.active.file;
      payload = bytes.length;
      bar?.update(bytes.length);
      bar?.stop();
    }
    const seconds = (performance.now() - t0) / 1000;
    const wire = link.stats.sent;
    const cost = wireCost(link, payload, wire, seconds);
    const retries = client.stats.retries;
    out.say(`  active model: ${activeFile}${previous && previous !== activeFile ? ` (replaced ${previous})` : ""}`);
    out.say(cost.sentence + (retries ? `; ${retries} request${retries > 1 ? "s" : ""} resent` : ""));
    return {
      ok: true,
      port: o.port,
      target: "agent",
      agentVersion: info.version,
      name,
      file: activeFile,
      previous,
      active: "new",
      activeFile,
      payload,
      wire,
      efficiency: cost.efficiency,
      seconds,
      speed: link.speed,
      wireSeconds: cost.wireSeconds,
      retries,
      naks: client.stats.naks,
      xoffs: link.stats.xoffs,
      unchanged,
    };
  } catch (e) {
    bar?.stop();
    if (e instanceof UserError || !(e instanceof LinkError || e instanceof AgentRefused)) throw e;
    const what = e instanceof AgentRefused ? `the agent refused it: ${e.message}` : e.message;
    // a refused or unanswered ACTIVATE may still have activated the model: ask the agent
    const fact = agentFact(bytes, target, previous, activateSent, await rereadAgent(client));
    return {
      ...interrupted(o, name, target, `upload interrupted: ${what}. ${factSentence(fact, "agent", verifyHint(file, o.port))}`, fact),
      target: "agent",
    };
  } finally {
    await link.close();
  }
}
