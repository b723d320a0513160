// The host's table-driven CRC-32 (host-tools/files/crc32.ts) gives exactly the
// board's bit-by-bit one (src/core/crc32.ts, which Espruino's E.CRC32 matches)
// on edge inputs: nothing, every single byte, every length around the 8-byte
// and 32-bit boundaries, a length argument (shorter, 0, past the end, negative),
// views into a larger buffer, plain arrays, and a large random file; and zlib's.
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32 as board } from "../../src/core/crc32";
import { createRng } from "../../src/core/index";
import { crc32 as host } from "../../host-tools/files/crc32";

const rng = createRng(15);
const random = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rng.float() * 256));

describe("the host's CRC-32", () => {
  it("is the board's on edge inputs", () => {
    expect(host(new Uint8Array(0))).toBe(0);
    expect(host(new TextEncoder().encode("hello"))).toBe(907060870);
    for (let b = 0; b < 256; b++) expect(host([b]), `byte ${b}`).toBe(board([b]));
    for (const fill of [0x00, 0xff, 0x80, 0x01])
      for (let n = 1; n <= 70; n++) {
        const bytes = new Uint8Array(n).fill(fill);
        expect(host(bytes), `${n} x 0x${fill.toString(16)}`).toBe(board(bytes));
      }
    const r = random(4099);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 31, 32, 33, 255, 256, 257, 1023, 1024, 1025, 4099])
      expect(host(r.subarray(0, n)), `${n} random bytes`).toBe(board(r.subarray(0, n)));
    for (const length of [0, 1, 100, 4095, 4099, 4100, 4200, -1, NaN]) expect(host(r, length), `length ${length}`).toBe(board(r, length));
    const view = new Uint8Array(r.buffer, 13, 1000);
    expect(host(view)).toBe(board(view));
    expect(host(Buffer.from(view))).toBe(board(view));
    expect(host(Array.from(view))).toBe(board(view));
    const big = random(600_000);
    expect(host(big)).toBe(board(big));
  });

  const z = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
  it.skipIf(!z)("is zlib's, where this Node has it (20.15 and later)", () => {
    for (const n of [0, 1, 5, 1024, 65537]) {
      const b = random(n);
      expect(host(b)).toBe(z!(b));
    }
  });
});
