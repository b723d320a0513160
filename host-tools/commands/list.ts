// edgefnn list: where a board could be. Serial ports (with USB vendor and
// product where the OS tells, marking those that look like Espruino boards),
// and what this version can say about Bluetooth LE.
import { Output, table } from "../cli/output";
import { listSerialPorts } from "../links/serial-ports";

/** Said instead of a scan: this version has no Bluetooth LE link yet. */
export const BLE_NOTE =
  "Bluetooth LE: not scanned. This version of edgefnn has no Bluetooth LE link yet, so Puck.js, Pixl.js, MDBT42Q and Bangle.js boards " +
  "(console on the Nordic UART service only) cannot be reached from it; use the Espruino Web IDE for them meanwhile";

export async function listCommand(_o: { json?: boolean }, out: Output) {
  const { ports, note } = await listSerialPorts();
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
  out.say(BLE_NOTE);
  return { ports, serialNote: note ?? null, bluetooth: { scanned: false, reason: BLE_NOTE } };
}
