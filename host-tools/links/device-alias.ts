// `--device NAME`, as EspruinoTools spells it, is `--port ble:NAME` on every
// command that takes --port (not `agent`, whose --port is its own serial
// port, nor `sim`). Rewritten in argv before parsing, so no command changes.

/** commands whose --port may be a board */
const TAKES_PORT = new Set(["upload", "verify", "predict", "collect", "info", "pull"]);

export class DeviceAliasError extends Error {}

export function expandDeviceAlias(argv: string[]): string[] {
  const end = argv.indexOf("--");
  const head = end < 0 ? argv : argv.slice(0, end);
  const at = head.findIndex((a) => a === "--device" || a.startsWith("--device="));
  if (at < 0 || !TAKES_PORT.has(head.find((a) => !a.startsWith("-")) ?? "")) return argv;
  const eq = head[at].startsWith("--device=");
  const name = eq ? head[at].slice("--device=".length) : head[at + 1];
  if (name === undefined || name === "" || (!eq && name.startsWith("-")))
    throw new DeviceAliasError('--device needs a Bluetooth LE board\'s advertised name (or the start of it), e.g. --device "Puck.js 5a3f"');
  if (head.some((a) => a === "--port" || a.startsWith("--port=")))
    throw new DeviceAliasError("give either --port or --device (which means --port ble:NAME), not both");
  const out = [...argv];
  out.splice(at, eq ? 1 : 2, "--port", `ble:${name}`);
  return out;
}
