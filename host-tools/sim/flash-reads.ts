// What the surface knows about data that lives in flash: the strings board
// code read from a Storage file, and the buffers E.toArrayBuffer made over
// them. On the board both point into flash (a reference, no RAM for the data),
// and two equal reads of one file point at the same bytes: here they share one
// buffer. On Espruino 2v29 the interpreter nulls every pointer into a file
// that is written again or erased (reading one stops the Linux build with an
// ASSERT in jsvar.c); with `detachOnErase` such a buffer is detached here, so
// reading it throws. (A `+ ""` copy, RAM on the board, cannot be told apart:
// it dies too.)

/** how many recent strings read from flash are remembered (a long-running simulator must not keep them all) */
const REMEMBERED = 256;

export interface FlashReadsOptions {
  /** buffers over a file die when the file is written or erased */
  detachOnErase: boolean;
  /** the realm's ArrayBuffer and Uint8Array as they were before the surface wrapped them (a buffer over flash is not an allocation) */
  ArrayBuffer: ArrayBufferConstructor;
  Uint8Array: Uint8ArrayConstructor;
  /** a buffer over a string in RAM: what it costs (the surface's allocation counting), or nothing */
  allocated?: (buffer: ArrayBuffer) => void;
}

export class FlashReads {
  /** string read from a file -> the file's name, the most recent last */
  private readFrom = new Map<string, string>();
  /** per file, the buffer over each string read from it */
  private files = new Map<string, Map<string, ArrayBuffer>>();
  /** every buffer over flash (what memory accounting counts as a reference only) */
  readonly buffers = new WeakSet<object>();

  constructor(private o: FlashReadsOptions) {}

  /** Board code read `s` from Storage file `name`; returns s. */
  read(name: string, s: string): string {
    this.readFrom.delete(s);
    this.readFrom.set(s, name);
    if (this.readFrom.size > REMEMBERED) this.readFrom.delete(this.readFrom.keys().next().value as string);
    return s;
  }

  /** whether s is a string read from flash (a reference on the board) */
  inFlash(s: string): boolean {
    return this.readFrom.has(s);
  }

  /** E.toArrayBuffer(s): the bytes of s, over flash when s came from a Storage file. */
  toArrayBuffer(s: string): ArrayBuffer {
    const name = this.readFrom.get(s);
    const cached = name === undefined ? undefined : this.files.get(name)?.get(s);
    if (cached) return cached;
    const ab = new this.o.ArrayBuffer(s.length);
    const u = new this.o.Uint8Array(ab);
    for (let i = 0; i < s.length; i++) u[i] = s.charCodeAt(i) & 255;
    if (name === undefined) {
      this.o.allocated?.(ab);
      return ab;
    }
    if (!this.files.has(name)) this.files.set(name, new Map());
    this.files.get(name)!.set(s, ab);
    this.buffers.add(ab);
    return ab;
  }

  /** File `name` was written again or erased (every file when name is undefined). */
  changed(name?: string): void {
    for (const n of name === undefined ? [...this.files.keys()] : [name]) {
      if (this.o.detachOnErase)
        for (const ab of this.files.get(n)?.values() ?? []) if (ab.byteLength) structuredClone(ab, { transfer: [ab] });
      this.files.delete(n);
    }
  }
}
