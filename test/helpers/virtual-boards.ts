// Virtual boards for one test file: sim() starts one (a Puck.js unless the
// options say otherwise), and every board a test started is stopped after it.
import { afterEach } from "vitest";
import { RunningSim, SimOptions, startSim } from "../../host-tools/sim/index";
import { BOARD_TIMEOUTS_ENV } from "../../host-tools/protocols/board-timeouts";

/** The virtual board stops a line or callback that runs longer than its
 * execTimeoutMs (5 s: a runaway loop a real board would need Ctrl-C for). That
 * is wall-clock time: on a busy machine legitimate code took longer and was
 * interrupted. The tests' boards get this bound instead, unless a test sets its own. */
export const BUSY_EXEC_MS = 60_000;

/** Shorter waits for tests of bytes a fault loses on purpose, where what is checked is what the CLI does and says,
 * not how long it waits (host-tools/protocols/board-timeouts.ts; packets.test.ts checks the firmware's real 5 s
 * packet timeout, and some fault tests keep the production waits, each saying so). A wait a busy machine outruns
 * costs a resend or a retry, which such a test checks for anyway. LOSSY_BOARD: the board's packet timeout (5 s in
 * the firmware), with LOSSY_WAITS the CLI's (its packet wait longer than the board's, so the NAK is heard). */
export const LOSSY_BOARD: SimOptions = { packetTimeoutMs: 1000 };
export const LOSSY_WAITS: NodeJS.ProcessEnv = { [BOARD_TIMEOUTS_ENV]: "callMs=2500,ackMs=2000,packetMs=2500" };
/** The CLI's waits for a board that never answers again (gone silent, its connection gone). */
export const SILENT_WAITS: NodeJS.ProcessEnv = { [BOARD_TIMEOUTS_ENV]: "callMs=2000,packetMs=2000,rereadMs=2000" };

export function virtualBoards(defaults: SimOptions = {}): { sim: (o?: SimOptions) => Promise<RunningSim>; sims: RunningSim[] } {
  const sims: RunningSim[] = [];
  afterEach(async () => {
    while (sims.length) await sims.pop()!.stop();
  });
  async function sim(o: SimOptions = {}): Promise<RunningSim> {
    const s = await startSim({ board: "puckjs", execTimeoutMs: BUSY_EXEC_MS, ...defaults, ...o });
    sims.push(s);
    return s;
  }
  return { sim, sims };
}
