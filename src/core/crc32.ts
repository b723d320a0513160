// CRC-32 (IEEE 802.3, the zlib one; reflected, polynomial 0xEDB88320), equal to
// Espruino's E.CRC32: crc32 of "hello" is 907060870.

var table: Int32Array | null = null;

function makeTable(): Int32Array {
  var t = new Int32Array(256);
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** CRC-32 of bytes[0..length), as an unsigned 32-bit number. */
export function crc32(bytes: ArrayLike<number>, length?: number): number {
  var t = table || (table = makeTable());
  var n = length === undefined ? bytes.length : length, c = -1;
  for (var i = 0; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
