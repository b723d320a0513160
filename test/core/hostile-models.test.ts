// 12,000 CRC-valid, structurally hostile model files (test/helpers/hostile-models.ts
// has the classes) through the host's decodeModel and the real ES5 bundle's
// load() + run() in Node; a sample of them in Duktape and on the Espruino
// surface too. Each must give a clean Error with a message (never a RangeError
// or TypeError from inside) or a model whose outputs are finite, and every
// runtime must agree with the host: the same files accepted, the same words
// for the rest. The outcomes are printed by class.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeModel, Model } from "../../src/core/index";
import { bundleText, requireBundle } from "../helpers/bundle";
import { createSandbox } from "../helpers/espruino-sandbox";
import { Hostile, hostileModels, KINDS } from "../helpers/hostile-models";

const N = 12_000;

/** "ok:" and the outputs' float32 bits in hex, or "err:" the error's name and message */
type Outcome = string;

const hex = (o: Float32Array) => Buffer.from(o.buffer, o.byteOffset, o.length * 4).toString("hex");

/** the largest magnitude among a model's float values: past ~1e15 float32 sums may overflow, as the format allows */
function largest(m: Model): number {
  let big = 0;
  const see = (a: ArrayLike<number> | null) => {
    if (a) for (let i = 0; i < a.length; i++) big = Math.max(big, Math.abs(a[i]));
  };
  see(m.mean);
  see(m.invStd);
  for (const L of m.layers) {
    see(L.scales);
    see(L.b);
    see(L.prelu);
    see([L.gamma]);
    see(L.W);
  }
  return big;
}

/** the input the checks run: the means (raw x = mean gives a(0) = 0 exactly), zeros if the host refused the file */
function inputOf(h: Model | null, bytes: Uint8Array): number[] {
  return h ? Array.from(h.mean) : new Array(Math.max(1, bytes.length >= 8 ? bytes[6] | (bytes[7] << 8) : 1)).fill(0);
}

function errorOutcome(e: unknown): Outcome {
  return "err:" + (e as Error).name + ":" + (e as Error).message;
}

