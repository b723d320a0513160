// Espruino boards' variable space (../shared/ESPRUINO.md) and what a model
// costs there. Memory is counted in JsVars ("blocks"); strings and typed-array
// data take more blocks where blocks are smaller.
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

// Fitted to measurements on two builds of the Espruino 2v29 interpreter
// (docs/ESPRUINO-MEASUREMENTS.md): the 64-bit Linux build (27-byte blocks) and
// a Puck.js-sized 32-bit one (2,630 blocks of 13 bytes). `require("edgefnn")`
// from Storage took 286 and 305 blocks: ~268 fixed (functions, their
// parameters, exports) plus ~480 bytes of string data (the row loops' RAM copy,
// names). A model loaded with loadFile() took 29 blocks of its own (object,
// state array, views) plus its layer table (8 int32 a layer) and its one
// buffer of 2 x widest floats, flat: 37, 46 and 52 blocks on the first build,
// 44, 62 and 77 on the second, for iris 4-16-3, an 11-layer model and
// 64-64-32-10, each exactly as this formula gives. Labels stay in the file. So
// does the .efnn file: it costs Storage space, not blocks.
const RUNTIME_FIXED_BLOCKS = 268;
const RUNTIME_STRING_BYTES = 480;
const MODEL_FIXED_BLOCKS = 29;

/** blocks of a flat string of n bytes */
function flatBlocks(n: number, board: Board): number {
  return Math.ceil(n / board.blockBytes);
}

export interface MemoryEstimate {
  runtime: number;
  model: number;
  buffers: number;
  total: number;
  available: number;
  fits: boolean;
}

/** Blocks to load the runtime and this model on a board. "Fits" leaves half the board for the user's own code. */
export function estimateMemory(model: Model, board: Board): MemoryEstimate {
  let widest = model.inputSize;
  for (const L of model.layers) widest = Math.max(widest, L.nOut);
  const runtime = RUNTIME_FIXED_BLOCKS + flatBlocks(RUNTIME_STRING_BYTES, board);
  const buffers = flatBlocks(2 * 4 * widest, board);
  const fixed = MODEL_FIXED_BLOCKS + flatBlocks(8 * 4 * model.layers.length, board);
  const total = runtime + fixed + buffers;
  return { runtime, model: fixed, buffers, total, available: board.blocks, fits: total <= board.blocks / 2 };
}
