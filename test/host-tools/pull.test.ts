// edgefnn pull: a model file comes back from the virtual board's Storage over a
// real TCP socket of 127.0.0.1, through the real CLI, byte for byte; what is not
// there, not a model, or would overwrite a file edgefnn did not write is a clear
// error and nothing is written.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHUNK } from "../../host-tools/commands/pull";
import { openLink } from "../../host-tools/links/open-link";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { RunningSim } from "../../host-tools/sim/index";
import { LOSSY_WAITS, virtualBoards } from "../helpers/virtual-boards";
import { createNetwork, createRng, encodeModel, initialize, modelFromNetwork } from "../../src/core/index";
import { cliAsync, json, tempDir } from "../helpers/cli";
import { startAgent } from "../helpers/agent-process";
import { LEARN_BUNDLE_MIN, scenarios } from "../helpers/learn-scenario";
import { irisModel, writeIrisUploadModels } from "../helpers/models";
import { ptyPair } from "../helpers/pty-pair";

const dir = tempDir();
const { sim } = virtualBoards({ tcp: 0 });
let q8: string, f32: string;

const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

beforeAll(() => {
  ({ q8 } = writeIrisUploadModels(dir));
  // the float32 iris model: larger than one chunk, so the chunks' seams are crossed
  f32 = join(dir, "iris.efnn");
  writeFileSync(f32, encodeModel(irisModel().model));
});

/** Runs one expression on the board through the console, as a user at the REPL would. */
async function onBoard(port: string, expr: string): Promise<unknown> {
  const repl = new EspruinoRepl(await openLink(port));
  try {
    await repl.sync();
    return await repl.call(expr);
  } finally {
    await repl.link.close();
  }
}

async function uploaded(s: RunningSim, file: string, name: string): Promise<string> {
  const up = json(await cliAsync(["upload", file, "--port", s.port, "--name", name, "--json"]));
  expect(up.ok).toBe(true);
  return up.file;
}

