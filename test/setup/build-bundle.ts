// Builds what the tests run, once before the suites: the board runtime
// (dist/edgefnn.js, .min.js: the device tests run the real bundle, not the
// TypeScript source) and the compiled CLI (dist/host/: the tests spawn
// bin/edgefnn.mjs, which runs it, as an installed package does), the two side
// by side. The studio page (dist/studio/), which only the studio's test opens,
// is built after the runtime it ships, in the background while the first
// suites run: its minifying was ~7 s of a single core before any test could
// start. That test waits for it (test/helpers/studio-build.ts). A build of
// inputs this machine has built before is copied from the cache of builds
// (build-cache.ts: keyed by the content of every input) instead.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { STUDIO_BUILD_STATUS } from "../helpers/studio-build";
import { CACHE_DIR, inputsKey, restore, store } from "./build-cache";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ROLLUP = "node_modules/rollup/dist/bin/rollup";

// what each build reads and writes (rollup.config.mjs): the board bundles read src/ and firmware-scripts/;
// the page also reads host-tools/ and copies the board bundles it ships
const CONFIG = ["rollup.config.mjs", "package.json", "package-lock.json"];
const BOARD_OUT = ["edgefnn.js", "edgefnn.min.js", "edgefnn.mjs", "package.json", "edgefnn-features.js", "edgefnn-features.min.js"]
  .concat(["edgefnn-learn.js", "edgefnn-learn.min.js", "gestures.min.js"])
  .map((f) => `dist/${f}`);
const STUDIO_OUT = ["dist/studio"];

/** A rollup build, or its copy from the cache when these inputs were built before. */
async function cached(kind: string, trees: string[], outputs: string[], build: () => Promise<{ status: number; out: string }>) {
  const key = inputsKey(root, trees, CONFIG);
  if (restore(root, kind, key, outputs)) {
    const out = `the test set-up's ${kind} build: its inputs were built before, copied from ${CACHE_DIR}/${kind}-${key}\n`;
    process.stdout.write(out);
    return { status: 0, out };
  }
  const r = await build();
  if (r.status === 0) store(root, kind, key, outputs);
  return r;
}

/** Runs node with args in the repo; resolves to its exit status and its output (printed too unless quiet). */
function node(args: string[], quiet = false): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("error", (e) => resolve({ status: 1, out: out + e.message }));
    p.on("close", (status) => {
      if (!quiet || status !== 0) process.stdout.write(out);
      resolve({ status: status ?? 1, out });
    });
  });
}

export default async function setup(): Promise<() => Promise<void>> {
  rmSync(STUDIO_BUILD_STATUS, { force: true });
  const built = await Promise.all([
    cached("board", ["src", "firmware-scripts"], BOARD_OUT, () =>
      node([ROLLUP, "-c", "rollup.config.mjs", "--silent", "--environment", "ONLY:board"]),
    ),
    node(["scripts/build-host.mjs"]),
  ]);
  const bad = built.find((b) => b.status !== 0);
  if (bad) throw new Error(`the test set-up's build failed:\n${bad.out}`);
  const studio = cached("studio", ["src", "firmware-scripts", "host-tools"], STUDIO_OUT, () =>
    node([ROLLUP, "-c", "rollup.config.mjs", "--silent", "--environment", "ONLY:studio"], true),
  ).then((r) => writeFileSync(STUDIO_BUILD_STATUS, JSON.stringify(r)));
  // the build outlives no run: teardown waits for it
  return () => studio;
}
