// upload --app gestures --learn: the app's files include the learning module
// (the minified bundle, recognised as edgefnn's by its first bytes), and
// --learn without --app is refused before anything is sent.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createNetwork, modelFromNetwork } from "../../src/core/index";
import { prepareApp } from "../../host-tools/apps/gestures";
import { isOwnFile } from "../../host-tools/serial/own-files";
import { LEARN_BUNDLE_MIN } from "../helpers/learn-scenario";

describe("upload --app gestures --learn", () => {
  const model = modelFromNetwork(
    createNetwork({
      inputSize: 20,
      layers: [
        { size: 8, activation: "hard-tanh" },
        { size: 3, activation: "softmax" },
      ],
    }),
  );

  it("installs edgefnn-learn with the app's files on a Puck.js and on a Bangle.js, before the app itself", () => {
    const bundle = readFileSync(LEARN_BUNDLE_MIN);
    for (const board of ["PUCKJS", "BANGLEJS2"]) {
      const files = prepareApp({ app: "gestures", learn: true }, model, "g.efnn")!.files(board);
      const i = files.findIndex((f) => f.name === "edgefnn-learn");
      expect(i, board).toBeGreaterThanOrEqual(0);
      expect(Buffer.from(files[i].bytes).equals(bundle)).toBe(true);
      expect(i).toBeLessThan(files.findIndex((f) => f.name.startsWith("gestures.")));
    }
    expect(
      prepareApp({ app: "gestures" }, model, "g.efnn")!
        .files("PUCKJS")
        .some((f) => f.name === "edgefnn-learn"),
    ).toBe(false);
    expect(isOwnFile("edgefnn-learn", bundle.subarray(0, 128).toString("latin1"), bundle.length)).toBe(true);
    expect(isOwnFile("edgefnn-learn", "// my own learner", 17)).toBe(false);
  });

  it("--learn without --app says what to add", () => {
    expect(() => prepareApp({ learn: true }, model, "g.efnn")).toThrow(
      "--learn installs the learning module with an app: add --app gestures",
    );
  });
});
