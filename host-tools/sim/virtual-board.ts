// A virtual Espruino board behind a byte stream: received bytes pass the
// fault injector into the bounded input buffer (XON/XOFF), and the
// interpreter takes them out at a simulated speed (a cost per byte and per
// executed line), so a host that writes faster than the board works and
// ignores XOFF loses bytes, as on a real board.
import { BoardSandbox } from "./board-sandbox";
import { crlf, EspruinoConsole } from "./console";
import { FaultInjector, FaultOptions } from "./faults";
import { FlashStorage } from "./flash-storage";
import { AccelOptions, SyntheticAccelerometer } from "./accelerometer";
import { BoardIo } from "./board-io";
import { RxBuffer } from "./rx-buffer";
import { SimBoard, simBoard, SIM_VERSION } from "./sim-boards";
import { PacketHandler, NAK, PACKET_TIMEOUT_MS, FILE_TIMEOUT_MS } from "./packets";

export interface BoardOptions {
  /** board id from host-tools/boards/boards.ts (default puckjs) */
  board?: string;
  /** bytes of Storage flash (default: the board's) */
  flashBytes?: number;
  /** where Storage persists across runs (JSON, written atomically) */
  storagePath?: string;
  /** input buffer size in bytes (default 1024) */
  rxBufferSize?: number;
  /** send XOFF/XON (default true) */
  flowControl?: boolean;
  /** when to send XOFF and XON, as fractions of the input buffer (default 6/8 and 3/8; nRF52 firmware: 3/8 and 2/8) */
  flowMarks?: { xoff: number; xon: number };
  /** interpreter time per received byte, microseconds (default 100: 10 kB/s) */
  byteCostUs?: number;
  /** extra interpreter time per executed line, ms (default 1) */
  lineCostMs?: number;
  /** a line or callback running longer than this is interrupted, ms (default 5000) */
  execTimeoutMs?: number;
  /** a packet not complete this long after its start is dropped with a NAK, ms (default 5000, the firmware's):
   * shorter for tests of a lost byte, which need not wait out the firmware's time */
  packetTimeoutMs?: number;
  /** a file started by FILE_SEND that gets no DATA this long is forgotten, ms (default 10000, the firmware's):
   * longer for a test that measures a transfer's bytes and must not see a starved CLI's packets NAKed */
  fileTimeoutMs?: number;
  faults?: FaultOptions;
  /** the accelerometer's synthetic gestures (Puck.js, Bangle.js): seed and first gesture */
  accel?: AccelOptions;
  /** the firmware version it claims (default 2v29); before 2v25 there is no packet protocol */
  firmware?: string;
}

export interface BoardStats {
  /** bytes that arrived on the wire */
  received: number;
  /** bytes the interpreter has handled */
  processed: number;
  /** bytes waiting in the input buffer */
  buffered: number;
  /** bytes lost because the input buffer was full */
  lost: number;
  /** bytes removed by the drop fault */
  dropped: number;
  xoffs: number;
  xons: number;
  /** lines executed */
  lines: number;
  /** resets of any kind (reset(), load(), the reset fault) */
  resets: number;
  /** the board went silent (silentAfter) */
  silent: boolean;
}

import { DEFAULTS } from "./defaults";

export { DEFAULTS };

/** Whether firmware `version` ("2v25", "2v24.123") has the packet protocol (2v25 and later). */
export function hasPackets(version: string): boolean {
  const m = /^(\d+)v(\d+)/.exec(version);
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 25));
}

export function banner(version = SIM_VERSION): string {
  return (
    " ____                 _ \n" +
    "|  __|___ ___ ___ _ _|_|___ ___ \n" +
    "|  __|_ -| . |  _| | | |   | . |\n" +
    "|____|___|  _|_| |___|_|_|_| __|\n" +
    "         |_| espruino.com\n" +
    ` ${version} (c) 2025 G.Williams\n\n`
  );
}

