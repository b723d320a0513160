#!/usr/bin/env node
// Start-up time of the compiled CLI (`npm run bench:startup`, also part of
// `npm run bench`): `edgefnn --help` and `edgefnn info model.efnn` against a
// bare `node -e 0`, measured in alternation in the same run, because this
// machine is shared and its speed drifts over seconds. The target: at most
// 0.3 s on a machine where `node -e 0` takes 0.17 s, i.e. a ratio to
// `node -e 0` of at most 0.3 / 0.17 = 1.76 (the absolute time is printed too:
// on a busy machine node itself starts slower).
//
//   npm run bench:startup            (15 rounds; STARTUP_ROUNDS=n for more)
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = join(root, "bin/edgefnn.mjs");
if (!existsSync(join(root, "dist/host/cli.mjs"))) {
  console.error("bench/startup: dist/host/cli.mjs is missing: run npm run build first");
  process.exit(1);
}
const ROUNDS = Number(process.env.STARTUP_ROUNDS) || 15;
const TARGET_RATIO = 0.3 / 0.17;

const dir = mkdtempSync(join(tmpdir(), "edgefnn-startup-"));
const model = join(dir, "iris.efnn");
const made = spawnSync(process.execPath, [bin, "train", join(root, "examples/data/iris.csv"), "--epochs", "5", "--out", model, "--json"], {
  encoding: "utf8",
});
if (made.status !== 0) {
  console.error("bench/startup: could not train the model to measure info on:\n" + made.stderr);
  process.exit(1);
}

const cases = [
  ["node -e 0", ["-e", "0"]],
  ["edgefnn --help", [bin, "--help"]],
  ["edgefnn info model.efnn", [bin, "info", model]],
];

/** wall-clock seconds of one run, which must succeed */
function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
  return s;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

for (const [, args] of cases) time(args); // warm the file cache
const times = cases.map(() => []);
for (let round = 0; round < ROUNDS; round++) cases.forEach(([, args], i) => times[i].push(time(args)));
rmSync(dir, { recursive: true, force: true });

const base = median(times[0]);
console.log(
  `start-up, median of ${ROUNDS} alternating rounds (load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, ${new Date().toISOString()}):`,
);
for (const [i, [name]] of cases.entries()) {
  const m = median(times[i]);
  // the per-round ratio's median: each command against the node -e 0 of its own round
  const ratio = median(times[i].map((t, r) => t / times[0][r]));
  const verdict =
    i === 0
      ? ""
      : ratio <= TARGET_RATIO
        ? `  within the target (ratio <= ${TARGET_RATIO.toFixed(2)})`
        : `  OVER the target (ratio <= ${TARGET_RATIO.toFixed(2)})`;
  console.log(
    `  ${name.padEnd(26)} ${m.toFixed(3)} s  ${(m - base >= 0 ? "+" : "") + (m - base).toFixed(3)} s  x${ratio.toFixed(2)}${verdict}`,
  );
}
