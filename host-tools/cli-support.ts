// What every command shares: user-facing errors, option parsing, and output
// that is human text on a terminal and exactly one JSON object with --json.
import { InvalidArgumentError } from "commander";

// The user-facing error and the quoting of user values live apart
// (user-message.ts, no commander, no Node): the studio page uses them too.
export { fail, quoteStart, quoteValue, SHOWN_CHARACTERS, UserError } from "./user-message";
import { quoteValue } from "./user-message";

export function intOption(name: string, min = 1): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${quoteValue(v)}`);
    return n;
  };
}

export function numberOption(name: string, check: (n: number) => boolean = (n) => n > 0, what = "a positive number"): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || !check(n)) throw new InvalidArgumentError(`${name} must be ${what}, got ${quoteValue(v)}`);
    return n;
  };
}

export function listOption(v: string): string[] {
  return v.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** Human output goes through say(): silent with --json, whose one object is printed by the CLI, and with --quiet. */
export interface Output {
  json: boolean;
  /** -q/--quiet: no human text, no progress bars (errors and warnings still go to stderr) */
  quiet?: boolean;
  say(line?: string): void;
}

export function output(json: boolean, quiet = false): Output {
  return { json, quiet, say: (line = "") => { if (!json && !quiet) process.stdout.write(line + "\n"); } };
}

export function percent(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "n/a";
}

export function bytes(n: number): string {
  return n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`;
}

/** A fixed-width text table. */
export function table(rows: (string | number)[][], alignRight = true): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  return rows.map((r) =>
    r.map((c, i) => (i === 0 || !alignRight ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ").trimEnd(),
  );
}
