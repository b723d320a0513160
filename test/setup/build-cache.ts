// A cache of the test set-up's rollup builds (the board bundles, ~6 CPU-s, and
// the studio page, ~3), keyed by a SHA-256 of every file they are built from:
// the whole of the source trees they read, the build config, package.json and
// package-lock.json (the versions of rollup, terser, esbuild, typescript and
// csv-parse). A change to any of them is a new key, so a cached build is always
// the build of exactly these inputs; what differs is only that it is copied
// instead of made again. It lives in the system's temporary folder, shared by
// checkouts (by content, not by path), and keeps the newest few builds of each
// kind. A run on a machine that has never built these inputs (CI, a clean
// machine) builds them as before. EDGEFNN_NO_BUILD_CACHE=1 turns it off.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CACHE_DIR = join(tmpdir(), "edgefnn-build-cache");
const KEEP = 4;

/** The key of a build from these trees and files (paths relative to root). */
export function inputsKey(root: string, trees: string[], files: string[]): string {
  const h = createHash("sha256");
  const add = (rel: string) => {
    h.update(`${rel}\0`);
    h.update(readFileSync(join(root, rel)));
    h.update("\0");
  };
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) add(r);
    }
  };
  for (const t of trees) walk(t);
  for (const f of files) add(f);
  return h.digest("hex").slice(0, 32);
}

export const cacheOff = () => process.env.EDGEFNN_NO_BUILD_CACHE === "1";

/** Copies a cached build's files (paths relative to root) into root; false when there is none. */
export function restore(root: string, kind: string, key: string, files: string[]): boolean {
  if (cacheOff()) return false;
  const dir = join(CACHE_DIR, `${kind}-${key}`);
  if (!existsSync(dir)) return false;
  for (const f of files) {
    rmSync(join(root, f), { recursive: true, force: true });
    cpSync(join(dir, f), join(root, f), { recursive: true });
  }
  const now = new Date();
  utimesSync(dir, now, now); // used: among the newest again
  return true;
}

/** Keeps a build's files under its key (written aside, then renamed: a reader never sees half of one). */
export function store(root: string, kind: string, key: string, files: string[]): void {
  if (cacheOff()) return;
  if (!files.every((f) => existsSync(join(root, f)))) return;
  mkdirSync(CACHE_DIR, { recursive: true });
  const dir = join(CACHE_DIR, `${kind}-${key}`);
  if (existsSync(dir)) return;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const f of files) cpSync(join(root, f), join(tmp, f), { recursive: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run stored the same build first
  }
  // the newest KEEP of this kind stay
  const old = readdirSync(CACHE_DIR)
    .filter((d) => d.startsWith(`${kind}-`) && !d.includes(".tmp-"))
    .map((d) => ({ d, t: statSync(join(CACHE_DIR, d)).mtimeMs }))
    .sort((a, b) => b.t - a.t)
    .slice(KEEP);
  for (const { d } of old) rmSync(join(CACHE_DIR, d), { recursive: true, force: true });
}
