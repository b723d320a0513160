// A TCP connection: an ESP32 or ESP8266 board's console on telnet port 23,
// an Espruino behind a serial-to-TCP bridge, or `edgefnn sim --tcp`. TCP sets
// no speed of its own (its window is the flow control), so writes are not
// paced; the board's XON/XOFF is still honoured.
import { connect, Socket } from "node:net";
import { ByteLink, LinkError } from "./byte-link";
import { PacedLink } from "./paced-link";

export const TELNET_PORT = 23;

/** host and port of tcp://host[:port], or null if `port` is not of that form */
export function parseTcp(port: string): { host: string; port: number } | null {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)(?::(\d{1,5}))?\/?$/.exec(port);
  if (!m) return null;
  const n = m[2] === undefined ? TELNET_PORT : Number(m[2]);
  if (n < 1 || n > 65535) return null;
  return { host: m[1].replace(/^\[|\]$/g, ""), port: n };
}

export class TcpLink extends PacedLink {
  readonly speed = "TCP";

  private constructor(
    private socket: Socket,
    path: string,
    packetSize: number,
  ) {
    super(path, packetSize, Infinity, Infinity);
    socket.on("data", (buf: Buffer) => this.arrived(new Uint8Array(buf.buffer, buf.byteOffset, buf.length)));
    socket.on("close", () => this.fail(new LinkError(`${path}: the connection closed`)));
    socket.on("error", (e: Error) => this.fail(new LinkError(`${path}: ${e.message}`)));
  }

  static open(path: string, packetSize = 64, timeoutMs = 5000): Promise<TcpLink> {
    const at = parseTcp(path);
    if (!at)
      return Promise.reject(
        new LinkError(`${path}: write a TCP port as tcp://host or tcp://host:port (port 1..65535, default ${TELNET_PORT})`),
      );
    return new Promise((resolve, reject) => {
      const socket = connect({ host: at.host, port: at.port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new LinkError(`cannot open ${path}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("error", (e) => {
        clearTimeout(timer);
        reject(new LinkError(`cannot open ${path}: ${e.message}`));
      });
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new TcpLink(socket, path, packetSize));
      });
    });
  }

  reopen(): Promise<ByteLink> {
    return TcpLink.open(this.path, this.packetSize);
  }

  protected transmit(packet: Uint8Array): Promise<void> {
    const failed = this.failure;
    if (failed) return Promise.reject(failed);
    return new Promise((resolve, reject) => {
      const off = this.onClose((e) => reject(e));
      this.socket.write(packet, (err) => {
        off();
        if (err) reject(new LinkError(`${this.path}: write failed: ${err.message}`));
        else resolve();
      });
    });
  }

  protected shutdown(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 500).unref();
    });
  }
}
