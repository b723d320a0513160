import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const BUNDLE = fileURLToPath(new URL("../../dist/edgefnn.js", import.meta.url));
export const BUNDLE_MIN = fileURLToPath(new URL("../../dist/edgefnn.min.js", import.meta.url));
export const bundleText = (min = false) => readFileSync(min ? BUNDLE_MIN : BUNDLE, "utf8");

/** The bundle as a Node CommonJS module (how a Raspberry Pi loads it): a fresh copy each call. The copy Node's
 * require cache held, if any, is put back: test files share a worker process (vitest.config.ts), and the host
 * tools' runtime (host-tools/evaluation/host-runtime.ts) is the cached one, which must stay what require gives. */
export function requireBundle(min = false): typeof import("../../src/device/index") {
  const req = createRequire(import.meta.url);
  const path = min ? BUNDLE_MIN : BUNDLE;
  const cached = req.cache[path];
  delete req.cache[path];
  try {
    return req(path);
  } finally {
    if (cached) req.cache[path] = cached;
  }
}
