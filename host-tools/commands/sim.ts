// edgefnn sim: a virtual Espruino board on a pseudo-terminal, or with --tcp on
// a TCP port of 127.0.0.1; with --link ble behind a simulated Bluetooth LE
// Nordic UART link on either. The first line on stdout is the port to open (with
// --json: exactly one line {"port": path}): a pty's path or tcp://127.0.0.1:PORT.
// It runs until SIGINT or SIGTERM, then removes the port and stops socat.
import { fail } from "../cli/user-error";
import { BleSimOptions } from "../sim/ble-radio";
import { FlashError } from "../sim/flash-storage";
import { RunningSim, startSim } from "../sim/index";
import { PtyError } from "../sim/pty";

export interface SimCommandOptions {
  board: string;
  storage?: string;
  /** "ble", or where the pty's symlink goes */
  link?: string;
  bleSpeed?: number;
  bleLatency?: number;
  disconnectAfter?: number;
  tcp?: number;
  firmware?: string;
  flashSize?: number;
  rxBuffer?: number;
  byteCost?: number;
  lineCost?: number;
  flowControl: boolean;
  execTimeout?: number;
  dropEvery?: number;
  corruptEvery?: number;
  silentAfter?: number;
  resetAfter?: number;
  seed?: number;
  json?: boolean;
}

export async function simCommand(o: SimCommandOptions): Promise<void> {
  let sim: RunningSim;
  const ble = o.link?.toLowerCase() === "ble";
  // The BLE options only shape a BLE link: given without one they would be
  // silently ignored, so they are refused instead.
  if (!ble) {
    const given = [
      ["--ble-speed", o.bleSpeed],
      ["--ble-latency", o.bleLatency],
      ["--disconnect-after", o.disconnectAfter],
    ].filter(([, v]) => v !== undefined);
    if (given.length > 0)
      fail(`${given.map(([flag]) => flag).join(", ")} only appl${given.length === 1 ? "ies" : "y"} to a Bluetooth LE link: add --link ble`);
  }
  try {
    sim = await startSim({
      board: o.board,
      storagePath: o.storage,
      link: ble ? undefined : o.link,
      ble: ble ? bleOptions(o) : undefined,
      tcp: o.tcp,
      firmware: o.firmware,
      flashBytes: o.flashSize,
      rxBufferSize: o.rxBuffer,
      byteCostUs: o.byteCost,
      lineCostMs: o.lineCost,
      flowControl: o.flowControl,
      execTimeoutMs: o.execTimeout,
      faults: { dropEvery: o.dropEvery, corruptEvery: o.corruptEvery, silentAfter: o.silentAfter, resetAfter: o.resetAfter, seed: o.seed },
    });
  } catch (e) {
    if (e instanceof PtyError || e instanceof FlashError || e instanceof RangeError) fail(e.message);
    throw e;
  }
  process.stdout.write(o.json ? JSON.stringify({ port: sim.port }) + "\n" : sim.port + "\n");
  if (!o.json)
    process.stderr.write(
      `edgefnn sim: a virtual ${sim.board.board.name} on ${sim.port}` +
        (sim.radio
          ? ` behind a simulated Bluetooth LE link (${sim.radio.options.packetSize}-byte packets, ` +
            `${sim.radio.options.bytesPerSecond} B/s, ${sim.radio.options.latencyMs} ms)`
          : "") +
        (o.storage ? `, Storage in ${o.storage}` : ", Storage in memory only") +
        ". Stop with Ctrl-C.\n",
    );
  await new Promise<void>((resolve) => {
    const stop = () => {
      for (const s of SIGNALS) process.off(s, stop);
      sim.stop().then(resolve, resolve);
    };
    const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    for (const s of SIGNALS) process.on(s, stop);
  });
}

/** The BLE link's options as given; one left out keeps the radio's default. */
function bleOptions(o: SimCommandOptions): BleSimOptions {
  const given: BleSimOptions = {};
  if (o.bleSpeed !== undefined) given.bytesPerSecond = o.bleSpeed;
  if (o.bleLatency !== undefined) given.latencyMs = o.bleLatency;
  if (o.disconnectAfter !== undefined) given.disconnectAfter = o.disconnectAfter;
  return given;
}
