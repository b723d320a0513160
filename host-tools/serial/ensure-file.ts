// A Storage file that should hold exactly these bytes: checked by CRC on the
// board first (boardProof), written (verified) only when missing or different.
import { boardProof, fileProof, Proof, sameProof } from "./board-files";
import { EspruinoRepl } from "./espruino-repl";
import { writeVerified, WriteOptions } from "./storage-write";

export async function ensureStorageFile(repl: EspruinoRepl, name: string, bytes: Uint8Array, o?: WriteOptions): Promise<{ written: boolean; retries: number }> {
  const have = await repl.call<Proof | null>(boardProof(name));
  if (sameProof(have, fileProof(bytes))) return { written: false, retries: 0 };
  if (have) await repl.call(`require("Storage").erase(${JSON.stringify(name)})`);
  const r = await writeVerified(repl, name, bytes, o);
  return { written: true, retries: r.retries };
}
