// `edgefnn agent` as a child process through the real CLI, for the tests that
// talk to it over a pty: started, waited for until it listens, stopped.
import { ChildProcess, spawn } from "node:child_process";
import { BIN } from "./cli";

export interface Agent {
  proc: ChildProcess;
  /** what it wrote on stderr so far */
  stderr: () => string;
  /** signals it (SIGTERM unless told) and resolves with its exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Resolves once the agent printed its first line (it listens then); what kills it for good goes into the test file's cleanups. */
export async function startAgent(
  port: string,
  modelDir: string,
  cleanups: (() => Promise<void> | void)[],
  extra: string[] = [],
): Promise<Agent> {
  const proc = spawn(process.execPath, [BIN, "agent", "--port", port, "--dir", modelDir, ...extra], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "",
    err = "";
  proc.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    // a bound for a hung start, not a speed: the CLI starts through tsx, slow on a busy machine (load ~30 on 2 cores)
    const timer = setTimeout(() => reject(new Error(`the agent did not start in 60 s: ${err}`)), 60_000);
    proc.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the agent exited (${code}): ${err}`));
    });
  });
  const agent: Agent = {
    proc,
    stderr: () => err,
    stop: async (signal = "SIGTERM") => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  cleanups.push(async () => {
    await agent.stop("SIGKILL");
  });
  return agent;
}
