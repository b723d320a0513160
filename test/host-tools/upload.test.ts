// edgefnn upload and verify against the virtual board, through the real
// serialport package on a real pseudo-terminal.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeModel, encodeModel, quantizeModel } from "../../src/core/index";
import { modelId } from "../../host-tools/serial/board-files";
import { load } from "../../src/device/runtime";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { SerialLink } from "../../host-tools/links/serial-link";
import { Inbox } from "../../host-tools/protocols/inbox";
import { latin1Bytes } from "../../host-tools/protocols/bytes";
import { RunningSim, SimOptions } from "../../host-tools/sim/index";
import { LOSSY_BOARD, LOSSY_WAITS, SILENT_WAITS, virtualBoards } from "../helpers/virtual-boards";
import { cliAsync, okJson as json, tempDir } from "../helpers/cli";
import { irisModel, writeIrisTestCsv, writeIrisUploadModels } from "../helpers/models";

const dir = tempDir();

const { sim, sims } = virtualBoards();
let q8: string, q8b: string, testCsv: string, testRows: Float32Array[];

beforeAll(() => {
  ({ q8, q8b } = writeIrisUploadModels(dir));
  testCsv = join(dir, "test.csv");
  testRows = writeIrisTestCsv(testCsv);
});

/** A console session on the virtual board from the test. */
async function board(port: string): Promise<{ repl: EspruinoRepl; link: Inbox }> {
  const repl = new EspruinoRepl(await SerialLink.open(port));
  await repl.sync();
  return { repl, link: repl.inbox };
}

function activeOf(s: RunningSim): { file: string; crc: number } {
  return JSON.parse(Buffer.from(s.storage.read("edgefnn.active")!).toString("latin1"));
}

describe("info --port", () => {
  it("reads the connected board's free blocks and free Storage, and measures the model against them", async () => {
    const s = await sim({ board: "banglejs2" });
    const r = await cliAsync(["info", q8, "-p", s.port]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/the board on .* \(BANGLEJS2\), read now:/);
    const j = json(await cliAsync(["info", q8, "-p", s.port, "-j"]));
    // the Bangle.js 2's own numbers, from the board, and its name for the estimate
    expect(j.onBoard).toMatchObject({ kind: "espruino", env: "BANGLEJS2", total: 12000, blocksize: 14, storageFree: s.storage.getFree() });
    expect(j.onBoard.free).toBeGreaterThan(0);
    expect(j.onBoard.free).toBeLessThan(j.onBoard.total);
    expect(j.onBoard.fitsNow).toBe(j.onBoard.needs <= j.onBoard.free);
    expect(j.onBoard.fitsStorage).toBe(true);
    expect(j.memory.board).toBe("banglejs2");
  });
});

describe("upload, then classify on the virtual board", () => {
  it("without --runtime to a board that has none: a warning that names the flag; -v shows the wire; not again once the runtime is there", async () => {
    const s = await sim();
    const first = await cliAsync(["upload", q8, "-p", s.port, "--name", "iris", "-v", "-j"]);
    expect(json(first).runtimeMissing).toBe(true);
    expect(first.stderr).toMatch(
      /the board has no runtime in Storage \(no file "edgefnn"\), so require\("edgefnn"\) fails there: add --runtime/,
    );
    // --verbose: what was sent (">") and received ("<") on this port
    expect(first.stderr).toContain(`edgefnn: ${s.port} > "`);
    expect(first.stderr).toContain(`edgefnn: ${s.port} < "`);
    const second = await cliAsync(["upload", q8, "-p", s.port, "--name", "iris", "--runtime", "-j"]);
    expect(json(second).runtimeMissing).toBe(false);
    expect(second.stderr).not.toMatch(/no runtime/);
    const third = await cliAsync(["upload", q8b, "-p", s.port, "--name", "iris", "-j"]);
    expect(json(third).runtimeMissing).toBe(false);
    expect(third.stderr).toBe("");
  }, 180_000); // three uploads: a bound for a hung one, which at load average 25 took longer than 60 s

  it("upload --runtime --boot of an int8 iris model; require('edgefnn') on the board classifies the test split as the host does", async () => {
    const s = await sim();
    const up = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--boot", "--json"]));
    expect(up.file).toMatch(/^iris\.[0-9a-f]{8}$/);
    expect(up.previous).toBeNull();
    expect(up.payload).toBeGreaterThan(readFileSync(q8).length);
    expect(up.efficiency).toBeGreaterThan(0.4);
    expect(s.storage.list()).toEqual(expect.arrayContaining(["edgefnn", up.file, "edgefnn.active", ".boot3"]));
    // on the board, by hand
    const { repl, link } = await board(s.port);
    const host = load(readFileSync(q8));
    const classes = await repl.call<number[]>(
      `(function(xs){var m=require("edgefnn").loadFile(${JSON.stringify(up.file)}),r=[];for(var i=0;i<xs.length;i++)r.push(m.classify(new Float32Array(E.toArrayBuffer(atob(xs[i])))));return r})(${JSON.stringify(testRows.map((x) => Buffer.from(x.buffer).toString("base64")))})`,
      20_000,
    );
    expect(classes).toEqual(testRows.map((x) => host.classify(x)));
    await link.close();
    // and with edgefnn verify
    const v = json(await cliAsync(["verify", q8, testCsv, "--port", s.port, "--json"]));
    expect(v.ok).toBe(true);
    expect(v.identical).toBe(testRows.length);
  });

  it("the boot script loads the active model at start-up as edgefnnModel", async () => {
    const s = await sim();
    json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--boot", "--json"]));
    const { repl, link } = await board(s.port);
    const before = s.stats().resets;
    await link.write("load()\n");
    // until the board has run load(): it resets and runs the boot files in the same step (no fixed sleep, which a busy machine outruns)
    while (s.stats().resets === before) await new Promise((r) => setTimeout(r, 20));
    await repl.sync();
    expect(await repl.call("edgefnnModel.labels")).toEqual(["setosa", "versicolor", "virginica"]);
    await link.close();
  });

  it("a second upload replaces the model atomically and erases the old one; the same model again sends nothing", async () => {
    const s = await sim();
    const a = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--json"]));
    const b = json(await cliAsync(["upload", q8b, "--port", s.port, "--name", "iris", "--json"]));
    expect(b.previous).toBe(a.file);
    expect(b.file).not.toBe(a.file);
    expect(s.storage.list()).not.toContain(a.file);
    expect(activeOf(s).crc).toBe(modelId(new Uint8Array(readFileSync(q8b))));
    const c = json(await cliAsync(["upload", q8b, "--port", s.port, "--name", "iris", "--runtime", "--json"]));
    expect(c.unchanged).toEqual(expect.arrayContaining(["edgefnn", b.file]));
    expect(c.payload).toBe(0);
  });
});