describe("hostile model files: host and runtime refuse the same ones, cleanly, and run the rest to finite outputs", () => {
  const files = hostileModels(N, 12);
  const host: (Model | null)[] = [];
  const hostOut: Outcome[] = [];
  const nodeOut: Outcome[] = [];

  it(`${N.toLocaleString("en")} files: decodeModel and dist/edgefnn.js load()+run() in Node`, () => {
    const nn = requireBundle(false);
    const table = new Map<string, { n: number; accepted: number; overflow: number; messages: Map<string, number> }>();
    for (const [i, { kind, bytes }] of files.entries()) {
      let h: Model | null = null;
      try {
        // a copy each (neither reader may see what the other did to its bytes); slice(), not Uint8Array.from(),
        // which goes byte by byte through the iterator: 546 MB twice was ~1 CPU-s
        h = decodeModel(bytes.slice());
        hostOut[i] = "ok";
      } catch (e) {
        hostOut[i] = errorOutcome(e);
      }
      host[i] = h;
      try {
        const m = nn.load(bytes.slice());
        nodeOut[i] = "ok:" + hex(m.run(inputOf(h, bytes)));
      } catch (e) {
        nodeOut[i] = errorOutcome(e);
      }
      const row = table.get(kind) ?? { n: 0, accepted: 0, overflow: 0, messages: new Map() };
      table.set(kind, row);
      row.n++;
      const where = `file ${i} (${kind})`;
      // a clean Error with words in it, from both
      for (const o of [hostOut[i], nodeOut[i]]) if (o.startsWith("err:")) expect(o, where).toMatch(/^err:Error:.{6,}/);
      // the same verdict and the same message
      expect(nodeOut[i].startsWith("ok") ? "ok" : nodeOut[i], where).toBe(hostOut[i]);
      if (h) {
        row.accepted++;
        const out = new Float32Array(Uint8Array.from(Buffer.from(nodeOut[i].slice(3), "hex")).buffer);
        expect(out.length, where).toBe(h.outputSize);
        if (!out.every(Number.isFinite)) {
          // only when the file's values are large enough to overflow float32 (up to 3.4e38 is a valid value)
          expect(largest(h), where).toBeGreaterThan(1e15);
          row.overflow++;
        }
      } else {
        const key = hostOut[i]
          .slice("err:Error:".length)
          .replace(/"[^"]*"/g, '"..."')
          .replace(/\d+/g, "N")
          .replace(/ is -?(NaN|Infinity)$/, " is NaN/Inf");
        row.messages.set(key, (row.messages.get(key) ?? 0) + 1);
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(10_000);
    // what each class must give
    const get = (k: string) => table.get(k)!;
    expect(get("valid").accepted).toBe(get("valid").n);
    expect(get("extreme values").accepted).toBe(get("extreme values").n);
    for (const k of ["2^32 overflow", "overlaps", "truncated", "trailing bytes"]) expect(get(k).accepted, k).toBe(0);
    for (const k of KINDS.filter((k) => k.startsWith("NaN/Inf in "))) {
      expect(get(k).accepted, k).toBe(0);
      const section = k.slice("NaN/Inf in ".length);
      for (const m of get(k).messages.keys()) expect(m, k).toMatch(new RegExp(`^(layer N )?${section}: value N is NaN/Inf$`));
    }
    for (const k of ["2^32 overflow", "overlaps"]) for (const m of get(k).messages.keys()) expect(m, k).toMatch(/^truncated at /);
    // the table for the record
    const lines = [`${N} hostile files, seed 12: class | files | accepted (of which outputs overflow) | refused: messages (count)`];
    for (const [k, r] of table) {
      const msgs = [...r.messages]
        .sort((a, b) => b[1] - a[1])
        .map(([m, c]) => `${m} (${c})`)
        .join("; ");
      lines.push(`${k} | ${r.n} | ${r.accepted}${r.overflow ? ` (${r.overflow})` : ""} | ${msgs}`);
    }
    console.log(lines.join("\n"));
  });

  it("a sample in Duktape: the same verdicts, messages and output bits", () => {
    // every 24th file (all classes), files over 64 KiB only a few: the script carries them as hex
    let big = 0;
    const sample = files
      .map((f, i) => [f, i] as [Hostile, number])
      .filter(([f, i]) => i % 24 === 0 && (f.bytes.length <= 65536 || big++ < 2));
    const script = `${bundleText(true)}
var files = ${JSON.stringify(sample.map(([f]) => Buffer.from(f.bytes).toString("hex")))};
var inputs = ${JSON.stringify(sample.map(([f, i]) => inputOf(host[i], f.bytes)))};
function hx(o) { var b = new Uint8Array(o.buffer, o.byteOffset, o.length * 4), s = ""; for (var k = 0; k < b.length; k++) s += (b[k] < 16 ? "0" : "") + b[k].toString(16); return s; }
for (var i = 0; i < files.length; i++) {
  var h = files[i], u = new Uint8Array(h.length / 2);
  for (var k = 0; k < u.length; k++) u[k] = parseInt(h.substr(2 * k, 2), 16);
  try { print("ok:" + hx(edgefnn.load(u.buffer).run(inputs[i]))); } catch (e) { print("err:" + e.name + ":" + e.message); }
}`;
    const dir = mkdtempSync(join(tmpdir(), "edgefnn-hostile-"));
    writeFileSync(join(dir, "run.js"), script);
    const duk = execFileSync("duk", [join(dir, "run.js")], { encoding: "utf8", maxBuffer: 1 << 26 })
      .trim()
      .split("\n");
    expect(sample.length).toBeGreaterThan(400);
    expect(duk).toEqual(sample.map(([, i]) => nodeOut[i]));
  });

  it("a sample on the Espruino surface (E.convolve rows, E.sum checks): the same verdicts, messages and outputs", () => {
    const sb = createSandbox({ viewOffsetLimit: true });
    sb.storage.set("edgefnn", new TextEncoder().encode(bundleText(true)));
    const attempt = sb.run(`(function () {
      var nn = require("edgefnn");
      return function (s, x) {
        try {
          var o = nn.load(E.toArrayBuffer(s)).run(x), b = new Uint8Array(o.buffer, o.byteOffset, o.length * 4), h = "";
          for (var k = 0; k < b.length; k++) h += (b[k] < 16 ? "0" : "") + b[k].toString(16);
          return "ok:" + h;
        } catch (e) { return "err:" + e.message; }
      };
    })()`);
    // a thrown Error has no name on the board (nor on the surface): the messages must be equal
    const unnamed = (out: string) => out.replace(/^err:[^:]*:/, "err:");
    let n = 0;
    for (const [i, { bytes }] of files.entries()) {
      if (i % 10 !== 3 || bytes.length > 65536) continue;
      let s = "";
      for (let k = 0; k < bytes.length; k++) s += String.fromCharCode(bytes[k]);
      expect(attempt(s, inputOf(host[i], bytes)), `file ${i} (${files[i].kind})`).toBe(unnamed(nodeOut[i]));
      n++;
    }
    expect(n).toBeGreaterThan(1000);
  });
});
