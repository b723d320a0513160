/// <reference lib="dom" />
// A ByteLink (host-tools/links/byte-link.ts) over the browser's WebSocket, to
// `edgefnn studio --sim`'s bridge to a virtual board. PacedLink gives it what
// every link has (XON/XOFF honoured, writes in packets); the packets are
// BLE-sized (20 bytes, a Nordic UART write without a larger MTU), as a
// Web Bluetooth link's would be. Everything above it (the REPL, the verified
// Storage writes, the upload, verify's runner) is the CLI's own code.
import type { ByteLink } from "../../links/byte-link";
import { LinkError } from "../../links/byte-link";
import { PacedLink } from "../../links/paced-link";

export const BLE_PACKET = 20;

export class WebSocketLink extends PacedLink {
  readonly speed = "WebSocket to the virtual board, 20-byte packets";

  private constructor(
    private readonly ws: WebSocket,
    url: string,
  ) {
    super(url, BLE_PACKET, Infinity);
    ws.binaryType = "arraybuffer";
    ws.onmessage = (e) => this.arrived(new Uint8Array(e.data as ArrayBuffer));
    ws.onclose = () => this.fail(new LinkError(`${url}: the connection closed`));
    ws.onerror = () => this.fail(new LinkError(`${url}: the connection failed`));
  }

  static open(url: string, timeoutMs = 5000): Promise<WebSocketLink> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => {
        ws.close();
        reject(new LinkError(`cannot open ${url}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.onerror = () => {
        clearTimeout(timer);
        reject(new LinkError(`cannot open ${url}: is edgefnn studio running with --sim?`));
      };
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(new WebSocketLink(ws, url));
      };
    });
  }

  reopen(): Promise<ByteLink> {
    return WebSocketLink.open(this.path);
  }

  protected transmit(packet: Uint8Array): Promise<void> {
    const failed = this.failure;
    if (failed) return Promise.reject(failed);
    // send() copies the bytes; the caller may reuse its buffer
    this.ws.send(packet.slice());
    return Promise.resolve();
  }

  protected shutdown(): Promise<void> {
    this.ws.close();
    return Promise.resolve();
  }
}
