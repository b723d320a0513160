// edgefnn/host: the host API for Node.js programs (import { ... } from "edgefnn/host").
// Train, evaluate, quantize and read/write .efnn files with the same code the
// CLI runs, and, on a Pi, follow the agent's active model. The board runtime
// itself is the package's main entry: require("edgefnn").
export * from "../src/core/index";
export { loadCsv, CsvError } from "./data/csv-loader";
export type { CsvLoadOptions, LoadedCsv } from "./data/csv-loader";
export { readModelFile } from "./files/model-file";
export { Confusion, confusionOf, confusionMatrix, perClass } from "./evaluation/metrics";
export type { ClassMetrics } from "./evaluation/metrics";
export { openAgentModel } from "./agent/local-model";
export type { AgentModel, OpenOptions, ActiveInfo } from "./agent/local-model";
