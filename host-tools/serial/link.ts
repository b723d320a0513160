// A serial link to a board: the real `serialport` package, software flow
// control done here (the board sends XOFF 0x13 when its input buffer is 6/8
// full and XON 0x11 at 3/8: we stop writing between them), writes in small
// pieces so that what is already in flight when XOFF arrives fits in the
// board's remaining buffer, and a receive buffer that callers wait on.
import { SerialPort } from "serialport";
import { trace } from "../trace";

const XON = 0x11;
const XOFF = 0x13;

export class LinkError extends Error {}

export interface LinkStats {
  /** bytes written to the port */
  sent: number;
  /** bytes received, flow-control bytes included */
  received: number;
  /** XOFFs received */
  xoffs: number;
}

interface Waiter {
  test: (rx: string) => boolean;
  resolve: () => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class SerialLink {
  /** what the board sent (latin1), XON/XOFF removed; callers consume from it */
  rx = "";
  readonly stats: LinkStats = { sent: 0, received: 0, xoffs: 0 };
  private paused = false;
  private closed: Error | null = null;
  private waiters: Waiter[] = [];
  private resumers: (() => void)[] = [];
  /** pending port operations to fail when the link does */
  private aborts: ((e: Error) => void)[] = [];

  /** false only to show in tests what ignoring XOFF costs */
  honourXoff = true;

  /** when the bytes written so far would have left a real UART at this baud rate (ms, performance.now()) */
  private wireFree = 0;

  private constructor(private port: SerialPort, readonly path: string, readonly piece: number, readonly baud: number) {
    port.on("data", (buf: Buffer) => this.onData(buf));
    port.on("close", () => this.fail(new LinkError(`${path}: the port closed (cable pulled or board gone)`)));
    port.on("error", (e: Error) => this.fail(new LinkError(`${path}: ${e.message}`)));
  }

  /** Opens a port. `piece`: bytes written at a time (small enough to land in the board's buffer after an XOFF). */
  static open(path: string, baudRate = 115200, piece = 32): Promise<SerialLink> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false, xon: false, xoff: false, rtscts: false });
      port.open((err) => {
        if (err) reject(new LinkError(`cannot open ${path}: ${err.message}`));
        else resolve(new SerialLink(port, path, piece, baudRate));
      });
    });
  }

  private onData(buf: Buffer): void {
    trace("<", buf, this.path);
    this.stats.received += buf.length;
    let text = "";
    for (const b of buf) {
      if (b === XOFF) {
        this.paused = true;
        this.stats.xoffs++;
      } else if (b === XON) {
        this.paused = false;
        const r = this.resumers;
        this.resumers = [];
        r.forEach((f) => f());
      } else text += String.fromCharCode(b);
    }
    if (text) {
      this.rx += text;
      for (const w of [...this.waiters]) if (w.test(this.rx)) this.settle(w, null);
    }
  }

  private settle(w: Waiter, e: Error | null): void {
    clearTimeout(w.timer);
    this.waiters = this.waiters.filter((x) => x !== w);
    if (e) w.reject(e);
    else w.resolve();
  }

  private fail(e: Error): void {
    if (this.closed) return;
    this.closed = e;
    for (const w of [...this.waiters]) this.settle(w, e);
    const r = this.resumers;
    this.resumers = [];
    r.forEach((f) => f());
    const a = this.aborts;
    this.aborts = [];
    a.forEach((f) => f(e));
  }

  /** A port operation that also ends when the link fails: serialport queues a
   * write or drain on a port that closed until it opens again, i.e. for ever. */
  private orFail(op: (done: (err?: Error | null) => void) => void): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise<void>((resolve, reject) => {
      const abort = (e: Error) => reject(e);
      this.aborts.push(abort);
      op((err) => {
        this.aborts = this.aborts.filter((f) => f !== abort);
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /** Resolves when test(rx) is true (checked now and on every arrival); rejects after ms or on disconnect. */
  waitFor(test: (rx: string) => boolean, ms: number, what: string): Promise<void> {
    if (this.closed) return Promise.reject(this.closed);
    if (test(this.rx)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        test, resolve, reject,
        timer: setTimeout(() => this.settle(w, new LinkError(`timed out after ${ms} ms waiting for ${what}`)), ms),
      };
      this.waiters.push(w);
    });
  }

  /** Writes text (latin1) in pieces, waiting out XOFF (at most xoffMs at a time). */
  async write(text: string, xoffMs = 10_000): Promise<void> {
    const data = Buffer.from(text, "latin1");
    trace(">", text, this.path);
    for (let i = 0; i < data.length; i += this.piece) {
      if (this.closed) throw this.closed;
      if (this.paused && this.honourXoff) await this.resumed(xoffMs);
      // Pace at the baud rate: a pseudo-terminal or a USB CDC port takes bytes
      // faster than any UART, and whatever piles up in the OS's buffers reaches
      // the board all at once, too late for its XOFF to stop it.
      const now = performance.now();
      if (this.wireFree > now + 2) await new Promise((r) => setTimeout(r, this.wireFree - now));
      this.wireFree = Math.max(this.wireFree, performance.now()) + (this.piece * 10 * 1000) / this.baud;
      const piece = data.subarray(i, i + this.piece);
      await this.orFail((done) => this.port.write(piece, (err) => done(err ? new LinkError(`${this.path}: write failed: ${err.message}`) : null)));
      await this.orFail((done) => this.port.drain(() => done()));
      this.stats.sent += piece.length;
    }
  }

  private resumed(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new LinkError(`the board held XOFF for ${ms} ms: it stopped reading`)), ms);
      this.resumers.push(() => {
        clearTimeout(timer);
        if (this.closed) reject(this.closed);
        else resolve();
      });
    });
  }

  get isClosed(): boolean {
    return this.closed !== null;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.port.isOpen) return resolve();
      this.port.close(() => resolve());
    });
  }
}
