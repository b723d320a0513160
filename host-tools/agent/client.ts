// The host's side of the agent protocol over any byte link (links/byte-link.ts): one request at a
// time, each answered by a reply with its seq. A request whose reply does not
// come (lost or damaged either way) or that the agent NAKs is sent again, the
// same bytes with the same seq, a bounded number of times; the agent answers a
// resent request from its reply cache, so nothing runs twice.
import { randomBytes } from "node:crypto";
import { crc32 } from "../files/crc32";
import { ByteLink, LinkError } from "../links/byte-link";
import { Clock, realClock } from "../protocols/clock";
import { Inbox } from "../protocols/inbox";
import { parseTimeoutSpec } from "../protocols/timeouts-spec";
import {
  ActiveInfo,
  AgentInfo,
  encodeFrame,
  Frame,
  FrameDecoder,
  floatBytes,
  INPUT_FLOATS,
  MAX_PAYLOAD,
  PROTOCOL_VERSION,
  Reader,
  REPLY,
  rowFitsRunPart,
  RUN_STAGED,
  runRowsPerFrame,
  T,
  T_ERROR,
  T_NAK,
  TYPE_NAMES,
  Writer,
} from "./protocol";

/** The agent understood the request and refused it: resending would not help. */
export class AgentRefused extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  /** ms to wait for each reply, beyond the time the bytes need on the wire */
  ms?: number;
  tries?: number;
}

/** How long the host waits for the agent. */
export interface AgentTimeouts {
  /** for each reply, beyond the time the bytes need on the wire */
  replyMs: number;
  /** for CHECK's reply (the agent reads the staged file back from its disk first) */
  checkMs: number;
  /** for ACTIVATE's (the agent fsyncs and renames first) */
  activateMs: number;
  /** sends of one request before it is given up */
  tries: number;
  /** after an interrupted upload, how long the agent is asked again which model is active (agent/reread.ts) */
  rereadMs: number;
  /** for each try of the probe's hello (is an agent on this port?); a silent port costs it twice */
  probeMs: number;
}

export const AGENT_TIMEOUTS: Readonly<AgentTimeouts> = {
  replyMs: 400,
  checkMs: 5000,
  activateMs: 10_000,
  tries: 6,
  rereadMs: 6000,
  probeMs: 300,
};

/** The environment variable that changes them for a run of the CLI: a slow link's longer waits, or a test's
 * shorter ones for a reply it knows is lost, e.g. EDGEFNN_AGENT_TIMEOUTS=activateMs=1000,rereadMs=2000 */
export const TIMEOUTS_ENV = "EDGEFNN_AGENT_TIMEOUTS";

/** AGENT_TIMEOUTS with the ones `spec` ("name=value,...") sets; throws, naming what is wrong, on anything else. */
export function parseAgentTimeouts(spec: string | undefined): AgentTimeouts {
  return parseTimeoutSpec(AGENT_TIMEOUTS, TIMEOUTS_ENV, spec, "whole number");
}

/** How the client waits: on which clock (a test's moves only when the test says so) and how long. */
export interface AgentTiming {
  clock: Clock;
  timeouts: AgentTimeouts;
}

export interface RowResult {
  outputs: Float32Array;
  /** the same outputs as hex of their float32 bits, little-endian */
  bits: string;
  cls: number;
}

const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");
/** an agent's message in ours: cut to 60 characters, control characters escaped */
const quote = (s: string) => JSON.stringify(s.length > 60 ? s.slice(0, 60) + "..." : s);
/** Espruino's console deletes the probe it echoed with these (an extra one on an empty line does nothing) */
const BACKSPACE = "\x08";

/** A HELLO frame that is plain ASCII on the wire (no byte >= 0x80 either), so
 * an Espruino console takes it as typed characters that backspaces delete one
 * by one: nothing is executed and no running code is interrupted. */
function asciiProbe(): { frame: Uint8Array; nonce: Uint8Array; seq: number } {
  for (;;) {
    const r = randomBytes(6);
    const nonce = Uint8Array.from(r.subarray(0, 4), (b) => 0x41 + (b % 26));
    const seq = 0x2020 + ((r[4] % 0x5e) | ((r[5] % 0x5e) << 8));
    const frame = encodeFrame(T.HELLO, seq, new Writer().bytes(nonce).u8(PROTOCOL_VERSION).done());
    if (frame.every((b) => b < 0x80)) return { frame, nonce, seq };
  }
}

function result(cls: number, b: Uint8Array): RowResult {
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  return {
    cls,
    bits: Buffer.from(b).toString("hex"),
    outputs: Float32Array.from({ length: b.length / 4 }, (_, j) => v.getFloat32(j * 4, true)),
  };
}

