// edgefnn list: serial ports, with and without udevadm (serialport's list()
// rejects without it on Linux: the ports are then read from /sys/class/tty),
// and the Bluetooth LE part: a scan where the library and an adapter are,
// otherwise the reason (this machine has no adapter; the scan itself is
// tested against a stand-in in ble-link.test.ts).
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sysfsPorts } from "../../host-tools/links/serial-ports";
import { isBlePort } from "../../host-tools/links/open-link";
import { cli, json, tempDir } from "../helpers/cli";
import { writeIrisUploadModels } from "../helpers/models";

describe("a Bluetooth LE --port", () => {
  it("is opened as Bluetooth LE, not taken for a missing device file; without an adapter or the library, the reason says what to do", () => {
    const { q8 } = writeIrisUploadModels(tempDir());
    for (const args of [
      ["upload", q8, "--port", "E7:12:34:56:78:9A"],
      ["collect", "--device", "Puck.js 5a3f", "--label", "x", "--out", join(tempDir(), "g.csv")],
    ]) {
      const r = cli(args);
      expect(r.status).toBe(1);
      // which sentence depends on the machine: no adapter (this one), no library, or no such board in range
      expect(r.stderr).toMatch(
        /Bluetooth (LE )?adapter|Bluetooth LE library @stoprocent\/noble is not installed|Bluetooth is switched off|Bluetooth LE needs raw HCI access|no Bluetooth LE device (with address e7:12:34:56:78:9a|named "Puck\.js 5a3f"\.\.\.)/,
      );
      expect(r.stderr).not.toMatch(/No such file|noble warning/);
    }
    expect(isBlePort("e7-12-34-56-78-9a")).toBe(true);
    expect(isBlePort("/dev/ttyACM0")).toBe(false);
  });
});

describe("edgefnn list", () => {
  it("lists this machine's ports, and Bluetooth LE boards or why not, with and without udevadm on PATH", () => {
    const withUdev = json(cli(["list", "--json", "--scan", "1"]));
    expect(Array.isArray(withUdev.ports)).toBe(true);
    if (withUdev.bluetooth.scanned) expect(Array.isArray(withUdev.bluetooth.devices)).toBe(true);
    else expect(withUdev.bluetooth.reason).toMatch(/Bluetooth|@stoprocent\/noble/);
    const text = cli(["list", "--scan", "1"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Bluetooth LE: (not scanned: |no Nordic UART consoles heard|\(Nordic UART)/m);
    expect(json(cli(["list", "--json", "--scan", "0"])).bluetooth).toEqual({ scanned: false, reason: "not scanned (--scan 0)" });
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
    const usb = join(sys, "devices/usb1/1-1"),
      iface = join(usb, "1-1:1.0");
    mkdirSync(iface, { recursive: true });
    writeFileSync(join(usb, "idVendor"), "0483\n");
    writeFileSync(join(usb, "idProduct"), "5740\n");
    writeFileSync(join(usb, "manufacturer"), "STMicroelectronics\n");
    const uart = join(sys, "devices/platform/serial8250");
    mkdirSync(uart, { recursive: true });
    const tty = join(sys, "class/tty");
    for (const [name, dev] of [
      ["ttyACM0", iface],
      ["ttyS0", uart],
      ["tty1", null],
    ] as const) {
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
