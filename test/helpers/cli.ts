import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const BIN = fileURLToPath(new URL("../../bin/edgefnn.mjs", import.meta.url));
export const IRIS_CSV = fileURLToPath(new URL("../../examples/data/iris.csv", import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process. */
export function cli(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the test process (for slow commands run side by side). */
export function cliAsync(args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: o.cwd, env: { ...process.env, ...o.env } });
    let stdout = "",
      stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** --json output: exactly one JSON object on stdout. */
export function json(r: CliResult): any {
  const lines = r.stdout.trim().split("\n");
  if (lines.length !== 1) throw new Error(`expected one line of JSON on stdout, got:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return JSON.parse(lines[0]);
}

/** --json output of a command that must succeed: its exit status, stderr and stdout in the failure otherwise. */
export function okJson(r: CliResult): any {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}${r.stdout}`);
  return json(r);
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "edgefnn-cli-"));
}

/** `edgefnn collect` for 3 s of shakes from the board on `port` (any link): windows were recorded, none corrupt, and the
 * CSV holds exactly them under its header. */
export async function expectCollectsWindows(port: string): Promise<void> {
  const csv = join(tempDir(), "g.csv");
  const args = ["collect", "--port", port, "--label", "shake", "--seconds", "3", "--out", csv, "--rate", "25", "--window", "25"];
  const r = json(await cliAsync([...args, "--json"]));
  expect(r.windows).toBeGreaterThan(0);
  expect(r.corrupt).toBe(0);
  expect(readFileSync(csv, "utf8").trim().split("\n").length).toBe(r.windows + 1);
}
