// Builds what the tests run, once before the suites: the board runtime
// (dist/edgefnn.js, .min.js: the device tests run the real bundle, not the
// TypeScript source) and the compiled CLI (dist/host/: the tests spawn
// bin/edgefnn.mjs, which runs it, as an installed package does).
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  execFileSync(process.execPath, ["node_modules/rollup/dist/bin/rollup", "-c", "rollup.config.mjs", "--silent"], {
    cwd: root,
    stdio: "inherit",
  });
  execFileSync(process.execPath, ["scripts/build-host.mjs"], { cwd: root, stdio: "inherit" });
}
