// The numeric core: what the textbook's chapter on feed-forward networks describes.
export * from "./activations";
export * from "./apply-activation";
export * from "./autodiff";
export * from "./backprop";
export * from "./dataset";
export * from "./dual";
export * from "./evaluate";
export * from "./gradcheck";
export * from "./init";
export * from "./loss";
export * from "./network";
export * from "./optimizers";
export * from "./rng";
export * from "./train";
export type { ArrayKind, FloatArray } from "./types";
