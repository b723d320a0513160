// edgefnn list: where a board could be. Serial ports (with USB vendor and
// product where the OS tells, marking those that look like Espruino boards),
// and a few seconds' Bluetooth LE scan for Nordic UART consoles (Puck.js,
// Pixl.js, MDBT42Q, Bangle.js) when the library and an adapter are there;
// otherwise why not, and the serial ports all the same.
import { Output, table } from "../cli/output";
import { listSerialPorts } from "../links/serial-ports";
import { scanNus } from "../links/ble-scan";

export const SCAN_SECONDS = 4;

export async function listCommand(o: { json?: boolean; scan?: number }, out: Output) {
  const seconds = o.scan ?? SCAN_SECONDS;
  // both at once: the scan's seconds are the command's time
  const [{ ports, note }, ble] = await Promise.all([
    listSerialPorts(),
    seconds > 0 ? scanNus(seconds) : Promise.resolve({ scanned: false as const, reason: "not scanned (--scan 0)" }),
  ]);
  if (note) process.stderr.write(`edgefnn list: ${note}\n`);
  if (!ports.length) out.say("no serial ports found");
  else
    table(
      [
        ["port", "USB id", "manufacturer", "looks like"],
        ...ports.map((p) => [p.path, p.vendorId ? `${p.vendorId}:${p.productId ?? "?"}` : "-", p.manufacturer ?? "-", p.espruino ?? "-"]),
      ],
      false,
    ).forEach((l) => out.say(l));
  out.say();
  if (!ble.scanned) out.say(`Bluetooth LE: not scanned: ${ble.reason}`);
  else if (!ble.devices.length)
    out.say(
      `Bluetooth LE: no Nordic UART consoles heard in ${ble.seconds} s ` +
        `(a board connected elsewhere, e.g. to the Web IDE, does not advertise)`,
    );
  else {
    out.say(`Bluetooth LE (Nordic UART, heard in ${ble.seconds} s):`);
    table([["port", "name", "signal"], ...ble.devices.map((d) => [d.port, d.name ?? "-", `${d.rssi} dBm`])], false).forEach((l) =>
      out.say(l),
    );
  }
  return { ports, serialNote: note ?? null, bluetooth: ble };
}
