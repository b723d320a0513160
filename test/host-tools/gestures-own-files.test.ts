// How upload knows a Storage file is its own (host-tools/serial/own-files.ts):
// every file it writes under a fixed name must pass the rule for that name
// (else edgefnn would refuse to update its own files), and the files others
// write there must not.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIST_FEATURES_MIN, DIST_MIN, FIRMWARE_DIR } from "../../host-tools/files/bundle-files";
import { prepareApp } from "../../host-tools/apps/gestures";
import { filesUploadTouches, hasOwnerRule, HEAD_BYTES, isOwnFile, LEGACY_GESTURES_BOOTCDE } from "../../host-tools/serial/own-files";
import { createNetwork, modelFromNetwork } from "../../src/core/index";
import { FEATURE_COUNT } from "../../src/features/window-features";
import { bangleFactoryStorage } from "../../host-tools/sim/sim-boards";

const head = (b: Uint8Array | string) => (typeof b === "string" ? b : Buffer.from(b).toString("latin1")).slice(0, HEAD_BYTES);
const own = (name: string, b: Uint8Array | string) => isOwnFile(name, head(b), b.length);
const model20 = modelFromNetwork(createNetwork({ inputSize: FEATURE_COUNT, layers: [{ size: 3, activation: "softmax" }] }), [
  "a",
  "b",
  "c",
]);

describe("edgefnn recognises every file it writes", () => {
  it("the runtime and features bundles, the boot script, the collect module", () => {
    expect(own("edgefnn", readFileSync(DIST_MIN))).toBe(true);
    expect(own("edgefnn-features", readFileSync(DIST_FEATURES_MIN))).toBe(true);
    expect(own(".boot3", readFileSync(join(FIRMWARE_DIR, "boot.js")))).toBe(true);
    expect(own("edgefnn-collect", readFileSync(join(FIRMWARE_DIR, "collect.js")))).toBe(true);
    expect(own("edgefnn.active", JSON.stringify({ file: "iris_q8.0a1b2c3d", name: "iris_q8", bytes: 700, crc: 1 }))).toBe(true);
  });

  it("the gesture app's files, on a Bangle.js and elsewhere", () => {
    const app = prepareApp({ app: "gestures" }, model20, "m.efnn")!;
    for (const board of ["BANGLEJS2", "BANGLEJS", "PUCKJS", "PICO_R1_3"]) {
      const files = app.files(board);
      expect(files.length).toBe(4);
      for (const f of files) {
        expect(hasOwnerRule(f.name), `${board} ${f.name}`).toBe(true);
        expect(own(f.name, f.bytes), `${board} ${f.name}`).toBe(true);
      }
      const names = files.map((f) => f.name);
      // a Bangle.js's .bootcde is the Bootloader's: never among the app's files there
      if (board.startsWith("BANGLEJS")) expect(names).toEqual(["edgefnn-features", "gestures.app.js", "gestures.json", "gestures.info"]);
      else expect(names).toEqual(["edgefnn-features", "gestures.js", "gestures.json", ".bootcde"]);
    }
  });

  it("what older releases wrote: the one-line .bootcde and gestures.json of numbers", () => {
    expect(own(".bootcde", LEGACY_GESTURES_BOOTCDE)).toBe(true);
    expect(own("gestures.json", "{}")).toBe(true);
    expect(own("gestures.json", '{"rate":26,"window":13,"hop":13,"threshold":0.5}')).toBe(true);
  });
});

describe("edgefnn does not claim files others wrote", () => {
  it.each([
    [".bootcde", bangleFactoryStorage()[".bootcde"]],
    [".bootcde", "var on=0;setInterval(function(){LED1.write(on=!on)},500);"],
    // the legacy line followed by the user's code is the user's now
    [".bootcde", LEGACY_GESTURES_BOOTCDE + "LED1.set();\n"],
    [".boot3", "E.setConsole(Serial1);"],
    ["edgefnn", "exports.x = 1;"],
    ["edgefnn-features", "var edgefnn=function(){}"],
    ["edgefnn.active", '{"file":"notes.txt"}'],
    ["edgefnn.active", "iris.0a1b2c3d"],
    ["gestures.info", '{"id":"gestures","name":"Gestures","src":"gestures.app.js"}'],
    ["gestures.app.js", "Bangle.on('swipe', print);"],
    ["gestures.js", "print(1)"],
    ["gestures.json", '{"rate":26,"colour":"red"}'],
    ["gestures.json", '{"rate":26'],
  ])("%s: %s", (name, text) => {
    expect(own(name, text)).toBe(false);
  });

  it("a gestures.json longer than the bytes read is judged by its first key only", () => {
    const long = JSON.stringify({ rate: 26, window: 13, hop: 13, threshold: 0.5, pad: "x".repeat(200) });
    expect(isOwnFile("gestures.json", long.slice(0, HEAD_BYTES), long.length)).toBe(false);
  });

  it("a file named like a model file is edgefnn's only if it is a model (EFNN first)", () => {
    expect(hasOwnerRule("iris.0a1b2c3d")).toBe(true);
    expect(isOwnFile("iris.0a1b2c3d", "EFNN\x01\x02", 700)).toBe(true);
    expect(isOwnFile("iris.0a1b2c3d", "my notes", 8)).toBe(false);
    expect(hasOwnerRule("iris.0A1B2C3D")).toBe(false);
    expect(hasOwnerRule("notes.txt")).toBe(false);
    expect(isOwnFile("notes.txt", "// edgefnn", 10)).toBe(false);
  });

  it("filesUploadTouches: what a board upload may write or erase", () => {
    const files = ["g.0a1b2c3d", "g.ffffffff", "gx.0a1b2c3d", "h.12345678", "notes.txt", ".bootcde"];
    expect(filesUploadTouches({ name: "g", runtime: true, boot: false, extra: ["gestures.js"], files, pointerFile: "h.12345678" })).toEqual(
      ["edgefnn", "edgefnn.active", "gestures.js", "g.0a1b2c3d", "g.ffffffff", "h.12345678"],
    );
    expect(filesUploadTouches({ name: "g", runtime: false, boot: true, extra: [], files: [], pointerFile: null })).toEqual([
      ".boot3",
      "edgefnn.active",
    ]);
  });
});

describe("prepareApp checks the model on the host", () => {
  it("refuses a model whose input size is not the app's feature count", () => {
    const m6 = modelFromNetwork(createNetwork({ inputSize: 6, layers: [{ size: 2, activation: "softmax" }] }), ["a", "b"]);
    expect(() => prepareApp({ app: "gestures" }, m6, "six.efnn")).toThrow(
      /"six\.efnn" takes 6 inputs, but the gesture app gives the model 20 window features/,
    );
    expect(() => prepareApp({ app: "tetris" }, model20, "m.efnn")).toThrow(/--app: unknown app "tetris"/);
    expect(prepareApp({}, m6, "six.efnn")).toBeNull();
  });
});
