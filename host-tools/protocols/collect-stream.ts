// The host side of edgefnn collect's stream: the board prints one line per
// accelerometer sample, "A,<seq>,<x>,<y>,<z>,<check>" (firmware-scripts/collect.js),
// between whatever else the console says (prompts, "\r\x1b[J" line clears).
// SampleStream splits the text into lines, checks each sample line's
// checksum (the low byte of the CRC-32 of the line up to its last comma),
// counts corrupt lines and sequence gaps, and hands on the good samples
// with a flag saying whether any sample is missing before them.
import { crc32 } from "../files/crc32";
import { latin1Bytes } from "./bytes";

export interface StreamStats {
  /** good sample lines */
  samples: number;
  /** lines that looked like a sample line but failed the checksum or the format */
  corrupt: number;
  /** sequence numbers never received (corrupt lines included) */
  missing: number;
  /** missing minus corrupt: lines that never arrived at all (as far as the count can tell) */
  dropped: number;
  firstSeq: number;
  lastSeq: number;
  /** host time (ms) of the first and last good sample */
  tFirst: number;
  tLast: number;
}

const SAMPLE = /^A,(\d{1,9}),(-?\d{1,6}),(-?\d{1,6}),(-?\d{1,6}),([0-9a-f]{1,2})$/;

/** The checksum collect.js appends: E.CRC32(body) & 255, as lowercase hex. */
export function lineCheck(body: string): string {
  return (crc32(latin1Bytes(body)) & 255).toString(16);
}

export class SampleStream {
  readonly stats: StreamStats = { samples: 0, corrupt: 0, missing: 0, dropped: 0, firstSeq: -1, lastSeq: -1, tFirst: 0, tLast: 0 };
  private tail = "";

  /** @param onSample a good sample (milli-g); gap: samples are missing right before it */
  constructor(private onSample: (x: number, y: number, z: number, gap: boolean) => void) {}

  /** Text as it arrived at host time t (ms); a line cut at the end waits for the rest. */
  feed(text: string, t: number): void {
    const lines = (this.tail + text).split("\n");
    this.tail = lines.pop() ?? "";
    for (const line of lines) this.line(line, t);
  }

  /** The samples per second the board produced: sequence numbers over host time. */
  rate(): number {
    const s = this.stats;
    return s.lastSeq > s.firstSeq && s.tLast > s.tFirst ? ((s.lastSeq - s.firstSeq) * 1000) / (s.tLast - s.tFirst) : 0;
  }

  private line(raw: string, t: number): void {
    // a console line clear or prompt may come first
    const clean = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/\r/g, "");
    const at = clean.indexOf("A,");
    if (at < 0) return;
    const text = clean.slice(at).trim();
    const m = SAMPLE.exec(text);
    const s = this.stats;
    if (!m || lineCheck(text.slice(0, text.lastIndexOf(","))) !== m[5]) {
      s.corrupt++;
      s.dropped = Math.max(0, s.missing - s.corrupt);
      return;
    }
    const seq = Number(m[1]);
    let gap = false;
    if (s.lastSeq >= 0 && seq !== s.lastSeq + 1) {
      gap = true;
      // a board restarted (seq back to 0) or a jump forward
      if (seq > s.lastSeq) s.missing += seq - s.lastSeq - 1;
    }
    if (s.firstSeq < 0 || seq < s.lastSeq) {
      s.firstSeq = seq;
      s.tFirst = t;
    }
    s.lastSeq = seq;
    s.tLast = t;
    s.samples++;
    s.dropped = Math.max(0, s.missing - s.corrupt);
    this.onSample(Number(m[2]), Number(m[3]), Number(m[4]), gap);
  }
}
