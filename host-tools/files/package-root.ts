// Where the package's own files are (dist/, firmware-scripts/, examples/,
// package.json), both when this runs from the TypeScript sources
// (host-tools/...) and from the compiled CLI (dist/host/*.mjs, whose chunks
// sit at a different depth): the nearest folder up whose package.json is
// edgefnn's. A URL relative to the calling file would point elsewhere in one
// of the two.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "edgefnn") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`edgefnn's package.json was not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** the package's folder (the repository root in a checkout) */
export const ROOT: string = findRoot();

/** a file of the package, by its path from the package's root */
export const packageFile = (path: string): string => join(ROOT, path);

/** package.json's version */
export const PACKAGE_VERSION: string = String(
  (JSON.parse(readFileSync(packageFile("package.json"), "utf8")) as { version?: unknown }).version,
);
