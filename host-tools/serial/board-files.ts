// The files edgefnn keeps in a board's Storage, and the rules for their names.
import { crc32 } from "../files/crc32";
import { fail, quoteValue } from "../cli/user-error";

/** The pointer file: which model file is active. Rewriting it is the one step that switches models. */
export const POINTER = "edgefnn.active";
/** The runtime, as a Storage module: require("edgefnn"). */
export const RUNTIME = "edgefnn";
/** Runs at start-up after .boot0..boot2 (Bangle.js builds its own .boot0: we stay off it). */
export const BOOT = ".boot3";
/** Storage names are at most 28 characters; a model file is <name>.<8 hex digits of its CRC>. */
export const STORAGE_NAME_MAX = 28;
export const MODEL_NAME_MAX = STORAGE_NAME_MAX - 9;

export interface Pointer {
  file: string;
  name: string;
  bytes: number;
  crc: number;
}

/** A user-supplied model name: checked, never pasted into code unescaped (callers use JSON.stringify). */
export function checkModelName(name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name) || name.length > MODEL_NAME_MAX)
    fail(`--name ${quoteValue(name)}: use 1 to ${MODEL_NAME_MAX} letters, digits, "_" or "-" (Storage names are at most 28 characters)`);
  return name;
}

/** A model's identity: the CRC-32 its file stores over everything before it.
 * (Not the CRC of the whole file: the CRC-32 of any data followed by its own
 * CRC is one constant, 0x2144DF1C, the same for every model.) */
export function modelId(bytes: Uint8Array): number {
  return crc32(bytes, Math.max(0, bytes.length - 4));
}

export function modelFileName(name: string, bytes: Uint8Array): string {
  return `${name}.${modelId(bytes).toString(16).padStart(8, "0")}`;
}

export { boardProof, fileProof, sameProof } from "../protocols/file-proof";
export type { Proof } from "../protocols/file-proof";

/** Model files of this name on the board, e.g. "iris.0a1b2c3d". */
export function isModelFileOf(name: string, file: string): boolean {
  return file.startsWith(name + ".") && /^[0-9a-f]{8}$/.test(file.slice(name.length + 1));
}
