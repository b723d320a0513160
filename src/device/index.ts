// The bundle's entry: what `require("edgefnn")` gives on a board, on a Pi, and
// as the global `edgefnn` of a plain script.
export { load, loadFile } from "./runtime";
// the validating parser, for tools on the board (firmware-scripts/bench.js); already in the bundle
export { decodeLayout as layout } from "../core/format";
export type { DeviceModel } from "./runtime";
