// upload --app gestures on a virtual Bangle.js 2 whose Storage holds a
// Bootloader, a clock and a launcher (bangleFactoryStorage, stand-ins with the
// same duties): the app must arrive the way the App Loader installs apps
// (gestures.info, gestures.app.js, gestures.json), every file that was there
// must keep its bytes (edgefnn 0.1 wrote its own .bootcde over the
// Bootloader's, and the watch then booted into the gesture app only), the
// watch must still boot to its clock, and the launcher must list the app and
// start it.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { modelFileName } from "../../host-tools/serial/board-files";
import { LEGACY_GESTURES_BOOTCDE } from "../../host-tools/serial/own-files";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { SerialLink } from "../../host-tools/links/serial-link";
import { Inbox } from "../../host-tools/protocols/inbox";
import { RunningSim, startSim } from "../../host-tools/sim/index";
import { bangleFactoryStorage } from "../../host-tools/sim/sim-boards";
import { writeGestureModel } from "../helpers/models";
import { cliAsync, json, tempDir } from "../helpers/cli";

const dir = tempDir();
const sims: RunningSim[] = [];
let model: string, side: string;

afterEach(async () => {
  while (sims.length) await sims.pop()!.stop();
});

beforeAll(() => {
  model = writeGestureModel(join(dir, "g.q8.efnn"), { hidden: 8, seed: 4 });
  side = join(dir, "g.csv.json");
  writeFileSync(side, JSON.stringify({ rate: 25, window: 25, hop: 25, units: "milli-g" }));
});

/** A virtual Bangle.js 2 with a Bootloader, a clock and a launcher in Storage. */
async function bangle(extra: Record<string, string> = {}): Promise<RunningSim> {
  const s = await startSim({ board: "banglejs2", accel: { seed: 7, gesture: "shake" } });
  sims.push(s);
  for (const [name, text] of Object.entries({ ...bangleFactoryStorage(), ...extra }))
    s.storage.write(name, new Uint8Array(Buffer.from(text, "latin1")));
  return s;
}

function snapshot(s: RunningSim): Map<string, string> {
  return new Map(s.storage.list().map((n) => [n, Buffer.from(s.storage.read(n)!).toString("latin1")]));
}

async function console_(port: string): Promise<{ repl: EspruinoRepl; link: Inbox }> {
  const repl = new EspruinoRepl(await SerialLink.open(port));
  await repl.sync();
  return { repl, link: repl.inbox };
}

/** Types a line, then waits for a marker printed after it: whatever the line printed (synchronously) is in the answer. */
async function typed(link: Inbox, line: string, until?: RegExp): Promise<string> {
  link.clear();
  await link.write(line + "\n");
  if (until) await link.waitFor((rx) => until.test(rx), 10_000, String(until));
  await link.write('\x10print("DO"+"NE")\n');
  await link.waitFor((rx) => /DONE/.test(rx), 10_000, "DONE");
  return link.text;
}

