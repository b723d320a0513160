// Writing a file into the board's Storage, verified. Each line carries one
// chunk and checks it on the board before writing: the CRC-32 of the decoded
// bytes together with the offset and file name it will use, so a dropped or
// corrupted byte anywhere in the line is refused (or breaks the line's syntax)
// instead of landing in flash. Each line is acknowledged; an unacknowledged or
// refused chunk is sent again. At the end the whole file's CRC-32 is compared
// on the board, E.CRC32 over require("Storage").read(name) (a failed Storage
// write is still acknowledged by some firmware: only the final check proves the file).
import { crc32 } from "../../src/core/index";
import { boardProof, fileProof, Proof, sameProof } from "./board-files";
import { BoardResetError, EspruinoRepl } from "./espruino-repl";
import { LinkError } from "./link";

export const CHUNK = 384;
/** the smallest chunk a line shrinks to on a noisy link (a line of ~110 bytes) */
export const MIN_CHUNK = 48;

export interface WriteOptions {
  /** per-chunk attempts before giving up */
  chunkTries?: number;
  /** whole-file attempts (erase and write again) after a final CRC mismatch */
  fileTries?: number;
  /** ms to wait for a chunk's acknowledgement */
  ackMs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The board side of a chunk, defined once per file in RAM so each chunk line
 * carries ~45 bytes of code besides its base64 (n name, o offset, d base64,
 * c check: the CRC-32 of the bytes, offset, name, total and id together, t
 * total size or -1, i request id). */
const WRITER =
  `global.__efw=function(n,o,d,c,t,i){d=atob(d);var r="N",S=require("Storage");` +
  `if(E.CRC32(d+o+n+t+i)===c)try{` +
  // a chunk sent again because its acknowledgement went missing may already be
  // there: the firmware refuses to write even identical bytes over written ones
  `if(o&&S.read(n,o,d.length)===d)r="A";else{if(t<0)S.write(n,d,o);else S.write(n,d,o,t);r="A"}}catch(e){r="E"+e.message}` +
  `print("\\x01"+i+":"+JSON.stringify(r)+"\\x01")}`;

/** Writes bytes to Storage file `name` (which must not exist yet) and proves it. */
export async function writeVerified(repl: EspruinoRepl, name: string, bytes: Uint8Array, o: WriteOptions = {}): Promise<{ retries: number }> {
  const chunkTries = o.chunkTries ?? 8, fileTries = o.fileTries ?? 3, ackMs = o.ackMs ?? 3000;
  const want = fileProof(bytes);
  let retries = 0;
  await repl.call(`(${WRITER},1)`);
  // A chunk line that does not get through is sent again smaller: on a link
  // that loses or garbles about one byte in N, a line much shorter than N
  // bytes gets through most of the time, one longer than N never does.
  let size = CHUNK;
  for (let attempt = 1; ; attempt++) {
    for (let off = 0; off < bytes.length || (off === 0 && bytes.length === 0); ) {
      let chunk = bytes.subarray(off, off + size);
      for (let t = 1; ; t++) {
        const total = off === 0 ? bytes.length : -1;
        const id = repl.nextId();
        const check = crc32(Buffer.concat([Buffer.from(chunk), Buffer.from(String(off) + name + String(total) + id, "latin1")]));
        const line = `\x10__efw(${JSON.stringify(name)},${off},"${Buffer.from(chunk).toString("base64")}",${check},${total},"${id}")\n`;
        const from = repl.link.rx.length;
        await repl.link.write(line);
        let reply: string;
        try {
          reply = JSON.parse((await repl.answer(id, from, ackMs, `the acknowledgement of bytes ${off}..${off + chunk.length}`))[1]);
          repl.link.rx = "";
        } catch (e) {
          if (e instanceof BoardResetError || repl.link.isClosed) throw e;
          reply = "timeout";
        }
        if (reply === "A") break;
        if (reply.startsWith("E")) throw new LinkError(`Storage refused ${name} at byte ${off}: ${reply.slice(1)}`);
        retries++;
        if (t >= chunkTries) throw new LinkError(`bytes ${off}..${off + chunk.length} of ${name} did not get through in ${chunkTries} tries (${reply})`);
        size = Math.max(MIN_CHUNK, size >> 1);
        chunk = bytes.subarray(off, off + size);
        await repl.clearLine(50);
      }
      off += chunk.length;
      o.onProgress?.(Math.min(off, bytes.length), bytes.length);
      if (bytes.length === 0) break;
    }
    // a chunk line that lost its newline may have merged with the next: the whole-file CRC catches anything left
    const got = await repl.call<Proof | null>(boardProof(name));
    if (sameProof(got, want)) {
      await repl.call(`delete global.__efw`);
      return { retries };
    }
    if (attempt >= fileTries)
      throw new LinkError(`${name} is corrupt on the board after ${fileTries} tries (${got ? `CRC ${got[1]}, ${got[2]} bytes` : "missing"}; expected CRC ${want[1]}, ${want[2]} bytes)`);
    retries++;
    await repl.call(`require("Storage").erase(${JSON.stringify(name)})`);
  }
}
