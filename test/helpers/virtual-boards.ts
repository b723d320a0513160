// Virtual boards for one test file: sim() starts one (a Puck.js unless the
// options say otherwise), and every board a test started is stopped after it.
import { afterEach } from "vitest";
import { RunningSim, SimOptions, startSim } from "../../host-tools/sim/index";

/** The virtual board stops a line or callback that runs longer than its
 * execTimeoutMs (5 s: a runaway loop a real board would need Ctrl-C for). That
 * is wall-clock time: on a busy machine legitimate code took longer and was
 * interrupted. The tests' boards get this bound instead, unless a test sets its own. */
export const BUSY_EXEC_MS = 60_000;

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
