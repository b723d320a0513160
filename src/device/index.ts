// The bundle's entry: what `require("edgefnn")` gives on a board, on a Pi, and
// as the global `edgefnn` of a plain script.
export { load, loadFile } from "./runtime";
export type { DeviceModel } from "./runtime";
