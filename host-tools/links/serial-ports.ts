// The serial ports a board could be on, with their USB vendor and product
// where the OS tells. serialport's list() asks `udevadm` on Linux and rejects
// when it is missing (a container, a minimal install: "spawn udevadm ENOENT");
// then the ports are read from /sys/class/tty, where the kernel lists the same
// devices and their USB ids, and the note says so.
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { SerialPort } from "serialport";

export interface PortInfo {
  path: string;
  /** USB vendor and product id, 4 hex digits each, when the port is on USB */
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  /** why it may be an Espruino board, when it looks like one */
  espruino?: string;
}

/** USB ids seen on Espruino boards and the bridges ESP32/ESP8266 boards use. */
const KNOWN: Record<string, string> = {
  "0483:5740": "Espruino Pico, WiFi or Original (the STM32 virtual COM port Espruino's firmware presents)",
  "1a86:7523": "a CH340 USB-serial bridge, as on many ESP32 and ESP8266 boards",
  "10c4:ea60": "a CP210x USB-serial bridge, as on many ESP32 boards",
  "0403:6001": "an FTDI USB-serial bridge (an Espruino on a UART adapter?)",
  "303a:1001": "an ESP32-S3/C3 built-in USB serial port",
};

function mark(p: PortInfo): PortInfo {
  const id = p.vendorId && p.productId ? `${p.vendorId}:${p.productId}`.toLowerCase() : "";
  const why = KNOWN[id] ?? (/espruino/i.test(p.manufacturer ?? "") ? "its manufacturer says Espruino" : undefined);
  return why ? { ...p, espruino: why } : p;
}

const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8").trim() : undefined);

/** Ports from /sys/class/tty: those with a device behind them, USB ids from the nearest USB device up the tree. */
export function sysfsPorts(root = "/sys/class/tty"): PortInfo[] {
  if (!existsSync(root)) return [];
  const out: PortInfo[] = [];
  for (const name of readdirSync(root).sort()) {
    const dev = join(root, name, "device");
    if (!existsSync(dev)) continue; // virtual terminals and ptys
    let dir = realpathSync(dev);
    let vendorId: string | undefined, productId: string | undefined, manufacturer: string | undefined;
    for (let up = 0; up < 4 && dir !== "/"; up++, dir = join(dir, "..")) {
      vendorId = read(join(dir, "idVendor"));
      if (vendorId) {
        productId = read(join(dir, "idProduct"));
        manufacturer = read(join(dir, "manufacturer"));
        break;
      }
    }
    out.push(mark({ path: `/dev/${name}`, vendorId, productId, manufacturer }));
  }
  return out;
}

export async function listSerialPorts(): Promise<{ ports: PortInfo[]; note?: string }> {
  try {
    const l = await SerialPort.list();
    return { ports: l.map((p) => mark({ path: p.path, vendorId: p.vendorId, productId: p.productId, manufacturer: p.manufacturer })) };
  } catch (e) {
    const why = (e as Error).message;
    if (process.platform === "linux") {
      const missing = /udevadm.*ENOENT/.test(why);
      return {
        ports: sysfsPorts(),
        note: missing
          ? "udevadm (systemd's udev tools) is not installed, which serialport needs to list ports: read from /sys/class/tty instead"
          : `serialport could not list ports (${why}): read from /sys/class/tty instead`,
      };
    }
    return { ports: [], note: `serialport could not list ports: ${why}` };
  }
}