describe("edgefnn pull", () => {
  it("pulls an uploaded model back by its Storage name: the same bytes, proved by CRC, and --json says so", async () => {
    expect(readFileSync(f32).length).toBeGreaterThan(CHUNK);
    const s = await sim();
    const file = await uploaded(s, f32, "iris");
    const out = join(dir, "back.efnn");
    const r = json(await cliAsync(["pull", file, "--port", s.port, "--out", out, "--json"]));
    expect(r).toMatchObject({ ok: true, file, active: false, out, bytes: readFileSync(f32).length, inputs: 4, outputs: 3 });
    expect(r.chunks).toBe(Math.ceil(r.bytes / CHUNK));
    expect(Buffer.compare(readFileSync(out), readFileSync(f32))).toBe(0);
    // a file edgefnn wrote may be replaced: pull again over it
    const again = await cliAsync(["pull", file, "--port", s.port, "--out", out]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`${file} from ${s.port} -> ${out}`);
    expect(Buffer.compare(readFileSync(out), readFileSync(f32))).toBe(0);
  });

  it("pulls the active model by default, into <its file name>.efnn here", async () => {
    const s = await sim();
    await uploaded(s, f32, "first");
    const file = await uploaded(s, q8, "iris");
    const cwd = tempDir();
    const r = json(await cliAsync(["pull", "--port", s.port, "--json"], { cwd }));
    expect(r).toMatchObject({ ok: true, file, active: true, out: `${file}.efnn` });
    expect(Buffer.compare(readFileSync(join(cwd, `${file}.efnn`)), readFileSync(q8))).toBe(0);
    const named = json(await cliAsync(["pull", "active", "--port", s.port, "--out", join(cwd, "a.efnn"), "--json"]));
    expect(named.file).toBe(file);
    // and the pulled model evaluates on the desktop like the uploaded one
    expect(readFileSync(join(cwd, "a.efnn")).equals(readFileSync(q8))).toBe(true);
  });

  it("the story: a model the board fine-tuned and saved itself (learner.save) comes back as the active one, the learner's exact bytes", async () => {
    const [, sc] = scenarios().find(([n]) => n.startsWith("gesture"))!;
    const shipped = join(dir, "gest.efnn");
    writeFileSync(shipped, sc.model);
    const s = await sim();
    const uploadedFile = json(await cliAsync(["upload", shipped, "--port", s.port, "--name", "gest", "--runtime", "--json"])).file;
    s.storage.write("edgefnn-learn", readFileSync(LEARN_BUNDLE_MIN));
    // the learning itself runs in the board's interpreter, as the gesture app's teach mode does
    s.board.sandbox.context.SC = sc;
    const saved = s.board.sandbox.run(
      `(function(){var S=require("Storage"),nn=require("edgefnn"),lr=require("edgefnn-learn").learner(nn.loadFile(JSON.parse(S.read("edgefnn.active")).file),SC.opts);` +
        `for(var i=0;i<SC.xs.length;i++)lr.step(SC.xs[i],SC.ys[i]);lr.fit(3);return lr.save("gest")})()`,
    ) as string;
    expect(saved).not.toBe(uploadedFile);
    const out = join(dir, "personal.efnn");
    const r = json(await cliAsync(["pull", "--port", s.port, "--out", out, "--json"]));
    expect(r).toMatchObject({ ok: true, file: saved, active: true });
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(s.storage.read(saved)!))).toBe(true);
    expect(readFileSync(out).equals(readFileSync(shipped))).toBe(false);
    // the desktop reads it like any model
    expect(json(await cliAsync(["info", out, "--json"])).inputSize).toBe(sc.xs[0].length);
  });

  it("a board without an active model: says to upload one or name a file", async () => {
    const s = await sim();
    const cwd = tempDir();
    const r = await cliAsync(["pull", "--port", s.port], { cwd });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/no active model \(no edgefnn\.active\): upload one, or give the Storage file's name/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("a name not in Storage: lists the model files there and writes nothing", async () => {
    const s = await sim();
    const file = await uploaded(s, q8, "iris");
    const out = join(dir, "missing.efnn");
    const r = await cliAsync(["pull", "nope.12345678", "--port", s.port, "--out", out, "--json"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`no file "nope.12345678" in the board's Storage (model files there: ${file})`);
    expect(json(r).error).toContain("no file");
    expect(existsSync(out)).toBe(false);
  });

  it("a Storage file that is not a model, or starts like one and is not: refused, nothing written", async () => {
    const s = await sim();
    await onBoard(s.port, `require("Storage").write("notes.txt","hello from the board")`);
    await onBoard(s.port, `require("Storage").write("fake","EFNN but not really a model file")`);
    const out = join(dir, "notmodel.efnn");
    const notes = await cliAsync(["pull", "notes.txt", "--port", s.port, "--out", out]);
    expect(notes.status).not.toBe(0);
    expect(notes.stderr).toMatch(/"notes\.txt" \(20 bytes\) is not an edgefnn model \(it does not start EFNN\)/);
    const fake = await cliAsync(["pull", "fake", "--port", s.port, "--out", out]);
    expect(fake.status).not.toBe(0);
    expect(fake.stderr).toMatch(/"fake" arrived intact but is not a model edgefnn can read \(.+\); nothing was written/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("--out over a file edgefnn did not write: refused before the board is asked, the file kept", async () => {
    const s = await sim();
    const file = await uploaded(s, q8, "iris");
    const mine = join(dir, "mine.csv");
    writeFileSync(mine, "a,b\n1,2\n");
    const r = await cliAsync(["pull", file, "--port", s.port, "--out", mine]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /mine\.csv exists and is not an \.efnn model .*edgefnn replaces only files it wrote; move it away or give another --out/,
    );
    expect(readFileSync(mine, "utf8")).toBe("a,b\n1,2\n");
  });

  it("a file rewritten on the board in the middle of a pull fails the whole-file CRC: says so, nothing written", async () => {
    // ~8 KiB of float32 weights: 16 chunks, time enough to rewrite the file between two of them
    const net = createNetwork({
      inputSize: 4,
      layers: [
        { size: 256, activation: "relu" },
        { size: 3, activation: "softmax" },
      ],
    });
    initialize(net, createRng(7));
    const big = join(dir, "big.efnn");
    writeFileSync(big, encodeModel(modelFromNetwork(net, irisModel().labels)));
    const s = await sim();
    const file = await uploaded(s, big, "big");
    const size = s.storage.read(file)!.length;
    expect(size).toBeGreaterThan(12 * CHUNK);
    // once the board has run a few of pull's lines (the prompt, the checked caller, the size, a chunk or
    // two), a byte of the first chunk changes: the host has the old one, the board's CRC is of the new
    const start = s.stats().lines;
    let rewritten = false;
    const watch = setInterval(() => {
      if (rewritten || s.stats().lines < start + 8) return;
      const b = s.storage.read(file)!;
      b[10] ^= 0xff;
      s.storage.write(file, b);
      rewritten = true;
    }, 1);
    const out = join(dir, "rewritten.efnn");
    const r = await cliAsync(["pull", file, "--port", s.port, "--out", out]).finally(() => clearInterval(watch));
    expect(rewritten).toBe(true);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `"${file.replace(".", "\\.")}" read wrong: CRC-32 [0-9a-f]{8} of ${size} bytes here, [0-9a-f]{8} of ${size} bytes on the board \\(it changed meanwhile, or the link lost bytes\\): run pull again; nothing was written`,
      ),
    );
    expect(existsSync(out)).toBe(false);
  });

  it("--help: the short flags, the default name, examples; --port is required", async () => {
    const h = (await cliAsync(["pull", "--help"])).stdout;
    for (const re of [
      /-p, --port <path>/,
      /-o, --out <file>/,
      /-b, --baud <rate>/,
      /-j, --json/,
      /-q, --quiet/,
      /\(default: "active"\)/,
      /Examples:\n {2}\$ edgefnn pull/,
    ])
      expect(h).toMatch(re);
    expect((await cliAsync(["pull"])).stderr).toMatch(/required option '-p, --port <path>' not specified/);
  });

  it("a name that is no Storage name is refused with what to give", async () => {
    const r = await cliAsync(["pull", "a name with spaces", "--port", "tcp://127.0.0.1:1"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not a Storage file name: give 1 to 28 printable characters without spaces, or active/);
  });

  it("a board that loses bytes on the way in still gives the exact file (the checked calls ask again)", async () => {
    const s = await sim();
    const file = await uploaded(s, f32, "iris");
    s.setFaults({ dropEvery: 700, seed: 3 });
    const out = join(dir, "lossy.efnn");
    // shorter waits for the answers the lost bytes cost (LOSSY_WAITS): what is checked is that the calls ask again
    const r = json(await cliAsync(["pull", file, "--port", s.port, "--out", out, "--json"], { env: LOSSY_WAITS }));
    expect(r.ok).toBe(true);
    expect(Buffer.compare(readFileSync(out), readFileSync(f32))).toBe(0);
    expect(s.stats().dropped).toBeGreaterThan(0);
  });

  it("an edgefnn agent (a real one, on a pty pair): says pull is for Espruino boards in this version and where the agent keeps its model", async () => {
    const p = await ptyPair(dir, "agent");
    cleanups.push(() => p.close());
    const models = join(dir, "agent-models");
    await startAgent(p.a, models, cleanups);
    const out = join(dir, "from-agent.efnn");
    const r = await cliAsync(["pull", "--port", p.b, "--out", out]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(
      /is an edgefnn agent: pull supports Espruino boards only in this version \(the agent protocol has no file read\); the agent's active model is the file active\.efnn in its --dir/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
