// The board's Storage: a flash file system with the firmware's rules
// (jsfWriteFile in espruino/Espruino src/jsflash.c, and docs/ESPRUINO.md):
// - names are at most 28 characters; longer ones are silently truncated;
// - write(name, data, 0, size) creates a file of `size` bytes (default: the
//   data's length); unwritten bytes read 0xFF; write(name, chunk, offset)
//   fills an existing file;
// - flash can only be written where it is erased: writing over bytes that are
//   no longer 0xFF throws "File already written with different data" (the
//   firmware checks erasure, so this holds even for identical bytes), except at
//   offset 0, where a file of another size, or not fully erased, is replaced;
// - a replaced or erased file stays as trash (counted as used) until compact(),
//   which also runs by itself when a new file does not fit.
// Each file costs a 32-byte header plus its size rounded up to 4 bytes.
// With a path, the contents are saved after every change (write to a
// temporary file, then rename: a crash leaves the old or the new state).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export const NAME_MAX = 28;
const HEADER = 32;
const ALIGN = 4;

/** A refusal by the flash file system: the sandbox turns it into an Error on the board. */
export class FlashError extends Error {}

interface FlashFile {
  name: string;
  data: Uint8Array;
}

export interface FlashStats {
  totalBytes: number;
  freeBytes: number;
  fileBytes: number;
  fileCount: number;
  trashBytes: number;
  trashCount: number;
}

const footprint = (size: number) => HEADER + Math.ceil(size / ALIGN) * ALIGN;

export class FlashStorage {
  private files: FlashFile[] = [];
  private trash = { bytes: 0, count: 0 };
  /** a file was written again or erased (every file: no name); the board's buffers over it die */
  onChange?: (name?: string) => void;

  /** @param total bytes of flash for Storage; @param path where the contents persist (optional) */
  constructor(
    readonly total: number,
    readonly path?: string,
  ) {
    if (!(Number.isInteger(total) && total >= 64)) throw new FlashError(`the Storage size must be an integer >= 64 bytes, got ${total}`);
    if (path && existsSync(path)) this.load(path);
    else if (path && !existsSync(dirname(resolve(path)))) throw new FlashError(`${path}: its directory does not exist`);
  }

  /** The name as the firmware stores it. */
  static fileName(name: unknown): string {
    return String(name).slice(0, NAME_MAX);
  }

  private find(name: unknown): FlashFile | undefined {
    const n = FlashStorage.fileName(name);
    return this.files.find((f) => f.name === n);
  }

  /** Bytes of file `name` from offset, clipped as the firmware does; undefined if there is no such file. */
  read(name: unknown, offset = 0, length = 0): Uint8Array | undefined {
    const f = this.find(name);
    if (!f) return undefined;
    const size = f.data.length;
    let o = Math.max(0, Math.floor(offset) || 0);
    let n = Math.floor(length) || 0;
    if (n <= 0) n = size;
    if (o > size) o = size;
    if (o + n > size) n = size - o;
    return f.data.slice(o, o + Math.max(0, n));
  }

  write(name: unknown, data: Uint8Array, offset = 0, size = 0): boolean {
    if (offset < 0 || size < 0) return false;
    if (!size) size = data.length;
    if (!size) throw new FlashError("Can't create zero length file");
    let f = this.find(name);
    if ((!f && offset === 0) || (f && offset === 0 && (size !== f.data.length || !erased(f.data, 0, size)))) {
      if (f && size === f.data.length && data.length === size && equal(f.data, data)) return true;
      if (f) this.remove(f);
      f = this.create(FlashStorage.fileName(name), size);
    }
    if (!f) throw new FlashError("Unable to find or create file");
    if (offset + data.length > f.data.length) throw new FlashError("Too much data for file size");
    if (!erased(f.data, offset, data.length)) throw new FlashError("File already written with different data");
    f.data.set(data, offset);
    this.save();
    return true;
  }

  erase(name: unknown): void {
    const f = this.find(name);
    if (f) {
      this.remove(f);
      this.save();
    }
  }

  eraseAll(): void {
    this.files = [];
    this.onChange?.();
    this.trash = { bytes: 0, count: 0 };
    this.save();
  }

  /** File names in flash order; `filter` is a RegExp-like (has test()) or a substring. */
  list(filter?: { test(s: string): boolean } | string): string[] {
    const names = this.files.map((f) => f.name);
    if (filter === undefined || filter === null) return names;
    return names.filter((n) => (typeof filter === "string" ? n.includes(filter) : filter.test(n)));
  }

  /** Bytes a new file can still use (trash counts as used until compact()). */
  getFree(includeTrash = false): number {
    return this.total - this.used() + (includeTrash ? this.trash.bytes : 0);
  }

  stats(): FlashStats {
    const fileBytes = this.files.reduce((s, f) => s + footprint(f.data.length), 0);
    return {
      totalBytes: this.total,
      freeBytes: this.getFree(),
      fileBytes,
      fileCount: this.files.length,
      trashBytes: this.trash.bytes,
      trashCount: this.trash.count,
    };
  }

  compact(): void {
    if (this.trash.count === 0) return;
    this.trash = { bytes: 0, count: 0 };
    this.save();
  }

  private used(): number {
    return this.files.reduce((s, f) => s + footprint(f.data.length), 0) + this.trash.bytes;
  }

  private remove(f: FlashFile): void {
    this.files = this.files.filter((x) => x !== f);
    this.onChange?.(f.name);
    this.trash.bytes += footprint(f.data.length);
    this.trash.count++;
  }

  private create(name: string, size: number): FlashFile | undefined {
    if (this.used() + footprint(size) > this.total) this.trash = { bytes: 0, count: 0 };
    if (this.used() + footprint(size) > this.total) return undefined;
    const f = { name, data: new Uint8Array(size).fill(0xff) };
    this.files.push(f);
    return f;
  }

  private save(): void {
    if (!this.path) return;
    const state: SavedFlash = {
      format: "edgefnn-sim-storage",
      version: 1,
      total: this.total,
      trash: this.trash,
      files: this.files.map((f) => ({ name: f.name, size: f.data.length, data: Buffer.from(f.data).toString("base64") })),
    };
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(state) + "\n");
    renameSync(tmp, this.path);
  }

  private load(path: string): void {
    let s: SavedFlash;
    try {
      s = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new FlashError(`${path}: not a simulator storage file (${(e as Error).message})`);
    }
    if (s?.format !== "edgefnn-sim-storage" || s.version !== 1 || !Array.isArray(s.files))
      throw new FlashError(`${path}: not a simulator storage file (expected format "edgefnn-sim-storage", version 1)`);
    this.files = s.files.map((f) => {
      const data = new Uint8Array(f.size).fill(0xff);
      data.set(Buffer.from(f.data, "base64").subarray(0, f.size));
      return { name: FlashStorage.fileName(f.name), data };
    });
    this.trash = { bytes: Number(s.trash?.bytes) || 0, count: Number(s.trash?.count) || 0 };
  }
}

interface SavedFlash {
  format: string;
  version: number;
  total: number;
  trash: { bytes: number; count: number };
  files: { name: string; size: number; data: string }[];
}

function erased(d: Uint8Array, offset: number, n: number): boolean {
  for (let i = offset; i < offset + n; i++) if (d[i] !== 0xff) return false;
  return true;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
