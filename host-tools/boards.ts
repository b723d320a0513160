// Espruino boards' variable space (../shared/ESPRUINO.md) and what a model
// costs there. Memory is counted in JsVars ("blocks"); block counts are
// comparable across builds even though their byte sizes differ.
import { Model } from "../src/core/index";

export interface Board {
  id: string;
  name: string;
  blocks: number;
  blockBytes: number;
}

export const BOARDS: Board[] = [
  { id: "puckjs", name: "Puck.js", blocks: 2630, blockBytes: 13 },
  { id: "pixljs", name: "Pixl.js", blocks: 2950, blockBytes: 13 },
  { id: "mdbt42q", name: "MDBT42Q", blocks: 2950, blockBytes: 13 },
  { id: "banglejs", name: "Bangle.js 1", blocks: 2584, blockBytes: 13 },
  { id: "banglejs2", name: "Bangle.js 2", blocks: 12000, blockBytes: 14 },
  { id: "pico", name: "Espruino Pico", blocks: 5100, blockBytes: 13 },
  { id: "wifi", name: "Espruino WiFi", blocks: 8190, blockBytes: 13 },
  { id: "original", name: "Espruino Original", blocks: 2756, blockBytes: 13 },
  { id: "esp8266", name: "ESP8266", blocks: 1700, blockBytes: 12 },
  { id: "esp32", name: "ESP32", blocks: 16383, blockBytes: 14 },
];

export function boardById(id: string): Board {
  const b = BOARDS.find((x) => x.id === id.toLowerCase().replace(/[^a-z0-9]/g, ""));
  if (!b) throw new Error(`unknown board "${id}": expected one of ${BOARDS.map((x) => x.id).join(", ")}`);
  return b;
}

// Measured on the Espruino interpreter's Linux build (2v29), runtime loaded
// with require("edgefnn") from Storage and a 3-layer model with loadFile():
// the module's functions and exports take ~240 blocks (its code stays in
// flash); a model takes ~32 blocks of its own (object, state array, layer
// table) plus its two activation buffers and its labels. The .efnn file stays
// in flash: it costs Storage space, not blocks.
export const RUNTIME_BLOCKS = 240;
const MODEL_FIXED_BLOCKS = 32;

/** A Float32Array of n floats: its data flat in ceil(4n / blockBytes) blocks, plus the array, buffer and header vars. */
function floatArrayBlocks(n: number, board: Board): number {
  return Math.ceil((4 * n) / board.blockBytes) + 4;
}

export interface MemoryEstimate {
  runtime: number;
  model: number;
  buffers: number;
  labels: number;
  total: number;
  available: number;
  fits: boolean;
}

/** Blocks to load the runtime and this model on a board. "Fits" leaves half the board for the user's own code. */
export function estimateMemory(model: Model, board: Board): MemoryEstimate {
  let widest = model.inputSize;
  for (const L of model.layers) widest = Math.max(widest, L.nOut);
  const buffers = 2 * floatArrayBlocks(widest, board);
  const labels = model.labels.reduce((s, l) => s + 2 + Math.ceil(Math.max(0, l.length - 4) / board.blockBytes), 0);
  const fixed = MODEL_FIXED_BLOCKS + Math.max(0, model.layers.length - 3);
  const total = RUNTIME_BLOCKS + fixed + buffers + labels;
  return { runtime: RUNTIME_BLOCKS, model: fixed, buffers, labels, total, available: board.blocks, fits: total <= board.blocks / 2 };
}
