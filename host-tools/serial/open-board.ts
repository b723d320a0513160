// Opens a board's port and syncs its REPL: apart from model-upload.ts, whose
// upload works over any link (the studio page gives it a WebSocket one) and
// so must not import the serial port library.
import { EspruinoRepl } from "../protocols/espruino-repl";
import { BOARD_TIMEOUTS_ENV, parseBoardTimeouts } from "../protocols/board-timeouts";
import { ByteLink } from "../links/byte-link";
import { openLink } from "../links/open-link";

export async function openBoard(port: string, baud: number): Promise<{ link: ByteLink; repl: EspruinoRepl }> {
  const timeouts = parseBoardTimeouts(process.env[BOARD_TIMEOUTS_ENV]);
  const link = await openLink(port, { baud });
  const repl = new EspruinoRepl(link, { timeouts });
  try {
    await repl.sync();
  } catch (e) {
    await link.close();
    throw e;
  }
  return { link, repl };
}
