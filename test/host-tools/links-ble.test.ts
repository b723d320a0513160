// The virtual board behind a simulated Bluetooth LE Nordic UART link
// (`edgefnn sim --link ble`, host-tools/sim/ble-radio.ts) on its TCP port:
// 20-byte packets each way at a few KB/s with a latency per packet, the
// board's XON/XOFF coming back as notifications, and the connection dropping
// as a fault. upload, verify, predict --port and collect run over it through
// the real CLI. The host reaches it over TCP: what BleLink itself does with a
// radio's objects is ble-link.test.ts (against the one stand-in).
//
// Speed: most boards here run the link at 20 KB/s with 2 ms of latency so the
// suite stays quick; the first test uses the defaults (3 KB/s, 15 ms) that
// `edgefnn sim --link ble` starts with.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openLink } from "../../host-tools/links/open-link";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { BLE_SIM_DEFAULTS, BleRadio } from "../../host-tools/sim/ble-radio";
import { virtualBoards } from "../helpers/virtual-boards";
import { cli, cliAsync, expectCollectsWindows, json, tempDir } from "../helpers/cli";
import { writeIrisTestCsv, writeIrisUploadModels } from "../helpers/models";

const FAST = { bytesPerSecond: 20_000, latencyMs: 2 };
const dir = tempDir();
const { sim, sims } = virtualBoards({ tcp: 0, ble: FAST });
let q8: string, q8b: string, testCsv: string, testRows: Float32Array[];

beforeAll(() => {
  ({ q8, q8b } = writeIrisUploadModels(dir));
  testCsv = join(dir, "test.csv");
  testRows = writeIrisTestCsv(testCsv);
});

describe("sim --link ble", () => {
  it("upload at the default 3 KB/s and 15 ms: every byte crossed in packets of at most 20", async () => {
    const s = await sim({ ble: {} });
    expect(s.radio!.options).toEqual({ ...BLE_SIM_DEFAULTS });
    const up = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--json"]));
    expect(up.ok).toBe(true);
    expect(Buffer.from(s.storage.read(up.file)!)).toEqual(readFileSync(q8));
    const { packetsIn, packetsOut } = s.radio!.stats;
    // the host's bytes and the board's answers, 20 at most a packet
    expect(packetsIn).toBeGreaterThanOrEqual(Math.ceil(s.stats().received / 20));
    expect(packetsOut).toBeGreaterThan(0);
    expect(s.stats().lost).toBe(0);
  });

  it("upload (runtime and boot), verify and predict --port", async () => {
    const s = await sim();
    const up = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--boot", "--json"]));
    expect(up.ok).toBe(true);
    expect(s.storage.list()).toEqual(expect.arrayContaining(["edgefnn", up.file, "edgefnn.active", ".boot3"]));
    const v = json(await cliAsync(["verify", q8, testCsv, "--port", s.port, "--json"]));
    expect(v.ok).toBe(true);
    expect(v.identical).toBe(testRows.length);
    const local = json(await cliAsync(["predict", q8, testCsv, "--json"]));
    const remote = json(await cliAsync(["predict", q8, testCsv, "--port", s.port, "--json"]));
    expect(remote.predictions).toEqual(local.predictions);
  });

  it("both file transfers, console and packets, prove the same file", async () => {
    for (const transfer of ["console", "packet"]) {
      const s = await sim();
      const up = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--transfer", transfer, "--json"]));
      expect(up.ok).toBe(true);
      expect(Buffer.from(s.storage.read(up.file)!)).toEqual(readFileSync(q8));
    }
  });

  it("the board's XOFF reaches the host as a notification, and nothing is lost", async () => {
    // a board slower than the link (500 B/s against 20 KB/s): a 900-byte line fills its buffer past 3/8, the nRF52's XOFF mark
    const s = await sim({ byteCostUs: 2000 });
    const link = await openLink(s.port);
    const repl = new EspruinoRepl(link);
    await repl.sync();
    // the session's first command also installs the checked caller (espruino-repl.ts), a line ~250 bytes longer: send it
    // first, so the line under test is the 900-byte one. A host on TCP cannot take back what its socket already holds, so
    // a line longer than the board's buffer is lost behind the sim's radio whatever XOFF says (docs/LINKS.md)
    expect(await repl.call("0")).toBe(0);
    const text = "z".repeat(900);
    expect(await repl.call(`${JSON.stringify(text)}.length`, 15_000)).toBe(900);
    expect(s.stats().xoffs).toBeGreaterThan(0);
    expect(link.stats.xoffs).toBe(s.stats().xoffs);
    expect(s.stats().lost).toBe(0);
    await link.close();
  });

  it("a connection that drops mid-upload leaves the previous model active; the next connection works", async () => {
    const s = await sim();
    const first = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--json"]));
    s.radio!.setDisconnectAfter(1200);
    const r = await cliAsync(["upload", q8b, "--port", s.port, "--name", "iris"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/upload interrupted: tcp:\/\/127\.0\.0\.1:\d+: the connection closed/);
    expect(s.radio!.stats.disconnects).toBe(1);
    expect(JSON.parse(Buffer.from(s.storage.read("edgefnn.active")!).toString("latin1")).file).toBe(first.file);
    const again = json(await cliAsync(["upload", q8b, "--port", s.port, "--name", "iris", "--json"]));
    expect(again.ok).toBe(true);
    expect(Buffer.from(s.storage.read(again.file)!)).toEqual(readFileSync(q8b));
  });

  it("collect records windows over it", async () => {
    const s = await sim();
    await expectCollectsWindows(s.port);
  });

  it("refuses settings it cannot simulate, saying what to change", async () => {
    expect(() => new BleRadio(null as never, { packetSize: 0 })).toThrow(/packet size must be an integer of 1\.\.244/);
    await expect(sim({ tcp: undefined, ble: { disconnectAfter: 10 } })).rejects.toThrow(/a pty cannot drop a connection: use --tcp/);
    const r = cli(["sim", "--disconnect-after", "5"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--disconnect-after only applies to a Bluetooth LE link: add --link ble/);
    // the radio's shape, given without the radio, is refused rather than ignored
    const shaped = cli(["sim", "--ble-speed", "100", "--ble-latency", "5"]);
    expect(shaped.status).toBe(1);
    expect(shaped.stderr).toMatch(/--ble-speed, --ble-latency only apply to a Bluetooth LE link: add --link ble/);
    expect(sims.length).toBe(0);
  });
});
