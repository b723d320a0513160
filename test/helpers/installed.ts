// The package as a program that depends on it sees it: node_modules/edgefnn
// in the program's folder (a link to this checkout, whose dist/ the test
// set-up built), so `require("edgefnn")` and `import "edgefnn/host"` go
// through package.json's exports, as after `npm install edgefnn`.
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Makes dir/node_modules/edgefnn point at this package; returns dir. */
export function linkPackage(dir: string): string {
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(PACKAGE_ROOT, join(dir, "node_modules", "edgefnn"), "dir");
  return dir;
}
