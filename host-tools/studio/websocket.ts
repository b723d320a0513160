// The server side of a WebSocket (RFC 6455), just what the studio's bridge to
// the virtual board needs: the opening handshake, binary (and text) messages
// in both directions, ping/pong and close. Node 20 has a WebSocket client but
// no server; this keeps the package free of another dependency. Frames from a
// browser are always masked (6455 section 5.1); ours to it never are.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** the largest message accepted: a file chunk is far smaller */
const MAX_MESSAGE = 1 << 20;

export interface WebSocketPeer {
  send(bytes: Uint8Array): void;
  onMessage(f: (bytes: Uint8Array) => void): void;
  onClose(f: () => void): void;
  close(): void;
}

/** Completes the handshake on an 'upgrade' request, or answers 400 and returns null. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex): WebSocketPeer | null {
  const key = req.headers["sec-websocket-key"];
  if (typeof key !== "string" || String(req.headers.upgrade).toLowerCase() !== "websocket") {
    socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
    return null;
  }
  const accept = createHash("sha1")
    .update(key + GUID)
    .digest("base64");
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buffered = Buffer.alloc(0);
  let fragments: Buffer[] = [];
  let closed = false;
  const onMessage: ((b: Uint8Array) => void)[] = [];
  const onClose: (() => void)[] = [];
  const frame = (opcode: number, payload: Uint8Array): Buffer => {
    const n = payload.length;
    const head =
      n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255]) : Buffer.alloc(10);
    if (n >= 65536) {
      head[0] = 0x80 | opcode;
      head[1] = 127;
      head.writeBigUInt64BE(BigInt(n), 2);
    }
    return Buffer.concat([head, payload]);
  };
  const finish = () => {
    if (closed) return;
    closed = true;
    socket.end();
    onClose.forEach((f) => f());
  };
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      const fin = (buffered[0] & 0x80) !== 0,
        opcode = buffered[0] & 0x0f,
        masked = (buffered[1] & 0x80) !== 0;
      let len = buffered[1] & 0x7f,
        at = 2;
      if (len === 126) {
        if (buffered.length < 4) return;
        len = buffered.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (buffered.length < 10) return;
        const big = buffered.readBigUInt64BE(2);
        len = big > BigInt(MAX_MESSAGE) ? MAX_MESSAGE + 1 : Number(big);
        at = 10;
      }
      if (!masked || len > MAX_MESSAGE) {
        // a client must mask (6455 5.1); an oversized message is refused: 1002 protocol error, 1009 too big
        socket.end(frame(8, Buffer.from([0x03, masked ? 0xf1 : 0xea])));
        finish();
        return;
      }
      if (buffered.length < at + 4 + len) return;
      const mask = buffered.subarray(at, at + 4);
      const payload = Buffer.from(buffered.subarray(at + 4, at + 4 + len));
      for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
      buffered = buffered.subarray(at + 4 + len);
      if (opcode === 8) {
        socket.write(frame(8, payload.subarray(0, 2)));
        finish();
        return;
      }
      if (opcode === 9) socket.write(frame(10, payload));
      else if (opcode === 0 || opcode === 1 || opcode === 2) {
        fragments.push(payload);
        if (fin) {
          const whole = Buffer.concat(fragments);
          fragments = [];
          onMessage.forEach((f) => f(new Uint8Array(whole.buffer, whole.byteOffset, whole.length)));
        }
      }
    }
  });
  socket.on("close", finish);
  socket.on("error", finish);
  return {
    send: (bytes) => {
      if (!closed) socket.write(frame(2, bytes));
    },
    onMessage: (f) => onMessage.push(f),
    onClose: (f) => onClose.push(f),
    close: () => {
      if (!closed) socket.write(frame(8, Buffer.from([0x03, 0xe8])));
      finish();
    },
  };
}
