// The window features: the TypeScript source (the host, edgefnn collect) and
// the ES5 bundle (the board: the Espruino-shaped sandbox, the simulator's
// realm, Duktape) give the same float32 bits; the numbers are the formulas';
// and nothing is allocated per sample.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/rng";
import { clearWindow, computeFeatures, createWindow, FEATURE_COUNT, featureNames, pushSample } from "../../src/features/window-features";
import { VirtualBoard } from "../../host-tools/sim/virtual-board";
import { createSandbox } from "../helpers/espruino-sandbox";
import { BUSY_EXEC_MS } from "../helpers/virtual-boards";

const MIN = fileURLToPath(new URL("../../dist/edgefnn-features.min.js", import.meta.url));
const FULL = fileURLToPath(new URL("../../dist/edgefnn-features.js", import.meta.url));

/** Streams of milli-g samples: still-ish, wild, with repeats and exact zeros, and long ones that wrap the ring. */
function streams(): number[][] {
  const r = createRng(7),
    out: number[][] = [];
  for (let s = 0; s < 12; s++) {
    const n = 5 + r.int(200),
      a: number[] = [];
    for (let i = 0; i < n * 3; i++)
      a.push(s === 0 ? 1000 : s === 1 ? 0 : Math.round((s % 3 === 0 ? 3000 : 40) * r.normal() + (i % 3 === 2 ? 1000 : 0)));
    out.push(a);
  }
  // fractional values (a board that feeds g instead of milli-g)
  out.push(Array.from({ length: 90 }, (_, i) => Math.sin(i * 0.37) * 1.3 + (i % 3 === 2 ? 1 : 0)));
  return out;
}

const CASES: [number, number][] = [
  [2, 2],
  [26, 26],
  [26, 13],
  [50, 7],
];

/** The features of every due window of every stream, as hex of the float32 bits (host side). */
function hostHex(): string[] {
  const lines: string[] = [];
  const out = new Float32Array(FEATURE_COUNT);
  for (const [size, hop] of CASES) {
    const w = createWindow(size, hop);
    for (const s of streams()) {
      clearWindow(w);
      for (let i = 0; i < s.length; i += 3)
        if (pushSample(w, s[i], s[i + 1], s[i + 2])) lines.push(Buffer.from(computeFeatures(w, out).buffer).toString("hex"));
    }
  }
  return lines;
}

/** The same loop as board code, for any engine that has the bundle's global edgefnnFeatures and print. */
const BOARD_LOOP = `
var F = edgefnnFeatures, cases = ${JSON.stringify(CASES)}, streams = STREAMS, lines = [];
var out = new Float32Array(F.FEATURE_COUNT), bytes = new Uint8Array(out.buffer);
function hex() { var s = "", k = 0; for (k = 0; k < bytes.length; k++) s += (bytes[k] < 16 ? "0" : "") + bytes[k].toString(16); return s; }
for (var c = 0; c < cases.length; c++) {
  var w = F.createWindow(cases[c][0], cases[c][1]);
  for (var t = 0; t < streams.length; t++) {
    var s = streams[t];
    F.clearWindow(w);
    for (var i = 0; i < s.length; i += 3) if (F.pushSample(w, s[i], s[i + 1], s[i + 2])) { F.computeFeatures(w, out); lines.push(hex()); }
  }
}
`;

describe("window features", () => {
  it("match the formulas on a small window", () => {
    const w = createWindow(4);
    const xs = [1, -1, 3, -3],
      ys = [0, 0, 0, 0],
      zs = [1000, 1000, 1000, 1000];
    let due = false;
    for (let i = 0; i < 4; i++) due = pushSample(w, xs[i], ys[i], zs[i]);
    expect(due).toBe(true);
    const f = computeFeatures(w, new Float32Array(FEATURE_COUNT));
    const names = featureNames();
    const get = (n: string) => f[names.indexOf(n)];
    expect(names.length).toBe(FEATURE_COUNT);
    expect(get("x_mean")).toBe(0);
    expect(get("x_std")).toBeCloseTo(Math.sqrt(5), 5);
    expect([get("x_min"), get("x_max"), get("x_energy"), get("x_zc")]).toEqual([-3, 3, 5, 3]);
    expect([get("y_std"), get("y_zc"), get("z_mean"), get("z_std")]).toEqual([0, 0, 1000, 0]);
    expect(get("mag_mean")).toBeCloseTo((2 * Math.sqrt(1e6 + 1) + 2 * Math.sqrt(1e6 + 9)) / 4, 2);
    // the ring: two more samples replace the oldest two, in order
    pushSample(w, 5, 0, 1000);
    expect(pushSample(w, -5, 0, 1000)).toBe(false);
    computeFeatures(w, f);
    expect([get("x_min"), get("x_max"), get("x_zc")]).toEqual([-5, 5, 3]);
    // -0 (Math.round(-0.2) on the board) is stored as 0, as the host reads the printed "0"
    const z = createWindow(2);
    pushSample(z, -0, -0, -0);
    pushSample(z, -0, -0, -0);
    expect(Object.is(computeFeatures(z, f)[names.indexOf("x_max")], 0)).toBe(true);
  });

  it("the bundle in the Espruino sandbox gives the host's float32 bits, allocating nothing per sample", () => {
    const want = hostHex();
    expect(want.length).toBeGreaterThan(100);
    for (const file of [MIN, FULL]) {
      const sb = createSandbox();
      const F = sb.module(readFileSync(file, "utf8"));
      sb.context.edgefnnFeatures = F;
      sb.context.STREAMS = sb.run(`(${JSON.stringify(streams())})`);
      sb.run(BOARD_LOOP);
      expect(Array.from(sb.run("lines") as string[])).toEqual(want);
      // allocations: one window and its buffer, then none for any number of samples and windows
      const before = sb.allocated.bytes;
      sb.run("var w2 = F.createWindow(26, 13), o2 = new Float32Array(F.FEATURE_COUNT);");
      const made = sb.allocated.bytes - before;
      expect(made).toBe(26 * 3 * 4 + FEATURE_COUNT * 4);
      sb.run("for (var k = 0; k < 5000; k++) if (F.pushSample(w2, k % 17, -k % 5, 1000 + k % 3)) F.computeFeatures(w2, o2);");
      expect(sb.allocated.bytes - before).toBe(made);
    }
  });

  it("the minified bundle as a Storage module on the virtual board gives the same bits", () => {
    const b = new VirtualBoard({ board: "puckjs", flashBytes: 200_000, execTimeoutMs: BUSY_EXEC_MS }, () => {});
    try {
      b.storage.write("edgefnn-features", readFileSync(MIN));
      b.sandbox.run(`var edgefnnFeatures = require("edgefnn-features"), STREAMS = ${JSON.stringify(streams())};`);
      b.sandbox.run(BOARD_LOOP);
      expect(Array.from(b.sandbox.run("lines") as string[])).toEqual(hostHex());
    } finally {
      b.stop();
    }
  });

  it("Duktape runs the bundle to the same bits", () => {
    const dir = mkdtempSync(join(tmpdir(), "edgefnn-feat-duk-"));
    const file = join(dir, "run.js");
    writeFileSync(
      file,
      `${readFileSync(MIN, "utf8")}\nvar STREAMS = ${JSON.stringify(streams())};\n${BOARD_LOOP}\nfor (var q = 0; q < lines.length; q++) print(lines[q]);\n`,
    );
    const duk = execFileSync("duk", [file], { encoding: "utf8", maxBuffer: 64 << 20 })
      .trim()
      .split("\n");
    expect(duk).toEqual(hostHex());
  });
});
