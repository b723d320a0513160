// The agent's side of the protocol, independent of the port: bytes in, frames
// out. A fixed table of requests, each a function of its binary payload; a
// type not in the table gets an error reply. Nothing received is evaluated.
//
// Every request gets exactly one reply with its seq. The last reply is kept:
// the same request again (same seq and CRC: the host resending after a lost or
// damaged reply) gets the same reply without running twice.
import { ModelStore, AgentError, Active } from "./model-store";
import { Runtime } from "./bundle-runtime";
import { PACKAGE_VERSION } from "../files/package-root";
import {
  ActiveInfo,
  AgentInfo,
  Decoded,
  E,
  encodeFrame,
  Frame,
  FrameDecoder,
  LABELS_REPLY_HEADER,
  MAX_PAYLOAD,
  PayloadError,
  PROTOCOL_VERSION,
  Reader,
  REPLY,
  RUN_PART_OUTPUTS,
  RUN_STAGED,
  runRowsPerFrame,
  T,
  T_ERROR,
  T_NAK,
  TYPE_NAMES,
  Writer,
} from "./protocol";

/** the package's version, cut so that HELLO stays small whatever package.json says */
export const VERSION: string = PACKAGE_VERSION.slice(0, 32);

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
  /** the row INPUT requests are filling, for a model whose row does not fit in a RUN_PART request */
  private row: { id: number; x: Float32Array; filled: number } | null = null;
  /** the row RUN_PART last ran and what it gave: the host asks for a wide row's outputs a page per request (a row of
   * 65,535 outputs is 258 pages), and running the whole row again for each page made one row 258 runs */
  private ran: { model: Active; x: Float32Array; y: Float32Array; cls: number } | null = null;
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
    [T.LABELS]: (r) => this.labels(r),
    [T.INPUT]: (r) => this.input(r),
    [T.RUN_PART]: (r) => this.runPart(r),
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
    this.timer = setInterval(
      () => {
        const name = this.store.expire(this.now(), ms);
        if (name) this.log(`transfer of ${name} stalled for ${ms} ms: discarded`);
      },
      Math.min(1000, Math.max(50, ms / 4)),
    );
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
    this.row = null;
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
      // every reply is sized to fit by construction; should one ever not, the
      // host hears why instead of a RangeError from the encoder
      if (payload.length > MAX_PAYLOAD)
        return this.error(
          f,
          E.IO,
          `${TYPE_NAMES[f.type]}: the reply would be ${payload.length} bytes, more than a frame carries (${MAX_PAYLOAD}): a bug in ` +
            `this agent, please report it`,
        );
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
    return encodeFrame(
      T_ERROR,
      f.seq,
      new Writer()
        .u8(code)
        .bytes(Buffer.from(message.slice(0, MAX_PAYLOAD - 1), "utf8").subarray(0, MAX_PAYLOAD - 1))
        .done(),
    );
  }

  info(active: ActiveInfo | null = this.activeInfo): AgentInfo {
    return { agent: "edgefnn", version: VERSION, protocol: PROTOCOL_VERSION, maxPayload: MAX_PAYLOAD, active, staged: this.store.staged };
  }

  private listing(active: ActiveInfo | null) {
    return { active, staged: this.store.staged, files: this.store.files() };
  }

  /** Refuses, before it becomes active, a model whose HELLO, ACTIVATE or LIST
   * reply would not fit in a frame. (None does: ActiveInfo has a bounded size.
   * This keeps it so if a field is ever added.) RUN_PART and INPUT serve any
   * input and output size, one row and one page of outputs at a time. */
  private accept(candidate: Active): void {
    const staged = { name: "x".repeat(32), received: 0xffffffff, total: 0xffffffff };
    const worst = { ...candidate.info, name: candidate.info.name ?? "x".repeat(32) };
    const sizes: [string, number][] = [
      ["hello", 4 + Buffer.byteLength(JSON.stringify({ ...this.info(worst), staged }))],
      ["activate", Buffer.byteLength(JSON.stringify({ active: worst, previous: worst }))],
      ["list", Buffer.byteLength(JSON.stringify({ ...this.listing(worst), staged }))],
    ];
    for (const [what, n] of sizes)
      if (n > MAX_PAYLOAD)
        throw new AgentError(
          E.BAD_MODEL,
          `${candidate.info.file}: the agent could not describe it (its ${what} reply would be ${n} bytes, at most ${MAX_PAYLOAD}); ` +
            `the previous model stays active`,
        );
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
    const name = r.name(),
      total = r.u32(),
      offset = r.u32(),
      data = r.rest();
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
    const name = r.name(),
      total = r.u32(),
      crc = r.u32();
    r.end();
    let done: { active: Active; previous: ActiveInfo | null };
    try {
      done = this.store.activate(name, total, crc, (c) => this.accept(c));
    } catch (e) {
      // whatever failed, serve what the disk holds now
      this.reload();
      throw e;
    }
    const { active, previous } = done;
    this.active = active;
    this.row = null;
    this.log(`activated ${active.info.file}${previous ? ` (replaced ${previous.file})` : ""}`);
    return new Writer().json({ active: active.info, previous }).done();
  }

  /** check u8, id u32, rows u16, rows x inputSize float32 -> rows u16, per row: class u16, outputSize float32 */
  private run(r: Reader): Uint8Array {
    const check = r.u8(),
      id = r.u32(),
      rows = r.u16();
    const a = this.active;
    if (!a) throw new AgentError(E.NO_MODEL, "no active model: upload one first");
    if (check && id !== a.info.id) throw new AgentError(E.OTHER_MODEL, `the active model is ${a.info.file}, not the one asked for`);
    const D = a.info.inputSize,
      K = a.info.outputSize;
    const most = runRowsPerFrame(D, K);
    if (most < 1)
      throw new AgentError(
        E.BAD_PAYLOAD,
        `${a.info.file} has ${D} inputs and ${K} outputs: a row does not fit in a RUN request and its reply; use RUN_PART (protocol 2)`,
      );
    if (rows > most) throw new AgentError(E.BAD_PAYLOAD, `${rows} rows do not fit in one reply: send at most ${most}`);
    const data = r.rest();
    if (data.length !== rows * D * 4)
      throw new AgentError(E.BAD_PAYLOAD, `${rows} rows of ${D} inputs are ${rows * D * 4} bytes, got ${data.length}`);
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
    return new Writer().json(this.listing(this.activeInfo)).done();
  }

  private require(id: number): Active {
    const a = this.active;
    if (!a) throw new AgentError(E.NO_MODEL, "no active model: upload one first");
    if (id !== a.info.id) throw new AgentError(E.OTHER_MODEL, `the active model is ${a.info.file}, not the one asked for`);
    return a;
  }

  /** id u32, first u16 -> total u16, first u16, n u16, n times (u8 length, bytes): as many labels as fit */
  private labels(r: Reader): Uint8Array {
    const id = r.u32(),
      first = r.u16();
    r.end();
    const labels = this.require(id).labels;
    if (first > labels.length) throw new AgentError(E.BAD_PAYLOAD, `labels from ${first}: the model has ${labels.length}`);
    const parts: Uint8Array[] = [];
    let size = LABELS_REPLY_HEADER;
    for (let k = first; k < labels.length; k++) {
      // labels are 1 to 32 printable ASCII characters (the runtime's load() checks), so each page holds at least 30
      const b = Buffer.from(labels[k].slice(0, 255), "latin1");
      if (size + 1 + b.length > MAX_PAYLOAD) break;
      parts.push(b);
      size += 1 + b.length;
    }
    const w = new Writer().u16(labels.length).u16(first).u16(parts.length);
    for (const b of parts) w.u8(b.length).bytes(b);
    return w.done();
  }

  /** id u32, offset u16, float32s -> u16: inputs held so far. Fills the row a
   * RUN_PART with RUN_STAGED runs, for models whose row is too big for one frame. */
  private input(r: Reader): Uint8Array {
    const id = r.u32(),
      offset = r.u16(),
      data = r.rest();
    const a = this.require(id);
    const D = a.info.inputSize;
    if (data.length % 4) throw new AgentError(E.BAD_PAYLOAD, `${data.length} bytes are not whole float32 values`);
    const n = data.length / 4;
    if (offset + n > D) throw new AgentError(E.BAD_PAYLOAD, `inputs ${offset}..${offset + n} lie beyond the model's ${D}`);
    if (offset === 0 || !this.row || this.row.id !== id) this.row = { id, x: new Float32Array(D), filled: 0 };
    const row = this.row;
    if (offset > row.filled) throw new AgentError(E.BAD_OFFSET, `expected input ${row.filled}, got ${offset}`);
    const v = new DataView(data.buffer, data.byteOffset, data.length);
    for (let k = 0; k < n; k++) row.x[offset + k] = v.getFloat32(k * 4, true);
    row.filled = Math.max(row.filled, offset + n);
    return new Writer().u16(row.filled).done();
  }

  /** flags u8, id u32, first u16, [inputSize float32 unless RUN_STAGED] -> first u16, n u16, class u16, n float32:
   * one row's outputs first .. first + n - 1, as many as fit */
  private runPart(r: Reader): Uint8Array {
    const flags = r.u8(),
      id = r.u32(),
      first = r.u16();
    const a = this.require(id);
    const D = a.info.inputSize,
      K = a.info.outputSize;
    if (first >= K) throw new AgentError(E.BAD_PAYLOAD, `output ${first}: the model has ${K}`);
    let x: Float32Array;
    if (flags & RUN_STAGED) {
      r.end();
      const row = this.row;
      if (!row || row.id !== id || row.filled !== D)
        throw new AgentError(
          E.NO_TRANSFER,
          `no whole row staged: send its ${D} inputs with INPUT first${row && row.id === id ? ` (${row.filled} so far)` : ""}`,
        );
      x = row.x;
    } else {
      const data = r.rest();
      if (data.length !== D * 4) throw new AgentError(E.BAD_PAYLOAD, `a row of ${D} inputs is ${D * 4} bytes, got ${data.length}`);
      const v = new DataView(data.buffer, data.byteOffset, data.length);
      x = Float32Array.from({ length: D }, (_, k) => v.getFloat32(k * 4, true));
    }
    // the same model and the same input bits (NaN and -0 included): the same outputs
    let ran = this.ran;
    if (!ran || ran.model !== a || !sameBits(ran.x, x))
      ran = this.ran = { model: a, x: x.slice(), y: Float32Array.from(a.model.run(x)), cls: a.model.classify(x) };
    const y = ran.y;
    const n = Math.min(K - first, RUN_PART_OUTPUTS);
    const out = new Uint8Array(n * 4);
    const ov = new DataView(out.buffer);
    for (let k = 0; k < n; k++) ov.setFloat32(k * 4, y[first + k], true);
    return new Writer().u16(first).u16(n).u16(ran.cls).bytes(out).done();
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

/** whether two float32 arrays hold the same bits */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length),
    v = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  return true;
}
