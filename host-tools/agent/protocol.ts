// The edgefnn agent protocol (docs/AGENT-PROTOCOL.md), shared by the agent on
// a Raspberry Pi and the host's client: framing, the request and reply types,
// and the payload layouts. Data only: nothing that arrives is ever evaluated.
//
// On the wire a frame is FLAG, the escaped body, FLAG (RFC 1662's asynchronous
// HDLC framing). The body is
//   "Ef" | type u8 | seq u16 | length u16 | payload (length bytes) | CRC-32 u32
// little-endian, the CRC-32 (host-tools/files/crc32.ts; src/core/crc32.ts the same) over everything before it.
// Every byte below 0x20 and 0x7D..0x7F travels as ESC, byte ^ 0x20, so a frame
// holds no XON/XOFF, newline, Ctrl-C or DLE: to an Espruino console it is one
// line of harmless printable garbage, and the host's XON/XOFF handling never
// eats a byte of it.
import { crc32 } from "../files/crc32";

export const FLAG = 0x7e;
export const ESC = 0x7d;
export const MAGIC0 = 0x45; // "E"
export const MAGIC1 = 0x66; // "f"
/** 2: HELLO, ACTIVATE and LIST describe a model without its labels (LABELS pages
 * them), and RUN_PART and INPUT run models whose rows or outputs do not fit a frame */
export const PROTOCOL_VERSION = 2;
export const HEADER = 7;
/** magic, type, seq, length and the CRC: the smallest body */
export const OVERHEAD = HEADER + 4;
/** the largest payload either side sends or accepts */
export const MAX_PAYLOAD = 1024;

/** Requests, host -> agent. A reply has the request's type with REPLY set, and its seq. */
export const T = {
  HELLO: 0x01,
  PUT: 0x02,
  CHECK: 0x03,
  ACTIVATE: 0x04,
  RUN: 0x05,
  LIST: 0x06,
  ABORT: 0x07,
  LABELS: 0x08,
  INPUT: 0x09,
  RUN_PART: 0x0a,
} as const;
export const REPLY = 0x80;
/** agent -> host: the request was understood and refused (payload: code u8, UTF-8 message) */
export const T_ERROR = 0xff;
/** agent -> host: a frame arrived damaged (bad CRC, wrong length): send it again */
export const T_NAK = 0xfe;

export const TYPE_NAMES: Record<number, string> = {
  [T.HELLO]: "hello",
  [T.PUT]: "put",
  [T.CHECK]: "check",
  [T.ACTIVATE]: "activate",
  [T.RUN]: "run",
  [T.LIST]: "list",
  [T.ABORT]: "abort",
  [T.LABELS]: "labels",
  [T.INPUT]: "input",
  [T.RUN_PART]: "run-part",
};

/** Error codes of a T_ERROR reply. */
export const E = {
  UNKNOWN_TYPE: 1,
  BAD_PAYLOAD: 2,
  BAD_NAME: 3,
  NO_TRANSFER: 4,
  BAD_OFFSET: 5,
  CHECKSUM: 6,
  BAD_MODEL: 7,
  NO_MODEL: 8,
  OTHER_MODEL: 9,
  TOO_LARGE: 10,
  IO: 11,
} as const;

/** A model's name: what the Espruino uploader allows, and a safe file-name part. */
export const NAME_RE = /^[A-Za-z0-9_-]{1,32}$/;

export interface Frame {
  type: number;
  seq: number;
  payload: Uint8Array;
  /** CRC-32 of the body: with seq, it tells a resent request from a new one */
  crc: number;
}

function escaped(b: number): boolean {
  return b < 0x20 || b === ESC || b === FLAG || b === 0x7f;
}

/** The bytes on the wire for one frame. */
export function encodeFrame(type: number, seq: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.length > MAX_PAYLOAD) throw new RangeError(`payload of ${payload.length} bytes, at most ${MAX_PAYLOAD}`);
  const body = new Uint8Array(OVERHEAD + payload.length);
  const v = new DataView(body.buffer);
  body[0] = MAGIC0;
  body[1] = MAGIC1;
  body[2] = type;
  v.setUint16(3, seq & 0xffff, true);
  v.setUint16(5, payload.length, true);
  body.set(payload, HEADER);
  v.setUint32(HEADER + payload.length, crc32(body, HEADER + payload.length), true);
  const out: number[] = [FLAG];
  for (const b of body) {
    if (escaped(b)) out.push(ESC, b ^ 0x20);
    else out.push(b);
  }
  out.push(FLAG);
  return Uint8Array.from(out);
}

