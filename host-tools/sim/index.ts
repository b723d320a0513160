// The virtual Espruino board on a pseudo-terminal or a TCP port, for tests and the demo.
//
//   pty.ts            socat makes the pty; the host opens its path
//   tcp.ts            or a TCP port on 127.0.0.1 (no socat needed)
//   ble-radio.ts      --link ble: the Nordic UART link's packets, pace, latency and drops between either and the board
//   rx-buffer.ts      the bounded input buffer and XON/XOFF
//   faults.ts         seeded byte drops, bit flips, going silent, resets
//   console.ts        the REPL line discipline (echo, DLE, Ctrl-C, prompt, =value)
//   format.ts         values as the console prints them
//   packets.ts        the 2v25+ packet protocol's file transfer, as the firmware does it
//   board-sandbox.ts  the JS realm with the board's surface
//   espruino-surface.ts  that surface (also the tests' sandbox): what the interpreter has and lacks, and its options
//   flash-reads.ts    the surface's strings and buffers over flash, detached when their file is erased (an option)
//   espruino-conformance.ts  the probes and the real interpreter's answers the surface is checked against
//   espruino-syntax.ts  no hoisting, refusal of syntax the board lacks, the board's ===
//   memory.ts         the surface's memory accounting: blocks reachable (the simulator) or alive after a GC (the tests)
//   flash-storage.ts  Storage with flash semantics, persisted to a file
//   accelerometer.ts  Puck.accelOn / Bangle.on("accel"), playing seeded synthetic gestures
//   board-io.ts       the button (setWatch), a Puck.js's LEDs, a Bangle.js's touch and E.showMenu: the host presses
//   sim-boards.ts     per-board flash size and names
//   virtual-board.ts  all of the above behind a byte stream, at a simulated speed
//   defaults.ts       the board's default costs and buffer (read by --help without loading the board)
//   (`edgefnn sim` itself is ../commands/sim.ts and sim.cli.ts)
import { FaultOptions } from "./faults";
import { FlashStorage } from "./flash-storage";
import { openPty } from "./pty";
import { listenTcp } from "./tcp";
import { BLE_FLOW_MARKS, BleRadio, BleSimOptions } from "./ble-radio";
import { BoardOptions, BoardStats, VirtualBoard } from "./virtual-board";

export type { BoardOptions, BoardStats } from "./virtual-board";
export type { FaultOptions } from "./faults";
export type { BleSimOptions } from "./ble-radio";
export type { AccelSegment, Gesture } from "./accelerometer";
export { GESTURES, SyntheticAccelerometer } from "./accelerometer";
export { VirtualBoard } from "./virtual-board";

export interface SimOptions extends BoardOptions {
  /** where the port's symlink goes (default: a fresh temporary directory) */
  link?: string;
  /** listen on this TCP port of 127.0.0.1 instead of a pty (0: any free port) */
  tcp?: number;
  /** behave as a Bluetooth LE Nordic UART link (ble-radio.ts), over the TCP port or the pty */
  ble?: BleSimOptions;
}

export interface RunningSim {
  /** the port to open: a pty's path, or tcp://127.0.0.1:PORT */
  port: string;
  /** socat's process id (0 on TCP) */
  socatPid: number;
  board: VirtualBoard;
  /** the board's Storage, readable and writable from the host */
  storage: FlashStorage;
  stats(): BoardStats;
  /** the accelerometer's gestures: setGesture(name), play(schedule, seed) */
  accel: VirtualBoard["accel"];
  /** faults from now on, counting received bytes afresh */
  setFaults(f: FaultOptions): void;
  /** with ble: the simulated radio (its packet counts; setDisconnectAfter) */
  radio: BleRadio | null;
  /** stops the board and socat, removes the port (idempotent) */
  stop(): Promise<void>;
}

/** Starts a virtual board in this process on a new pty. */
export async function startSim(o: SimOptions = {}): Promise<RunningSim> {
  // a board on Bluetooth LE is an nRF52: its firmware sends XOFF at 3/8 of the input buffer and XON at 2/8,
  // leaving room for what a host already has in flight
  if (o.ble && !o.flowMarks) o = { ...o, flowMarks: BLE_FLOW_MARKS };
  if (o.tcp !== undefined) {
    let send: (b: Uint8Array) => void = () => {};
    const board = new VirtualBoard(o, (bytes) => send(bytes));
    let radio: BleRadio | null = null;
    try {
      radio = o.ble ? new BleRadio(board, o.ble) : null;
    } catch (e) {
      board.stop();
      throw e;
    }
    const tcp = await listenTcp(board, o.tcp, radio ?? undefined).catch((e) => {
      board.stop();
      throw e;
    });
    if (radio) {
      radio.toHost = tcp.write;
      send = (b) => radio.fromBoard(b);
    } else send = tcp.write;
    board.powerOn();
    return running(board, radio, tcp.url, 0, () => tcp.close());
  }
  if (o.ble?.disconnectAfter !== undefined) throw new RangeError("a pty cannot drop a connection: use --tcp with --disconnect-after");
  const pty = await openPty({ link: o.link });
  let board: VirtualBoard;
  let radio: BleRadio | null = null;
  try {
    board = new VirtualBoard(o, (bytes) => (radio ? radio.fromBoard(bytes) : pty.write(bytes)));
    radio = o.ble ? new BleRadio(board, o.ble) : null;
  } catch (e) {
    await pty.close();
    throw e;
  }
  if (radio) {
    const r = radio;
    r.toHost = (b) => pty.write(b);
    r.resume = () => pty.resume();
    pty.onData((bytes) => {
      r.fromHost(bytes);
      if (r.full) pty.pause();
    });
  } else pty.onData((bytes) => board.receive(bytes));
  board.powerOn();
  return running(board, radio, pty.path, pty.pid, () => pty.close());
}

function running(board: VirtualBoard, radio: BleRadio | null, port: string, socatPid: number, close: () => Promise<void>): RunningSim {
  let stopping: Promise<void> | null = null;
  return {
    port,
    socatPid,
    board,
    storage: board.storage,
    stats: () => board.stats(),
    accel: board.accel,
    setFaults: (f) => board.setFaults(f),
    radio,
    stop: () =>
      (stopping ??= (async () => {
        radio?.stop();
        board.stop();
        await close();
      })()),
  };
}
