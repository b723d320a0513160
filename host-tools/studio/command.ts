// edgefnn studio: serves the studio page (built into dist/studio/ by npm run
// build) on 127.0.0.1 and prints its URL; opens nothing. Runs until Ctrl-C or
// SIGTERM, like sim and agent.
import { fail } from "../user-message";
import { packageFile } from "../package-root";
import { serveStudio } from "./static-server";

export interface StudioOptions {
  port: number;
  json?: boolean;
}

export async function studioCommand(o: StudioOptions): Promise<void> {
  const server = await serveStudio(packageFile("dist/studio"), o.port).catch((e: Error) => fail(e.message));
  process.stdout.write(o.json ? JSON.stringify({ url: server.url }) + "\n" : server.url + "\n");
  if (!o.json) process.stderr.write(`edgefnn studio: open ${server.url} in Chrome, Edge or another browser (127.0.0.1 only). Stop with Ctrl-C.\n`);
  await new Promise<void>((resolve) => {
    const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    const stop = () => {
      for (const s of SIGNALS) process.off(s, stop);
      server.close().then(resolve, resolve);
    };
    for (const s of SIGNALS) process.on(s, stop);
  });
}
