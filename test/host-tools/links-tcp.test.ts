// The TCP link (tcp://host[:port], as an ESP32's console on telnet port 23)
// against the virtual board listening on a real TCP socket of 127.0.0.1: no
// socat, no pty. upload, verify, predict --port and collect run over it as
// over serial, a lossy board still gets a proven file, and a connection that
// goes mid-upload leaves the previous model active.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LinkError } from "../../host-tools/links/byte-link";
import { openLink } from "../../host-tools/links/open-link";
import { parseTcp, TcpLink } from "../../host-tools/links/tcp-link";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { LOSSY_BOARD, LOSSY_WAITS, SILENT_WAITS, virtualBoards } from "../helpers/virtual-boards";
import { cliAsync, expectCollectsWindows, json, tempDir } from "../helpers/cli";
import { writeIrisTestCsv, writeIrisUploadModels } from "../helpers/models";

const dir = tempDir();
const { sim, sims } = virtualBoards({ tcp: 0 });
let q8: string, q8b: string, testCsv: string, testRows: Float32Array[];

beforeAll(() => {
  ({ q8, q8b } = writeIrisUploadModels(dir));
  testCsv = join(dir, "test.csv");
  testRows = writeIrisTestCsv(testCsv);
});

describe("tcp:// ports", () => {
  it("parses tcp://host[:port], port 23 by default, and refuses other forms with what to write", async () => {
    expect(parseTcp("tcp://192.168.1.5")).toEqual({ host: "192.168.1.5", port: 23 });
    expect(parseTcp("tcp://esp32.local:2323")).toEqual({ host: "esp32.local", port: 2323 });
    expect(parseTcp("tcp://[::1]:23")).toEqual({ host: "::1", port: 23 });
    expect(parseTcp("tcp://host:0")).toBeNull();
    expect(parseTcp("tcp://host:99999")).toBeNull();
    await expect(TcpLink.open("tcp://host:x")).rejects.toThrow(/write a TCP port as tcp:\/\/host or tcp:\/\/host:port/);
  });

  it("a port nobody listens on is a clear error", async () => {
    const s = await sim();
    const port = s.port;
    await sims.pop()!.stop();
    await expect(openLink(port)).rejects.toThrow(new RegExp(`cannot open ${port.replace(/[/.]/g, "\\$&")}: .*ECONNREFUSED`));
  });

  it("the sim prints tcp://127.0.0.1:PORT and a console answers there", async () => {
    const s = await sim();
    expect(s.port).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    const repl = new EspruinoRepl(await openLink(s.port));
    await repl.sync();
    expect(await repl.call("process.env.BOARD")).toBe("PUCKJS");
    expect(repl.link.speed).toBe("TCP");
    await repl.link.close();
  });

  it("upload, verify and predict --port over TCP", async () => {
    const s = await sim();
    const up = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--runtime", "--boot", "--json"]));
    expect(up.ok).toBe(true);
    expect(up.speed).toBe("TCP");
    expect(up.wireSeconds).toBeNull();
    expect(s.storage.list()).toEqual(expect.arrayContaining(["edgefnn", up.file, "edgefnn.active", ".boot3"]));
    const v = json(await cliAsync(["verify", q8, testCsv, "--port", s.port, "--json"]));
    expect(v.ok).toBe(true);
    expect(v.identical).toBe(testRows.length);
    const local = json(await cliAsync(["predict", q8, testCsv, "--json"]));
    const remote = json(await cliAsync(["predict", q8, testCsv, "--port", s.port, "--json"]));
    expect(remote.predictions).toEqual(local.predictions);
  });

  it("a board that loses bytes still ends up with the proven file (the CRCs catch what TCP carried but the board dropped)", async () => {
    // shorter waits for the lost bytes (LOSSY_BOARD, LOSSY_WAITS): what is checked is that they are sent again
    const s = await sim({ faults: { dropEvery: 700, seed: 3 }, ...LOSSY_BOARD });
    const up = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--json"], { env: LOSSY_WAITS }));
    expect(up.ok).toBe(true);
    expect(up.retries).toBeGreaterThan(0);
    expect(Buffer.from(s.storage.read(up.file)!)).toEqual(readFileSync(q8));
  });

  it("a connection that goes mid-upload leaves the previous model active", async () => {
    const s = await sim();
    const first = json(await cliAsync(["upload", q8, "--port", s.port, "--name", "iris", "--json"]));
    // the board goes silent inside the new model's chunks, then the connection closes under the host
    s.setFaults({ silentAfter: 1200 });
    // the board is gone for good: what the command says, not how long it waits for it to answer again (SILENT_WAITS)
    const r = cliAsync(["upload", q8b, "--port", s.port, "--name", "iris"], { env: SILENT_WAITS });
    // once the board has gone silent, the connection goes too (the machine's speed decides only when)
    while (!s.stats().silent) await new Promise((res) => setTimeout(res, 50));
    await sims.pop()!.stop();
    const done = await r;
    expect(done.status).toBe(1);
    expect(done.stderr).toMatch(/upload interrupted: /);
    expect(JSON.parse(Buffer.from(s.storage.read("edgefnn.active")!).toString("latin1")).file).toBe(first.file);
  });

  it("collect records windows over TCP", async () => {
    const s = await sim();
    await expectCollectsWindows(s.port);
  });

  it("a closed link fails what waits on it", async () => {
    const s = await sim();
    const link = await openLink(s.port);
    await link.close();
    await expect(link.write(new Uint8Array([65]))).rejects.toBeInstanceOf(LinkError);
  });
});
