// The virtual board on a TCP port, as an ESP32's Espruino console is on telnet
// port 23: no socat, no pty. One host at a time (a new connection replaces the
// old, as a board's single console would). What a host sends waits here and
// reaches the board's input buffer only as fast as the interpreter frees room
// in it: TCP's window is the flow control, so the bytes are never lost on the
// way in (the faults still act on them), as with a real network stack that
// stops reading when the input queue is full.
import { createServer, Server, Socket } from "node:net";
import { BleRadio } from "./ble-radio";
import { VirtualBoard } from "./virtual-board";

export interface TcpPort {
  /** tcp://127.0.0.1:PORT */
  url: string;
  port: number;
  /** the board's output goes here */
  write(bytes: Uint8Array): void;
  close(): Promise<void>;
}

/** a little over what one pump of the interpreter frees: more waits in the socket (TCP pushes back) */
const HELD_MAX = 4096;

/** `radio`: the host's bytes go through a simulated Bluetooth LE link (ble-radio.ts) instead of waiting for room in the board's buffer. */
export function listenTcp(board: VirtualBoard, port: number, radio?: BleRadio): Promise<TcpPort> {
  let client: Socket | null = null;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const feed = () => {
    while (heldBytes > 0) {
      const room = board.room();
      if (room <= 0) break;
      const first = held[0];
      const n = Math.min(room, first.length);
      board.receive(first.subarray(0, n));
      heldBytes -= n;
      if (n === first.length) held.shift();
      else held[0] = first.subarray(n);
    }
    if (client && client.isPaused() && heldBytes < HELD_MAX) client.resume();
  };
  if (radio) {
    radio.resume = () => {
      if (client && client.isPaused()) client.resume();
    };
    // the connection drops: the host sees its socket close, as a BLE host sees a disconnect
    radio.drop = () => client?.destroy();
  } else board.onRoom = feed;
  const server: Server = createServer((s) => {
    client?.destroy();
    held = [];
    heldBytes = 0;
    client = s;
    s.setNoDelay(true);
    radio?.connected();
    s.on("data", (b: Buffer) => {
      if (s !== client) return;
      if (radio) {
        radio.fromHost(new Uint8Array(b));
        if (radio.full && !s.destroyed) s.pause();
        return;
      }
      held.push(new Uint8Array(b));
      heldBytes += b.length;
      feed();
      if (heldBytes >= HELD_MAX) s.pause();
    });
    s.on("error", () => {});
    s.on("close", () => {
      if (client === s) client = null;
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new RangeError(
          e.code === "EADDRINUSE"
            ? `TCP port ${port} is in use: choose another --tcp port (0: any free one)`
            : `cannot listen on TCP port ${port}: ${e.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => {
      const at = server.address();
      const p = typeof at === "object" && at ? at.port : port;
      let closing: Promise<void> | null = null;
      resolve({
        url: `tcp://127.0.0.1:${p}`,
        port: p,
        write: (bytes) => {
          if (client && !client.destroyed) client.write(bytes);
        },
        close: () =>
          (closing ??= new Promise<void>((done) => {
            board.onRoom = null;
            client?.destroy();
            server.close(() => done());
          })),
      });
    });
  });
}