export class AgentClient {
  readonly stats = { requests: 0, retries: 0, naks: 0 };
  private decoder = new FrameDecoder();
  /** frames that began as ours but failed their length or CRC (line noise): the probe counts them as an agent's */
  private damaged = 0;
  private frames: Frame[] = [];
  private pos = 0;
  private seq: number;
  private inbox: Inbox;

  private constructor(
    readonly link: ByteLink,
    public info: AgentInfo,
    seq: number,
    readonly timing: AgentTiming,
  ) {
    this.seq = seq;
    this.inbox = Inbox.of(link);
  }

  /** Whether an edgefnn agent answers on this link: a HELLO probe, twice at
   * most, `ms` each. An Espruino console echoes the probe back (then the answer
   * is known at once) and deletes it on the backspaces that follow; it is left
   * at an empty input line. A NAK (the probe arrived damaged) proves an agent
   * too: then it is sent again, up to `agentTries` times in all. Resolves to
   * null when no agent answered. The client it makes waits on timing's clock
   * for timing's timeouts (default: the real clock, AGENT_TIMEOUTS with what
   * EDGEFNN_AGENT_TIMEOUTS sets); `ms` defaults to their probeMs. */
  static async probe(
    link: ByteLink,
    ms?: number,
    tries = 2,
    agentTries = 6,
    timing: Partial<AgentTiming> = {},
  ): Promise<AgentClient | null> {
    const timed: AgentTiming = {
      clock: timing.clock ?? realClock,
      timeouts: timing.timeouts ?? parseAgentTimeouts(process.env[TIMEOUTS_ENV]),
    };
    const wait = ms ?? timed.timeouts.probeMs;
    const scan = new AgentClient(link, null as unknown as AgentInfo, 0, timed);
    let agentSeen = false;
    for (let t = 0; t < (agentSeen ? agentTries : tries); t++) {
      const { frame, nonce, seq } = asciiProbe();
      scan.inbox.clear();
      scan.pos = 0;
      scan.frames = [];
      await scan.inbox.write(latin1(frame) + BACKSPACE.repeat(frame.length + 2));
      let info: AgentInfo | null = null,
        echoed = false,
        nak = false,
        late = false,
        refused: Frame | null = null;
      const damagedBefore = scan.damaged;
      try {
        await scan.inbox.waitFor(
          () => {
            for (const f of scan.pump()) {
              if (
                f.type === (T.HELLO | REPLY) &&
                f.seq === seq &&
                f.payload.length > 4 &&
                Buffer.from(f.payload.subarray(0, 4)).equals(nonce)
              ) {
                info = JSON.parse(Buffer.from(f.payload.subarray(4)).toString("utf8")) as AgentInfo;
              } else if (f.type === T.HELLO && f.seq === seq) echoed = true;
              else if (f.type === T_NAK) nak = true;
              else if (f.type === T_ERROR && f.seq === seq && f.payload.length > 0) refused = f;
              else if (f.type === (T.HELLO | REPLY)) late = true;
            }
            return info !== null || echoed || nak || refused !== null;
          },
          wait,
          "an agent's hello",
          timed.clock,
        );
      } catch (e) {
        if (link.isClosed) throw e;
      }
      const r = refused as Frame | null;
      if (r && !info) {
        // an agent, but one that cannot describe itself: saying so beats
        // trying the Espruino console and reporting that nobody answered
        scan.inbox.clear();
        const message = quote(Buffer.from(r.payload.subarray(1)).toString("utf8"));
        throw new AgentRefused(
          r.payload[0],
          `${link.path}: an edgefnn agent answers but refused to say which model it runs (${message}). ` +
            "An agent older than protocol 2 cannot describe a model with many labels: update edgefnn on it, or move active.efnn out of " +
            "its --dir and restart it",
        );
      }
      if (info) {
        scan.consume();
        // an agent reads whole frames: no packets paced for an Espruino's input buffer from here on
        link.paced = false;
        return new AgentClient(link, info, (seq + 1) & 0xffff, timed);
      }
      if (echoed) break; // a console that echoes what it gets: not an agent
      // A NAK, a hello reply to an earlier try (late: a busy host or agent), or
      // a frame that arrived damaged (a noisy line) all prove an agent: it gets
      // agentTries, not the two a silent port gets.
      if (nak || late || scan.damaged > damagedBefore) agentSeen = true;
    }
    scan.inbox.clear();
    return null;
  }

