/// <reference lib="dom" />
// ByteLinks over the browser's own ways to a board: Web Serial (a USB cable)
// and Web Bluetooth (the Nordic UART service every Espruino board offers), as
// the Espruino Web IDE reaches boards. Above them runs the CLI's own code (the
// REPL, the verified upload, verify's runner). The browser's types for these
// APIs are not in TypeScript's DOM library: the few members used are declared
// here.
import type { ByteLink } from "../../links/byte-link";
import { LinkError } from "../../links/byte-link";
import { PacedLink } from "../../links/paced-link";

interface SerialPortLike {
  open(o: { baudRate: number }): Promise<void>;
  close(): Promise<void>;
  readable: ReadableStream<Uint8Array> | null;
  writable: WritableStream<Uint8Array> | null;
}
export interface SerialApi {
  requestPort(o?: object): Promise<SerialPortLike>;
}

interface CharacteristicLike extends EventTarget {
  value?: DataView;
  writeValue(b: BufferSource): Promise<void>;
  startNotifications(): Promise<unknown>;
}
interface DeviceLike extends EventTarget {
  name?: string;
  gatt?: {
    connect(): Promise<{ getPrimaryService(uuid: string): Promise<{ getCharacteristic(uuid: string): Promise<CharacteristicLike> }> }>;
    disconnect(): void;
    connected: boolean;
  };
}
export interface BluetoothApi {
  requestDevice(o: object): Promise<DeviceLike>;
}

export function serialApi(): SerialApi | null {
  return (navigator as Navigator & { serial?: SerialApi }).serial ?? null;
}
export function bluetoothApi(): BluetoothApi | null {
  return (navigator as Navigator & { bluetooth?: BluetoothApi }).bluetooth ?? null;
}

/** A USB serial port, paced at its baud rate like host-tools/links/serial-link.ts. */
export class WebSerialLink extends PacedLink {
  readonly speed: string;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;

  private constructor(
    private readonly port: SerialPortLike,
    private readonly baud: number,
  ) {
    super("USB serial (Web Serial)", 32, baud / 10);
    this.speed = `${baud} baud`;
    void this.readLoop();
  }

  static async request(baud = 115200): Promise<WebSerialLink> {
    const api = serialApi();
    if (!api) throw new LinkError("this browser has no Web Serial");
    const port = await api.requestPort();
    return WebSerialLink.open(port, baud);
  }

  private static async open(port: SerialPortLike, baud: number): Promise<WebSerialLink> {
    await port.open({ baudRate: baud }).catch((e: Error) => {
      throw new LinkError(`cannot open the serial port: ${e.message}`);
    });
    return new WebSerialLink(port, baud);
  }

  private async readLoop(): Promise<void> {
    try {
      this.reader = this.port.readable!.getReader();
      for (;;) {
        const { value, done } = await this.reader.read();
        if (done) break;
        if (value?.length) this.arrived(value);
      }
      this.fail(new LinkError(`${this.path}: the port closed`));
    } catch (e) {
      this.fail(new LinkError(`${this.path}: ${(e as Error).message}`));
    }
  }

  protected async transmit(packet: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    const writer = this.port.writable!.getWriter();
    try {
      await writer.write(packet.slice());
    } catch (e) {
      throw new LinkError(`${this.path}: write failed: ${(e as Error).message}`);
    } finally {
      writer.releaseLock();
    }
  }

  protected async shutdown(): Promise<void> {
    await this.reader?.cancel().catch(() => {});
    await this.port.close().catch(() => {});
  }

  async reopen(): Promise<ByteLink> {
    await this.shutdown();
    return WebSerialLink.open(this.port, this.baud);
  }
}

/** Nordic UART service: the board's console over Bluetooth LE (docs/LINKS.md). */
const NUS = "6e400001-b5a3-f393-e0a9-e50e24dcca9e";
const NUS_TX = "6e400002-b5a3-f393-e0a9-e50e24dcca9e"; // we write
const NUS_RX = "6e400003-b5a3-f393-e0a9-e50e24dcca9e"; // the board notifies
/** the payload of one write without a larger MTU: 23-byte ATT MTU less 3 */
const BLE_WRITE = 20;
const BOARD_NAMES = ["Puck.js", "Pixl.js", "Bangle.js", "MDBT42Q", "Espruino", "Jolt.js"];

export class WebBluetoothLink extends PacedLink {
  readonly speed = "Bluetooth LE, 20-byte writes";

  private constructor(
    private readonly device: DeviceLike,
    private readonly tx: CharacteristicLike,
    rx: CharacteristicLike,
  ) {
    // each write waits for the radio, which paces it: no rate of its own
    super(`Bluetooth ${device.name ?? "board"}`, BLE_WRITE, Infinity);
    rx.addEventListener("characteristicvaluechanged", () => {
      const v = rx.value;
      if (v) this.arrived(new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
    });
    device.addEventListener("gattserverdisconnected", () => this.fail(new LinkError(`${this.path}: disconnected`)));
  }

  static async request(): Promise<WebBluetoothLink> {
    const api = bluetoothApi();
    if (!api) throw new LinkError("this browser has no Web Bluetooth");
    const device = await api.requestDevice({ filters: BOARD_NAMES.map((namePrefix) => ({ namePrefix })), optionalServices: [NUS] });
    return WebBluetoothLink.open(device);
  }

  private static async open(device: DeviceLike): Promise<WebBluetoothLink> {
    if (!device.gatt) throw new LinkError(`${device.name ?? "the device"} has no GATT server`);
    const server = await device.gatt.connect();
    const service = await server.getPrimaryService(NUS).catch(() => {
      throw new LinkError(`${device.name ?? "the device"} has no Nordic UART service: is it an Espruino board?`);
    });
    const tx = await service.getCharacteristic(NUS_TX),
      rx = await service.getCharacteristic(NUS_RX);
    await rx.startNotifications();
    return new WebBluetoothLink(device, tx, rx);
  }

  protected async transmit(packet: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    await this.tx.writeValue(packet.slice()).catch((e: Error) => {
      throw new LinkError(`${this.path}: write failed: ${e.message}`);
    });
  }

  protected async shutdown(): Promise<void> {
    if (this.device.gatt?.connected) this.device.gatt.disconnect();
  }

  reopen(): Promise<ByteLink> {
    return WebBluetoothLink.open(this.device);
  }
}
