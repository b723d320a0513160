// Virtual boards for one test file: sim() starts one (a Puck.js unless the
// options say otherwise), and every board a test started is stopped after it.
import { afterEach } from "vitest";
import { RunningSim, SimOptions, startSim } from "../../host-tools/sim/index";

export function virtualBoards(defaults: SimOptions = {}): { sim: (o?: SimOptions) => Promise<RunningSim>; sims: RunningSim[] } {
  const sims: RunningSim[] = [];
  afterEach(async () => {
    while (sims.length) await sims.pop()!.stop();
  });
  async function sim(o: SimOptions = {}): Promise<RunningSim> {
    const s = await startSim({ board: "puckjs", ...defaults, ...o });
    sims.push(s);
    return s;
  }
  return { sim, sims };
}
