// A pseudo-terminal for the virtual board, made by socat: its slave is the
// port a host opens (through a symlink at a path of our choosing), its master
// is relayed to socat's stdin/stdout, which are pipes to this process. socat
// is our child: when this process ends, socat reads EOF on its stdin and exits
// too, even after a SIGKILL, so no pty is left behind.
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Pty {
  /** the path a host opens (a symlink to /dev/pts/N) */
  path: string;
  /** socat's process id */
  pid: number;
  write(bytes: Uint8Array): void;
  onData(f: (bytes: Buffer) => void): void;
  /** stop and start reading what the host writes (it waits in the pty meanwhile) */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export class PtyError extends Error {}

/** Opens a pty. `link`: where its symlink goes (default: a new temporary directory). */
export async function openPty(o: { link?: string; timeoutMs?: number } = {}): Promise<Pty> {
  let dir: string | null = null;
  let link = o.link;
  if (!link) {
    dir = mkdtempSync(join(tmpdir(), "edgefnn-sim-"));
    link = join(dir, "board");
  }
  // socat's address syntax gives , : ! and spaces a meaning
  if (!/^[\w./+@~-]+$/.test(link)) throw new PtyError(`${link}: use a port path of letters, digits and . / _ + @ ~ - only`);
  if (existsSync(link) && !lstatSync(link).isSymbolicLink())
    throw new PtyError(`${link} exists and is not a symlink: choose another --link path`);
  const cleanup = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  let child: ChildProcess;
  try {
    child = spawn("socat", ["-d", "-d", `pty,raw,echo=0,link=${link}`, "STDIO"], { stdio: ["pipe", "pipe", "pipe"] });
  } catch (e) {
    cleanup();
    throw new PtyError(`cannot start socat: ${(e as Error).message}`);
  }
  let log = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      // a bound for a socat that hangs, not a claim about how fast it starts: a socat that fails exits
      // (and says why) at once; on a busy machine a healthy one took more than 5 s
      const ms = o.timeoutMs ?? 30_000;
      const timer = setTimeout(() => reject(new PtyError(`socat did not make a pty within ${ms} ms: ${log.trim()}`)), ms);
      const done = (e?: Error) => {
        clearTimeout(timer);
        child.stderr!.off("data", onLog);
        if (e) reject(e);
        else resolve();
      };
      const onLog = (d: Buffer) => {
        log += d.toString();
        if (/starting data transfer loop/.test(log) && existsSync(link!)) done();
      };
      child.stderr!.on("data", onLog);
      child.once("error", (e: NodeJS.ErrnoException) =>
        done(new PtyError(e.code === "ENOENT" ? "socat is not installed (Debian: sudo apt-get install socat)" : `socat: ${e.message}`)),
      );
      child.once("exit", (code) => done(new PtyError(`socat exited (${code}) before making a pty: ${log.trim()}`)));
    });
  } catch (e) {
    child.kill("SIGKILL");
    cleanup();
    throw e;
  }
  child.stderr!.resume(); // its later notices are not needed
  child.stdin!.on("error", () => {}); // EPIPE when socat is already gone
  let closing: Promise<void> | null = null;
  return {
    path: link,
    pid: child.pid!,
    write: (bytes) => {
      if (!closing) child.stdin!.write(bytes);
    },
    onData: (f) => child.stdout!.on("data", f),
    pause: () => child.stdout!.pause(),
    resume: () => child.stdout!.resume(),
    close: () =>
      (closing ??= (async () => {
        child.stdin!.end();
        child.kill("SIGTERM");
        const killer = setTimeout(() => child.kill("SIGKILL"), 2000);
        await exited;
        clearTimeout(killer);
        // socat removes its link on a clean exit; make sure after a forced one
        try {
          if (lstatSync(link!).isSymbolicLink()) rmSync(link!, { force: true });
        } catch {
          /* already gone */
        }
        cleanup();
      })()),
  };
}
