// A Bluetooth LE board's console: the Nordic UART Service (ble-nus.ts) through
// the central ble-central.ts loads. `--port aa:bb:cc:dd:ee:ff` finds the board
// by address, `--port ble:NAME` (or `--device NAME`) by its advertised name or
// a prefix of it ("ble:Puck.js" takes the first Puck.js heard).
//
// Writes are at most the negotiated MTU - 3 bytes (20 with the default MTU);
// without response where the board's RX characteristic offers it (Espruino's
// does), with response otherwise. A write with response waits for the board's
// acknowledgement, which paces the link by itself; writes without response are
// paced at `bytesPerSecond` so the host's radio queue never runs far ahead of
// the board, whose XOFF (which Espruino sends over BLE by default) then finds
// little in flight. The board going out of range or resetting its radio is a
// dropped connection: a LinkError, as a pulled cable is on serial.
import { ByteLink, LinkError } from "./byte-link";
import { bleCentral, releaseBleCentral } from "./ble-central";
import {
  ATT_HEADER,
  BleCentral,
  BleCharacteristic,
  BlePeripheral,
  DEFAULT_MTU,
  normalAddress,
  NUS_RX,
  NUS_SERVICE,
  NUS_TX,
} from "./ble-nus";
import { PacedLink } from "./paced-link";

/** aa:bb:cc:dd:ee:ff (or with dashes) */
export const BLE_ADDRESS = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;

export interface BleOpenOptions {
  /** how long to scan for the board, ms (default 10 s) */
  scanMs?: number;
  /** the pace of writes without response, bytes a second (default 5000, the top of what Espruino's NUS carries) */
  bytesPerSecond?: number;
  /** the central to use (default: the library's, powered on) */
  central?: BleCentral;
}

export const BLE_WRITE_PACE = 5000;

/** What a --port names: an address, or a name (prefix). */
export function parseBlePort(port: string): { address: string } | { name: string } | null {
  if (BLE_ADDRESS.test(port)) return { address: normalAddress(port) };
  const m = /^ble:(.*)$/is.exec(port);
  if (!m) return null;
  const rest = m[1].trim();
  if (BLE_ADDRESS.test(rest)) return { address: normalAddress(rest) };
  return rest ? { name: rest } : null;
}

/** Scans until a peripheral matches, or rejects after scanMs saying what was heard. */
export async function findPeripheral(central: BleCentral, port: string, scanMs: number): Promise<BlePeripheral> {
  const want = parseBlePort(port);
  if (!want)
    throw new LinkError(
      `${port}: write a Bluetooth LE board as aa:bb:cc:dd:ee:ff or ble:NAME (its advertised name or the start of it, e.g. ble:Puck.js)`,
    );
  const heard = new Map<string, string>();
  const found = await new Promise<BlePeripheral | null>((resolve, reject) => {
    const timer = setTimeout(() => finish(null), scanMs);
    const onDiscover = (p: BlePeripheral) => {
      const name = p.advertisement.localName ?? "";
      heard.set(normalAddress(p.address), name);
      if ("address" in want ? normalAddress(p.address) === want.address : name.startsWith(want.name)) finish(p);
    };
    const finish = (p: BlePeripheral | null) => {
      clearTimeout(timer);
      central.removeListener("discover", onDiscover);
      central.stopScanningAsync().then(
        () => resolve(p),
        () => resolve(p),
      );
    };
    central.on("discover", onDiscover);
    // no service filter: many boards put the NUS UUID in the scan response, or not at all
    central.startScanningAsync([], false).catch((e) => {
      clearTimeout(timer);
      central.removeListener("discover", onDiscover);
      reject(new LinkError(`cannot scan for ${port}: ${(e as Error).message}`));
    });
  });
  if (found) return found;
  const names = [...heard].map(([a, n]) => (n ? `${n} (${a})` : a));
  throw new LinkError(
    `cannot open ${port}: no Bluetooth LE device ` +
      `${"address" in want ? `with address ${want.address}` : `named ${JSON.stringify(want.name)}...`} ` +
      `advertised within ${scanMs / 1000} s` +
      (names.length ? `; heard: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", ..." : ""}` : "; heard none") +
      ". Is the board in range, powered, and not connected to another computer or the Web IDE (a board takes one connection at a time)?" +
      (process.platform === "linux" && !names.length
        ? " On Linux, noble hears nothing without raw HCI access: `sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))`."
        : ""),
  );
}

