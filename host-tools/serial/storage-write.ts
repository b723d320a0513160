// Writing a file into the board's Storage, verified. Each line carries one
// chunk and checks it on the board before writing: the CRC-32 of the decoded
// bytes together with the offset and file name it will use, so a dropped or
// corrupted byte anywhere in the line is refused (or breaks the line's syntax)
// instead of landing in flash. Each line is acknowledged; an unacknowledged or
// refused chunk is sent again. At the end the whole file's CRC-32 is compared
// with E.CRC32(require("Storage").read(name)) (a failed Storage write is still
// acknowledged by some firmware: only the final CRC proves the file).
import { crc32 } from "../../src/core/index";
import { BoardResetError, EspruinoRepl } from "./espruino-repl";
import { LinkError } from "./link";

export const CHUNK = 384;

export interface WriteOptions {
  /** per-chunk attempts before giving up */
  chunkTries?: number;
  /** whole-file attempts (erase and write again) after a final CRC mismatch */
  fileTries?: number;
  /** ms to wait for a chunk's acknowledgement */
  ackMs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Writes bytes to Storage file `name` (which must not exist yet) and proves it. */
export async function writeVerified(repl: EspruinoRepl, name: string, bytes: Uint8Array, o: WriteOptions = {}): Promise<{ retries: number }> {
  const chunkTries = o.chunkTries ?? 5, fileTries = o.fileTries ?? 3, ackMs = o.ackMs ?? 3000;
  const want = crc32(bytes);
  let retries = 0;
  for (let attempt = 1; ; attempt++) {
    for (let off = 0; off < bytes.length || (off === 0 && bytes.length === 0); off += CHUNK) {
      const chunk = bytes.subarray(off, off + CHUNK);
      const check = crc32(Buffer.concat([Buffer.from(chunk), Buffer.from(String(off) + name, "latin1")]));
      for (let t = 1; ; t++) {
        const id = repl.nextId();
        const total = off === 0 ? `,${bytes.length}` : "";
        const line =
          `\x10(function(){var n=${JSON.stringify(name)},o=${off},d=atob(${JSON.stringify(Buffer.from(chunk).toString("base64"))});` +
          `if(E.CRC32(d+o+n)!==${check}){print("\\x01${id}:\\"N\\"\\x01");return}` +
          `try{require("Storage").write(n,d,o${total});print("\\x01${id}:\\"A\\"\\x01")}catch(e){print("\\x01${id}:"+JSON.stringify("E"+e.message)+"\\x01")}})()\n`;
        const from = repl.link.rx.length;
        await repl.link.write(line);
        let reply = "";
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
        // a garbled line may have left half a command on the console: clear it
        await repl.link.write("\x03");
        await new Promise((r) => setTimeout(r, 50));
        repl.link.rx = "";
      }
      o.onProgress?.(Math.min(off + CHUNK, bytes.length), bytes.length);
      if (bytes.length === 0) break;
    }
    const got = await repl.call<[number, number] | null>(`(function(s){return s===undefined?null:[E.CRC32(s),s.length]})(require("Storage").read(${JSON.stringify(name)}))`);
    if (got && got[0] === want && got[1] === bytes.length) return { retries };
    if (attempt >= fileTries)
      throw new LinkError(`${name} is corrupt on the board after ${fileTries} tries (CRC ${got ? got[0] : "none"}, expected ${want})`);
    retries++;
    await repl.call(`require("Storage").erase(${JSON.stringify(name)})`);
  }
}