  /** new frames from what the link has received */
  private pump(): Frame[] {
    const rx = this.inbox.text;
    const got: Frame[] = [];
    if (rx.length > this.pos) {
      this.decoder.push(Buffer.from(rx.slice(this.pos), "latin1"), (d) => {
        if (d.ok) got.push(d.frame);
        else this.damaged++;
      });
      this.pos = rx.length;
    }
    this.frames.push(...got);
    return got;
  }

  /** Drops what has been read so far (the link's buffer would otherwise grow for ever). */
  private consume(): void {
    this.pump();
    this.inbox.clear();
    this.pos = 0;
    this.frames = [];
  }

  /** One request: its reply's payload, or AgentRefused, or LinkError when it never got through. */
  async request(type: number, payload: Uint8Array, o: RequestOptions = {}): Promise<Uint8Array> {
    const tries = o.tries ?? this.timing.timeouts.tries;
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    const wire = encodeFrame(type, seq, payload);
    // the request's bytes and the largest reply, at the link's speed
    const ms = (o.ms ?? this.timing.timeouts.replyMs) + ((wire.length + 2 * (MAX_PAYLOAD + 16)) * 1000) / this.link.bytesPerSecond;
    this.stats.requests++;
    const what = TYPE_NAMES[type] ?? `type 0x${type.toString(16)}`;
    for (let t = 1; ; t++) {
      this.consume();
      await this.inbox.write(latin1(wire));
      let reply: Frame | null = null,
        nak = false;
      try {
        await this.inbox.waitFor(
          () => {
            for (const f of this.pump()) {
              if (f.type === T_NAK) nak = true;
              else if (f.seq === seq && (f.type === (type | REPLY) || f.type === T_ERROR)) reply = f;
            }
            return reply !== null || nak;
          },
          ms,
          `the agent's reply to ${what}`,
          this.timing.clock,
        );
      } catch (e) {
        if (this.link.isClosed || !(e instanceof LinkError)) throw e;
      }
      const r = reply as Frame | null;
      if (r) {
        this.consume();
        if (r.type === T_ERROR) {
          const p = new Reader(r.payload);
          throw new AgentRefused(p.u8(), Buffer.from(p.rest()).toString("utf8"));
        }
        return r.payload;
      }
      if (nak) this.stats.naks++;
      if (t >= tries) throw new LinkError(`the agent did not answer ${what} in ${tries} tries`);
      this.stats.retries++;
    }
  }

  /** Asks the agent again what it is and which model is active (also the way
   * to learn, after a failed or unanswered ACTIVATE, whether the new model is
   * active or the previous one still is). Updates `info`. */
  async hello(): Promise<AgentInfo> {
    const nonce = randomBytes(4);
    const p = await this.request(T.HELLO, new Writer().bytes(nonce).u8(PROTOCOL_VERSION).done());
    if (!Buffer.from(p.subarray(0, 4)).equals(nonce)) throw new LinkError("the agent's hello answered another probe");
    this.info = JSON.parse(Buffer.from(p.subarray(4)).toString("utf8"));
    return this.info;
  }

  /** Sends a whole file in chunks (offset order), calling onProgress after each. */
  /** Sends a model into the agent's staging file, stop-and-wait, in chunks of
   * `chunk` bytes: by default as many as a frame carries besides the name,
   * total and offset (1015 less the name's length), half the round trips of
   * the 512-byte chunks this sent before. */
  async put(
    name: string,
    bytes: Uint8Array,
    chunk = MAX_PAYLOAD - 9 - Buffer.byteLength(name, "latin1"),
    onProgress?: (done: number) => void,
  ): Promise<void> {
    for (let off = 0; off < bytes.length || off === 0; off += chunk) {
      const piece = bytes.subarray(off, off + chunk);
      const p = new Reader(await this.request(T.PUT, new Writer().name(name).u32(bytes.length).u32(off).bytes(piece).done()));
      const received = p.u32();
      if (received !== off + piece.length)
        throw new LinkError(`the agent holds ${received} bytes of ${name} after bytes ${off}..${off + piece.length}`);
      onProgress?.(off + piece.length);
      if (bytes.length === 0) break;
    }
  }

  /** The staged transfer's byte count and CRC-32 as the agent reads them from its disk. */
  async check(name: string): Promise<{ received: number; total: number; crc: number }> {
    const p = new Reader(await this.request(T.CHECK, new Writer().name(name).done(), { ms: this.timing.timeouts.checkMs }));
    return { received: p.u32(), total: p.u32(), crc: p.u32() };
  }

  async activate(name: string, bytes: Uint8Array): Promise<{ active: ActiveInfo; previous: ActiveInfo | null }> {
    const p = await this.request(T.ACTIVATE, new Writer().name(name).u32(bytes.length).u32(crc32(bytes)).done(), {
      ms: this.timing.timeouts.activateMs,
    });
    return JSON.parse(Buffer.from(p).toString("utf8"));
  }