export class BleLink extends PacedLink {
  readonly speed: string;

  private constructor(
    private peripheral: BlePeripheral,
    private rx: BleCharacteristic,
    private tx: BleCharacteristic,
    private withoutResponse: boolean,
    path: string,
    packetSize: number,
    pace: number,
    private o: BleOpenOptions,
  ) {
    super(path, packetSize, withoutResponse ? pace : Infinity);
    this.speed = withoutResponse
      ? `Bluetooth LE (${packetSize}-byte writes paced at ${pace} B/s)`
      : `Bluetooth LE (${packetSize}-byte writes, each acknowledged)`;
    tx.on("data", this.onNotify);
    this.onDisconnect = (reason) =>
      this.fail(
        new LinkError(
          `${path}: the Bluetooth LE connection dropped${reason !== undefined && reason !== "" ? ` (reason ${String(reason)})` : ""}: ` +
            `the board went out of range, reset or was disconnected`,
        ),
      );
    peripheral.once("disconnect", this.onDisconnect);
  }

  private onNotify = (buf: Buffer) => this.arrived(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
  private onDisconnect: (reason?: unknown) => void;

  static async open(port: string, o: BleOpenOptions = {}): Promise<BleLink> {
    const central = o.central ?? (await bleCentral());
    const p = await findPeripheral(central, port, o.scanMs ?? 10_000);
    try {
      await p.connectAsync();
    } catch (e) {
      throw new LinkError(`cannot connect to ${port} (${p.address}): ${(e as Error).message}`);
    }
    try {
      const { characteristics } = await p.discoverSomeServicesAndCharacteristicsAsync([NUS_SERVICE], [NUS_RX, NUS_TX]);
      const rx = characteristics.find((c) => c.uuid === NUS_RX);
      const tx = characteristics.find((c) => c.uuid === NUS_TX);
      if (!rx || !tx)
        throw new LinkError(
          `${port} (${p.address}) has no Nordic UART service (RX 6e400002, TX 6e400003): ` +
            `it is not an Espruino console, or its firmware turned the console off (NRF.setServices(..., {uart:false}))`,
        );
      const withoutResponse = rx.properties.includes("writeWithoutResponse");
      if (!withoutResponse && !rx.properties.includes("write"))
        throw new LinkError(`${port}: the Nordic UART RX characteristic takes no writes`);
      const packetSize = Math.max(DEFAULT_MTU, p.mtu ?? DEFAULT_MTU) - ATT_HEADER;
      const link = new BleLink(p, rx, tx, withoutResponse, port, packetSize, o.bytesPerSecond ?? BLE_WRITE_PACE, o);
      await tx.subscribeAsync();
      return link;
    } catch (e) {
      await p.disconnectAsync().catch(() => {});
      throw e instanceof LinkError ? e : new LinkError(`cannot open the Nordic UART service of ${port}: ${(e as Error).message}`);
    }
  }

  reopen(): Promise<ByteLink> {
    return BleLink.open(this.path, this.o);
  }

  protected async transmit(packet: Uint8Array): Promise<void> {
    const failed = this.failure;
    if (failed) throw failed;
    // a write the connection drops under never settles in some bindings: the disconnect ends it
    let off = () => {};
    const dropped = new Promise<never>((_, reject) => (off = this.onClose(reject)));
    try {
      await Promise.race([this.rx.writeAsync(Buffer.from(packet), this.withoutResponse), dropped]);
    } catch (e) {
      throw e instanceof LinkError ? e : new LinkError(`${this.path}: write failed: ${(e as Error).message}`);
    } finally {
      off();
    }
  }

  protected async shutdown(): Promise<void> {
    // only this link's listeners: the library's own may wait on the same events
    this.tx.removeListener("data", this.onNotify);
    this.peripheral.removeListener("disconnect", this.onDisconnect);
    await this.peripheral.disconnectAsync().catch(() => {});
    // the library's central is this link's alone (one board per command)
    if (!this.o.central) releaseBleCentral();
  }
}
