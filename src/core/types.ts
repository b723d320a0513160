// Shared array types: float32 for training and inference, float64 for gradient checks.
export type FloatArray = Float32Array | Float64Array;
export type ArrayKind = "float32" | "float64";
