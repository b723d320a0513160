// --port to a link: tcp://host[:port] is TCP, anything else a serial device path.
import { ByteLink } from "./byte-link";
import { SerialLink } from "./serial-link";
import { TcpLink } from "./tcp-link";

export interface OpenOptions {
  /** serial baud rate (ignored by links that have none) */
  baud?: number;
}

export function openLink(port: string, o: OpenOptions = {}): Promise<ByteLink> {
  if (/^tcp:/i.test(port)) return TcpLink.open(port);
  return SerialLink.open(port, o.baud ?? 115200);
}
