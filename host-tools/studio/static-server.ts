// Serves the built studio page (dist/studio/) on 127.0.0.1 only. The folder is
// flat and known, so a request names one of its files or nothing: no path is
// ever joined from a URL. Every answer carries the cross-origin isolation
// headers (COOP and COEP), which give the page SharedArrayBuffer: that is how
// it pauses and resumes its training worker between epochs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { bridgeUpgrade } from "./sim-bridge";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

export interface StudioServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The files of the built page, by name; an error that says how to build them when they are missing. */
export function pageFiles(dir: string): Map<string, Buffer> {
  if (!existsSync(join(dir, "index.html")))
    throw new Error(`${join(dir, "index.html")} is missing: in a checkout, run npm run build first`);
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    const ext = name.slice(name.lastIndexOf("."));
    if (TYPES[ext]) files.set(name, readFileSync(join(dir, name)));
  }
  return files;
}

/** bridgeTo: a virtual board's TCP port on 127.0.0.1, reached by the page through a WebSocket at /link (studio --sim);
 * moveHand: what the virtual board's accelerometer plays from now on (POST /sim/gesture?g=shake from the page; false: no such gesture) */
export function serveStudio(dir: string, port: number, bridgeTo?: number, moveHand?: (gesture: string) => boolean): Promise<StudioServer> {
  const files = pageFiles(dir);
  const server: Server = createServer((req, res) => {
    const host = req.headers.host ?? "";
    const bound = (server.address() as { port: number }).port;
    // a page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) is not served
    if (host !== `127.0.0.1:${bound}` && host !== `localhost:${bound}`) {
      res.writeHead(421, { "Content-Type": "text/plain" }).end("edgefnn studio answers only to 127.0.0.1 and localhost\n");
      return;
    }
    const [path, query] = (req.url ?? "/").split("?");
    if (path === "/sim/gesture" && moveHand && req.method === "POST") {
      // the virtual board's "hand" (what its accelerometer plays): only the page itself may move it
      const origin = req.headers.origin;
      if (origin !== `http://127.0.0.1:${bound}` && origin !== `http://localhost:${bound}`) {
        res.writeHead(403, { "Content-Type": "text/plain" }).end("only the studio page may move the virtual board\n");
        return;
      }
      const g = new URLSearchParams(query ?? "").get("g") ?? "";
      const ok = moveHand(g);
      res.writeHead(ok ? 204 : 400, { "Content-Type": "text/plain" }).end(ok ? undefined : `no gesture "${g.slice(0, 20)}"\n`);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const name = path === "/" ? "index.html" : path.slice(1);
    const body = files.get(name);
    if (!body) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "Content-Type": TYPES[name.slice(name.lastIndexOf("."))],
      "Content-Length": body.length,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cross-Origin-Resource-Policy": "same-origin",
      // the page loads only its own files and talks to nothing else
      "Content-Security-Policy":
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  server.on("upgrade", (req, socket) => {
    if (bridgeTo === undefined) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    bridgeUpgrade(req, socket, bridgeTo, (server.address() as { port: number }).port);
  });
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(e.code === "EADDRINUSE" ? new Error(`port ${port} of 127.0.0.1 is in use: pass --port N (0: any free port)`) : e),
    );
    server.listen(port, "127.0.0.1", () => {
      const p = (server.address() as { port: number }).port;
      resolve({
        url: `http://127.0.0.1:${p}/`,
        port: p,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
