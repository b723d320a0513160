// Builds dist/edgefnn.js and dist/edgefnn.min.js once before the suites: the
// device tests run the real bundle, not the TypeScript source.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  execFileSync(process.execPath, ["node_modules/rollup/dist/bin/rollup", "-c", "rollup.config.mjs", "--silent"], {
    cwd: root,
    stdio: "inherit",
  });
}
