// The agent's side of the protocol, independent of the port: bytes in, frames
// out. A fixed table of requests, each a function of its binary payload; a
// type not in the table gets an error reply. Nothing received is evaluated.
//
// Every request gets exactly one reply with its seq. The last reply is kept:
// the same request again (same seq and CRC: the host resending after a lost or
// damaged reply) gets the same reply without running twice.
import { readFileSync } from "node:fs";
import { ModelStore, AgentError, Active } from "./model-store";
import { Runtime } from "./bundle-runtime";
import {
  AgentInfo, Decoded, E, encodeFrame, Frame, FrameDecoder, MAX_PAYLOAD, PayloadError, PROTOCOL_VERSION, Reader, REPLY, T,
  T_ERROR, T_NAK, TYPE_NAMES, Writer,
} from "./protocol";

export const VERSION: string = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;

export interface ServerOptions {
  dir: string;
  runtime: Runtime;
  /** raw bytes to the port */
  send: (bytes: Uint8Array) => void;
  /** one line per event worth telling the operator */
  log?: (line: string) => void;
  /** a transfer with no chunk for this long is discarded */
  transferTimeoutMs?: number;
  maxBytes?: number;
  now?: () => number;
}

export interface ServerStats {
  frames: number;
  naks: number;
  errors: number;
  resent: number;
}

export class AgentServer {
  readonly store: ModelStore;
  readonly stats: ServerStats = { frames: 0, naks: 0, errors: 0, resent: 0 };
  private decoder = new FrameDecoder();
  private active: Active | null = null;
  private last: { seq: number; crc: number; reply: Uint8Array } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private log: (line: string) => void;
  private now: () => number;

  private handlers: Record<number, (r: Reader) => Uint8Array> = {
    [T.HELLO]: (r) => this.hello(r),
    [T.PUT]: (r) => this.put(r),
    [T.CHECK]: (r) => this.check(r),
    [T.ACTIVATE]: (r) => this.activate(r),
    [T.RUN]: (r) => this.run(r),
    [T.LIST]: (r) => this.list(r),
    [T.ABORT]: (r) => this.abort(r),
  };

  constructor(private o: ServerOptions) {
    this.store = new ModelStore(o.dir, o.runtime, o.maxBytes);
    this.log = o.log ?? (() => {});
    this.now = o.now ?? Date.now;
  }

  /** Prepares the directory and loads the active model; call once before receive(). */
  start(): void {
    const stale = this.store.open();
    if (stale.length) this.log(`removed leftovers of an interrupted transfer: ${stale.join(", ")}`);
    this.reload();
    const ms = this.o.transferTimeoutMs ?? 30_000;
    this.timer = setInterval(() => {
      const name = this.store.expire(this.now(), ms);
      if (name) this.log(`transfer of ${name} stalled for ${ms} ms: discarded`);
    }, Math.min(1000, Math.max(50, ms / 4)));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.store.discard();
  }

  get activeInfo() {
    return this.active?.info ?? null;
  }

  private reload(): void {
    try {
      this.active = this.store.active();
      this.log(this.active ? `active model: ${this.active.info.file} (${this.active.info.bytes} bytes)` : "no active model yet");
    } catch (e) {
      this.active = null;
      this.log(`the active model does not load (${(e as Error).message}): serving none until the next upload`);
    }
  }

  receive(bytes: ArrayLike<number>): void {
    this.decoder.push(bytes, (d) => this.onFrame(d));
  }

  private onFrame(d: Decoded): void {
    if (!d.ok) {
      this.stats.naks++;
      this.o.send(encodeFrame(T_NAK, 0, new Writer().json({ reason: d.reason }).done()));
      return;
    }
    const f = d.frame;
    this.stats.frames++;
    if (this.last && this.last.seq === f.seq && this.last.crc === f.crc) {
      this.stats.resent++;
      this.o.send(this.last.reply);
      return;
    }
    const reply = this.answer(f);
    this.last = { seq: f.seq, crc: f.crc, reply };
    this.o.send(reply);
  }

  private answer(f: Frame): Uint8Array {
    const h = this.handlers[f.type];
    if (!h) return this.error(f, E.UNKNOWN_TYPE, `unknown request type 0x${f.type.toString(16).padStart(2, "0")}`);
    try {
      const payload = h(new Reader(f.payload));
      return encodeFrame(f.type | REPLY, f.seq, payload);
    } catch (e) {
      if (e instanceof AgentError) return this.error(f, e.code, e.message);
      if (e instanceof PayloadError) return this.error(f, E.BAD_PAYLOAD, `${TYPE_NAMES[f.type]}: ${e.message}`);
      return this.error(f, E.IO, `${TYPE_NAMES[f.type]}: ${(e as Error).message}`);
    }
  }

