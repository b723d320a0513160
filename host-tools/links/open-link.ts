// --port to a link: tcp://host[:port] is TCP; a Bluetooth address or ble:NAME
// is Bluetooth LE (its library loaded only then: ble-central.ts); anything else a serial
// device path.
import { ByteLink } from "./byte-link";
import { BLE_ADDRESS, BleLink } from "./ble-link";
import { SerialLink } from "./serial-link";
import { TcpLink } from "./tcp-link";

export interface OpenOptions {
  /** serial baud rate (ignored by links that have none) */
  baud?: number;
}

/** aa:bb:cc:dd:ee:ff (or with dashes), or ble:NAME */
export function isBlePort(port: string): boolean {
  return /^ble:/i.test(port) || BLE_ADDRESS.test(port);
}

export function openLink(port: string, o: OpenOptions = {}): Promise<ByteLink> {
  if (/^tcp:/i.test(port)) return TcpLink.open(port);
  if (isBlePort(port)) return BleLink.open(port);
  return SerialLink.open(port, o.baud ?? 115200);
}
