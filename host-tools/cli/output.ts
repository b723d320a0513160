// A command's human output: text on a terminal, nothing with --json (whose one
// object the CLI prints) or --quiet; and the few formats every command prints
// numbers in.

/** Human output goes through say(): silent with --json, whose one object is printed by the CLI, and with --quiet. */
export interface Output {
  json: boolean;
  /** -q/--quiet: no human text, no progress bars (errors and warnings still go to stderr) */
  quiet?: boolean;
  say(line?: string): void;
}

export function output(json: boolean, quiet = false): Output {
  return {
    json,
    quiet,
    say: (line = "") => {
      if (!json && !quiet) process.stdout.write(line + "\n");
    },
  };
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
    r
      .map((c, i) => (i === 0 || !alignRight ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}
