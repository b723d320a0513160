// The Bluetooth LE central: @stoprocent/noble, an optional dependency loaded
// only when a BLE port is opened or `edgefnn list` scans (a dynamic import),
// so that no other command pays for it and a machine where it did not
// install still runs everything else. Each way it can be missing or unusable
// becomes a sentence that says what the user must do (docs/LINKS.md says why
// this library).
import { existsSync } from "node:fs";
import { LinkError } from "./byte-link";
import { AdapterState, BleCentral } from "./ble-nus";

export class BleUnavailable extends LinkError {}

/** the package, as `npm install` names it */
export const BLE_PACKAGE = "@stoprocent/noble";

/** What to do when the adapter is in `state` (noble's names). */
export function adapterAdvice(state: AdapterState): string {
  switch (state) {
    case "unsupported": {
      if (process.platform === "linux" && !existsSync("/sys/class/bluetooth"))
        return (
          "this computer has no Bluetooth adapter (the kernel lists none under /sys/class/bluetooth): " +
          "plug in a Bluetooth 4.0+ (LE) adapter, or use a computer that has one"
        );
      return (
        "no usable Bluetooth LE adapter: the library found none, or one without Bluetooth LE" +
        (process.platform === "linux"
          ? " or down (`rfkill unblock bluetooth`, `bluetoothctl power on`; NOBLE_HCI_DEVICE_ID=1 picks the second adapter)"
          : "") +
        ": use a Bluetooth 4.0+ (LE) adapter"
      );
    }
    case "unauthorized":
      return process.platform === "linux"
        ? "Bluetooth LE needs raw HCI access on Linux: run `sudo setcap cap_net_raw+eip $(eval readlink -f $(which node))` once " +
            "(Debian: setcap is in libcap2-bin), or run as root (README: Reaching a board)"
        : process.platform === "darwin"
          ? "macOS refused Bluetooth to this terminal: allow it in System Settings > Privacy & Security > Bluetooth, then run again"
          : "the system refused access to the Bluetooth adapter: allow this program to use Bluetooth, then run again";
    case "poweredOff":
      return "Bluetooth is switched off: switch it on (Linux: `bluetoothctl power on`), then run again";
    default:
      return (
        `the Bluetooth adapter did not become ready (its state: ${state}): ` +
        `check that it works (bluetoothctl, the system settings), then run again`
      );
  }
}

function missingAdvice(why: string): string {
  return (
    `the Bluetooth LE library ${BLE_PACKAGE} is not installed (${why}). ` +
    `It is an optional dependency: npm skips it when it cannot build it. ` +
    (process.platform === "linux"
      ? "On Linux its install builds a small native stub with node-gyp, which needs python3, make, a C++ compiler " +
        "(Debian: sudo apt-get install build-essential python3) and Node's headers (node-gyp downloads them); then "
      : "") +
    `run \`npm install ${BLE_PACKAGE}\` where edgefnn is installed`
  );
}

let installed: (() => Promise<BleCentral>) | null = null;
let loaded: Promise<BleCentral> | null = null;

/** Uses `f` instead of the library from now on (the tests' stand-in; null: the library again). */
export function useBleCentral(f: (() => Promise<BleCentral>) | null): void {
  installed = f;
  loaded = null;
}

/** Loads the library once. */
function load(): Promise<BleCentral> {
  const f = installed;
  return (loaded ??= (
    f
      ? f()
      : (async () => {
          try {
            const m = (await import(BLE_PACKAGE)) as { default?: unknown };
            return (m.default ?? m) as BleCentral;
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            throw new BleUnavailable(
              missingAdvice(code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" ? "not found" : (e as Error).message),
            );
          }
        })()
  ).catch((e) => {
    loaded = null;
    throw e;
  }));
}

/** Lets the adapter go, so the process can end; the next bleCentral() starts afresh. */
export function releaseBleCentral(): void {
  const l = loaded;
  loaded = null;
  l?.then(
    (c) => c.stop?.(),
    () => {},
  );
}

/** The central with its adapter powered on, or a BleUnavailable that says what to do.
 * noble prints its adapter warnings ("adapter does not support Bluetooth Low
 * Energy") with console.log/warn while it starts: they are held back until the
 * adapter is ready or not, and the reason given instead says what to do. */
export async function bleCentral(timeoutMs = 5000): Promise<BleCentral> {
  const { log, warn } = console;
  const held: string[] = [];
  console.log = console.warn = (...a: unknown[]) => void held.push(a.map(String).join(" "));
  try {
    const central = await load();
    if (central.state === "poweredOn") return central;
    // "unsupported" (no adapter) and "unauthorized" are final: said at once, not after the timeout
    const until = performance.now() + timeoutMs;
    while (central.state !== "poweredOn") {
      if (central.state === "unsupported" || central.state === "unauthorized" || performance.now() > until) {
        const state = central.state;
        releaseBleCentral();
        throw new BleUnavailable(adapterAdvice(state));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return central;
  } finally {
    console.log = log;
    console.warn = warn;
  }
}
