#!/usr/bin/env node
// The hostile model files of test/core/hostile-models.test.ts on a real
// Espruino interpreter (the Linux build: make BOARD=LINUX in a copy of the
// Espruino source), compared with the bundle in Node: the same verdicts, the
// same messages, the same output bits. Not part of the test suite (it needs
// the interpreter built by hand); run it as
//   ESPRUINO=/path/to/bin/espruino node scripts/hostile-on-espruino.mjs [files] [seed]
// It runs the interpreter in a temporary directory (its Storage is a file
// there), a few hundred files per run, through load(E.toArrayBuffer(...)) and,
// for every 8th, loadFile(name) from Storage. (Espruino's errors have no
// name, and its own TypeErrors are plain Errors: the messages must be equal.)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { register } from "tsx/esm/api";
import { espruinoBinary, runEspruino, storageDir, storageWrites } from "./espruino-run.mjs";

register();
const { hostileModels } = await import("../test/helpers/hostile-models.ts");
const { decodeModel } = await import("../src/core/index.ts");
const espruino = espruinoBinary();
const n = Number(process.argv[2] ?? 2400),
  seed = Number(process.argv[3] ?? 12);
const root = new URL("..", import.meta.url).pathname;
const bundle = readFileSync(join(root, "dist/edgefnn.min.js"), "utf8");
const nn = createRequire(import.meta.url)(join(root, "dist/edgefnn.js"));
const hex = (o) => Buffer.from(o.buffer, o.byteOffset, o.length * 4).toString("hex");

// the Node outcomes, and the inputs (the means: a(0) = 0 exactly)
const files = hostileModels(n, seed).filter((f) => f.bytes.length <= 16384);
const cases = files.map((f) => {
  let x;
  try {
    x = Array.from(decodeModel(Uint8Array.from(f.bytes)).mean);
  } catch {
    x = new Array(Math.max(1, f.bytes[6] | (f.bytes[7] << 8))).fill(0);
  }
  let want;
  try {
    want = "ok:" + hex(nn.load(Uint8Array.from(f.bytes)).run(x));
  } catch (e) {
    want = "err:" + e.name + ":" + e.message;
  }
  return { kind: f.kind, b64: Buffer.from(f.bytes).toString("base64"), x, want };
});

const dir = storageDir("espruino");
const table = new Map();
let done = 0,
  mismatches = 0;
for (let from = 0; from < cases.length; from += 300) {
  const part = cases.slice(from, from + 300);
  const script =
    storageWrites({ edgefnn: bundle }) +
    `var nn = require("edgefnn");
function hx(o) { var b = new Uint8Array(o.buffer, o.byteOffset, o.length * 4), s = ""; for (var k = 0; k < b.length; k++) s += (b[k] < 16 ? "0" : "") + b[k].toString(16); return s; }
function t(i, b64, x, file) {
  var r;
  try {
    // the input as float32 bits: Espruino's decimal parsing is not exact to the last bit
    var s = atob(b64), m;
    x = new Float32Array(E.toArrayBuffer(atob(x)));
    if (file) { require("Storage").write("m", s); m = nn.loadFile("m"); } else m = nn.load(E.toArrayBuffer(s));
    r = "ok:" + hx(m.run(x));
  } catch (e) { r = e instanceof Error ? "err:Error:" + e.message : "err:" + typeof e + ":" + e; }
  if (file) require("Storage").erase("m");
  print("R" + i + " " + r);
}
${part.map((c, k) => `t(${from + k}, ${JSON.stringify(c.b64)}, ${JSON.stringify(Buffer.from(Float32Array.from(c.x).buffer).toString("base64"))}, ${(from + k) % 8 === 0});`).join("\n")}
`;
  const out = runEspruino(espruino, dir, "run.js", script);
  const got = new Map();
  for (const line of out.split("\n")) {
    const m = /^R(\d+) (.*)$/.exec(line.trim());
    if (m) got.set(Number(m[1]), m[2]);
  }
  part.forEach((c, k) => {
    const i = from + k,
      g = got.get(i);
    const row = table.get(c.kind) ?? { files: 0, accepted: 0, same: 0 };
    table.set(c.kind, row);
    row.files++;
    if (c.want.startsWith("ok")) row.accepted++;
    if (g === c.want) row.same++;
    else {
      mismatches++;
      if (mismatches <= 10) console.log(`file ${i} (${c.kind}): node ${c.want.slice(0, 120)} | espruino ${String(g).slice(0, 120)}`);
    }
    done++;
  });
}
console.log(
  `${done} files on ${runEspruino(espruino, dir, "version.js", "print(process.env.VERSION);")
    .split("\n")
    .find((l) => /^\d+v\d+/.test(l.trim()))
    ?.trim()}: class | files | accepted | same outcome as Node`,
);
for (const [k, r] of table) console.log(`${k} | ${r.files} | ${r.accepted} | ${r.same}`);
console.log(mismatches ? `${mismatches} differ` : "all the same");
process.exitCode = mismatches ? 1 : 0;
