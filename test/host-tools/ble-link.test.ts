// BleLink, the Bluetooth LE (Nordic UART) link, end to end in this process.
//
// THE ONE STAND-IN IN THESE SUITES: there is no Bluetooth radio where the
// tests run, so the BLE library's central, peripheral and characteristic
// objects (what @stoprocent/noble hands BleLink) are replaced by StandIn*
// below, which forward to the real virtual board (host-tools/sim's
// VirtualBoard, the same one every other link suite talks to): writes to the
// RX characteristic go into the board's input buffer, the board's output comes
// back as TX notifications of at most MTU - 3 bytes. Everything above the
// library's objects (BleLink, PacedLink's XON/XOFF, the protocols, the upload
// command) is the real code. Nothing here has met a radio (README: Reaching a board).
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { LinkError } from "../../host-tools/links/byte-link";
import { useBleCentral } from "../../host-tools/links/ble-central";
import { BleLink, parseBlePort } from "../../host-tools/links/ble-link";
import { NUS_RX, NUS_SERVICE, NUS_TX } from "../../host-tools/links/ble-nus";
import { openLink } from "../../host-tools/links/open-link";
import { expandDeviceAlias } from "../../host-tools/links/device-alias";
import { scanNus } from "../../host-tools/links/ble-scan";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { BoardOptions, VirtualBoard } from "../../host-tools/sim/index";
import { BLE_FLOW_MARKS } from "../../host-tools/sim/ble-radio";
import { output } from "../../host-tools/cli/output";
import { uploadCommand } from "../../host-tools/commands/upload";
import { verifyCommand } from "../../host-tools/commands/verify";
import { tempDir } from "../helpers/cli";
import { writeIrisTestCsv, writeIrisUploadModels } from "../helpers/models";

/** Stand-in: a characteristic of the board's NUS. */
class StandInCharacteristic extends EventEmitter {
  constructor(
    readonly uuid: string,
    readonly properties: string[],
    private onWrite?: (data: Buffer, withoutResponse: boolean) => Promise<void>,
  ) {
    super();
  }
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void> {
    return this.onWrite!(data, withoutResponse);
  }
  async subscribeAsync(): Promise<void> {}
}

/** Stand-in: a board in range, its NUS forwarding to a VirtualBoard. */
class StandInPeripheral extends EventEmitter {
  board: VirtualBoard;
  connected = false;
  /** each write's length and kind */
  writes: { n: number; withoutResponse: boolean }[] = [];
  /** drop the connection once this many more bytes were written (the board keeps running) */
  private disconnectAfter: number | null = null;
  private written = 0;
  rx: StandInCharacteristic;
  tx = new StandInCharacteristic(NUS_TX, ["notify"]);

  constructor(
    readonly address: string,
    name: string,
    readonly mtu: number | null,
    boardOptions: BoardOptions = {},
    rxProps = ["write", "writeWithoutResponse"],
    readonly rssi = -60,
  ) {
    super();
    this.advertisement = { localName: name, serviceUuids: [NUS_SERVICE] };
    this.board = new VirtualBoard({ board: "puckjs", flowMarks: BLE_FLOW_MARKS, ...boardOptions }, (bytes) => {
      if (!this.connected) return; // nobody subscribed: a board's output goes nowhere
      const n = (this.mtu ?? 23) - 3;
      for (let i = 0; i < bytes.length; i += n) {
        const part = Buffer.from(bytes.subarray(i, i + n));
        setImmediate(() => this.connected && this.tx.emit("data", part, true));
      }
    });
    this.board.powerOn();
    this.rx = new StandInCharacteristic(NUS_RX, rxProps, async (data, withoutResponse) => {
      if (!this.connected) throw new Error("not connected");
      this.writes.push({ n: data.length, withoutResponse });
      if (this.disconnectAfter !== null && this.written + data.length >= this.disconnectAfter) {
        this.disconnectAfter = null;
        this.written = 0;
        this.drop();
        return new Promise<void>(() => {}); // as some bindings do: the write never settles
      }
      this.written += data.length;
      await new Promise((r) => setImmediate(r));
      this.board.receive(new Uint8Array(data));
    });
  }
  advertisement: { localName?: string; serviceUuids?: string[] };

  dropAfter(n: number): void {
    this.disconnectAfter = n;
    this.written = 0;
  }

  drop(): void {
    this.connected = false;
    this.emit("disconnect", 19);
  }
  async connectAsync(): Promise<void> {
    this.connected = true;
  }
  async disconnectAsync(): Promise<void> {
    if (this.connected) this.drop();
  }
  async discoverSomeServicesAndCharacteristicsAsync(services: string[], chars: string[]) {
    expect(services).toEqual([NUS_SERVICE]);
    return { characteristics: [this.rx, this.tx].filter((c) => chars.includes(c.uuid)) };
  }
}

/** Stand-in: the central; a scan hears every peripheral in range once. */
class StandInCentral extends EventEmitter {
  state = "poweredOn";
  scans = 0;
  constructor(readonly peripherals: StandInPeripheral[]) {
    super();
  }
  async startScanningAsync(): Promise<void> {
    this.scans++;
    setTimeout(() => this.peripherals.forEach((p) => this.emit("discover", p)), 5);
  }
  async stopScanningAsync(): Promise<void> {}
}

