// The host's waits on an Espruino board for what a fault can lose, and
// EDGEFNN_BOARD_TIMEOUTS, which the CLI reads them from (the tests of lost
// bytes shorten them: upload.test.ts, upload-interrupt.test.ts).
import { describe, expect, it } from "vitest";
import { BOARD_TIMEOUTS, BOARD_TIMEOUTS_ENV, parseBoardTimeouts } from "../../host-tools/protocols/board-timeouts";
import { PACKET_TIMEOUT_MS } from "../../host-tools/sim/packets";
import { cliAsync, tempDir } from "../helpers/cli";
import { writeIrisUploadModels } from "../helpers/models";

describe(`${BOARD_TIMEOUTS_ENV}`, () => {
  it("sets the timeouts it names and keeps the others; refuses names and values it does not know, saying which", () => {
    expect(parseBoardTimeouts(undefined)).toEqual(BOARD_TIMEOUTS);
    expect(parseBoardTimeouts("")).toEqual(BOARD_TIMEOUTS);
    expect(parseBoardTimeouts("callMs=1500, rereadMs=2500")).toEqual({ ...BOARD_TIMEOUTS, callMs: 1500, rereadMs: 2500 });
    expect(() => parseBoardTimeouts("call=1000")).toThrow(
      `${BOARD_TIMEOUTS_ENV}: "call=1000" is not one of callMs, ackMs, packetMs, rereadMs with "=" and a value`,
    );
    expect(() => parseBoardTimeouts("ackMs=0")).toThrow(
      `${BOARD_TIMEOUTS_ENV}: ackMs must be a whole number of milliseconds of at least 1, not "0"`,
    );
    expect(() => parseBoardTimeouts("packetMs=")).toThrow(/packetMs must be a whole number/);
    expect(() => parseBoardTimeouts("rereadMs=1.5")).toThrow(/rereadMs must be a whole number/);
  });

  it("the production waits: a packet's answer is awaited longer than the firmware keeps a short packet before its NAK", () => {
    expect(BOARD_TIMEOUTS).toEqual({ callMs: 5000, ackMs: 3000, packetMs: 6500, rereadMs: 6000 });
    expect(BOARD_TIMEOUTS.packetMs).toBeGreaterThan(PACKET_TIMEOUT_MS);
  });

  it("the CLI refuses a bad value before it opens the port, naming it", async () => {
    const { q8 } = writeIrisUploadModels(tempDir());
    const r = await cliAsync(["upload", q8, "--port", "/dev/edgefnn-no-such-port", "--name", "iris"], {
      env: { [BOARD_TIMEOUTS_ENV]: "ackMs=soon" },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`edgefnn: ${BOARD_TIMEOUTS_ENV}: ackMs must be a whole number of milliseconds of at least 1, not "soon"\n`);
  });
});
