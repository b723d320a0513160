// upload --app gestures --app-config: collect's sidecar sets the app's sample
// rate, window and hop (a sidecar from before collect wrote a top-level "rate"
// included: its sessions' board rate), a sidecar of two rates or a rate that
// contradicts its sessions is refused, and whatever the app takes from its
// defaults is said, never silently used. The CLI part on a virtual Puck.js,
// through the real CLI and serialport.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { appDefaultsNote, appSettings } from "../../host-tools/apps/gestures";
import { APP_DEFAULTS } from "../../host-tools/apps/gesture-files";
import { FIRMWARE_DIR } from "../../host-tools/files/bundle-files";
import { featureNames } from "../../src/features/window-features";
import { RunningSim, startSim } from "../../host-tools/sim/index";
import { writeGestureModel } from "../helpers/models";
import { cliAsync, tempDir } from "../helpers/cli";

const dir = tempDir();
const sims: RunningSim[] = [];
let model: string;

afterEach(async () => {
  while (sims.length) await sims.pop()!.stop();
});

beforeAll(() => {
  model = writeGestureModel(join(dir, "g.efnn"));
});

/** A sidecar as collect wrote it before it had a top-level rate: the rate only in each session's rateBoard. */
function oldSidecar(rates: number[]) {
  return {
    format: "edgefnn-collect 1",
    units: "milli-g",
    window: 26,
    hop: 13,
    features: featureNames(),
    sessions: rates.map((r, i) => ({
      label: ["still", "shake", "circle"][i % 3],
      board: "PUCKJS",
      rateAsked: 52,
      rateBoard: r,
      rateMeasured: r - 0.3,
      samples: 260,
      windows: 19,
      dropped: 0,
      corrupt: 0,
      date: "2026-12-07T04:00:00.000Z",
    })),
  };
}

describe("--app-config reads collect's sidecar", () => {
  it("a sidecar without a top-level rate gives its sessions' board rate, with its window and hop", () => {
    expect(appSettings(oldSidecar([52, 52, 52]), "g.csv.json")).toEqual({ rate: 52, window: 26, hop: 13 });
  });

  it("a sidecar with the rate (as collect writes it now) gives it; a hand-written JSON is read as it is", () => {
    expect(appSettings({ ...oldSidecar([52]), rate: 52 }, "g.csv.json")).toEqual({ rate: 52, window: 26, hop: 13 });
    expect(appSettings({ rate: 26, window: 13, threshold: 0.5 }, "app.json")).toEqual({ rate: 26, window: 13, threshold: 0.5 });
  });

  it("refuses windows of two rates, a rate that contradicts the sessions, and a session without a rate", () => {
    expect(() => appSettings(oldSidecar([52, 26]), "g.csv.json")).toThrow(
      /--app-config "g\.csv\.json": its windows were recorded at 52 Hz and 26 Hz .*record them again at one --rate/,
    );
    expect(() => appSettings({ ...oldSidecar([52]), rate: 25 }, "g.csv.json")).toThrow(
      /"rate" is 25, but its windows were recorded at 52 Hz \(sessions\[\]\.rateBoard\)/,
    );
    const side = oldSidecar([52, 52]);
    delete (side.sessions[1] as Partial<(typeof side.sessions)[0]>).rateBoard;
    expect(() => appSettings(side, "g.csv.json")).toThrow(/sessions\[1\]\.rateBoard is undefined, expected the board's rate in Hz/);
  });

  it("says which defaults the app uses for what the config lacks; they are the app's own", () => {
    expect(appDefaultsNote({ rate: 52, window: 26, hop: 13 }, "g.csv.json")).toBeNull();
    expect(appDefaultsNote({ window: 26, hop: 13 }, "app.json")).toMatch(
      /--app-config "app\.json" gives no rate, so the app uses its defaults: rate 25 Hz; .*collect's sidecar/,
    );
    expect(appDefaultsNote({}, undefined)).toMatch(
      /no --app-config, so the app uses its defaults: rate 25 Hz, windows of 50 samples, hop 50 samples \(the window\)/,
    );
    const app = readFileSync(join(FIRMWARE_DIR, "gestures.js"), "latin1");
    expect(app).toContain(`var gestRate = gestCfg.rate || ${APP_DEFAULTS.rate};`);
    expect(app).toContain(
      `gestF.createWindow(gestCfg.window || ${APP_DEFAULTS.window}, gestCfg.hop || gestCfg.window || ${APP_DEFAULTS.window})`,
    );
  });
});

describe("upload --app gestures --app-config on the virtual Puck.js", () => {
  it("an older collect sidecar sets the app's rate in gestures.json; a config without a rate is warned of, naming 25 Hz", async () => {
    const s = await startSim({ board: "puckjs" });
    sims.push(s);
    const side = join(dir, "old.csv.json");
    writeFileSync(side, JSON.stringify(oldSidecar([52, 52, 52])));
    const r = await cliAsync(["upload", model, "--port", s.port, "--name", "g", "--app", "gestures", "--app-config", side]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(JSON.parse(Buffer.from(s.storage.read("gestures.json")!).toString("latin1"))).toEqual({
      edgefnn: 1,
      rate: 52,
      window: 26,
      hop: 13,
    });

    const cfg = join(dir, "norate.json");
    writeFileSync(cfg, JSON.stringify({ window: 26, hop: 13 }));
    const w = await cliAsync(["upload", model, "--port", s.port, "--name", "g", "--app", "gestures", "--app-config", cfg]);
    expect(w.status, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/gives no rate, so the app uses its defaults: rate 25 Hz/);

    const none = await cliAsync(["upload", model, "--port", s.port, "--name", "g", "--app", "gestures"]);
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/no --app-config, so the app uses its defaults: rate 25 Hz, windows of 50 samples/);

    // two rates: refused before anything is sent
    const before = s.stats().received;
    writeFileSync(side, JSON.stringify(oldSidecar([52, 26, 52])));
    const bad = await cliAsync(["upload", model, "--port", s.port, "--app", "gestures", "--app-config", side]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/recorded at 52 Hz and 26 Hz/);
    expect(s.stats().received).toBe(before);
  }, 60_000);
});
