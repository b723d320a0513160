// `edgefnn sim --link ble`: the virtual board behind a simulated Bluetooth LE
// Nordic UART link, as a host sees one (over the sim's TCP port or pty):
// - bytes travel in packets of at most `packetSize` (20: the default MTU 23
//   less ATT's 3), each direction at most one packet per packetSize /
//   bytesPerSecond seconds (a few KB/s, as Espruino's NUS carries), each
//   arriving `latencyMs` after it left (a connection interval or two);
// - the board sends XOFF at 3/8 of its input buffer and XON at 2/8, as the
//   nRF52 firmware does (index.ts sets BLE_FLOW_MARKS);
// - what reaches the board goes into its input buffer as the radio hands it
//   over, whether there is room or not (a full buffer loses bytes, as on the
//   board): the board's XOFF, which comes back as a notification like any
//   output, is what stops a host in time;
// - the radio's own queue is small (a controller holds a few packets): a host
//   that writes faster is held back (the transport stops reading);
// - `disconnectAfter` N: after the Nth byte from the host the connection
//   drops (the transport closes, what was in flight is lost); the board
//   itself keeps running, as a Puck.js does when a host goes out of range.
import { VirtualBoard } from "./virtual-board";

export interface BleSimOptions {
  /** bytes per packet (default 20) */
  packetSize?: number;
  /** each direction's throughput, bytes a second (default 3000) */
  bytesPerSecond?: number;
  /** time from a packet leaving to its arrival, ms (default 15) */
  latencyMs?: number;
  /** drop the connection after this many bytes from the host */
  disconnectAfter?: number;
}

export const BLE_SIM_DEFAULTS = { packetSize: 20, bytesPerSecond: 3000, latencyMs: 15 };

/** The nRF52 firmware's flow-control marks (Espruino's build_platform_config.py: its
 * Bluetooth traffic shares the 1024-byte input buffer, and large MTUs need room after an XOFF). */
export const BLE_FLOW_MARKS = { xoff: 3 / 8, xon: 2 / 8 };

/** packets the radio holds on the way in before the transport stops reading */
const QUEUE_PACKETS = 4;

/** One direction: packets leave at the link's rate and arrive latencyMs later, in order
 * (one queue and one timer: timers of their own could fire out of order). */
class Lane {
  private nextSlot = 0;
  private queue: { at: number; packet: Uint8Array }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  queued = 0;

  constructor(
    private size: number,
    private intervalMs: number,
    private latencyMs: number,
    private deliver: (p: Uint8Array) => void,
    private drained: () => void,
  ) {}

  send(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i += this.size) {
      const packet = bytes.slice(i, i + this.size);
      const leaves = Math.max(performance.now(), this.nextSlot);
      this.nextSlot = leaves + this.intervalMs;
      this.queued += packet.length;
      this.queue.push({ at: leaves + this.latencyMs, packet });
    }
    this.arm();
  }

  private arm(): void {
    if (this.timer || !this.queue.length) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const now = performance.now();
        while (this.queue.length && this.queue[0].at <= now + 0.5) {
          const { packet } = this.queue.shift()!;
          this.queued -= packet.length;
          this.deliver(packet);
        }
        this.drained();
        this.arm();
      },
      Math.max(0, this.queue[0].at - performance.now()),
    );
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.queued = 0;
  }
}

export class BleRadio {
  readonly options: Required<Omit<BleSimOptions, "disconnectAfter">> & { disconnectAfter?: number };
  private up: Lane;
  private down: Lane;
  private fromHostCount = 0;
  private dropped = false;
  /** the transport: what reaches the host, and how it drops the connection and resumes reading */
  toHost: (bytes: Uint8Array) => void = () => {};
  drop: () => void = () => {};
  resume: () => void = () => {};
  readonly stats = { packetsIn: 0, packetsOut: 0, disconnects: 0 };

  constructor(
    private board: VirtualBoard,
    o: BleSimOptions = {},
  ) {
    this.options = { ...BLE_SIM_DEFAULTS, ...o };
    const { packetSize, bytesPerSecond, latencyMs, disconnectAfter } = this.options;
    if (!(Number.isInteger(packetSize) && packetSize >= 1 && packetSize <= 244))
      throw new RangeError(`the BLE packet size must be an integer of 1..244 bytes, got ${packetSize}`);
    if (!(bytesPerSecond > 0)) throw new RangeError(`the BLE link's speed must be > 0 bytes a second, got ${bytesPerSecond}`);
    if (!(latencyMs >= 0)) throw new RangeError(`the BLE latency must be >= 0 ms, got ${latencyMs}`);
    if (disconnectAfter !== undefined && !(Number.isInteger(disconnectAfter) && disconnectAfter >= 1))
      throw new RangeError(`disconnectAfter must be an integer >= 1, got ${disconnectAfter}`);
    const interval = (packetSize * 1000) / bytesPerSecond;
    this.up = new Lane(
      packetSize,
      interval,
      latencyMs,
      (p) => {
        this.stats.packetsIn++;
        board.receive(p);
      },
      () => {
        if (!this.full) this.resume();
      },
    );
    this.down = new Lane(
      packetSize,
      interval,
      latencyMs,
      (p) => {
        this.stats.packetsOut++;
        this.toHost(p);
      },
      () => {},
    );
  }

  /** the radio holds enough: the transport should stop reading until resume() */
  get full(): boolean {
    return this.up.queued >= QUEUE_PACKETS * this.options.packetSize;
  }

  /** A new connection: nothing of the old one is in flight. */
  connected(): void {
    this.up.clear();
    this.down.clear();
    this.dropped = false;
  }

  /** Bytes the host wrote. */
  fromHost(bytes: Uint8Array): void {
    if (this.dropped) return;
    const limit = this.options.disconnectAfter;
    if (limit !== undefined && this.fromHostCount + bytes.length >= limit) {
      this.fromHostCount = limit;
      this.disconnect();
      return;
    }
    this.fromHostCount += bytes.length;
    this.up.send(bytes);
  }

  /** The board's output, as notifications. */
  fromBoard(bytes: Uint8Array): void {
    if (!this.dropped) this.down.send(bytes);
  }

  /** Faults from now on: disconnect after n more bytes from the host (undefined: never). */
  setDisconnectAfter(n: number | undefined): void {
    this.options.disconnectAfter = n;
    this.fromHostCount = 0;
  }

  private disconnect(): void {
    // what the radio had not yet delivered, either way, is lost with the connection
    this.dropped = true;
    this.stats.disconnects++;
    this.up.clear();
    this.down.clear();
    this.options.disconnectAfter = undefined;
    this.drop();
  }

  stop(): void {
    this.up.clear();
    this.down.clear();
  }
}
