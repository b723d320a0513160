// A Storage file that should hold exactly these bytes: checked by CRC on the
// board first (readProof, the same as boardProof), written (verified) only when missing or different.
// A file of a name edgefnn owns (own-files.ts) that edgefnn did not write is
// never replaced here: callers that may replace one (upload --force) erase it
// first, after saying so.
import { UserError } from "../cli/user-error";
import { fileProof, sameProof } from "./board-files";
import { EspruinoRepl } from "../protocols/espruino-repl";
import { describeForeign, foreignFiles } from "./own-files";
import { readProof, writeVerified, WriteOptions } from "../protocols/storage-write";

/** A file edgefnn did not write was in the way: nothing was written over it. */
export class ForeignFileError extends UserError {}

export async function ensureStorageFile(
  repl: EspruinoRepl,
  name: string,
  bytes: Uint8Array,
  o?: WriteOptions,
): Promise<{ written: boolean; retries: number }> {
  const have = await readProof(repl, name);
  if (sameProof(have, fileProof(bytes))) return { written: false, retries: 0 };
  if (have) await eraseOwnFile(repl, name);
  const r = await writeVerified(repl, name, bytes, o);
  return { written: true, retries: r.retries };
}

/** Erases a file that is there and is to be replaced, if edgefnn wrote it; else a ForeignFileError, nothing erased. */
export async function eraseOwnFile(repl: EspruinoRepl, name: string): Promise<void> {
  const [foreign] = await foreignFiles(repl, [name]);
  if (foreign)
    throw new ForeignFileError(
      `not replacing ${describeForeign(foreign)}: edgefnn did not write it. Keep a copy of it or erase it, then run this again`,
    );
  await repl.call(`require("Storage").erase(${JSON.stringify(name)})`);
}