export class VirtualBoard {
  readonly board: SimBoard;
  readonly storage: FlashStorage;
  readonly sandbox: BoardSandbox;
  readonly console: EspruinoConsole;
  /** the gestures the accelerometer plays: setGesture / play from the host */
  readonly accel: SyntheticAccelerometer;
  /** the button, LEDs and Bangle.js menu: io.press(ms), io.tap(), io.choose(title), io.leds from the host */
  readonly io = new BoardIo();
  private rx: RxBuffer;
  private faults: FaultInjector;
  private byteCostMs: number;
  private lineCostMs: number;
  private busyUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private pending: { action: "reset" | "load"; file?: string } | null = null;
  private counts = { received: 0, processed: 0, pushed: 0, dropped: 0, lines: 0, resets: 0 };
  /** silentAfter: the board hangs once it has handled this many buffered bytes */
  private hangAt: number | null = null;
  private hung = false;
  private stopped = false;
  /** called when the interpreter has freed room in the input buffer (a TCP port feeds it from here) */
  onRoom: (() => void) | null = null;
  readonly version: string;
  private packets: PacketHandler | null = null;
  private packetTimer: ReturnType<typeof setTimeout> | null = null;
  private packetTimeoutMs: number;

  /** @param send how the board's output leaves (the pty) */
  constructor(
    o: BoardOptions,
    private send: (bytes: Buffer) => void,
  ) {
    this.board = simBoard(o.board ?? "puckjs");
    this.storage = new FlashStorage(o.flashBytes ?? this.board.flashBytes, o.storagePath);
    this.accel = new SyntheticAccelerometer(o.accel);
    this.byteCostMs = (o.byteCostUs ?? DEFAULTS.byteCostUs) / 1000;
    this.lineCostMs = o.lineCostMs ?? DEFAULTS.lineCostMs;
    this.faults = new FaultInjector(o.faults);
    this.version = o.firmware ?? SIM_VERSION;
    this.packetTimeoutMs = o.packetTimeoutMs ?? PACKET_TIMEOUT_MS;
    if (!/^\d+v\d+(\.\d+)?$/.test(this.version))
      throw new RangeError(`firmware ${JSON.stringify(this.version)}: write a version as the firmware does, e.g. 2v24 or 2v25`);
    if (hasPackets(this.version))
      this.packets = new PacketHandler(
        {
          storage: this.storage,
          write: (t) => this.out(t),
          uncaught: (e) => this.console.uncaught(e),
          evaluateToJS: (code) => {
            this.counts.lines++;
            return JSON.stringify(this.sandbox.run(code)) ?? "undefined";
          },
        },
        o.fileTimeoutMs ?? FILE_TIMEOUT_MS,
      );
    this.rx = new RxBuffer(
      o.rxBufferSize ?? DEFAULTS.rxBufferSize,
      o.flowControl ?? true,
      (b) => this.out(String.fromCharCode(b)),
      o.flowMarks,
    );
    this.console = new EspruinoConsole({
      write: (t) => this.out(t),
      packet: this.packets
        ? (word, data) => {
            if (this.packetTimer) clearTimeout(this.packetTimer);
            this.packetTimer = null;
            this.packets!.handle(word, data);
          }
        : undefined,
      packetStart: () => {
        if (this.packetTimer) clearTimeout(this.packetTimer);
        // a packet not complete in 5 s (packetTimeoutMs) is dropped with a NAK (jsiPacketTimeoutHandler)
        this.packetTimer = setTimeout(() => {
          this.packetTimer = null;
          if (!this.console.inPacket) return;
          this.console.abortPacket();
          this.out(String.fromCharCode(NAK));
        }, this.packetTimeoutMs);
      },
      evaluate: (code) => {
        this.counts.lines++;
        try {
          return { ok: true, value: this.sandbox.run(code) };
        } catch (error) {
          return { ok: false, error };
        }
      },
    });
    this.sandbox = new BoardSandbox({
      board: this.board,
      version: this.version,
      storage: this.storage,
      accel: this.accel,
      io: this.io,
      execTimeoutMs: o.execTimeoutMs ?? DEFAULTS.execTimeoutMs,
      print: (t) => this.console.print(t),
      uncaught: (e) => this.console.uncaught(e),
      afterEvent: () => this.afterEvent(),
      request: (action, file) => (this.pending = { action, file }),
      echo: (on) => (this.console.echo = on),
    });
  }

