// The test oracles: independent ways to the numbers the core computes, used by
// the tests and the benchmarks to check it. Not part of the product's surface
// (src/core/index.ts does not export them; neither does edgefnn/host).

// forward-mode AD: dual numbers v + d eps, and f'(x) of a function written with Ops
export { derivative, dualOps } from "./dual";
export type { Dual } from "./dual";
// reverse-mode AD over a graph of scalar operations (the whole-network gradient oracle)
export { backwardGraph, graphOps, sum, variable } from "./autodiff";
export type { Node } from "./autodiff";
// the gradient checker: the structured risk, backprop's gradient, central differences, their distance
export { backpropGradient, maxRelativeError, numericalGradient, risk, worstBlockError } from "./gradcheck";
// seeded synthetic data (Gaussian clusters) for tests and benchmarks
export { gaussianClusters } from "./synthetic";
export type { ClusterOptions } from "./synthetic";
