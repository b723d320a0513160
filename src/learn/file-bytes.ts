// Bytes of the model file a learner was made from, by file offset.
import { LearnerParts } from "./learner";

interface Espruino {
  toArrayBuffer(s: string): ArrayBuffer;
}
declare var E: Espruino;
declare function require(name: string): { read(name: string, offset?: number, length?: number): string | undefined };

/** n bytes of the model file from byte offset off. A loadFile model's are read
 * from Storage by name (flash, no copy; the file may have moved since, and a
 * view's byteOffset stops at 65535 on the board, so no view into the whole
 * file reaches sections past 64 KiB); load()'s models are at most 64 KiB on
 * the board (the runtime refuses more), so a view of their buffer reaches all. */
export function bytesAt(p: LearnerParts, off: number, n: number): Uint8Array {
  return p.name
    ? new Uint8Array(E.toArrayBuffer(require("Storage").read(p.name, off, n) as string))
    : new Uint8Array(p.buf, p.base + off, n);
}