  /** Runs rows on the active model (which must have this id): RUN requests
   * with as many rows as fit; for a model whose row or outputs do not fit in
   * one frame, one row at a time with RUN_PART, its inputs sent ahead with
   * INPUT if need be, its outputs a page at a time. */
  async run(rows: Float32Array[], id: number): Promise<RowResult[]> {
    const a = this.info.active;
    if (!a) throw new AgentRefused(0, "no active model");
    const per = runRowsPerFrame(a.inputSize, a.outputSize);
    if (per < 1) {
      if (this.info.protocol < 2)
        throw new AgentRefused(
          0,
          `${a.file} has ${a.inputSize} inputs and ${a.outputSize} outputs, more than one frame of protocol ${this.info.protocol} ` +
            `carries: update edgefnn on the agent (version ${this.info.version}) to run it`,
        );
      const out: RowResult[] = [];
      for (const x of rows) out.push(await this.runOne(x, id, a));
      return out;
    }
    const out: RowResult[] = [];
    for (let i = 0; i < rows.length; i += per) {
      const batch = rows.slice(i, i + per);
      const w = new Writer().u8(1).u32(id).u16(batch.length);
      for (const x of batch) w.bytes(floatBytes(x));
      const p = new Reader(await this.request(T.RUN, w.done()));
      const n = p.u16();
      if (n !== batch.length) throw new LinkError(`the agent answered ${n} rows of ${batch.length}`);
      for (let k = 0; k < n; k++) out.push(result(p.u16(), p.bytes(4 * a.outputSize)));
    }
    return out;
  }

  /** One row with RUN_PART (and INPUT when the row is larger than a frame). */
  private async runOne(x: Float32Array, id: number, a: ActiveInfo): Promise<RowResult> {
    let flags = 0,
      inline = floatBytes(x);
    if (!rowFitsRunPart(a.inputSize)) {
      for (let off = 0; off < x.length; off += INPUT_FLOATS) {
        const piece = x.subarray(off, off + INPUT_FLOATS);
        const held = new Reader(await this.request(T.INPUT, new Writer().u32(id).u16(off).bytes(floatBytes(piece)).done())).u16();
        if (held !== off + piece.length) throw new LinkError(`the agent holds ${held} inputs after inputs ${off}..${off + piece.length}`);
      }
      flags = RUN_STAGED;
      inline = new Uint8Array(0);
    }
    const bits = new Uint8Array(4 * a.outputSize);
    let cls = -1;
    for (let first = 0; first < a.outputSize;) {
      const p = new Reader(await this.request(T.RUN_PART, new Writer().u8(flags).u32(id).u16(first).bytes(inline).done()));
      const got = p.u16(),
        n = p.u16(),
        c = p.u16();
      if (got !== first || n < 1 || first + n > a.outputSize)
        throw new LinkError(`the agent answered outputs ${got}..${got + n} when asked for those from ${first}`);
      if (cls >= 0 && c !== cls) throw new LinkError(`the agent answered class ${c} for a row it had given class ${cls}`);
      cls = c;
      bits.set(p.bytes(4 * n), 4 * first);
      first += n;
    }
    return result(cls, bits);
  }

  /** The active model's labels (it must have this id): from LABELS, a page at a
   * time (a protocol 1 agent sent them in HELLO). */
  async labels(id: number): Promise<string[]> {
    const a = this.info.active;
    if (!a) throw new AgentRefused(0, "no active model");
    if (this.info.protocol < 2) return a.labels ?? [];
    const labels: string[] = [];
    for (;;) {
      const p = new Reader(await this.request(T.LABELS, new Writer().u32(id).u16(labels.length).done()));
      const total = p.u16(),
        first = p.u16(),
        n = p.u16();
      if (first !== labels.length || first + n > total)
        throw new LinkError(`the agent answered labels ${first}..${first + n} of ${total} when asked for those from ${labels.length}`);
      for (let k = 0; k < n; k++) labels.push(p.name());
      if (labels.length === total) return labels;
      if (n === 0) throw new LinkError(`the agent sent no labels from ${first} of ${total}`);
    }
  }

  async list(): Promise<{ active: ActiveInfo | null; staged: AgentInfo["staged"]; files: { file: string; bytes: number }[] }> {
    return JSON.parse(Buffer.from(await this.request(T.LIST, new Uint8Array(0))).toString("utf8"));
  }

  async abort(): Promise<boolean> {
    return new Reader(await this.request(T.ABORT, new Uint8Array(0))).u8() === 1;
  }
}
