// Espruino boards' variable space (docs/ESPRUINO.md) and what a model
// costs there. Memory is counted in JsVars ("blocks"); strings and typed-array
// data take more blocks where blocks are smaller.
import { Model } from "../../src/core/index";
import { fail, quoteValue } from "../cli/user-error";

export interface Board {
  id: string;
  name: string;
  blocks: number;
  blockBytes: number;
  /** process.env.BOARD on this board's firmware */
  env: string;
  /** other names people use for it */
  aliases: string[];
}

export const BOARDS: Board[] = [
  { id: "puckjs", name: "Puck.js", blocks: 2630, blockBytes: 13, env: "PUCKJS", aliases: ["puck"] },
  { id: "pixljs", name: "Pixl.js", blocks: 2950, blockBytes: 13, env: "PIXLJS", aliases: ["pixl"] },
  { id: "mdbt42q", name: "MDBT42Q", blocks: 2950, blockBytes: 13, env: "MDBT42Q", aliases: [] },
  { id: "banglejs", name: "Bangle.js 1", blocks: 2584, blockBytes: 13, env: "BANGLEJS", aliases: ["bangle", "bangle1", "banglejs1"] },
  { id: "banglejs2", name: "Bangle.js 2", blocks: 12000, blockBytes: 14, env: "BANGLEJS2", aliases: ["bangle2"] },
  { id: "pico", name: "Espruino Pico", blocks: 5100, blockBytes: 13, env: "PICO_R1_3", aliases: ["espruinopico"] },
  { id: "wifi", name: "Espruino WiFi", blocks: 8190, blockBytes: 13, env: "ESPRUINOWIFI", aliases: [] },
  {
    id: "original",
    name: "Espruino Original",
    blocks: 2756,
    blockBytes: 13,
    env: "ESPRUINOBOARD",
    aliases: ["espruinooriginal", "espruino"],
  },
  { id: "esp8266", name: "ESP8266", blocks: 1700, blockBytes: 12, env: "ESP8266_4MB", aliases: ["esp8266_4mb"] },
  { id: "esp32", name: "ESP32", blocks: 16383, blockBytes: 14, env: "ESP32", aliases: [] },
];

/** a name as it is compared: case and punctuation do not matter (PICO_R1_3 = picor13, Bangle.js 2 = banglejs2) */
const key = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** every name a board answers to */
export const boardNames = (b: Board): string[] => [b.id, b.env, ...b.aliases, b.name];

/** Levenshtein distance, for "did you mean" */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The board of this name (its id, its process.env.BOARD, or a common name; any case), or null. */
export function findBoard(name: string, boards: Board[] = BOARDS): Board | null {
  const k = key(name);
  return boards.find((b) => boardNames(b).some((n) => key(n) === k)) ?? null;
}

/** The nearest board name to a misspelt one, if it is near (at most 2 edits, or a prefix of 3+ characters). */
export function nearestBoard(name: string, boards: Board[] = BOARDS): Board | null {
  const k = key(name);
  let best: Board | null = null,
    bestD = Infinity;
  for (const b of boards)
    for (const n of boardNames(b)) {
      const d = k.length >= 3 && key(n).startsWith(k) ? 1 : distance(k, key(n));
      if (d < bestD) [best, bestD] = [b, d];
    }
  return bestD <= 2 ? best : null;
}

export function boardById(id: string): Board {
  const b = findBoard(id);
  if (b) return b;
  const near = nearestBoard(id);
  const list = BOARDS.map((x) => `${x.id} (${x.env})`).join(", ");
  fail(
    `unknown board ${quoteValue(id)}: ${near ? `did you mean ${near.id} (${near.name})? ` : ""}the boards are ${list}; any case, and ` +
      `process.env.BOARD's names, work`,
  );
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
