// Interrupting an upload near its end (around the pointer switch and the erase
// of the old model) with a board reset or a board that goes silent, at many
// byte offsets: whatever `edgefnn upload` then says about the active model
// must be what the board's flash holds, read directly from the simulator.
// (Before the fix, a reset after the switch was reported as "the previous
// model is still active" while the new one was.)
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { crc32 } from "../../src/core/index";
import { RunningSim } from "../../host-tools/sim/index";
import { SILENT_WAITS, virtualBoards } from "../helpers/virtual-boards";
import { FaultOptions } from "../../host-tools/sim/faults";
import { cliAsync, json, tempDir } from "../helpers/cli";
import { writeIrisUploadModels } from "../helpers/models";

const dir = tempDir();
const { sim, sims } = virtualBoards();
let q8: string, q8b: string, flash0: string, firstFile: string, runtimeBytes: Uint8Array;

/** Stops this board (trials run side by side: not whichever started last). */
async function stop(s: RunningSim): Promise<void> {
  sims.splice(sims.indexOf(s), 1);
  await s.stop();
}

beforeAll(async () => {
  ({ q8, q8b } = writeIrisUploadModels(dir));
  // a board with the runtime and the first model active, kept as a flash image every trial starts from
  flash0 = join(dir, "flash0.json");
  const s = await sim({ storagePath: flash0 });
  firstFile = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--json"])).file;
  runtimeBytes = s.storage.read("edgefnn")!;
  await stop(s);
}, 60_000);

type Real = "new" | "previous" | "other" | "none";

/** The board's real state, from its flash: which model the pointer names, and whether that file holds its bytes. */
function realState(s: RunningSim): { real: Real; files: string[] } {
  const files = s.storage.list();
  const p = s.storage.read("edgefnn.active");
  if (!p) return { real: "none", files };
  const ptr = JSON.parse(Buffer.from(p).toString("latin1")) as { file: string };
  const bytes = s.storage.read(ptr.file);
  const same = (f: string) => !!bytes && Buffer.from(bytes).equals(readFileSync(f));
  const real: Real = ptr.file === firstFile && same(q8) ? "previous" : ptr.file !== firstFile && same(q8b) ? "new" : "other";
  return { real, files };
}

interface Trial {
  kind: "reset" | "silence";
  offset: number;
  where: string;
  said: string;
  active: string;
  real: Real;
  ok: boolean;
}

/** A silenced board never answers again: the upload waits out every answer it asks for, then the bounded re-read
 * (board-timeouts.ts). What a trial checks is what the command says then, which no wait's length changes: all but the
 * first silence trial wait less than the production times. The reset trials keep them: the board answers again
 * there, and the re-read must get its answer within its bound however busy the machine. */

/** One upload of the second model over the first, with a fault from the upload's first byte on; env: the CLI's. */
async function trial(kind: Trial["kind"], offset: number, env: NodeJS.ProcessEnv = {}): Promise<Trial> {
  const flash = join(dir, `flash-${kind}-${offset}.json`);
  copyFileSync(flash0, flash);
  const s = await sim({ storagePath: flash });
  const faults: FaultOptions = kind === "reset" ? { resetAfter: offset } : { silentAfter: offset };
  s.setFaults(faults);
  const received = tap(s);
  const r = await cliAsync(["upload", q8b, "--port", s.port, "--name", "iris", "--runtime", "--json"], { env });
  if (!r.stdout.trim()) throw new Error(`${kind} after byte ${offset}: no JSON on stdout (exit ${r.status}); stderr: ${r.stderr}`);
  const out = json(r);
  const { real, files } = realState(s);
  // "upload interrupted: <what>. <what is active>": the second part, which the table shows
  const said = out.ok
    ? "ok"
    : String(out.error).slice(String(out.error).search(/ (The (new|previous) model|The board had|Which model|Nothing was) /) + 1);
  // every claim checked against the flash
  if (out.ok) {
    expect(r.status).toBe(0);
    expect(real).toBe("new");
  } else {
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`edgefnn: ${out.error}\n`);
    if (out.active === "new") {
      expect(real).toBe("new");
      expect(out.error).toMatch(new RegExp(`The new model ${out.activeFile.replace(".", "\\.")} is active\\.`));
    } else if (out.active === "previous") {
      expect(real).toBe("previous");
      expect(out.activeFile).toBe(firstFile);
      expect(out.error).toMatch(new RegExp(`The previous model ${firstFile.replace(".", "\\.")} is still active\\.`));
    } else {
      expect(out.active).toBe("unknown");
      expect(out.activeFile).toBeNull();
      expect(out.error).toMatch(/Which model is active could not be determined \(.*\): run `edgefnn verify .* --port .*`/);
      expect(out.error).not.toMatch(/is active\.|still active/);
    }
    for (const f of out.leftover) {
      expect(files).toContain(f);
      expect(f).not.toBe(out.activeFile);
    }
    // the runtime this upload would write is the one already there: never reported incomplete when it is intact
    const rt = s.storage.read("edgefnn");
    expect(out.incomplete.includes("edgefnn")).toBe(!(rt && crc32(rt) === crc32(runtimeBytes) && rt.length === runtimeBytes.length));
  }
  await stop(s);
  return { kind, offset, where: where(offset, landmarksOf(received())), said, active: out.ok ? "new (ok)" : out.active, real, ok: out.ok };
}

