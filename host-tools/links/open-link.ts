// --port to a link: tcp://host[:port] is TCP; a Bluetooth address or ble:NAME
// is Bluetooth LE, which this version cannot open (said so, instead of
// "cannot open aa:bb:...: No such file or directory"); anything else a serial
// device path.
import { ByteLink, LinkError } from "./byte-link";
import { SerialLink } from "./serial-link";
import { TcpLink } from "./tcp-link";

export interface OpenOptions {
  /** serial baud rate (ignored by links that have none) */
  baud?: number;
}

/** aa:bb:cc:dd:ee:ff (or with dashes), or ble:NAME */
export function isBlePort(port: string): boolean {
  return /^ble:/i.test(port) || /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(port);
}

export function openLink(port: string, o: OpenOptions = {}): Promise<ByteLink> {
  if (/^tcp:/i.test(port)) return TcpLink.open(port);
  if (isBlePort(port))
    return Promise.reject(
      new LinkError(
        `${port} is a Bluetooth LE board, and this version of edgefnn has no Bluetooth LE link yet: ` +
          "use a USB serial port (edgefnn list shows them), tcp://host for an ESP32 on Wi-Fi, or the Espruino Web IDE for Puck.js and " +
            "Bangle.js",
      ),
    );
  return SerialLink.open(port, o.baud ?? 115200);
}
