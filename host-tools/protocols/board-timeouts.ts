// How long the host waits on an Espruino board for what a fault can make it
// never send: an answer to a command, a chunk's acknowledgement, a packet's ACK
// or NAK, and, after an interrupted upload, the board answering again. The
// defaults are the production values; the CLI takes shorter (or longer) ones
// from EDGEFNN_BOARD_TIMEOUTS, as the agent client does from
// EDGEFNN_AGENT_TIMEOUTS: for a slow link, and for tests of a reply they know
// is lost, which then need not wait out the production times. No Node imports:
// the studio page's console uses the defaults.
import { parseTimeoutSpec } from "./timeouts-spec";

export interface BoardTimeouts {
  /** for a command's answer (EspruinoRepl.call unless the caller gives its own) */
  callMs: number;
  /** for a console chunk line's acknowledgement (storage-write.ts) */
  ackMs: number;
  /** for a packet's ACK or NAK (packet-file.ts): longer than the board's own packet timeout (5 s in the
   * firmware), so that its NAK for a packet that lost bytes is heard */
  packetMs: number;
  /** after an interrupted upload, how long the board is asked again what it holds (board-reread.ts) */
  rereadMs: number;
}

export const BOARD_TIMEOUTS: Readonly<BoardTimeouts> = { callMs: 5000, ackMs: 3000, packetMs: 6500, rereadMs: 6000 };

/** The environment variable the CLI reads them from, e.g. EDGEFNN_BOARD_TIMEOUTS=callMs=1500,rereadMs=2000 */
export const BOARD_TIMEOUTS_ENV = "EDGEFNN_BOARD_TIMEOUTS";

/** BOARD_TIMEOUTS with the ones `spec` ("name=value,...") sets; throws, naming what is wrong, on anything else. */
export function parseBoardTimeouts(spec: string | undefined): BoardTimeouts {
  return parseTimeoutSpec(BOARD_TIMEOUTS, BOARD_TIMEOUTS_ENV, spec, "whole number of milliseconds");
}
