// What every byte link shares: software flow control (the board sends XOFF
// 0x13 when its input buffer is 6/8 full and XON 0x11 at 3/8: we stop writing
// between them), writes in packets small enough that what is already in flight
// when XOFF arrives fits in the board's remaining buffer, pacing at the link's
// speed, and failing everything that waits when the link goes. An edgefnn
// agent (a Node process on a Pi) needs no packets or pacing: once the agent
// probe has found one, `paced` is false and each write goes out whole (in
// pieces of `maxWrite` where the transport has a limit: Bluetooth LE's MTU).
import { trace } from "../cli/trace";
import { ByteLink, LinkError, LinkStats } from "./byte-link";

const XON = 0x11;
const XOFF = 0x13;

export abstract class PacedLink implements ByteLink {
  readonly stats: LinkStats = { sent: 0, received: 0, xoffs: 0 };
  honourXoff = true;
  paced = true;
  private paused = false;
  private closed: Error | null = null;
  private listeners: ((b: Uint8Array) => void)[] = [];
  private closers: ((e: Error) => void)[] = [];
  /** arrivals before the first listener */
  private early: Uint8Array[] = [];
  private resumers: (() => void)[] = [];
  /** when the bytes written so far would have left the link at its speed (ms, performance.now()) */
  private wireFree = 0;

  constructor(
    readonly path: string,
    readonly packetSize: number,
    readonly bytesPerSecond: number,
    /** the most bytes one transmit takes (a Bluetooth LE write: the MTU's payload); serial and TCP take any */
    readonly maxWrite: number = packetSize,
  ) {}

  abstract readonly speed: string;
  /** sends one packet; rejects with a LinkError when the link failed */
  protected abstract transmit(packet: Uint8Array): Promise<void>;
  protected abstract shutdown(): Promise<void>;
  abstract reopen(): Promise<ByteLink>;

  get isClosed(): boolean {
    return this.closed !== null;
  }

  /** the error the link failed with, if it has */
  protected get failure(): Error | null {
    return this.closed;
  }

  onData(f: (bytes: Uint8Array) => void): () => void {
    this.listeners.push(f);
    if (this.listeners.length === 1 && this.early.length) {
      const e = this.early;
      this.early = [];
      e.forEach((b) => f(b));
    }
    return () => (this.listeners = this.listeners.filter((x) => x !== f));
  }

  onClose(f: (e: Error) => void): () => void {
    if (this.closed) {
      f(this.closed);
      return () => {};
    }
    this.closers.push(f);
    return () => (this.closers = this.closers.filter((x) => x !== f));
  }

  /** Subclasses hand every arrival here. */
  protected arrived(buf: Uint8Array): void {
    trace("<", buf, this.path);
    this.stats.received += buf.length;
    let kept = buf;
    if (buf.includes(XON) || buf.includes(XOFF)) {
      const out: number[] = [];
      for (const b of buf) {
        if (b === XOFF) {
          this.paused = true;
          this.stats.xoffs++;
        } else if (b === XON) {
          this.paused = false;
          const r = this.resumers;
          this.resumers = [];
          r.forEach((f) => f());
        } else out.push(b);
      }
      kept = Uint8Array.from(out);
    }
    if (!kept.length) return;
    if (!this.listeners.length) this.early.push(kept);
    else for (const f of [...this.listeners]) f(kept);
  }

  /** Subclasses call this when the link goes (closed, error, dropped connection). */
  protected fail(e: Error): void {
    if (this.closed) return;
    this.closed = e;
    const r = this.resumers;
    this.resumers = [];
    r.forEach((f) => f());
    const c = this.closers;
    this.closers = [];
    c.forEach((f) => f(e));
  }

  async write(data: Uint8Array, xoffMs = 10_000): Promise<void> {
    trace(">", data, this.path);
    // Unpaced (an agent's frame): in as few transmits as the transport allows. A
    // 524 KB model is 840 KB on the wire, ~26,000 paced 32-byte packets, each its
    // own write and drain: 4 CPU-s of the CLI's, 0.7 in whole frames (docs/LINKS.md).
    const size = this.paced ? this.packetSize : this.maxWrite,
      pace = this.paced && Number.isFinite(this.bytesPerSecond);
    for (let i = 0; i < data.length; i += size) {
      if (this.closed) throw this.closed;
      // Pace at the link's speed: a pseudo-terminal, a USB CDC port or a socket
      // takes bytes faster than the board's UART or radio, and whatever piles up
      // in buffers on the way reaches the board all at once, too late for its XOFF to stop it.
      const packet = data.subarray(i, i + size);
      if (pace) {
        const now = performance.now();
        if (this.wireFree > now + 2) await new Promise((r) => setTimeout(r, this.wireFree - now));
      }
      // after the pacing wait: an XOFF that arrived during it stops this packet
      if (this.paused && this.honourXoff) await this.resumed(xoffMs);
      if (this.closed) throw this.closed;
      if (pace) this.wireFree = Math.max(this.wireFree, performance.now()) + (packet.length * 1000) / this.bytesPerSecond;
      await this.transmit(packet);
      this.stats.sent += packet.length;
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

  async close(): Promise<void> {
    this.fail(new LinkError(`${this.path}: the link was closed`));
    await this.shutdown();
  }
}
