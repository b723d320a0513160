import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const BUNDLE = fileURLToPath(new URL("../../dist/edgefnn.js", import.meta.url));
export const BUNDLE_MIN = fileURLToPath(new URL("../../dist/edgefnn.min.js", import.meta.url));
export const bundleText = (min = false) => readFileSync(min ? BUNDLE_MIN : BUNDLE, "utf8");

/** The bundle as a Node CommonJS module (how a Raspberry Pi loads it). */
export function requireBundle(min = false): typeof import("../../src/device/index") {
  const req = createRequire(import.meta.url);
  const path = min ? BUNDLE_MIN : BUNDLE;
  delete req.cache[path];
  return req(path);
}
