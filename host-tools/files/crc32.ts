// CRC-32 on the host (IEEE 802.3, the zlib one; the same numbers as
// src/core/crc32.ts and Espruino's E.CRC32), a byte at a time from a 1 KB
// table instead of bit by bit. The board's copy (src/core/crc32.ts, in the
// bundles) stays bit by bit, where bytes of code count; the host's models and
// agent frames are checked many times an upload (a 524 KB model: ~30-100 ms
// bit by bit, ~2 ms here). Plain code, no node:zlib (whose crc32 needs Node
// 20.15): the studio page's browser build imports the host's protocols too.
// test/host-tools/crc32-host.test.ts checks it equals the board's on edge inputs.

const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    t[n] = c;
  }
  return t;
})();

/** CRC-32 of bytes[0..length) (no length: all of them), as an unsigned 32-bit number. */
export function crc32(bytes: ArrayLike<number>, length?: number): number {
  // as the board's: a length past the end counts the missing bytes as zeros
  const n = length! >= 0 ? length! : bytes.length;
  let c = -1;
  for (let i = 0; i < n; i++) c = (c >>> 8) ^ TABLE[(c ^ bytes[i]) & 0xff];
  return ~c >>> 0;
}
