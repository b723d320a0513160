#!/usr/bin/env node
// Where a call's flash reads go (reads-on-espruino.mjs counts them): each read
// of the Linux build's emulated flash (./espruino.flash, opened, seeked, read
// and closed a read) logged by address and length through a small LD_PRELOAD
// library over fseek and fread, compiled here with the system's C compiler
// (Debian gcc), then the reads of a process making K calls minus one making
// K/2, per call, in address order: the runtime's text (the 16 bytes read, so a
// read can be told to its function: the interpreter runs a Storage module's
// functions from flash and reads their text 16 bytes at a time as it passes
// it), the model file's bytes (offset into the file), anything else (Storage's
// file headers: a look-up by name). Not part of the test suite:
//   ESPRUINO=/path/to/espruino node scripts/reads-where-on-espruino.mjs a.min.js [classify|run|floor] [--calls=K]
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { espruinoBinary, storageDir } from "./espruino-run.mjs";
import { callScript } from "./espruino-calls.mjs";

const usage = "node scripts/reads-where-on-espruino.mjs a.min.js [classify|run|floor] [--calls=K]";
const espruino = espruinoBinary(usage);
const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const K = Number((process.argv.find((a) => a.startsWith("--calls=")) ?? "=10").split("=")[1]);
if (!args.length) {
  console.error("usage: ESPRUINO=/path/to/espruino " + usage);
  process.exit(2);
}
const [file, what = "classify"] = args;
const bundle = readFileSync(file, "utf8");
const dir = storageDir("reads-where");

// fseek remembers the offset; the fread after it logs "offset length" (the interpreter's own log file excepted)
const shim = `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <dlfcn.h>
static FILE *out; static long last = -1;
int fseek(FILE *f, long off, int whence) {
  static int (*real)(FILE *, long, int);
  if (!real) real = dlsym(RTLD_NEXT, "fseek");
  if (!out && getenv("READS_LOG")) out = fopen(getenv("READS_LOG"), "w");
  if (f != out) last = off;
  return real(f, off, whence);
}
size_t fread(void *p, size_t s, size_t n, FILE *f) {
  static size_t (*real)(void *, size_t, size_t, FILE *);
  if (!real) real = dlsym(RTLD_NEXT, "fread");
  if (out && last >= 0) fprintf(out, "%ld %zu\\n", last, s * n);
  last = -1;
  return real(p, s, n, f);
}
`;
writeFileSync(join(dir, "shim.c"), shim);
execFileSync("gcc", ["-shared", "-fPIC", "-O2", "-o", join(dir, "shim.so"), join(dir, "shim.c"), "-ldl"]);

const scriptLengths = new Set();
/** the reads ("offset length" -> count) of one process making `calls` calls */
function reads(calls) {
  const text = callScript(bundle, what, calls);
  scriptLengths.add(Buffer.byteLength(text));
  writeFileSync(join(dir, "run.js"), text);
  const log = join(dir, "reads.txt");
  execFileSync(espruino, ["run.js"], {
    cwd: dir,
    stdio: "ignore",
    env: { ...process.env, LD_PRELOAD: join(dir, "shim.so"), READS_LOG: log },
  });
  const h = new Map();
  for (const l of readFileSync(log, "utf8").trim().split("\n")) h.set(l, (h.get(l) ?? 0) + 1);
  return h;
}

reads(0);
const a = reads(K),
  b = reads(K / 2);
const flash = readFileSync(join(dir, "espruino.flash"));
const at = flash.indexOf(Buffer.from(bundle.slice(0, 64))),
  modelAt = flash.indexOf(Buffer.from("EFNN"), at + Buffer.byteLength(bundle));
const rows = [];
for (const [k, n] of a) {
  const d = (n - (b.get(k) ?? 0)) / (K / 2);
  const [addr, len] = k.split(" ").map(Number);
  // (the interpreter reads its script file through the same calls: not flash)
  if (Math.abs(d) > 0.01 && !(addr === 0 && scriptLengths.has(len))) rows.push([addr, len, d]);
}
rows.sort((x, y) => x[0] - y[0]);
const sum = { runtime: 0, model: 0, other: 0 };
for (const [addr, len, d] of rows) {
  const o = addr - at,
    m = addr - modelAt;
  let where, part;
  if (o >= 0 && o < bundle.length) {
    where = `runtime text @${o} ${JSON.stringify(bundle.slice(o, o + len))}`;
    part = "runtime";
  } else if (m >= 0 && modelAt >= 0 && m < flash.length) {
    where = `model file @${m} +${len}`;
    part = "model";
  } else {
    where = `flash @${addr} +${len}`;
    part = "other";
  }
  sum[part] += d;
  console.log(`${d.toFixed(2).padStart(8)}  ${where}`);
}
console.log(
  JSON.stringify({ bundle: file, what, perCall: Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, Number(v.toFixed(2))])) }),
);
