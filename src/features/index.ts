// The features bundle's entry: what require("edgefnn-features") gives on a
// board (dist/edgefnn-features.min.js saved in Storage as "edgefnn-features"),
// and the global edgefnnFeatures of a plain script.
export {
  AXIS_FEATURES,
  MAGNITUDE_FEATURES,
  FEATURE_COUNT,
  featureNames,
  createWindow,
  clearWindow,
  pushSample,
  windowFull,
  computeFeatures,
} from "./window-features";
export type { SampleWindow } from "./window-features";
