// The one interface every protocol talks through: bytes out (paced, with the
// board's XON/XOFF honoured), bytes in (XON/XOFF already removed), the
// link's packet size and speed, and a close that fails whatever waits on it.
// Serial (serial-link.ts), TCP (tcp-link.ts) and any later link implement it;
// no protocol knows which one carries its bytes.

export class LinkError extends Error {}

export interface LinkStats {
  /** bytes written to the link */
  sent: number;
  /** bytes received, flow-control bytes included */
  received: number;
  /** XOFFs received */
  xoffs: number;
}

export interface ByteLink {
  /** what the user gave as --port (a device path, tcp://host:port, ...) */
  readonly path: string;
  /** bytes written at a time: small enough that what is in flight when XOFF arrives fits the board's buffer */
  readonly packetSize: number;
  /** the link's real speed in bytes per second (a UART: baud / 10); Infinity when the link sets none (TCP) */
  readonly bytesPerSecond: number;
  /** the speed in words ("115200 baud", "TCP") */
  readonly speed: string;
  readonly stats: LinkStats;
  readonly isClosed: boolean;
  /** false only to show in tests what ignoring XOFF costs */
  honourXoff: boolean;
  /** true (the default): writes go in packets of packetSize, paced at bytesPerSecond, for an Espruino board's
   * small input buffer. False once the far end is known to be an edgefnn agent (AgentClient.probe), which reads
   * whole frames: each write then goes out in one piece (or the transport's largest), unpaced; XOFF still honoured. */
  paced: boolean;
  /** Calls f with every arrival (XON/XOFF removed); what arrived before the first listener is handed to it. Returns an unsubscribe. */
  onData(f: (bytes: Uint8Array) => void): () => void;
  /** Calls f once when the link fails or closes (at once if it has). Returns an unsubscribe. */
  onClose(f: (e: Error) => void): () => void;
  /** Writes bytes in packets, waiting out XOFF (at most xoffMs at a time) and pacing at the link's speed (unless !paced). */
  write(bytes: Uint8Array, xoffMs?: number): Promise<void>;
  close(): Promise<void>;
  /** A new link to the same place (after a cable was pulled, a board reset). */
  reopen(): Promise<ByteLink>;
}
