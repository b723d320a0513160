// CRC-32 (IEEE 802.3, the zlib one; reflected, polynomial 0xEDB88320), equal to
// Espruino's E.CRC32: crc32 of "hello" is 907060870.
//
// Bit by bit, without the usual 1 KB table: this code is also in the board
// runtime's bundle (Node checks models with it), where bytes of code count
// more than microseconds; the host's files are small (a 100 KB model: ~3 ms).

/** CRC-32 of bytes[0..length) (no length: all of them), as an unsigned 32-bit number. */
export function crc32(bytes: ArrayLike<number>, length?: number): number {
  for (var c = -1, i = 0, k, n = length! >= 0 ? length! : bytes.length; i < n; i++)
    for (c ^= bytes[i], k = 8; k--;) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  return ~c >>> 0;
}
