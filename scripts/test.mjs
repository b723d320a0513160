#!/usr/bin/env node
// npm test: the type checks (tsc, both configs), eslint, prettier --check and
// vitest, all of which must pass.
//
// Why beside each other and not one after the other: each check runs on one
// core, and vitest's suites spend much of their time waiting on other
// processes (the CLI, socat, the virtual boards, chromium), so on a 2-core
// machine the checks, one at a time, fill the time vitest leaves idle instead
// of adding ~45 s before it starts. Vitest's output streams as it comes; the
// checks' results (a failed one's whole output) are printed after it, so the
// two never interleave. Arguments go to vitest
// (`npm test -- test/core` runs those files, still after the same checks).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = (name) => `${root}node_modules/.bin/${name}`;

const checks = [
  ["tsc -p tsconfig.json", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]],
  ["tsc -p tsconfig.core.json", bin("tsc"), ["--noEmit", "-p", "tsconfig.core.json"]],
  ["eslint .", bin("eslint"), ["."]],
  ["prettier --check .", bin("prettier"), ["--check", "."]],
];

/** Runs a command; resolves to its exit status (1 if it could not start) and, unless inherit, its output. */
function run(cmd, args, inherit) {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, stdio: inherit ? "inherit" : ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout?.on("data", (d) => (out += d));
    p.stderr?.on("data", (d) => (out += d));
    p.on("error", (e) => resolve({ status: 1, out: `${out}${e.message}\n` }));
    p.on("close", (status, signal) => resolve({ status: status ?? (signal ? 1 : 0), out }));
  });
}

const failed = [];
const reports = [];
const checked = (async () => {
  for (const [name, cmd, args] of checks) {
    const t0 = performance.now();
    const r = await run(cmd, args, false);
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.status === 0) reports.push(`npm test: ${name}: ok (${s} s, beside vitest)`);
    else {
      failed.push(name);
      reports.push(`npm test: ${name}: FAILED (exit ${r.status})\n${r.out}`);
    }
  }
})();
const vitest = await run(bin("vitest"), ["run", ...process.argv.slice(2)], true);
if (vitest.status !== 0) failed.push("vitest");
await checked;
console.log(reports.join("\n"));
if (failed.length) {
  console.log(`npm test: failed: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`npm test: ${checks.map(([n]) => n).join(", ")} and vitest passed`);
