// Fixed-width rows appended one at a time into a single typed array that
// doubles when full: n rows cost O(n) copying in total (amortized doubling)
// and no per-row arrays, so a 100,000 x 64 table is one buffer, not 100,000
// JavaScript arrays of boxed numbers.

export class GrowingRows<T extends Float32Array | Int32Array> {
  private buf: T;
  private count = 0;

  /** make(n) allocates a zeroed typed array of n elements (the element type of the rows). */
  constructor(
    readonly width: number,
    private readonly make: (n: number) => T,
    initialRows = 1024,
  ) {
    this.buf = make(Math.max(1, width * initialRows));
  }

  /** Rows appended so far. */
  get rows(): number {
    return this.count;
  }

  /** Appends one row: `width` values, or a single number when width is 1. */
  push(row: ArrayLike<number> | number): void {
    const at = this.count * this.width;
    if (at + this.width > this.buf.length) this.grow(at + this.width);
    if (typeof row === "number") this.buf[at] = row;
    else this.buf.set(row, at);
    this.count++;
  }

  /** The rows as an exact-size copy (rows x width), so the spare capacity is not kept alive. */
  toArray(): T {
    const out = this.make(this.count * this.width);
    out.set(this.buf.subarray(0, this.count * this.width));
    return out;
  }

  private grow(needed: number): void {
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = this.make(size);
    next.set(this.buf);
    this.buf = next;
  }
}

export function floatRows(width: number): GrowingRows<Float32Array> {
  return new GrowingRows(width, (n) => new Float32Array(n));
}

export function intRows(width: number): GrowingRows<Int32Array> {
  return new GrowingRows(width, (n) => new Int32Array(n));
}
