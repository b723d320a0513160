// edgefnn studio: serves the studio page (built into dist/studio/ by npm run
// build) on 127.0.0.1 and prints its URL; opens nothing. Runs until Ctrl-C or
// SIGTERM, like sim and agent.
import { fail } from "../cli/user-error";
import { packageFile } from "../files/package-root";
import { startSim } from "../sim/index";
import { isGesture } from "../sim/accelerometer";
import { serveStudio } from "../studio/static-server";

export interface StudioOptions {
  port: number;
  /** also a virtual board (host-tools/sim), reached by the page through a WebSocket bridge */
  sim?: boolean;
  board?: string;
  json?: boolean;
}

export async function studioCommand(o: StudioOptions): Promise<void> {
  const sim = o.sim ? await startSim({ tcp: 0, board: o.board ?? "puckjs" }).catch((e: Error) => fail(e.message)) : null;
  const simPort = sim ? Number(/:(\d+)$/.exec(sim.port)![1]) : undefined;
  // the page's "virtual hand": which synthetic gesture the board's accelerometer plays (for live classification and collecting)
  const moveHand = sim ? (g: string) => isGesture(g) && (sim.accel.setGesture(g), true) : undefined;
  const server = await serveStudio(packageFile("dist/studio"), o.port, simPort, moveHand).catch(async (e: Error) => {
    await sim?.stop();
    return fail(e.message);
  });
  // ?sim: the page offers the virtual board (a page from a static host has no bridge to offer)
  const url = sim ? `${server.url}?sim` : server.url;
  process.stdout.write(o.json ? JSON.stringify({ url, board: sim ? sim.port : null }) + "\n" : url + "\n");
  if (!o.json)
    process.stderr.write(
      `edgefnn studio: open ${url} in Chrome, Edge or another browser (127.0.0.1 only)` +
        (sim ? `; a virtual ${sim.board.board.name} is on ${sim.port}, the page reaches it through a WebSocket` : "") +
        ". Stop with Ctrl-C.\n",
    );
  await new Promise<void>((resolve) => {
    const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    const stop = () => {
      for (const s of SIGNALS) process.off(s, stop);
      Promise.all([server.close(), sim?.stop()]).then(
        () => resolve(),
        () => resolve(),
      );
    };
    for (const s of SIGNALS) process.on(s, stop);
  });
}
