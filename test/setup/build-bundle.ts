// Builds what the tests run, once before the suites: the board runtime
// (dist/edgefnn.js, .min.js: the device tests run the real bundle, not the
// TypeScript source) and the compiled CLI (dist/host/: the tests spawn
// bin/edgefnn.mjs, which runs it, as an installed package does), the two side
// by side. The studio page (dist/studio/), which only the studio's test opens,
// is built after the runtime it ships, in the background while the first
// suites run: its minifying was ~7 s of a single core before any test could
// start. That test waits for it (test/helpers/studio-build.ts).
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { STUDIO_BUILD_STATUS } from "../helpers/studio-build";

const root = fileURLToPath(new URL("../../", import.meta.url));
const ROLLUP = "node_modules/rollup/dist/bin/rollup";

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
    node([ROLLUP, "-c", "rollup.config.mjs", "--silent", "--environment", "ONLY:board"]),
    node(["scripts/build-host.mjs"]),
  ]);
  const bad = built.find((b) => b.status !== 0);
  if (bad) throw new Error(`the test set-up's build failed:\n${bad.out}`);
  const studio = node([ROLLUP, "-c", "rollup.config.mjs", "--silent", "--environment", "ONLY:studio"], true).then((r) =>
    writeFileSync(STUDIO_BUILD_STATUS, JSON.stringify(r)),
  );
  // the build outlives no run: teardown waits for it
  return () => studio;
}
