// The studio page's stand-in for evaluation/host-runtime.ts (the build swaps
// it in: rollup.config.mjs, browserCsvParse): a browser has no require() for
// dist/edgefnn.js, so the page runs the runtime's own source, the code that
// bundle is built from. test/host-tools/host-runtime.test.ts keeps the source,
// the bundle and the core bit-identical, so the page's numbers are the CLI's.
import { load as loadSource } from "../../../src/device/runtime";
import type { DeviceModel } from "../../../src/device/index";

export type { DeviceModel };

export function load(data: ArrayBuffer | ArrayBufferView): DeviceModel {
  return loadSource(data);
}