  /** Power on: the boot files run; nothing is printed (nobody is listening yet). */
  powerOn(): void {
    this.sandbox.boot();
  }

  /** Bytes from the wire. */
  receive(chunk: Uint8Array): void {
    if (this.stopped) return;
    for (const byte of chunk) {
      this.counts.received++;
      if (this.hung || this.faults.silent()) continue;
      const v = this.faults.next(byte);
      if (v.byte === null) this.counts.dropped++;
      else {
        if (this.rx.used === 0 && this.timer === null) this.busyUntil = Math.max(this.busyUntil, performance.now());
        if (this.rx.push(v.byte)) this.counts.pushed++;
      }
      if (v.last) {
        this.hangAt = this.counts.pushed;
        if (this.counts.processed >= this.hangAt) this.hung = true;
      }
      if (v.reset) this.restart("fault");
    }
    this.schedule();
  }

  /** free bytes in the input buffer */
  room(): number {
    return this.rx.size - this.rx.used;
  }

  /** Faults from now on (counting bytes afresh); a silent board answers again. */
  setFaults(f: FaultOptions = {}): void {
    this.faults = new FaultInjector(f);
    this.hangAt = null;
    this.hung = false;
    this.schedule();
  }

  stats(): BoardStats {
    const { received, processed, dropped, lines, resets } = this.counts;
    return {
      received,
      processed,
      buffered: this.rx.used,
      dropped,
      lines,
      resets,
      lost: this.rx.stats.lost,
      xoffs: this.rx.stats.xoffs,
      xons: this.rx.stats.xons,
      silent: this.hung,
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.packetTimer) clearTimeout(this.packetTimer);
    this.packets?.stop();
    this.sandbox.dispose();
  }

  private out(text: string): void {
    if (this.hung || this.stopped) return;
    this.send(/[^\x00-\xff]/.test(text) ? Buffer.from(text, "utf8") : Buffer.from(text, "latin1"));
  }

  private schedule(): void {
    if (this.timer || this.stopped || this.hung || this.rx.used === 0) return;
    this.timer = setTimeout(() => this.pump(), Math.max(0, this.busyUntil - performance.now()));
  }

  /** The interpreter: handles every byte whose turn has come, each costing byteCostMs, each line lineCostMs more. */
  private pump(): void {
    this.timer = null;
    const now = performance.now();
    while (this.rx.used > 0 && this.busyUntil <= now && !this.hung && !this.stopped) {
      const b = this.rx.shift();
      this.counts.processed++;
      this.busyUntil += this.byteCostMs;
      const lines = this.counts.lines;
      this.console.handle(b);
      if (this.counts.lines !== lines) this.busyUntil = Math.max(this.busyUntil, performance.now()) + this.lineCostMs;
      this.afterEvent();
      if (this.hangAt !== null && this.counts.processed >= this.hangAt) this.hung = true;
    }
    this.schedule();
    this.onRoom?.();
  }

  /** After a line or a timer callback: a reset() or load() it asked for, then the prompt. */
  private afterEvent(): void {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      this.restart(p.action, p.file);
    }
    this.console.returnInputLine();
  }

  /** reset(): fresh JS state and the banner; load(): the same, then the boot files (or one file);
   * "fault": a hardware reset in the middle of things, which also loses the input buffer. */
  private restart(kind: "reset" | "load" | "fault", file?: string): void {
    this.counts.resets++;
    if (kind === "fault") {
      this.rx.clear();
      this.console.clear();
      this.console.abortPacket();
    }
    this.packets?.stop();
    this.console.echo = true;
    this.sandbox.reset();
    this.console.print(crlf(banner(this.version)));
    if (kind === "fault") this.sandbox.boot();
    if (kind === "load") {
      if (file === undefined) this.sandbox.boot();
      else this.sandbox.runFile(file);
    }
    this.console.returnInputLine();
  }
}
