// The packet protocol of firmware 2v25+ as the firmware handles it
// (jsiPacketProcess and its helpers in Espruino's src/jsinteractive.c), for
// the virtual board. A packet is DLE SOH, a big-endian 16-bit word (type in
// the top 3 bits, length in the low 13), then the data; the console
// (console.ts) collects it and hands it here whole. Answers are ACK 0x06 or
// NAK 0x15, and, for EVAL and FILE_RECV, packets of their own.
// - FILE_SEND 0x6000, JSON {fn, s[, fs]}: starts a file of s bytes (s = 0 or
//   a missing fn: NAK; fs, a FAT file: NAK, these boards have no file system);
//   a file that gets no DATA for 10 s is forgotten.
// - DATA 0x8000: the next bytes of that file, written to Storage at the
//   offset the board keeps (a packet says nothing of its offset). The firmware
//   ACKs even a failed Storage write (its `ok |= jsfWriteFile(...)` is always
//   true), and so does this: only reading the file back proves it.
// - EVAL 0x2000: ACK and a RESPONSE 0x0000 packet with the value, or NAK on an error.
// - FILE_RECV 0xA000, JSON {fn}: ACK, the file in DATA packets of 1024 bytes, an empty DATA packet.
// - EVENT 0x4000 (E.on("packet")) is not simulated: NAK.
// - A packet not complete 5 s after its SOH is dropped with a NAK.
import { FlashStorage } from "./flash-storage";

export const ACK = 0x06;
export const NAK = 0x15;
export const PT = { RESPONSE: 0x0000, EVAL: 0x2000, EVENT: 0x4000, FILE_SEND: 0x6000, DATA: 0x8000, FILE_RECV: 0xa000 } as const;
export const PACKET_TIMEOUT_MS = 5000;
export const FILE_TIMEOUT_MS = 10_000;

export interface PacketHost {
  storage: FlashStorage;
  /** raw output (a binary string) */
  write(text: string): void;
  /** the value of an expression as E.toJS gives it, or throws */
  evaluateToJS(code: string): string;
  /** an error to report as the console does ("Uncaught Error: ...") */
  uncaught(e: unknown): void;
}

const bytesOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 255);

/** The firmware's liberal JSON (jswrap_json_parse_liberal): object keys may go unquoted. */
function parseLiberal(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":').replace(/'/g, '"'));
    } catch {
      return undefined;
    }
  }
}

export class PacketHandler {
  private file: { fn: string; s: number; offs: number } | null = null;
  private fileTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private h: PacketHost,
    private fileTimeoutMs = FILE_TIMEOUT_MS,
  ) {}

  private reply(type: number, data: string): void {
    const word = type | data.length;
    this.h.write("\x10\x01" + String.fromCharCode(word >> 8, word & 255) + data);
  }

  private answer(ok: boolean): void {
    this.h.write(String.fromCharCode(ok ? ACK : NAK));
  }

  private endFile(): void {
    this.file = null;
    if (this.fileTimer) clearTimeout(this.fileTimer);
    this.fileTimer = null;
  }

  private fileTimeout(): void {
    if (this.fileTimer) clearTimeout(this.fileTimer);
    this.fileTimer = setTimeout(() => this.endFile(), this.fileTimeoutMs);
  }

  /** A reset forgets the file being received. */
  stop(): void {
    this.endFile();
  }

  handle(word: number, data: string): void {
    const type = word & 0xe000;
    if (type === PT.EVAL) {
      let v: string;
      try {
        v = this.h.evaluateToJS(data);
      } catch {
        return this.answer(false);
      }
      this.answer(true);
      this.reply(PT.RESPONSE, v);
    } else if (type === PT.FILE_SEND) {
      this.endFile();
      const r = parseLiberal(data) as { fn?: unknown; s?: unknown; fs?: unknown } | undefined;
      const s = r && typeof r === "object" ? Math.trunc(Number(r.s)) || 0 : 0;
      const ok = !!r && typeof r === "object" && typeof r.fn === "string" && s !== 0 && !r.fs;
      if (ok) {
        this.file = { fn: r!.fn as string, s, offs: 0 };
        this.fileTimeout();
      }
      this.answer(ok);
    } else if (type === PT.DATA) {
      const f = this.file;
      if (!f) return this.answer(false);
      let failed: unknown = null;
      try {
        this.h.storage.write(f.fn, bytesOf(data), f.offs, f.s);
      } catch (e) {
        failed = e;
      }
      f.offs += data.length;
      if (f.offs >= f.s) this.endFile();
      else this.fileTimeout();
      // the firmware acknowledges a failed write all the same, then reports the error
      // (seen on the 2v29 Linux build: ACK, then "Uncaught Error: Too much data for file size")
      this.answer(true);
      if (failed) this.h.uncaught(new Error((failed as Error).message));
    } else if (type === PT.FILE_RECV) {
      const r = parseLiberal(data) as { fn?: unknown } | undefined;
      const bytes = r && typeof r === "object" && typeof r.fn === "string" ? this.h.storage.read(r.fn) : undefined;
      if (!bytes) return this.answer(false);
      this.answer(true);
      for (let i = 0; i < bytes.length; i += 1024) this.reply(PT.DATA, String.fromCharCode(...bytes.subarray(i, i + 1024)));
      this.reply(PT.DATA, "");
    } else this.answer(false);
  }
}
