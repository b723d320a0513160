// upload never replaces a Storage file that edgefnn did not write (unless
// --force), and checks the model against --app before a byte reaches the
// board. On a virtual Puck.js, through the real CLI and serialport.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FEATURE_COUNT } from "../../src/features/window-features";
import { ensureStorageFile, ForeignFileError } from "../../host-tools/serial/ensure-file";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { SerialLink } from "../../host-tools/links/serial-link";
import { LEGACY_GESTURES_BOOTCDE, SCRIPT_MARK } from "../../host-tools/serial/own-files";
import { RunningSim, startSim } from "../../host-tools/sim/index";
import { writeGestureModel } from "../helpers/models";
import { cliAsync, json, tempDir } from "../helpers/cli";

const dir = tempDir();
const sims: RunningSim[] = [];
let g20: string, g6: string;

afterEach(async () => {
  while (sims.length) await sims.pop()!.stop();
});

function modelOf(inputs: number, file: string): string {
  return writeGestureModel(join(dir, file), { inputs });
}

beforeAll(() => {
  g20 = modelOf(FEATURE_COUNT, "g20.efnn");
  g6 = modelOf(6, "g6.efnn");
});

async function puck(files: Record<string, string> = {}): Promise<RunningSim> {
  const s = await startSim({ board: "puckjs" });
  sims.push(s);
  for (const [name, text] of Object.entries(files)) s.storage.write(name, new Uint8Array(Buffer.from(text, "latin1")));
  return s;
}

function snapshot(s: RunningSim): Map<string, string> {
  return new Map(s.storage.list().map((n) => [n, Buffer.from(s.storage.read(n)!).toString("latin1")]));
}

const text = (s: RunningSim, name: string) => Buffer.from(s.storage.read(name)!).toString("latin1");

// a user's saved code, as the Web IDE's "save to flash" leaves it
const USER_CODE = "var on=0;\nsetInterval(function(){on=!on;LED1.write(on);},500);\n";

