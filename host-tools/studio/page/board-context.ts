/// <reference lib="dom" />
// What the board section's panels share (board-panel.ts makes it; the gesture
// app's and the recording's panels use it): the connection, the buttons that
// need one, and the page's own files that go to the board.
import type { EspruinoRepl } from "../../protocols/espruino-repl";
import type { PacedLink } from "../../links/paced-link";

/** What the board's other panels share: the connection, and the buttons that need it. */
export interface BoardContext {
  /** the connection, or null */
  repl(): EspruinoRepl | null;
  link(): PacedLink | null;
  /** something runs on the board: every board button off but those in `except` (a running task's own stop button) */
  busy(b: boolean, except?: string[]): void;
  /** a button that needs a connection (and no task running) */
  needsBoard(id: string): void;
}

/** One of the page's own files (what it uploads), as bytes. */
export async function fetchBytes(name: string): Promise<Uint8Array> {
  const r = await fetch(name);
  if (!r.ok) throw new Error(`${name}: the page's server answered ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}
