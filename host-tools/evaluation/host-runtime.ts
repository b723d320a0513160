// The runtime the host evaluates with: the very ES5 bundle that goes to the
// boards (dist/edgefnn.js, the same code as edgefnn.min.js unminified), loaded
// as a CommonJS module the way a Raspberry Pi program loads it. eval, predict,
// verify, the quantization report and the agent all run models through it, so
// a number the host prints is the number the bundle computes, not the
// TypeScript source's (test/host-tools/host-runtime.test.ts keeps the two, and
// the core, bit-identical).
import { createRequire } from "node:module";
import { DIST_JS, ensureBundle } from "../files/bundle-files";
import type { DeviceModel } from "../../src/device/index";

export type { DeviceModel };

export interface Runtime {
  load(data: ArrayBuffer | ArrayBufferView): DeviceModel;
}

let runtime: Runtime | null = null;

/** the bundle's exports (built first in a checkout where dist/ is missing) */
export function hostRuntime(): Runtime {
  if (!runtime) {
    ensureBundle();
    runtime = createRequire(import.meta.url)(DIST_JS) as Runtime;
  }
  return runtime;
}

/** a model from .efnn bytes, through the bundle */
export function load(data: ArrayBuffer | ArrayBufferView): DeviceModel {
  return hostRuntime().load(data);
}
