// The ES5 runtime bundle on the host: dist/ (built by `npm run build`, shipped
// prebuilt in the package), rebuilt on demand in a checkout.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageFile, ROOT } from "./package-root";

export { ROOT };
export const DIST_JS = packageFile("dist/edgefnn.js");
export const DIST_MIN = packageFile("dist/edgefnn.min.js");
/** The accelerometer window features (src/features), the Storage module "edgefnn-features". */
export const DIST_FEATURES_MIN = packageFile("dist/edgefnn-features.min.js");
/** On-board learning (src/learn), the Storage module "edgefnn-learn". */
export const DIST_LEARN_MIN = packageFile("dist/edgefnn-learn.min.js");
/** The gesture app (firmware-scripts/gestures.js) as upload --app gestures installs it: without comments. */
export const DIST_GESTURES_MIN = packageFile("dist/gestures.min.js");
export const FIRMWARE_DIR = packageFile("firmware-scripts") + "/";

export function ensureBundle(): void {
  if (
    existsSync(DIST_JS) &&
    existsSync(DIST_MIN) &&
    existsSync(DIST_FEATURES_MIN) &&
    existsSync(DIST_LEARN_MIN) &&
    existsSync(DIST_GESTURES_MIN)
  )
    return;
  const rollup = join(ROOT, "node_modules/rollup/dist/bin/rollup");
  if (!existsSync(rollup)) throw new Error(`${DIST_JS} is missing and rollup is not installed: run npm install, then npm run build`);
  execFileSync(process.execPath, [rollup, "-c", "rollup.config.mjs", "--silent"], { cwd: ROOT, stdio: "ignore" });
}
