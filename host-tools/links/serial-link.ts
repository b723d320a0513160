// A serial port (USB CDC or a UART adapter) through the real `serialport`
// package, paced at the baud rate: 10 bits a byte on the wire.
import { SerialPort } from "serialport";
import { ByteLink, LinkError } from "./byte-link";
import { PacedLink } from "./paced-link";

export class SerialLink extends PacedLink {
  readonly speed: string;

  private constructor(
    private port: SerialPort,
    path: string,
    packetSize: number,
    readonly baud: number,
  ) {
    super(path, packetSize, baud / 10, Infinity);
    this.speed = `${baud} baud`;
    port.on("data", (buf: Buffer) => this.arrived(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
    port.on("close", () => this.fail(new LinkError(`${path}: the port closed (cable pulled or board gone)`)));
    port.on("error", (e: Error) => this.fail(new LinkError(`${path}: ${e.message}`)));
  }

  /** Opens a port. `packetSize`: bytes written at a time (small enough to land in the board's buffer after an XOFF). */
  static open(path: string, baudRate = 115200, packetSize = 32): Promise<SerialLink> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false, xon: false, xoff: false, rtscts: false });
      port.open((err) => {
        if (err) reject(new LinkError(`cannot open ${path}: ${err.message}`));
        else resolve(new SerialLink(port, path, packetSize, baudRate));
      });
    });
  }

  reopen(): Promise<ByteLink> {
    return SerialLink.open(this.path, this.baud, this.packetSize);
  }

  /** A port operation that also ends when the link fails: serialport queues a
   * write or drain on a port that closed until it opens again, i.e. for ever. */
  private orFail(op: (done: (err?: Error | null) => void) => void): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (e?: Error | null) => {
        if (settled) return;
        settled = true;
        off();
        if (e) reject(e);
        else resolve();
      };
      const off = this.onClose((e) => settle(e));
      op(settle);
    });
  }

  protected async transmit(packet: Uint8Array): Promise<void> {
    await this.orFail((done) =>
      this.port.write(Buffer.from(packet), (err) => done(err ? new LinkError(`${this.path}: write failed: ${err.message}`) : null)),
    );
    await this.orFail((done) => this.port.drain(() => done()));
  }

  protected shutdown(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.port.isOpen) return resolve();
      this.port.close(() => resolve());
    });
  }
}
export { LinkError } from "./byte-link";
