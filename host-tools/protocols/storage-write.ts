// Writing a file into the board's Storage over the console, verified. Each line
// carries one chunk and checks it on the board before writing: the CRC-32 of
// the decoded bytes together with the offset, file name, total and request id,
// so a dropped or corrupted byte anywhere in the line is refused (or breaks the
// line's syntax) instead of landing in flash. Each line is acknowledged; an
// unacknowledged or refused chunk is sent again. At the end the whole file's
// CRC-32 is compared on the board, E.CRC32 over require("Storage").read(name)
// (a failed Storage write is still acknowledged by some firmware: only the
// final check proves the file).
//
// Fewer bytes on the wire (every byte is felt on a 2-5 KB/s Bluetooth link):
// - a chunk travels as a JavaScript string literal with only what must be
//   escaped escaped (text such as the runtime: ~1.02 wire bytes a byte), or as
//   base64 in atob("...") when that is shorter (binary such as a model: 1.33);
//   the CRC is over the decoded bytes, so either way what is checked is what is written;
// - the writer and the proof function are sent once a session (see install), not once a file;
// - lines carry up to CHUNK bytes.
import { crc32 } from "../files/crc32";
import { LinkError } from "../links/byte-link";
import { base64, concatBytes, latin1Bytes } from "./bytes";
import { BoardResetError, EspruinoRepl } from "./espruino-repl";
import { BOARD_PROOF_FUNCTION, boardProofs, fileProof, Proof, sameProof } from "./file-proof";
import { firmwareVersion, sendFilePackets, versionHasPackets } from "./packet-file";

export const CHUNK = 768;
/** the smallest chunk a line shrinks to on a noisy link (a line of ~110 bytes) */
export const MIN_CHUNK = 48;

export interface WriteOptions {
  /** per-chunk attempts before giving up */
  chunkTries?: number;
  /** whole-file attempts (erase and write again) after a final CRC mismatch */
  fileTries?: number;
  /** ms to wait for a chunk's acknowledgement (default: the repl's timeouts.ackMs) */
  ackMs?: number;
  onProgress?: (done: number, total: number) => void;
  /** "auto" (default): the packet protocol where the firmware has it (2v25+), else the console; or one of them */
  transfer?: "auto" | "console" | "packet";
}

/** The board side of a chunk (n name, o offset, d the bytes as a string, c
 * check: the CRC-32 of the bytes, offset, name, total and id together, t total
 * size or -1, i request id), and of the proof (boardProof as a function). */
const WRITER =
  `function(n,o,d,c,t,i){var r="N",S=require("Storage");` +
  `if(E.CRC32(d+o+n+t+i)===c)try{` +
  // a chunk sent again because its acknowledgement went missing may already be
  // there: the firmware refuses to write even identical bytes over written ones
  `if(o&&S.read(n,o,d.length)===d)r="A";else{if(t<0)S.write(n,d,o);else S.write(n,d,o,t);r="A"}}catch(e){r="E"+e.message}` +
  `print("\\x01"+i+":"+JSON.stringify(r)+"\\x01")}`;
/** the session keys that say a helper is defined on the board */
const HELPERS = { __efw: WRITER, __efp: BOARD_PROOF_FUNCTION } as const;

/** Defines a helper on the board, once a session (a reset clears the session). */
async function install(repl: EspruinoRepl, name: keyof typeof HELPERS): Promise<void> {
  if (repl.session.get(name)) return;
  await repl.call(`(global.${name}=${HELPERS[name]},1)`);
  repl.session.set(name, true);
}

/** The proof of a Storage file on the board (null: no such file), through the installed helper. */
export async function readProof(repl: EspruinoRepl, name: string): Promise<Proof | null> {
  await install(repl, "__efp");
  return repl.call<Proof | null>(`__efp(${JSON.stringify(name)})`);
}

/** The proofs of several Storage files in one command (null: no such file), by name. */
export async function readProofs(repl: EspruinoRepl, names: string[]): Promise<Record<string, Proof | null>> {
  const got = await repl.call<(Proof | null)[]>(boardProofs(names));
  const out: Record<string, Proof | null> = {};
  names.forEach((n, i) => (out[n] = got[i] ?? null));
  return out;
}

/** Removes the helpers from the board's RAM (after the last file of an upload). */
export async function forgetHelpers(repl: EspruinoRepl): Promise<void> {
  const names = (Object.keys(HELPERS) as (keyof typeof HELPERS)[]).filter((n) => repl.session.get(n));
  if (!names.length) return;
  for (const n of names) repl.session.delete(n);
  await repl.call(`(${names.map((n) => `delete global.${n}`).join(",")},1)`);
}

