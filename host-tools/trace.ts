// -v/--verbose: what a command does on the wire, line by line on stderr
// ("edgefnn: > ..." for bytes sent, "edgefnn: < ..." for bytes received),
// shown as quoted text so control bytes are visible. Off unless the flag is
// given; the links call trace() and pay one test when it is off.
import { quoteStart } from "./user-message";

let on = false;

export function setTrace(enabled: boolean): void {
  on = enabled;
}

export function tracing(): boolean {
  return on;
}

/** one line on stderr when --verbose is on: dir ">" for sent, "<" for received */
export function trace(dir: ">" | "<", what: string | Uint8Array, where = ""): void {
  if (!on) return;
  const text = typeof what === "string" ? what : Buffer.from(what).toString("latin1");
  process.stderr.write(`edgefnn: ${where ? where + " " : ""}${dir} ${quoteStart(text, 200)}${text.length > 200 ? ` (${text.length} bytes)` : ""}\n`);
}
