// Writing a Storage file with the packet protocol of firmware 2v25+ (read in
// the firmware's own source, src/jsinteractive.c: jsiHandleConsoleChar and
// jsiPacketProcess). A packet is DLE SOH, a big-endian 16-bit word (type in
// the top 3 bits, length in the low 13), then the bytes, raw: no escaping, no
// base64, 4 bytes of framing per packet. FILE_SEND {fn, s} starts a file of s
// bytes; each DATA packet is written at the offset the board keeps itself
// (the packet does not carry it) and answered ACK 0x06 or NAK 0x15.
//
// What the firmware does not check, we do:
// - a DATA packet carries no CRC, and the firmware ACKs even a failed Storage
//   write: only the whole-file proof (readProof) afterwards says the file is right;
// - a packet that lost bytes waits for the rest and is dropped with a NAK after
//   5 s (nothing written, the offset unchanged): it is sent again; an answer
//   that never comes (a lost ACK: was it written?) ends the attempt, and the
//   proof decides.
// A file that fails its proof is erased and written again through the console
// path (storage-write.ts), whose every line is CRC-checked and acknowledged:
// a link that damages bytes is better served by it.
import { LinkError } from "../links/byte-link";
import { latin1Bytes } from "./bytes";
import { BoardResetError, EspruinoRepl } from "./espruino-repl";

export const PT_FILE_SEND = 0x6000;
export const PT_DATA = 0x8000;
const ACK = "\x06";
const NAK = "\x15";
/** bytes of file data per DATA packet (the length field allows 8191; the board allocates the packet as one string) */
export const PACKET_DATA = 1024;
const VERSION = "firmware-version";

/** The firmware's version from process.env.VERSION, asked once a session. */
export async function firmwareVersion(repl: EspruinoRepl): Promise<string> {
  let v = repl.session.get(VERSION) as string | undefined;
  if (v === undefined) {
    v = String((await repl.call<string>(`process.env.VERSION`)) ?? "");
    repl.session.set(VERSION, v);
  }
  return v;
}

/** The firmware's version as something else read it (the upload's first command asks it with the board's state). */
export function noteFirmwareVersion(repl: EspruinoRepl, version: string): void {
  repl.session.set(VERSION, version);
}

/** Whether a firmware version ("2v25", "2v24.123") has the packet protocol (2v25 and later). */
export function versionHasPackets(version: string): boolean {
  const m = /^(\d+)v(\d+)/.exec(version);
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 25));
}

/** A packet as it goes on the wire. */
export function packet(type: number, data: Uint8Array): Uint8Array {
  if (data.length > 0x1fff) throw new RangeError(`a packet carries at most 8191 bytes, not ${data.length}`);
  const out = new Uint8Array(4 + data.length);
  out.set([0x10, 0x01, (type | data.length) >> 8, (type | data.length) & 255]);
  out.set(data, 4);
  return out;
}

/** Sends a packet and waits for its ACK (true) or NAK (false); null when neither came. A board
 * that resets meanwhile (its banner) is a BoardResetError, as on the console path. */
async function exchange(repl: EspruinoRepl, type: number, data: Uint8Array): Promise<boolean | null> {
  const from = repl.inbox.text.length;
  await repl.link.write(packet(type, data));
  let got: boolean | null = null,
    reset = false;
  try {
    await repl.inbox.waitFor(
      (t) => {
        const rest = t.slice(from);
        if (EspruinoRepl.sawReset(rest)) return (reset = true);
        const a = rest.indexOf(ACK),
          n = rest.indexOf(NAK);
        if (a < 0 && n < 0) return false;
        got = n < 0 || (a >= 0 && a < n);
        return true;
      },
      // longer than the board's 5 s packet timeout, so that its NAK for a short packet is heard (board-timeouts.ts)
      repl.timeouts.packetMs,
      "the board's ACK",
    );
  } catch (e) {
    if (repl.link.isClosed || !(e instanceof LinkError)) throw e;
  }
  repl.inbox.clear();
  if (reset) {
    repl.noteReset();
    throw new BoardResetError("the board reset");
  }
  return got;
}

export interface PacketResult {
  /** the board ACKed FILE_SEND and every DATA packet */
  sent: boolean;
  /** packets sent again after a NAK */
  resent: number;
}

/** Sends `bytes` as Storage file `name` (which must not exist, and must not be empty) in packets.
 * Proves nothing: the caller reads the file's proof. */
export async function sendFilePackets(
  repl: EspruinoRepl,
  name: string,
  bytes: Uint8Array,
  onProgress?: (done: number, total: number) => void,
): Promise<PacketResult> {
  if (bytes.length === 0) throw new RangeError("the packet protocol cannot send an empty file (FILE_SEND refuses s = 0)");
  let resent = 0;
  // the firmware reads it with its liberal JSON parser: keys unquoted, 4 bytes fewer
  const start = latin1Bytes(`{fn:${JSON.stringify(name)},s:${bytes.length}}`);
  let ok = await exchange(repl, PT_FILE_SEND, start);
  if (ok === false) {
    resent++;
    ok = await exchange(repl, PT_FILE_SEND, start);
  }
  if (!ok) return { sent: false, resent };
  for (let off = 0; off < bytes.length;) {
    const chunk = bytes.subarray(off, off + PACKET_DATA);
    let answer = await exchange(repl, PT_DATA, chunk);
    // a NAK: the packet was dropped whole (nothing written, the board's offset unchanged): once more
    for (let t = 1; answer === false && t < 3; t++) {
      resent++;
      answer = await exchange(repl, PT_DATA, chunk);
    }
    if (!answer) return { sent: false, resent };
    off += chunk.length;
    onProgress?.(off, bytes.length);
  }
  return { sent: true, resent };
}
