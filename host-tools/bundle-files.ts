// The ES5 runtime bundle on the host: dist/ (built by `npm run build`, and by
// npm install through the prepare script), rebuilt on demand in a checkout.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const DIST_JS = fileURLToPath(new URL("../dist/edgefnn.js", import.meta.url));
export const DIST_MIN = fileURLToPath(new URL("../dist/edgefnn.min.js", import.meta.url));
/** The accelerometer window features (src/features), the Storage module "edgefnn-features". */
export const DIST_FEATURES_MIN = fileURLToPath(new URL("../dist/edgefnn-features.min.js", import.meta.url));
/** On-board learning (src/learn), the Storage module "edgefnn-learn". */
export const DIST_LEARN_MIN = fileURLToPath(new URL("../dist/edgefnn-learn.min.js", import.meta.url));
export const FIRMWARE_DIR = fileURLToPath(new URL("../firmware-scripts/", import.meta.url));

export function ensureBundle(): void {
  if (existsSync(DIST_JS) && existsSync(DIST_MIN) && existsSync(DIST_FEATURES_MIN) && existsSync(DIST_LEARN_MIN)) return;
  const rollup = fileURLToPath(new URL("../node_modules/rollup/dist/bin/rollup", import.meta.url));
  if (!existsSync(rollup)) throw new Error("dist/edgefnn.js is missing and rollup is not installed: run npm install");
  execFileSync(process.execPath, [rollup, "-c", "rollup.config.mjs", "--silent"], { cwd: ROOT, stdio: "ignore" });
}
