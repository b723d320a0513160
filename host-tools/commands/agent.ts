// edgefnn agent --port /dev/serial0 --dir /var/lib/edgefnn: answers the
// agent protocol on a serial port until SIGINT or SIGTERM. One line on stdout
// once it listens (with --json: one JSON object); what it does afterwards goes
// to stderr, one line per event (the systemd journal keeps both). The port
// lost is an error exit.
import { SerialPort } from "serialport";
import { fail, UserError } from "../cli/user-error";
import { requireRuntime, Runtime } from "../agent/bundle-runtime";
import { AgentServer } from "../agent/server";

export interface AgentCommandOptions {
  port: string;
  dir: string;
  baud: number;
  transferTimeout: number;
  maxBytes: number;
  json?: boolean;
}

function openPort(path: string, baudRate: number): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false, xon: false, xoff: false, rtscts: false });
    port.open((err) => {
      if (!err) return resolve(port);
      const hint = /permission denied|EACCES/i.test(err.message)
        ? ": add the user to the dialout group (sudo adduser $USER dialout, then log in again)"
        : /no such file|ENOENT/i.test(err.message)
          ? ": on a Raspberry Pi enable the serial port (raspi-config: Interface Options, Serial Port: login shell no, hardware yes)"
          : "";
      reject(new Error(`cannot open ${path}: ${err.message}${hint}`));
    });
  });
}

export async function agentCommand(o: AgentCommandOptions): Promise<void> {
  const log = (line: string) => process.stderr.write(`edgefnn agent: ${line}\n`);
  let runtime: Runtime;
  try {
    runtime = requireRuntime();
  } catch (e) {
    fail((e as Error).message);
  }
  let port: SerialPort | null = null;
  const server = new AgentServer({
    dir: o.dir,
    runtime,
    log,
    transferTimeoutMs: o.transferTimeout,
    maxBytes: o.maxBytes,
    send: (bytes) => port?.write(Buffer.from(bytes)),
  });
  try {
    server.start();
  } catch (e) {
    fail(`${o.dir}: ${(e as Error).message}`);
  }
  try {
    port = await openPort(o.port, o.baud);
  } catch (e) {
    server.stop();
    fail((e as Error).message);
  }
  const p = port;
  const active = server.activeInfo;
  process.stdout.write(
    o.json
      ? JSON.stringify({ port: o.port, dir: o.dir, baud: o.baud, active: active?.file ?? null }) + "\n"
      : `edgefnn agent: listening on ${o.port} at ${o.baud} baud, models in ${o.dir}${active ? `, active: ${active.file}` : ""}\n`,
  );
  // a signal ends it cleanly; losing the port (a USB adapter pulled) is an
  // error, so the exit code is non-zero and systemd starts the agent again
  return new Promise<void>((resolve, reject) => {
    const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    let done = false;
    const finish = (error: string | null) => {
      if (done) return;
      done = true;
      for (const s of SIGNALS) process.off(s, onSignal);
      server.stop();
      const end = () => (error ? reject(new UserError(error)) : resolve());
      if (p.isOpen) p.close(end);
      else end();
    };
    const onSignal = () => finish(null);
    for (const s of SIGNALS) process.on(s, onSignal);
    p.on("data", (buf: Buffer) => server.receive(buf));
    p.on("close", () => finish(`${o.port} closed`));
    p.on("error", (e: Error) => finish(`${o.port}: ${e.message}`));
  });
}
