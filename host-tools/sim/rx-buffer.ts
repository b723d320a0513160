// The board's receive buffer: bytes land here as they arrive (an interrupt on
// the real board) and wait for the interpreter. It is bounded: a byte that
// arrives when it is full is lost. With flow control the board sends XOFF
// (0x13) when it is 6/8 full and XON (0x11) once it has drained to 3/8
// (the firmware's defaults; its nRF52 builds, whose Bluetooth traffic comes
// through the same buffer, use 3/8 and 2/8: `marks`).
export const XON = 0x11;
export const XOFF = 0x13;

export class RxBuffer {
  private ring: Uint8Array;
  private head = 0;
  private count = 0;
  /** an XOFF was sent and no XON since */
  stopped = false;
  readonly stats = { lost: 0, xoffs: 0, xons: 0 };

  /** @param send how a flow-control byte leaves the board; @param marks XOFF and XON as fractions of the size */
  constructor(
    readonly size: number,
    readonly flowControl: boolean,
    private send: (byte: number) => void,
    readonly marks = { xoff: 6 / 8, xon: 3 / 8 },
  ) {
    if (!(Number.isInteger(size) && size >= 8)) throw new RangeError(`the input buffer must be an integer >= 8 bytes, got ${size}`);
    this.ring = new Uint8Array(size);
  }

  get used(): number {
    return this.count;
  }

  /** Stores a received byte; false if the buffer was full and the byte is lost. */
  push(b: number): boolean {
    if (this.count === this.size) {
      this.stats.lost++;
      return false;
    }
    this.ring[(this.head + this.count) % this.size] = b;
    this.count++;
    if (this.flowControl && !this.stopped && this.count >= this.size * this.marks.xoff) {
      this.stopped = true;
      this.stats.xoffs++;
      this.send(XOFF);
    }
    return true;
  }

  /** The oldest byte, or -1 if empty. */
  shift(): number {
    if (this.count === 0) return -1;
    const b = this.ring[this.head];
    this.head = (this.head + 1) % this.size;
    this.count--;
    this.release();
    return b;
  }

  /** Loses everything buffered (a reset). */
  clear(): void {
    this.head = 0;
    this.count = 0;
    this.release();
  }

  private release(): void {
    if (this.stopped && this.count <= this.size * this.marks.xon) {
      this.stopped = false;
      this.stats.xons++;
      this.send(XON);
    }
  }
}
