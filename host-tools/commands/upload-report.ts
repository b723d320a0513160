// What edgefnn upload reports on both paths (an Espruino board, an edgefnn
// agent): the progress bar, what the upload cost on its link, and an upload
// that stopped part way.
import { SingleBar } from "cli-progress";
import { bytes as fmtBytes, Output } from "../cli/output";
import { ByteLink } from "../links/byte-link";
import { ActiveFact } from "../serial/active-fact";
import type { UploadOptions } from "./upload";

/** a progress bar on a terminal (not with --json or -q) */
export function progressBar(out: Output): SingleBar | null {
  return !out.json && !out.quiet && process.stdout.isTTY
    ? new SingleBar({ format: "  {stage} |{bar}| {value}/{total} bytes", hideCursor: true, barsize: 24 })
    : null;
}

/** What a finished upload cost on its link: the payload, the wire bytes, the
 * efficiency, the seconds since t0, and the time the wire bytes take at the
 * link's own speed (its baud rate; a link without one, TCP, is only timed).
 * `fields` are --json's, in its order. */
export function uploadCost(link: ByteLink, payload: number, t0: number) {
  const seconds = (performance.now() - t0) / 1000;
  const wire = link.stats.sent;
  const efficiency = wire ? payload / wire : 0;
  const wireSeconds = Number.isFinite(link.bytesPerSecond) ? wire / link.bytesPerSecond : null;
  const sentence =
    `  payload ${fmtBytes(payload)}, on the wire ${fmtBytes(wire)} (efficiency ${(100 * efficiency).toFixed(0)}%), ` +
    `${seconds.toFixed(1)} s over ${link.speed}` +
    (wireSeconds !== null ? ` (the wire bytes alone take ${wireSeconds.toFixed(1)} s at ${link.speed})` : "");
  return { sentence, fields: { payload, wire, efficiency, seconds, speed: link.speed, wireSeconds } };
}

export function verifyHint(file: string, port: string): string {
  return `edgefnn verify ${file} <test.csv> --port ${port}`;
}

/** An upload that stopped part way: the message on stderr, and with --json the same fact in one object on stdout (exit code 1). */
export function interrupted(o: UploadOptions, name: string, file: string | null, message: string, fact: ActiveFact) {
  process.stderr.write(`edgefnn: ${message}\n`);
  return {
    ok: false,
    port: o.port,
    name,
    file,
    error: message,
    active: fact.active,
    activeFile: fact.file,
    how: fact.how,
    incomplete: fact.incomplete,
    leftover: fact.leftover,
  };
}
