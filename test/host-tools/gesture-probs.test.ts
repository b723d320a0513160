// The gesture app's "probs" setting (gestures.json, what the studio page
// writes): each G line gains every class's probability in %. A binary
// classifier has one output (labels[1]'s probability), so its line gives two:
// 1 - p and p. On the virtual Puck.js through the real CLI upload and the real
// serialport; the studio's test (test/studio/studio-gestures.test.ts) covers a
// three-class model from the page.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createNetwork, createRng, encodeModel, initialize, modelFromNetwork } from "../../src/core/index";
import { FEATURE_COUNT } from "../../src/features/window-features";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { SerialLink } from "../../host-tools/links/serial-link";
import { RunningSim, startSim } from "../../host-tools/sim/index";
import { cliAsync, tempDir } from "../helpers/cli";

const sims: RunningSim[] = [];
afterEach(async () => {
  while (sims.length) await sims.pop()!.stop();
});

describe("the gesture app with probs", () => {
  it("a binary classifier's G lines end in 1 - p and p (in %), consistent with its label and top %", async () => {
    const dir = tempDir();
    // an untrained logistic unit over the window features, small random weights: outputs away from 0 and 1
    const net = createNetwork({ inputSize: FEATURE_COUNT, layers: [{ size: 1, activation: "logistic" }] });
    initialize(net, createRng(4));
    const model = join(dir, "binary.efnn");
    writeFileSync(model, encodeModel(modelFromNetwork(net, ["calm", "moving"])));
    const cfg = join(dir, "app.json");
    writeFileSync(cfg, JSON.stringify({ rate: 26, window: 13, hop: 13, threshold: 0.5, probs: 1 }));
    const s = await startSim({ board: "puckjs", accel: { seed: 5, gesture: "shake" } });
    sims.push(s);
    const up = await cliAsync(["upload", model, "--port", s.port, "--app", "gestures", "--app-config", cfg, "--json"]);
    expect(up.status, up.stderr).toBe(0);
    expect(JSON.parse(Buffer.from(s.storage.read("gestures.json")!).toString("latin1"))).toMatchObject({ edgefnn: 1, probs: 1 });
    const repl = new EspruinoRepl(await SerialLink.open(s.port));
    const link = repl.inbox;
    try {
      await repl.sync();
      link.clear();
      await link.write("load()\n");
      const lines = () => [...link.text.matchAll(/G,(\d+),([^,\r\n]+),(\d+),([\d.]+),(\d+)\/(\d+)\r?\n/g)];
      await link.waitFor(() => lines().length >= 4 || /Uncaught/.test(link.text), 30_000, "4 classified windows with probabilities");
      expect(link.text).not.toMatch(/Uncaught/);
      for (const m of lines()) {
        const [top, p0, p1] = [Number(m[3]), Number(m[5]), Number(m[6])];
        // rounded separately: together 100, give or take the rounding of each
        expect(Math.abs(p0 + p1 - 100)).toBeLessThanOrEqual(1);
        expect(Math.abs(top - Math.max(p0, p1))).toBeLessThanOrEqual(1);
        expect(m[2]).toBe(p1 > p0 ? "moving" : p0 > p1 ? "calm" : m[2]);
      }
    } finally {
      await link.close();
    }
  }, 60_000);
});
