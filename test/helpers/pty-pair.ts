// Two pseudo-terminals joined by socat, like a null-modem cable: what is
// written to one end is read at the other. Each end is a symlink in `dir`.
import { ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export interface PtyPair {
  a: string;
  b: string;
  socat: ChildProcess;
  close(): Promise<void>;
}

export async function ptyPair(dir: string, name = "pty"): Promise<PtyPair> {
  const a = join(dir, `${name}-a`),
    b = join(dir, `${name}-b`);
  const socat = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  await new Promise<void>((resolve, reject) => {
    // a bound for a hung socat (one that fails exits at once): a busy machine outran 5 s
    const timer = setTimeout(() => reject(new Error(`socat made no pty pair in 30 s: ${log}`)), 30_000);
    socat.stderr!.on("data", (d) => {
      log += d;
      if (/starting data transfer loop/.test(log) && existsSync(a) && existsSync(b)) {
        clearTimeout(timer);
        resolve();
      }
    });
    socat.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`socat exited (${code}): ${log}`));
    });
  });
  const exited = new Promise<void>((resolve) => socat.once("exit", () => resolve()));
  return {
    a,
    b,
    socat,
    close: async () => {
      if (socat.exitCode !== null || socat.signalCode !== null) return;
      socat.kill("SIGTERM");
      await exited;
    },
  };
}