describe("faults", () => {
  // The corrupted bytes' upload waits the production times for what a fault loses; the dropped bytes' waits are
  // shorter (LOSSY_BOARD, LOSSY_WAITS): what is checked is that the chunks are sent again and the file arrives whole.
  const lossy: [string, SimOptions["faults"], boolean][] = [
    ["corrupted bytes are caught by the CRCs and the chunks sent again", { corruptEvery: 900, seed: 3 }, false],
    ["dropped bytes too", { dropEvery: 1200, seed: 5 }, true],
  ];
  for (const [name, faults, short] of lossy)
    it(name, async () => {
      const s = await sim({ faults, ...(short ? LOSSY_BOARD : {}) });
      const up = json(
        await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--json"], { env: short ? LOSSY_WAITS : {} }),
      );
      expect(up.retries).toBeGreaterThan(0);
      s.setFaults({});
      expect(json(await cliAsync(["verify", q8, testCsv, "--port", s.port, "--json"])).ok).toBe(true);
    });

  it("a board that resets mid-upload keeps the previous model active, and the command says so", async () => {
    const s = await sim();
    const first = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--json"]));
    // inside the model's transfer (its packets on the default 2v29 firmware; a chunk line on the console path)
    s.setFaults({ resetAfter: 1200 });
    const r = await cliAsync(["upload", q8b, "--port", s.port, "--name", "iris"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`upload interrupted: the board reset during the upload\\. The previous model ${first.file} is still active\\.`),
    );
    s.setFaults({});
    expect(activeOf(s).file).toBe(first.file);
    expect(json(await cliAsync(["verify", q8, testCsv, "--port", s.port, "--json"])).ok).toBe(true);
  });

  it("a board that stops answering mid-upload (cable pulled) keeps the previous model", async () => {
    const storagePath = join(tempDir(), "flash.json");
    let s = await sim({ storagePath });
    const first = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--json"]));
    // past the state read and the writer (~980 bytes), inside the model's chunk
    s.setFaults({ silentAfter: 1200 });
    // a board that never answers again: what is checked is what the command says then, not how long it waited for
    // the answers that never come (the production waits: upload-interrupt.test.ts's first silence trial)
    const r = await cliAsync(["upload", q8b, "--port", s.port, "--name", "iris"], { env: SILENT_WAITS });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`upload interrupted: .*The previous model ${first.file} is still active\\.`));
    await sims.pop()!.stop();
    // power it up again: the same flash
    s = await sim({ storagePath });
    expect(activeOf(s).file).toBe(first.file);
    expect(json(await cliAsync(["verify", q8, testCsv, "--port", s.port, "--json"])).ok).toBe(true);
    // and the next upload cleans up the half-written file
    const again = json(await cliAsync(["upload", q8b, "--port", s.port, "--name", "iris", "--json"]));
    expect(s.storage.list().filter((f) => f.startsWith("iris."))).toEqual([again.file]);
  });

  it("flow control matters: ignoring XOFF loses bytes on a slow board, honouring it loses none", async () => {
    // A board busy with a line for 5 s (lineCostMs: the payload's first line is short, the rest arrives while the
    // interpreter is busy) fills its 1,024-byte input buffer whatever the sender's speed: at a machine busy enough,
    // a sender starved of CPU did not outpace a board that only took 2 ms a byte, and no XOFF came (found at load 30).
    // It needs 768 bytes in those 5 s (0.15 bytes/ms; 9600 baud is ~1 byte/ms). Ignoring XOFF at 115200 baud
    // overflows the buffer. Honouring it at 9600 baud, the 256 bytes above the XOFF mark give the sender ~270 ms to
    // react (at 115200 baud they gave ~22 ms, which a busy machine's scheduling delays exceeded: bytes were lost with
    // XOFF honoured). After the busy line, 0.5 ms a byte.
    const payload = "\x10var a=1;\n" + "\x10" + "var junk=" + JSON.stringify("x".repeat(3000)) + ";\n";
    for (const honour of [false, true]) {
      const s = await sim({ byteCostUs: 500, lineCostMs: 5000 });
      const link = await SerialLink.open(s.port, honour ? 9600 : 115200);
      link.honourXoff = honour;
      await link.write(latin1Bytes(payload));
      // until the board has received every byte sent and worked through its buffer:
      // no fixed sleep, which a busy machine outran
      while (s.stats().received < link.stats.sent || s.stats().buffered > 0) await new Promise((r) => setTimeout(r, 20));
      const st = s.stats();
      if (honour) {
        expect(st.xoffs).toBeGreaterThan(0);
        expect(st.lost).toBe(0);
      } else expect(st.lost).toBeGreaterThan(0);
      await link.close();
      await sims.pop()!.stop();
    }
  });
});