/** Bytes as the shortest JavaScript expression for the string of those
 * character codes: a literal with only quote, backslash, controls and bytes
 * >= 0x7f escaped, or atob("base64"). */
export function stringExpression(b: Uint8Array): string {
  let lit = '"';
  for (const c of b) {
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) lit += String.fromCharCode(c);
    else if (c === 0x22) lit += '\\"';
    else if (c === 0x5c) lit += "\\\\";
    else if (c === 0x0a) lit += "\\n";
    else if (c === 0x0d) lit += "\\r";
    else if (c === 0x09) lit += "\\t";
    else lit += "\\x" + (c < 16 ? "0" : "") + c.toString(16);
  }
  lit += '"';
  const b64 = `atob("${base64(b)}")`;
  return b64.length < lit.length ? b64 : lit;
}

/** Writes bytes to Storage file `name` (which must not exist yet) and proves
 * it; with prove false it only sends it (proven: false), for a caller that
 * proves all its files in one command (readProofs) and writes again, proven,
 * any that fails. */
export async function writeVerified(
  repl: EspruinoRepl,
  name: string,
  bytes: Uint8Array,
  o: WriteOptions = {},
  prove = true,
): Promise<{ retries: number; proven: boolean }> {
  const chunkTries = o.chunkTries ?? 8,
    fileTries = o.fileTries ?? 3,
    ackMs = o.ackMs ?? repl.timeouts.ackMs;
  const want = fileProof(bytes);
  let retries = 0;
  const transfer = o.transfer ?? "auto";
  if (bytes.length > 0 && (transfer === "packet" || (transfer === "auto" && versionHasPackets(await firmwareVersion(repl))))) {
    const p = await sendFilePackets(repl, name, bytes, o.onProgress);
    retries += p.resent;
    if (p.sent && !prove) return { retries, proven: false };
    if (p.sent && sameProof(await readProof(repl, name), want)) return { retries, proven: true };
    // not proven: the console path, from scratch
    retries++;
    await repl.call(`require("Storage").erase(${JSON.stringify(name)})`);
  }
  await install(repl, "__efw");
  // A chunk line that does not get through is sent again smaller: on a link
  // that loses or garbles about one byte in N, a line much shorter than N
  // bytes gets through most of the time, one longer than N never does.
  let size = CHUNK;
  for (let attempt = 1; ; attempt++) {
    for (let off = 0; off < bytes.length || (off === 0 && bytes.length === 0);) {
      let chunk = bytes.subarray(off, off + size);
      for (let t = 1; ; t++) {
        const total = off === 0 ? bytes.length : -1;
        const id = repl.nextId();
        const check = crc32(concatBytes(chunk, latin1Bytes(String(off) + name + String(total) + id)));
        const line = `\x10__efw(${JSON.stringify(name)},${off},${stringExpression(chunk)},${check},${total},${id})\n`;
        const from = repl.inbox.text.length;
        await repl.send(line);
        let reply: string;
        try {
          reply = JSON.parse((await repl.answer(id, from, ackMs, `the acknowledgement of bytes ${off}..${off + chunk.length}`))[1]);
          repl.inbox.clear();
        } catch (e) {
          if (e instanceof BoardResetError || repl.link.isClosed) throw e;
          reply = "timeout";
        }
        if (reply === "A") break;
        if (reply.startsWith("E")) throw new LinkError(`Storage refused ${name} at byte ${off}: ${reply.slice(1)}`);
        retries++;
        if (t >= chunkTries)
          throw new LinkError(`bytes ${off}..${off + chunk.length} of ${name} did not get through in ${chunkTries} tries (${reply})`);
        size = Math.max(MIN_CHUNK, size >> 1);
        chunk = bytes.subarray(off, off + size);
        await repl.clearLine(50);
      }
      off += chunk.length;
      o.onProgress?.(Math.min(off, bytes.length), bytes.length);
      if (bytes.length === 0) break;
    }
    // a chunk line that lost its newline may have merged with the next: the whole-file CRC catches anything left
    if (!prove) return { retries, proven: false };
    const got = await readProof(repl, name);
    if (sameProof(got, want)) return { retries, proven: true };
    if (attempt >= fileTries)
      throw new LinkError(
        `${name} is corrupt on the board after ${fileTries} tries (${got ? `CRC ${got[1]}, ${got[2]} bytes` : "missing"}; expected CRC ` +
          `${want[1]}, ${want[2]} bytes)`,
      );
    retries++;
    await repl.call(`require("Storage").erase(${JSON.stringify(name)})`);
  }
}