  private error(f: Frame, code: number, message: string): Uint8Array {
    this.stats.errors++;
    this.log(`refused ${TYPE_NAMES[f.type] ?? `type 0x${f.type.toString(16)}`} (seq ${f.seq}): ${message}`);
    return encodeFrame(T_ERROR, f.seq, new Writer().u8(code).bytes(Buffer.from(message.slice(0, MAX_PAYLOAD - 1), "utf8").subarray(0, MAX_PAYLOAD - 1)).done());
  }

  info(): AgentInfo {
    return { agent: "edgefnn", version: VERSION, protocol: PROTOCOL_VERSION, maxPayload: MAX_PAYLOAD, active: this.activeInfo, staged: this.store.staged };
  }

  // ---- the requests ----

  /** nonce (4 bytes), protocol version u8 -> nonce, JSON info */
  private hello(r: Reader): Uint8Array {
    const nonce = r.bytes(4);
    r.u8();
    r.end();
    return new Writer().bytes(nonce).json(this.info()).done();
  }

  /** name, total u32, offset u32, bytes -> received u32 */
  private put(r: Reader): Uint8Array {
    const name = r.name(), total = r.u32(), offset = r.u32(), data = r.rest();
    if (offset === 0) this.log(`receiving ${name} (${total} bytes)`);
    return new Writer().u32(this.store.put(name, total, offset, data, this.now())).done();
  }

  /** name -> received u32, total u32, CRC-32 u32 of the staged bytes on disk */
  private check(r: Reader): Uint8Array {
    const name = r.name();
    r.end();
    const c = this.store.check(name);
    return new Writer().u32(c.received).u32(c.total).u32(c.crc).done();
  }

  /** name, total u32, CRC-32 u32 -> JSON {active, previous} */
  private activate(r: Reader): Uint8Array {
    const name = r.name(), total = r.u32(), crc = r.u32();
    r.end();
    const { active, previous } = this.store.activate(name, total, crc);
    this.active = active;
    this.log(`activated ${active.info.file}${previous ? ` (replaced ${previous.file})` : ""}`);
    return new Writer().json({ active: active.info, previous }).done();
  }

  /** check u8, id u32, rows u16, rows x inputSize float32 -> rows u16, per row: class u16, outputSize float32 */
  private run(r: Reader): Uint8Array {
    const check = r.u8(), id = r.u32(), rows = r.u16();
    const a = this.active;
    if (!a) throw new AgentError(E.NO_MODEL, "no active model: upload one first");
    if (check && id !== a.info.id) throw new AgentError(E.OTHER_MODEL, `the active model is ${a.info.file}, not the one asked for`);
    const D = a.info.inputSize, K = a.info.outputSize;
    if (2 + rows * (2 + 4 * K) > MAX_PAYLOAD) throw new AgentError(E.BAD_PAYLOAD, `${rows} rows do not fit in one reply: send at most ${Math.floor((MAX_PAYLOAD - 2) / (2 + 4 * K))}`);
    const data = r.rest();
    if (data.length !== rows * D * 4) throw new AgentError(E.BAD_PAYLOAD, `${rows} rows of ${D} inputs are ${rows * D * 4} bytes, got ${data.length}`);
    const v = new DataView(data.buffer, data.byteOffset, data.length);
    const x = new Float32Array(D);
    const w = new Writer().u16(rows);
    for (let i = 0; i < rows; i++) {
      for (let k = 0; k < D; k++) x[k] = v.getFloat32((i * D + k) * 4, true);
      const y = a.model.run(x);
      const out = new Uint8Array(K * 4);
      const ov = new DataView(out.buffer);
      for (let k = 0; k < K; k++) ov.setFloat32(k * 4, y[k], true);
      w.u16(a.model.classify(x)).bytes(out);
    }
    return w.done();
  }

  /** -> JSON {active, staged, files} */
  private list(r: Reader): Uint8Array {
    r.end();
    return new Writer().json({ active: this.activeInfo, staged: this.store.staged, files: this.store.files() }).done();
  }

  /** -> u8: 1 if a transfer was discarded */
  private abort(r: Reader): Uint8Array {
    r.end();
    const name = this.store.staged?.name;
    const had = this.store.discard();
    if (had) this.log(`transfer of ${name} aborted by the host`);
    return new Writer().u8(had ? 1 : 0).done();
  }
}