describe("nothing user-supplied runs on the board", () => {
  it("a malicious name is refused before anything is sent", async () => {
    const s = await sim();
    const r = await cliAsync(["upload", q8, "--port", s.port, "--name", 'x");require("Storage").eraseAll();("']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--name .* use 1 to 19 letters, digits/);
    expect(s.stats().received).toBe(0);
  });

  it("a malicious label travels as data", async () => {
    const s = await sim();
    s.storage.write("keepme", Buffer.from("precious"));
    const { model } = irisModel();
    const evil = `");require("Storage").eraseAll()`;
    const f = join(dir, "evil.efnn");
    writeFileSync(f, encodeModel({ ...quantizeModel(model, 8), labels: ["setosa", evil, "virginica"] }));
    expect(decodeModel(readFileSync(f)).labels[1]).toBe(evil);
    const up = json(await cliAsync(["upload", f, "--port", s.port, "--name", "evil", "--runtime", "--json"]));
    expect(s.storage.list()).toContain("keepme");
    const { repl, link } = await board(s.port);
    expect(await repl.call(`require("edgefnn").loadFile(${JSON.stringify(up.file)}).labels[1]`)).toBe(evil);
    await link.close();
  });
});

describe("upload --app gestures", () => {
  it("installs the runtime, the features module and the app, which starts at boot and classifies windows", async () => {
    const { createNetwork, initialize, createRng, modelFromNetwork } = await import("../../src/core/index");
    const net = createNetwork({
      inputSize: 20,
      layers: [
        { size: 8, activation: "hard-tanh" },
        { size: 3, activation: "softmax" },
      ],
    });
    initialize(net, createRng(2));
    const f = join(dir, "g.efnn");
    writeFileSync(f, encodeModel(quantizeModel(modelFromNetwork(net, ["still", "shake", "circle"]), 8)));
    const side = join(dir, "g.csv.json");
    writeFileSync(side, JSON.stringify({ rate: 26, window: 13, hop: 13 }));
    const s = await sim();
    const up = json(await cliAsync(["upload", f, "--port", s.port, "--name", "g", "--app", "gestures", "--app-config", side, "--json"]));
    expect(s.storage.list()).toEqual(
      expect.arrayContaining(["edgefnn", "edgefnn-features", "gestures.js", "gestures.json", ".bootcde", up.file]),
    );
    const { repl, link } = await board(s.port);
    await link.write("load()\n");
    await link.waitFor((rx) => /G,\d+,(still|shake|circle|\?),\d+/.test(rx), 30_000, "the app's first window");
    // the app on the board runs the uploaded model with the sidecar's settings: stop it, then ask it
    await link.write("\x03");
    await repl.call("Puck.accelOff(),1");
    expect(await repl.call("[gestRate,gestCfg.window,gestCfg.hop,gestModel.labels,gestModel.inputSize,gestCount>0]")).toEqual([
      26,
      13,
      13,
      ["still", "shake", "circle"],
      20,
      true,
    ]);
    await link.close();
    const bad = await cliAsync(["upload", f, "--port", s.port, "--app", "tetris"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--app: unknown app "tetris"/);
  });
});