describe("upload --app gestures on a board whose .bootcde is the user's saved code", () => {
  it("refuses without --force, says what would be lost, and writes nothing", async () => {
    const s = await puck({ ".bootcde": USER_CODE, "notes.txt": "keep me" });
    const before = snapshot(s);
    const r = await cliAsync(["upload", g20, "--port", s.port, "--name", "g", "--app", "gestures"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `.bootcde (${USER_CODE.length} bytes, begins "var on=0;\\nsetInterval(function(){on=!on;LED1.write(on);},50…")`,
    );
    expect(r.stderr).toMatch(/the board's saved code, which runs at every start-up/);
    expect(r.stderr).toMatch(/Nothing was written.*--force replaces it and its contents are lost/);
    expect(snapshot(s)).toEqual(before);
  }, 30_000);

  it("with --force replaces it, saying so; after that its own .bootcde needs no --force", async () => {
    const s = await puck({ ".bootcde": USER_CODE });
    // with --json too: the warning goes to stderr, the one JSON object to stdout
    const r = await cliAsync(["upload", g20, "--port", s.port, "--name", "g", "--app", "gestures", "--force", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(json(r).file).toMatch(/^g\.[0-9a-f]{8}$/);
    expect(r.stderr).toMatch(/edgefnn: --force: replacing \.bootcde \(\d+ bytes/);
    expect(text(s, ".bootcde").startsWith(SCRIPT_MARK)).toBe(true);
    expect(text(s, ".bootcde")).toContain('eval(require("Storage").read("gestures.js"));');
    const again = await cliAsync(["upload", g20, "--port", s.port, "--name", "g", "--app", "gestures", "--json"]);
    expect(again.status, again.stderr).toBe(0);
    expect(json(again).payload).toBe(0);
  }, 40_000);

  it("takes over the .bootcde an older edgefnn wrote, without --force", async () => {
    const s = await puck({ ".bootcde": LEGACY_GESTURES_BOOTCDE, "gestures.json": '{"rate":26,"window":13,"hop":13}' });
    const r = await cliAsync(["upload", g20, "--port", s.port, "--name", "g", "--app", "gestures"]);
    expect(r.status, r.stderr).toBe(0);
    expect(text(s, ".bootcde").startsWith(SCRIPT_MARK)).toBe(true);
    expect(JSON.parse(text(s, "gestures.json"))).toEqual({ edgefnn: 1 });
  }, 30_000);
});

describe("every fixed name upload writes", () => {
  it("--runtime --boot: a foreign edgefnn module and .boot3 are refused together, nothing written", async () => {
    const s = await puck({ edgefnn: "exports.mine = 1;\n", ".boot3": "LED2.set();\n" });
    const before = snapshot(s);
    const r = await cliAsync(["upload", g20, "--port", s.port, "--name", "g", "--runtime", "--boot"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('edgefnn (18 bytes, begins "exports.mine = 1;\\n"): a Storage module that require("edgefnn") loads');
    expect(r.stderr).toContain('.boot3 (12 bytes, begins "LED2.set();\\n"): boot code that runs at every start-up');
    expect(snapshot(s)).toEqual(before);
  }, 30_000);

  it("a foreign edgefnn.active is refused (the old pointer's file would be erased after the switch)", async () => {
    const pointer = JSON.stringify({ file: "notes.txt" });
    const s = await puck({ "edgefnn.active": pointer, "notes.txt": "my notes" });
    const before = snapshot(s);
    const r = await cliAsync(["upload", g20, "--port", s.port, "--name", "g"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`edgefnn.active (${pointer.length} bytes`);
    expect(snapshot(s)).toEqual(before);
  }, 30_000);

  it("a file named like a model file of this name, but not a model, is not erased as a leftover", async () => {
    const s = await puck({ "g.0a1b2c3d": "not a model\n" });
    const before = snapshot(s);
    const r = await cliAsync(["upload", g20, "--port", s.port, "--name", "g"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'g.0a1b2c3d (12 bytes, begins "not a model\\n"): a file named like an edgefnn model file that is not a model',
    );
    expect(snapshot(s)).toEqual(before);
  }, 30_000);

  it("a foreign edgefnn-features is refused with --app; with --force it is replaced", async () => {
    const s = await puck({ "edgefnn-features": "exports.FEATURE_COUNT = 3;\n" });
    const r = await cliAsync(["upload", g20, "--port", s.port, "--name", "g", "--app", "gestures"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("edgefnn-features (");
    expect(text(s, "edgefnn-features")).toBe("exports.FEATURE_COUNT = 3;\n");
    expect(s.storage.list()).not.toContain("edgefnn");
    const f = await cliAsync(["upload", g20, "--port", s.port, "--name", "g", "--app", "gestures", "--force"]);
    expect(f.status, f.stderr).toBe(0);
    expect(text(s, "edgefnn-features").startsWith("var edgefnnFeatures=")).toBe(true);
  }, 40_000);

  it("ensureStorageFile never writes over a foreign file of an edgefnn name (the second line of defence)", async () => {
    const s = await puck({ "edgefnn-collect": "exports.start = function () {};\n" });
    const link = await SerialLink.open(s.port);
    try {
      const repl = new EspruinoRepl(link);
      await repl.sync();
      const mine = new Uint8Array(Buffer.from(`${SCRIPT_MARK} collect\nexports.start = 1;\n`));
      await expect(ensureStorageFile(repl, "edgefnn-collect", mine)).rejects.toThrow(ForeignFileError);
      expect(text(s, "edgefnn-collect")).toBe("exports.start = function () {};\n");
      // its own file it replaces
      s.storage.erase("edgefnn-collect");
      s.storage.write("edgefnn-collect", new Uint8Array(Buffer.from(`${SCRIPT_MARK} old\n`)));
      expect((await ensureStorageFile(repl, "edgefnn-collect", mine)).written).toBe(true);
      expect(text(s, "edgefnn-collect")).toBe(Buffer.from(mine).toString("latin1"));
    } finally {
      await link.close();
    }
  }, 30_000);
});

describe("upload --app gestures checks the model first", () => {
  it("a 6-input model is refused before a byte reaches the board", async () => {
    const s = await puck({ ".bootcde": LEGACY_GESTURES_BOOTCDE });
    const before = snapshot(s);
    const r = await cliAsync(["upload", g6, "--port", s.port, "--name", "g", "--app", "gestures"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--app gestures: ".*g6\.efnn" takes 6 inputs, but the gesture app gives the model 20 window features/);
    expect(r.stderr).toMatch(/Nothing was sent to the board/);
    expect(s.stats().received).toBe(0);
    expect(snapshot(s)).toEqual(before);
    // the same model without --app is fine (the check is the app's)
    expect((await cliAsync(["upload", g6, "--port", s.port, "--name", "g6"])).status).toBe(0);
    expect(readFileSync(g6).length).toBeGreaterThan(0);
  }, 30_000);

  it("a bad --app-config value is refused before anything is sent", async () => {
    const s = await puck();
    const side = join(dir, "bad.csv.json");
    writeFileSync(side, JSON.stringify({ rate: "fast\u0007", window: 13 }));
    const r = await cliAsync(["upload", g20, "--port", s.port, "--app", "gestures", "--app-config", side]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('"rate" is "fast\\x07", expected a positive number');
    expect(s.stats().received).toBe(0);
  }, 30_000);
});