export type Decoded = { ok: true; frame: Frame } | { ok: false; reason: string };

/** Finds frames in a byte stream. Bytes outside FLAG..FLAG that do not start
 * with the magic (an Espruino console's echo, line noise, a terminal's
 * keystrokes) are dropped without a word; a candidate that starts with the
 * magic but fails its length or CRC is reported, so the agent can NAK it.
 * A candidate longer than any valid frame is cut off, so memory stays bounded. */
export class FrameDecoder {
  private buf = new Uint8Array(2 * (OVERHEAD + MAX_PAYLOAD));
  private n = 0;
  private inFrame = false;
  private esc = false;
  private overflow = false;

  push(bytes: ArrayLike<number>, emit: (d: Decoded) => void): void {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === FLAG) {
        if (this.inFrame && this.n > 0) {
          const d = this.finish();
          if (d) emit(d);
        }
        this.inFrame = true;
        this.n = 0;
        this.esc = false;
        this.overflow = false;
        continue;
      }
      if (!this.inFrame) continue;
      // raw control bytes are never sent inside a frame: something on the line
      // put them there (flow control, a modem); drop them and let the CRC judge
      if (b < 0x20) continue;
      if (this.esc) {
        this.esc = false;
        this.put(b ^ 0x20);
      } else if (b === ESC) this.esc = true;
      else this.put(b);
    }
  }

  private put(b: number): void {
    if (this.n >= OVERHEAD + MAX_PAYLOAD) this.overflow = true;
    else this.buf[this.n++] = b;
  }

  private finish(): Decoded | null {
    const body = this.buf.subarray(0, this.n);
    if (body.length < 2 || body[0] !== MAGIC0 || body[1] !== MAGIC1) return null;
    if (this.overflow) return { ok: false, reason: "frame too long" };
    if (body.length < OVERHEAD) return { ok: false, reason: `truncated frame (${body.length} bytes)` };
    const v = new DataView(body.buffer, body.byteOffset, body.length);
    const len = v.getUint16(5, true);
    if (body.length !== OVERHEAD + len) return { ok: false, reason: `length ${len} but ${body.length - OVERHEAD} payload bytes` };
    const crc = v.getUint32(HEADER + len, true);
    if (crc32(body, HEADER + len) !== crc) return { ok: false, reason: "CRC mismatch" };
    return { ok: true, frame: { type: body[2], seq: v.getUint16(3, true), payload: body.slice(HEADER, HEADER + len), crc } };
  }
}

// ---- payloads: a little reader and writer, bounds-checked ----

export class PayloadError extends Error {}

export class Reader {
  private o = 0;
  private v: DataView;
  constructor(private b: Uint8Array) {
    this.v = new DataView(b.buffer, b.byteOffset, b.length);
  }
  private need(n: number): void {
    if (this.o + n > this.b.length) throw new PayloadError(`payload too short: needs ${this.o + n} bytes, has ${this.b.length}`);
  }
  u8(): number {
    this.need(1);
    return this.b[this.o++];
  }
  u16(): number {
    this.need(2);
    const x = this.v.getUint16(this.o, true);
    this.o += 2;
    return x;
  }
  u32(): number {
    this.need(4);
    const x = this.v.getUint32(this.o, true);
    this.o += 4;
    return x;
  }
  bytes(n: number): Uint8Array {
    this.need(n);
    const x = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return x;
  }
  /** u8 length, then that many bytes of latin1 text */
  name(): string {
    return Buffer.from(this.bytes(this.u8())).toString("latin1");
  }
  rest(): Uint8Array {
    return this.bytes(this.b.length - this.o);
  }
  end(): void {
    if (this.o !== this.b.length) throw new PayloadError(`${this.b.length - this.o} unexpected bytes at the end of the payload`);
  }
}