/** Everything the board receives from now on (the same bytes the fault injector counts). */
function tap(s: RunningSim): () => string {
  const got: number[] = [];
  const receive = s.board.receive.bind(s.board);
  s.board.receive = (c: Uint8Array) => {
    got.push(...c);
    receive(c);
  };
  return () => Buffer.from(got).toString("latin1");
}

type Span = [number, number] | null;
interface Landmarks {
  total: number;
  pointer: Span;
  erase: Span;
}

/** Where the last steps are in what the board received: the pointer write and its read-back (one command), the erase
 * of the old model, as 1-based offsets of each line's first byte (its DLE) and of its newline (resetAfter N acts right
 * after byte N). */
function landmarksOf(text: string): Landmarks {
  const line = (needle: string): Span => {
    const at = text.indexOf(needle);
    return at < 0 ? null : [text.lastIndexOf("\x10", at) + 1, text.indexOf("\n", at) + 1 || text.length];
  };
  return {
    total: text.length,
    pointer: line("S.write('edgefnn.active'"),
    erase: line(`.erase(\\"${firstFile}\\")`),
  };
}

/** Where offset o fell in one trial's own bytes (retries move the lines from run to run). */
function where(o: number, m: Landmarks): string {
  if (!m.pointer) return "before the pointer line (it was never sent)";
  if (o < m.pointer[0]) return `${m.pointer[0] - o} bytes before the pointer line`;
  const spans: [string, Span][] = [
    ["pointer line", m.pointer],
    ["erase of the old model", m.erase],
  ];
  let after = "";
  for (const [name, sp] of spans) {
    if (!sp || o < sp[0]) break;
    if (o <= sp[1]) return `${name} byte ${o - sp[0] + 1}/${sp[1] - sp[0] + 1}`;
    after = `after the ${name}`;
  }
  return after;
}

/** Runs the jobs n at a time, each starting as soon as one before it ends (most of a trial is waiting for the board's
 * timeouts: a batch would wait for its slowest); the results in the jobs' order. */
async function nAtATime<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return out;
}

describe("an upload interrupted near its end says only what the board's flash shows", () => {
  it("resets and silences at byte offsets before, inside and after the pointer switch (its write and read-back), and the erase", async () => {
    // a clean upload first: where the last steps are when nothing is resent
    const flash = join(dir, "flash-clean.json");
    copyFileSync(flash0, flash);
    const clean = await sim({ storagePath: flash });
    clean.setFaults({});
    const received = tap(clean);
    json(await cliAsync(["upload", q8b, "--port", clean.port, "--name", "iris", "--runtime", "--json"]));
    const m = landmarksOf(received());
    await stop(clean);
    const [p, er] = [m.pointer!, m.erase!];
    console.log(`landmarks ${JSON.stringify(m)}`);
    const near = (x: number) => [x - 1, x, x + 1];
    const offsets = [
      ...new Set([
        // the pointer line: its write, then (from "S.read") its read-back
        p[0] - 400,
        p[0] - 150,
        ...near(p[0]),
        p[0] + 60,
        p[0] + 120,
        ...near(p[1]),
        ...near(er[0]),
        // a trial's own lines can sit a byte or two later than the clean run's (request ids grow a digit with a
        // resend), which moves the offsets at er[0] back into the pointer line: these land inside the erase either way
        er[0] + 10,
        er[0] + 30,
        er[0] + 50,
        ...near(er[1]),
        m.total - 40,
        m.total - 1,
      ]),
    ].sort((a, b) => a - b);
    // the silence trial with the production waits first, the longest, while the others run beside it
    const jobs = [
      ...offsets.filter((_, i) => i % 2 === 0).map((o, i) => () => trial("silence", o, i === 0 ? {} : SILENT_WAITS)),
      ...offsets.map((o) => () => trial("reset", o)),
    ];
    const trials = await nAtATime(jobs, 4);
    const table = trials.map((t) => `${t.kind}\t${t.offset}\t${t.where}\t${t.active}\t${t.real}\t${t.said}`);
    writeFileSync(join(dir, "table.tsv"), table.join("\n") + "\n");
    console.log(table.join("\n"));
    // the fault must have hit the part of the upload it was meant for: some trials saw the new model, some the previous one
    expect(trials.some((t) => t.real === "new" && !t.ok)).toBe(true);
    expect(trials.some((t) => t.real === "previous")).toBe(true);
    // once the pointer line has been answered (a fault after it, or in the erase), the new model is active and
    // the message must say so: this is where "the previous model is still active" used to be printed
    const afterSwitch = trials.filter((t) => t.kind === "reset" && /^(after the pointer line|erase|after the erase)/.test(t.where));
    expect(afterSwitch.length).toBeGreaterThan(5);
    expect(afterSwitch.filter((t) => t.active !== "new" && !t.ok)).toEqual([]);
    // a reset leaves a board that answers: each of those trials ends knowing what is active
    expect(trials.filter((t) => t.kind === "reset" && t.active === "unknown")).toEqual([]);
  }, 600_000);
});
