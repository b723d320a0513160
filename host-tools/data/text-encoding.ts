// The loader reads UTF-8 (ASCII included) and nothing else. A file in another
// encoding would otherwise parse into nonsense with a misleading message (a
// UTF-16BE file "has 1 field" on line 2), so the first bytes are looked at
// before anything is parsed, and every byte is checked for valid UTF-8 on its
// way to the parser: a Latin-1 "é" is refused with its line, not turned into
// U+FFFD inside a label.

import type { FileHandle } from "node:fs/promises";

/** How many bytes at the start of a file decide its encoding. */
export const SNIFF_BYTES = 4096;

const SAVE_AS = 'expected UTF-8 text: save it as UTF-8 (a spreadsheet\'s "CSV UTF-8")';

/**
 * What is wrong with a file that starts with these bytes (the first
 * SNIFF_BYTES or the whole file), or null when it can be read as UTF-8:
 * a UTF-16 or UTF-32 byte order mark, the zeros that UTF-16 or UTF-32 text
 * has between ASCII characters when there is no mark, a zip archive (an
 * .xlsx workbook) or other binary data.
 */
export function encodingProblem(head: Uint8Array): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts(0xef, 0xbb, 0xbf)) return null;
  // UTF-32LE's mark begins with UTF-16LE's, so it is tested first.
  if (starts(0xff, 0xfe, 0x00, 0x00)) return `is UTF-32LE text (it starts with the byte order mark FF FE 00 00), ${SAVE_AS}`;
  if (starts(0x00, 0x00, 0xfe, 0xff)) return `is UTF-32BE text (it starts with the byte order mark 00 00 FE FF), ${SAVE_AS}`;
  if (starts(0xff, 0xfe)) return `is UTF-16LE text (it starts with the byte order mark FF FE), ${SAVE_AS}`;
  if (starts(0xfe, 0xff)) return `is UTF-16BE text (it starts with the byte order mark FE FF), ${SAVE_AS}`;
  if (starts(0x50, 0x4b, 0x03, 0x04))
    return "is a zip archive (an Excel .xlsx workbook?), expected a CSV text file: export the sheet as CSV UTF-8";

  const zerosAt = [0, 0, 0, 0];
  const count = [0, 0, 0, 0];
  let zeros = 0;
  for (let i = 0; i < head.length; i++) {
    count[i & 3]++;
    if (head[i] === 0) {
      zerosAt[i & 3]++;
      zeros++;
    }
  }
  if (zeros === 0) return null;
  // The share of zeros at each of the 4 byte positions of a character: ASCII
  // in UTF-32LE is c 0 0 0, in UTF-32BE 0 0 0 c, in UTF-16LE c 0, in UTF-16BE
  // 0 c. CSV is mostly digits and delimiters, so the pattern is strong.
  const share = zerosAt.map((z, k) => (count[k] ? z / count[k] : 0));
  const many = (k: number) => share[k] >= 0.9;
  const few = (k: number) => share[k] <= 0.1;
  const guess = (name: string) => `looks like ${name} text without a byte order mark (zero bytes between the characters), ${SAVE_AS}`;
  if (many(1) && many(2) && many(3) && few(0)) return guess("UTF-32LE");
  if (many(0) && many(1) && many(2) && few(3)) return guess("UTF-32BE");
  const even = (zerosAt[0] + zerosAt[2]) / Math.max(1, count[0] + count[2]);
  const odd = (zerosAt[1] + zerosAt[3]) / Math.max(1, count[1] + count[3]);
  if (odd >= 0.5 && even <= 0.1) return guess("UTF-16LE");
  if (even >= 0.5 && odd <= 0.1) return guess("UTF-16BE");
  return `contains zero bytes (the first at byte ${head.indexOf(0)}), so it is not a text file; expected a CSV file in UTF-8`;
}

export interface Utf8Fault {
  /** byte offset of the bad sequence in the file */
  offset: number;
  /** 1-based physical line (\n, \r\n and \r each end one, as in the loader) */
  line: number;
  /** 1-based character on that line */
  column: number;
  /** the bytes of the bad sequence as a reader sees them, e.g. "0xE9" or "0xE2 0x82" */
  bytes: string;
  /** true when the bad sequence is cut short by the end of the file */
  atEnd: boolean;
}

/**
 * The first byte of fh that is not valid UTF-8 (WHATWG rules, as TextDecoder
 * applies them), with its line and column, or null when there is none. It
 * scans from the start, so it runs only after Utf8Check has failed.
 */
export async function locateInvalidUtf8(fh: FileHandle): Promise<Utf8Fault | null> {
  const CHUNK = 1 << 20;
  // A sequence may straddle chunks: up to 3 bytes are carried over.
  const buf = new Uint8Array(CHUNK + 3);
  let carried = 0;
  let position = 0;
  let line = 1;
  let column = 1;
  let afterCr = false;
  for (;;) {
    // buf[0] is this byte of the file
    const base = position - carried;
    const { bytesRead } = await fh.read(buf, carried, CHUNK, position);
    position += bytesRead;
    const end = carried + bytesRead;
    const last = bytesRead === 0;
    let i = 0;
    while (i < end) {
      const b = buf[i];
      if (b < 0x80) {
        if (b === 0x0a) {
          if (!afterCr) line++;
          column = 1;
        } else if (b === 0x0d) {
          line++;
          column = 1;
        } else column++;
        afterCr = b === 0x0d;
        i++;
        continue;
      }
      afterCr = false;
      const n = sequenceLength(buf, i, end);
      if (n > 0) {
        i += n;
        column++;
        continue;
      }
      if (n === 0 && !last) break; // incomplete only because the chunk ends here
      const bad = n === 0 ? end - i : -n;
      return { offset: base + i, line, column, bytes: hex(buf.subarray(i, i + bad)), atEnd: n === 0 };
    }
    if (last) return null;
    carried = end - i;
    buf.copyWithin(0, i, end);
  }
}

/**
 * The length of the valid multi-byte sequence at b[i] (lead byte >= 0x80);
 * 0 when it is valid so far but end comes first; -k when its first k bytes
 * are the invalid part (k >= 1).
 */
function sequenceLength(b: Uint8Array, i: number, end: number): number {
  const lead = b[i];
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) need = 1;
  else if (lead >= 0xe0 && lead <= 0xef) {
    need = 2;
    if (lead === 0xe0) lo = 0xa0; // overlong
    if (lead === 0xed) hi = 0x9f; // UTF-16 surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    need = 3;
    if (lead === 0xf0) lo = 0x90; // overlong
    if (lead === 0xf4) hi = 0x8f; // beyond U+10FFFF
  } else return -1;
  for (let k = 1; k <= need; k++) {
    if (i + k >= end) return 0;
    const c = b[i + k];
    if (c < lo || c > hi) return -k;
    lo = 0x80;
    hi = 0xbf;
  }
  return need + 1;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => "0x" + b.toString(16).toUpperCase().padStart(2, "0")).join(" ");
}
