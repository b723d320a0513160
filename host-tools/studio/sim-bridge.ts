// edgefnn studio --sim: the page's board link, carried by a WebSocket to this
// process and from here by TCP to a virtual board (host-tools/sim, the same
// one `edgefnn sim --tcp` runs). Headless Chromium has no radio and no serial
// ports; with the bridge the page's own upload code runs against a board,
// only the last hop differs. One WebSocket, one TCP connection, bytes passed
// through unchanged both ways.
import type { IncomingMessage } from "node:http";
import { connect } from "node:net";
import type { Duplex } from "node:stream";
import { acceptWebSocket } from "./websocket";

/** Handles an 'upgrade' to /link from the page's own origin: bridges it to the board on 127.0.0.1:tcpPort. */
export function bridgeUpgrade(req: IncomingMessage, socket: Duplex, tcpPort: number, pagePort: number): void {
  const origin = req.headers.origin;
  // only the studio page itself may drive the board (any site could open a WebSocket to 127.0.0.1)
  const ours = origin === `http://127.0.0.1:${pagePort}` || origin === `http://localhost:${pagePort}`;
  if ((req.url ?? "").split("?")[0] !== "/link" || !ours) {
    socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
    return;
  }
  const ws = acceptWebSocket(req, socket);
  if (!ws) return;
  const tcp = connect({ host: "127.0.0.1", port: tcpPort });
  tcp.setNoDelay(true);
  const early: Uint8Array[] = [];
  let connected = false;
  tcp.on("connect", () => {
    connected = true;
    for (const b of early) tcp.write(b);
    early.length = 0;
  });
  tcp.on("data", (b: Buffer) => ws.send(new Uint8Array(b.buffer, b.byteOffset, b.length)));
  tcp.on("close", () => ws.close());
  tcp.on("error", () => ws.close());
  ws.onMessage((b) => (connected ? tcp.write(b) : early.push(b)));
  ws.onClose(() => tcp.destroy());
}
