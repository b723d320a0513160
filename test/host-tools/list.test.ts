// edgefnn list: serial ports, with and without udevadm (serialport's list()
// rejects without it on Linux: the ports are then read from /sys/class/tty).
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sysfsPorts } from "../../host-tools/links/serial-ports";
import { cli, json, tempDir } from "../helpers/cli";

describe("edgefnn list", () => {
  it("lists this machine's ports and says Bluetooth LE was not scanned, with and without udevadm on PATH", () => {
    const withUdev = json(cli(["list", "--json"]));
    expect(Array.isArray(withUdev.ports)).toBe(true);
    expect(withUdev.bluetooth.scanned).toBe(false);
    // a PATH with node alone: no udevadm
    const bin = tempDir();
    symlinkSync(process.execPath, join(bin, "node"));
    const r = cli(["list", "--json"], { env: { PATH: bin } });
    expect(r.status).toBe(0);
    const without = json(r);
    expect(without.serialNote).toMatch(/udevadm .* is not installed.*\/sys\/class\/tty/);
    expect(r.stderr).toMatch(/^edgefnn list: udevadm/);
    if (process.platform === "linux") expect(without.ports.map((p: { path: string }) => p.path)).toEqual(sysfsPorts().map((p) => p.path));
  });

  it("reads USB ids from a /sys/class/tty tree and marks the ones that look like Espruino boards", () => {
    // the kernel's layout: class/tty/<name>/device -> a device directory under a USB device that has idVendor/idProduct
    const sys = tempDir();
    const usb = join(sys, "devices/usb1/1-1"), iface = join(usb, "1-1:1.0");
    mkdirSync(iface, { recursive: true });
    writeFileSync(join(usb, "idVendor"), "0483\n");
    writeFileSync(join(usb, "idProduct"), "5740\n");
    writeFileSync(join(usb, "manufacturer"), "STMicroelectronics\n");
    const uart = join(sys, "devices/platform/serial8250");
    mkdirSync(uart, { recursive: true });
    const tty = join(sys, "class/tty");
    for (const [name, dev] of [["ttyACM0", iface], ["ttyS0", uart], ["tty1", null]] as const) {
      mkdirSync(join(tty, name), { recursive: true });
      if (dev) symlinkSync(dev, join(tty, name, "device"));
    }
    const ports = sysfsPorts(tty);
    expect(ports.map((p) => p.path)).toEqual(["/dev/ttyACM0", "/dev/ttyS0"]);
    expect(ports[0]).toMatchObject({ vendorId: "0483", productId: "5740", manufacturer: "STMicroelectronics" });
    expect(ports[0].espruino).toMatch(/Espruino Pico/);
    expect(ports[1].espruino).toBeUndefined();
  });
});