describe("upload --app gestures on a Bangle.js", () => {
  it("installs a launcher app, leaves the Bootloader and every other file byte for byte, and the watch still boots to its clock", async () => {
    const s = await bangle();
    const { link } = await console_(s.port);
    try {
      // the stand-in Bootloader boots to the clock before the upload (else the test below proves nothing)
      const booted = await typed(link, "load()", /CLOCK,simclock|No Clock Found/);
      expect(booted).toMatch(/CLOCK,simclock/);
    } finally {
      await link.close();
    }
    const before = snapshot(s);

    const r = await cliAsync(["upload", model, "--port", s.port, "--name", "gestures", "--app", "gestures", "--app-config", side]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/in the launcher as "Gestures"/);
    expect(r.stderr).toBe("");

    // nothing that was there changed, the Bootloader's .bootcde and .boot0 included
    const after = snapshot(s);
    for (const [name, bytes] of before) expect(after.get(name), name).toBe(bytes);
    const added = [...after.keys()].filter((n) => !before.has(n)).sort();
    const modelFile = modelFileName("gestures", new Uint8Array(readFileSync(model)));
    expect(added).toEqual(
      ["edgefnn", "edgefnn-features", "edgefnn.active", "gestures.app.js", "gestures.info", "gestures.json", modelFile].sort(),
    );

    // the launcher entry, as the App Loader writes one: no type (an app), src, the app's files
    const info = JSON.parse(after.get("gestures.info")!);
    expect(info).toMatchObject({
      id: "gestures",
      name: "Gestures",
      src: "gestures.app.js",
      files: "gestures.info,gestures.app.js",
      data: "gestures.json",
    });
    expect(info.type).toBeUndefined();
    expect(JSON.parse(after.get("gestures.json")!)).toMatchObject({ rate: 25, window: 25, hop: 25 });

    const { link: l2 } = await console_(s.port);
    try {
      // boot: the clock, not the gesture app
      const boot = await typed(l2, "load()", /CLOCK,simclock|No Clock Found|G,start/);
      expect(boot).toMatch(/CLOCK,simclock/);
      expect(boot).not.toMatch(/G,start/);
      // the launcher lists the app; opening it (load(src), as launchers do) starts it
      const menu = await typed(l2, 'load("simlaunch.app.js")', /LAUNCHER,/);
      const src = /LAUNCHER,[^\r\n]*Gestures=([^;\r\n]+)/.exec(menu)?.[1];
      expect(src).toBe("gestures.app.js");
      l2.clear();
      await l2.write(`load(${JSON.stringify(src)})\n`);
      await l2.waitFor((rx) => /G,\d+,(still|shake|circle|\?),\d+/.test(rx) || /Uncaught/.test(rx), 15_000, "the app's first window");
      expect(l2.text).not.toMatch(/Uncaught/);
      expect(l2.text).toMatch(/G,start,BANGLEJS2,still\/shake\/circle/);
      await l2.write("\x03");
    } finally {
      await l2.close();
    }

    // again: everything is edgefnn's or unchanged, so no --force is needed and nothing is sent but the checks
    const again = json(
      await cliAsync(["upload", model, "--port", s.port, "--name", "gestures", "--app", "gestures", "--app-config", side, "--json"]),
    );
    expect(again.payload).toBe(0);
    expect(snapshot(s)).toEqual(after);
  }, 60_000);

  it("refuses to replace another app's gestures.info (nothing written), and says what it is", async () => {
    const other = JSON.stringify({ id: "gestures", name: "Someone's Gestures", src: "gestures.app.js", version: "0.02" });
    const s = await bangle({ "gestures.info": other, "gestures.app.js": "Bangle.on('swipe', print);\n" });
    const before = snapshot(s);
    const r = await cliAsync(["upload", model, "--port", s.port, "--name", "gestures", "--app", "gestures"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/gestures\.info \(\d+ bytes, begins "\{\\"id\\":\\"gestures\\",\\"name\\":\\"Someone's Gestures/);
    expect(r.stderr).toMatch(/gestures\.app\.js \(\d+ bytes, begins "Bangle\.on\('swipe', print\);\\n"\)/);
    expect(r.stderr).toMatch(/Nothing was written.*--force/);
    expect(snapshot(s)).toEqual(before);
  }, 30_000);

  it("on a watch whose .bootcde an older edgefnn overwrote, it leaves it and says how to get the Bootloader back", async () => {
    const s = await bangle({ ".bootcde": LEGACY_GESTURES_BOOTCDE });
    const r = await cliAsync(["upload", model, "--port", s.port, "--name", "gestures", "--app", "gestures"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /edgefnn: this Bangle\.js's \.bootcde is an older edgefnn's gesture starter.*reinstall the Bootloader app with the App Loader/,
    );
    expect(Buffer.from(s.storage.read(".bootcde")!).toString("latin1")).toBe(LEGACY_GESTURES_BOOTCDE);
  }, 30_000);
});