const dir = tempDir();
let boards: StandInPeripheral[] = [];
let q8: string, q8b: string, testCsv: string;

function inRange(...ps: StandInPeripheral[]): StandInCentral {
  boards.push(...ps);
  const c = new StandInCentral(ps);
  useBleCentral(async () => c);
  return c;
}

beforeAll(() => {
  ({ q8, q8b } = writeIrisUploadModels(dir));
  testCsv = join(dir, "test.csv");
  writeIrisTestCsv(testCsv);
});

afterEach(() => {
  useBleCentral(null);
  boards.forEach((b) => b.board.stop());
  boards = [];
});

describe("Bluetooth LE ports", () => {
  it("parses addresses (either case, dashes) and ble:NAME, and says what to write otherwise", async () => {
    expect(parseBlePort("E7:12:34:56:78:9A")).toEqual({ address: "e7:12:34:56:78:9a" });
    expect(parseBlePort("e7-12-34-56-78-9a")).toEqual({ address: "e7:12:34:56:78:9a" });
    expect(parseBlePort("ble:Puck.js 5a3f")).toEqual({ name: "Puck.js 5a3f" });
    expect(parseBlePort("ble:")).toBeNull();
    expect(parseBlePort("/dev/ttyACM0")).toBeNull();
    inRange();
    await expect(BleLink.open("ble:", { scanMs: 50 })).rejects.toThrow(/write a Bluetooth LE board as aa:bb:cc:dd:ee:ff or ble:NAME/);
  });

  it("--device NAME is --port ble:NAME on the commands that take --port, and not both", () => {
    expect(expandDeviceAlias(["upload", "m.efnn", "--device", "Puck.js 5a3f", "--json"])).toEqual([
      "upload",
      "m.efnn",
      "--port",
      "ble:Puck.js 5a3f",
      "--json",
    ]);
    expect(expandDeviceAlias(["verify", "m.efnn", "d.csv", "--device=Bangle"])).toEqual([
      "verify",
      "m.efnn",
      "d.csv",
      "--port",
      "ble:Bangle",
    ]);
    expect(expandDeviceAlias(["train", "d.csv", "--device", "x"])).toEqual(["train", "d.csv", "--device", "x"]);
    expect(() => expandDeviceAlias(["upload", "m", "--device", "P", "--port", "/dev/ttyACM0"])).toThrow(/either --port or --device/);
    expect(() => expandDeviceAlias(["upload", "m", "--device"])).toThrow(/--device needs a Bluetooth LE board's advertised name/);
  });

  it("finds a board by name prefix or by address among other advertisers, and names what it heard when none matches", async () => {
    const a = new StandInPeripheral("c0:ff:ee:00:00:01", "Pixl.js 1234", null);
    const b = new StandInPeripheral("E7:12:34:56:78:9A", "Puck.js 5a3f", null);
    inRange(a, b);
    // a listener of the library's own on the same events outlives the link's
    const libraries = () => {};
    b.on("disconnect", libraries);
    const byName = await openLink("ble:Puck.js");
    expect(b.connected).toBe(true);
    expect(a.connected).toBe(false);
    await byName.close();
    expect(b.connected).toBe(false);
    expect(b.tx.listenerCount("data")).toBe(0);
    expect(b.listeners("disconnect")).toEqual([libraries]);
    const byAddress = await openLink("c0-ff-ee-00-00-01");
    expect(a.connected).toBe(true);
    await byAddress.close();
    await expect(BleLink.open("ble:Bangle.js", { scanMs: 100 })).rejects.toThrow(
      /no Bluetooth LE device named "Bangle\.js"\.\.\. advertised within 0\.1 s; heard: Pixl\.js 1234 \(c0:ff:ee:00:00:01\), Puck\.js 5a3f \(e7:12:34:56:78:9a\)/,
    );
  });

  it("a device without the Nordic UART service is refused with why", async () => {
    const p = new StandInPeripheral("aa:bb:cc:dd:ee:01", "Thermometer", null);
    p.rx = new StandInCharacteristic("2a1c", ["read"]);
    p.tx = new StandInCharacteristic("2a1d", ["read"]);
    inRange(p);
    await expect(openLink("ble:Thermo")).rejects.toThrow(/has no Nordic UART service \(RX 6e400002, TX 6e400003\)/);
    expect(p.connected).toBe(false);
  });

  it("writes at most MTU - 3 bytes: 20 by default, more with a larger MTU; without response where offered", async () => {
    for (const [mtu, props, most, wo] of [
      [null, ["write", "writeWithoutResponse"], 20, true],
      [185, ["write", "writeWithoutResponse"], 182, true],
      [23, ["write"], 20, false],
    ] as const) {
      const p = new StandInPeripheral("aa:bb:cc:dd:ee:02", "Puck.js 0002", mtu, {}, [...props]);
      inRange(p);
      const link = await openLink("ble:Puck.js 0002");
      expect(link.packetSize).toBe(most);
      expect(link.speed).toMatch(wo ? /paced at \d+ B\/s/ : /each acknowledged/);
      const repl = new EspruinoRepl(link);
      await repl.sync();
      // a value longer than a packet, both ways
      const s = "x".repeat(500);
      expect(await repl.call(`${JSON.stringify(s)}.length`)).toBe(500);
      expect(Math.max(...p.writes.map((w) => w.n))).toBe(most);
      expect(p.writes.every((w) => w.withoutResponse === wo)).toBe(true);
      await link.close();
      p.board.stop();
    }
  });

  it("honours the board's XOFF: a slow board with a small buffer loses nothing", async () => {
    // 128-byte input buffer, 2 ms a byte (the link is 10 times faster), XOFF at 6/8 (96 bytes): the host
    // must stop within the 32 left, a packet and a half (nRF52 firmware leaves 5/8; this is the harder case)
    const p = new StandInPeripheral("aa:bb:cc:dd:ee:03", "Puck.js 0003", null, {
      rxBufferSize: 128,
      byteCostUs: 2000,
      flowMarks: { xoff: 6 / 8, xon: 3 / 8 },
    });
    inRange(p);
    const link = await openLink("ble:Puck.js 0003");
    const repl = new EspruinoRepl(link);
    await repl.sync();
    const s = "y".repeat(400);
    expect(await repl.call(`${JSON.stringify(s)}.length`, 15_000)).toBe(400);
    expect(link.stats.xoffs).toBeGreaterThan(0);
    expect(p.board.stats().lost).toBe(0);
    await link.close();
  });

  it("upload and verify over it; the link's speed in the summary", async () => {
    const p = new StandInPeripheral("aa:bb:cc:dd:ee:04", "Puck.js 0004", null);
    inRange(p);
    const out = output(true, true);
    const up = (await uploadCommand(q8, { port: "ble:Puck.js 0004", name: "iris", runtime: true, baud: 115200 }, out)) as {
      ok: boolean;
      file: string;
      speed: string;
    };
    expect(up.ok).toBe(true);
    expect(up.speed).toMatch(/^Bluetooth LE/);
    expect(Buffer.from(p.board.storage.read(up.file)!)).toEqual(readFileSync(q8));
    const v = (await verifyCommand(q8, testCsv, { port: "aa:bb:cc:dd:ee:04", baud: 115200 }, out)) as { ok: boolean };
    expect(v.ok).toBe(true);
  });

  it("a connection that drops mid-upload is a link error; the previous model stays active", async () => {
    const p = new StandInPeripheral("aa:bb:cc:dd:ee:05", "Puck.js 0005", null);
    inRange(p);
    const out = output(true, true);
    const first = (await uploadCommand(q8, { port: "ble:Puck.js 0005", name: "iris", baud: 115200 }, out)) as { file: string };
    // inside the second model's transfer: the board keeps running, the host loses it
    p.dropAfter(900);
    const second = (await uploadCommand(q8b, { port: "ble:Puck.js 0005", name: "iris", baud: 115200 }, out)) as {
      ok: boolean;
      error: string;
      active: string;
    };
    expect(second.ok).toBe(false);
    expect(second.error).toMatch(/^upload interrupted: ble:Puck\.js 0005: the Bluetooth LE connection dropped/);
    expect(p.connected).toBe(false); // the reread after the drop connected again, and closed
    expect(JSON.parse(Buffer.from(p.board.storage.read("edgefnn.active")!).toString("latin1")).file).toBe(first.file);
  });

  it("a write on a closed link fails; a drop fails what waits", async () => {
    const p = new StandInPeripheral("aa:bb:cc:dd:ee:06", "Puck.js 0006", null);
    inRange(p);
    const link = await openLink("ble:Puck.js 0006");
    let closed: Error | null = null;
    link.onClose((e) => (closed = e));
    p.drop();
    expect(closed).toBeInstanceOf(LinkError);
    await expect(link.write(new Uint8Array([65]))).rejects.toThrow(/Bluetooth LE connection dropped \(reason 19\)/);
  });

  it("the scan lists Nordic UART advertisers with name, address and signal, strongest first", async () => {
    const other = new StandInPeripheral("11:22:33:44:55:66", "Headphones", null);
    other.advertisement.serviceUuids = [];
    const weak = new StandInPeripheral("aa:bb:cc:dd:ee:07", "Puck.js 0007", null, {}, undefined, -80);
    const strong = new StandInPeripheral("aa:bb:cc:dd:ee:08", "", null, {}, undefined, -40);
    const c = inRange(other, weak, strong);
    const r = await scanNus(0.05, c);
    expect(r).toEqual({
      scanned: true,
      seconds: 0.05,
      devices: [
        { name: null, address: "aa:bb:cc:dd:ee:08", rssi: -40, port: "aa:bb:cc:dd:ee:08" },
        { name: "Puck.js 0007", address: "aa:bb:cc:dd:ee:07", rssi: -80, port: "aa:bb:cc:dd:ee:07" },
      ],
    });
  });
});
