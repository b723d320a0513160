// The agent runs models with the very ES5 bundle that goes to the boards
// (dist/edgefnn.js), loaded as a CommonJS module the way a Pi program would.
import { createRequire } from "node:module";
import { DIST_JS, ensureBundle } from "../files/bundle-files";
import type { DeviceModel } from "../../src/device/index";

export type { DeviceModel };

export interface Runtime {
  load(data: ArrayBuffer | ArrayBufferView): DeviceModel;
}

let runtime: Runtime | null = null;

export function requireRuntime(): Runtime {
  if (!runtime) {
    ensureBundle();
    runtime = createRequire(import.meta.url)(DIST_JS) as Runtime;
  }
  return runtime;
}