export class Writer {
  private parts: number[] = [];
  private chunks: Uint8Array[] = [];
  private flush(): void {
    if (this.parts.length) this.chunks.push(Uint8Array.from(this.parts));
    this.parts = [];
  }
  u8(x: number): this {
    this.parts.push(x & 0xff);
    return this;
  }
  u16(x: number): this {
    this.parts.push(x & 0xff, (x >>> 8) & 0xff);
    return this;
  }
  u32(x: number): this {
    this.parts.push(x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff);
    return this;
  }
  bytes(b: Uint8Array): this {
    this.flush();
    this.chunks.push(b);
    return this;
  }
  name(s: string): this {
    const b = Buffer.from(s, "latin1");
    if (b.length > 255) throw new RangeError("name longer than 255 bytes");
    return this.u8(b.length).bytes(b);
  }
  json(x: unknown): this {
    return this.bytes(Buffer.from(JSON.stringify(x), "utf8"));
  }
  done(): Uint8Array {
    this.flush();
    return Buffer.concat(this.chunks);
  }
}

/** What HELLO, ACTIVATE and LIST report about the active model. Its size does
 * not depend on what the model holds (no labels, no weights: the name is at
 * most 32 characters, the rest are numbers), so every reply that carries it
 * fits in MAX_PAYLOAD whatever model is active; the labels come page by page
 * from LABELS. */
export interface ActiveInfo {
  /** the name it was uploaded under, or null if the agent cannot tell (its record was lost) */
  name: string | null;
  /** modelId: CRC-32 of the file without its trailing CRC, as the Espruino uploader names models */
  id: number;
  /** `${name}.${id as 8 hex digits}`, the same shape as a model file on an Espruino board */
  file: string;
  bytes: number;
  inputSize: number;
  outputSize: number;
  /** how many class labels the model has (0 or outputSize): LABELS sends them */
  labelCount: number;
  /** only from a protocol 1 agent, which sent them all (and failed when they did not fit) */
  labels?: string[];
}

export interface AgentInfo {
  agent: "edgefnn";
  version: string;
  protocol: number;
  maxPayload: number;
  active: ActiveInfo | null;
  /** a transfer in progress */
  staged: { name: string; received: number; total: number } | null;
}

// ---- what fits in one frame: both sides size their requests and replies from these ----

/** RUN request: check u8, id u32, rows u16, then rows x inputSize float32 */
export const RUN_HEADER = 7;
/** RUN_PART request: flags u8, id u32, first u16, then inputSize float32 (unless the row was sent by INPUT) */
export const RUN_PART_HEADER = 7;
/** RUN_PART reply: first u16, n u16, class u16, then n float32 */
export const RUN_PART_REPLY_HEADER = 6;
/** RUN_PART flag: run the row that INPUT requests sent, not one in this request */
export const RUN_STAGED = 1;
/** INPUT request: id u32, offset u16, then float32s */
export const INPUT_HEADER = 6;
/** LABELS reply: total u16, first u16, n u16, then n times (u8 length, bytes) */
export const LABELS_REPLY_HEADER = 6;

/** Rows a RUN request and its reply can carry for a model of this shape (0: not even one; use RUN_PART). */
export function runRowsPerFrame(inputSize: number, outputSize: number): number {
  return Math.min(Math.floor((MAX_PAYLOAD - RUN_HEADER) / (4 * inputSize)), Math.floor((MAX_PAYLOAD - 2) / (2 + 4 * outputSize)), 0xffff);
}

/** Whether one row of inputSize float32 fits in a RUN_PART request, or must go ahead in INPUT requests. */
export function rowFitsRunPart(inputSize: number): boolean {
  return RUN_PART_HEADER + 4 * inputSize <= MAX_PAYLOAD;
}

/** float32 values one INPUT request carries, and outputs one RUN_PART reply carries */
export const INPUT_FLOATS = Math.floor((MAX_PAYLOAD - INPUT_HEADER) / 4);
export const RUN_PART_OUTPUTS = Math.floor((MAX_PAYLOAD - RUN_PART_REPLY_HEADER) / 4);

/** float32 bits of a row, little-endian, no decimal conversion either way */
export function floatBytes(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length * 4);
  const v = new DataView(out.buffer);
  for (let i = 0; i < x.length; i++) v.setFloat32(i * 4, x[i], true);
  return out;
}
