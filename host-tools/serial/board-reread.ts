// After an interrupted upload to an Espruino board: get a prompt again (the
// board may have reset, or gone quiet for a while, or its port may have gone
// and come back), read the pointer file and the proofs of the files involved,
// and say from that what is active. Bounded: after `boundMs` it gives up, and
// then only what no command sent could have changed is claimed.
import { fileProof, Pointer, POINTER, Proof, sameProof } from "./board-files";
import { ActiveFact, unknownFact } from "./active-fact";
import { EspruinoRepl } from "../protocols/espruino-repl";
import { retryWithinBound } from "./bounded-retry";
import { ByteLink } from "../links/byte-link";
import { UploadProgress } from "./model-upload";

/** The pointer file's text (null: no such file) and the proofs of the named files and of the one it names. */
export interface BoardReread {
  p: string | null;
  f: Record<string, Proof | null>;
}

/** One command: the pointer as text (parsed on the host, so a damaged one is seen as damaged) and the proofs. */
export function rereadExpr(names: string[]): string {
  return (
    `(function(n){var S=require("Storage"),p=S.read(${JSON.stringify(POINTER)}),q=null,r={p:p===undefined?null:p,f:{}};` +
    `try{q=JSON.parse(p).file}catch(e){}if(typeof q=="string"&&n.indexOf(q)<0)n.push(q);` +
    `n.forEach(function(k){var ` +
    `s=S.read(k);r.f[k]=s===undefined?null:[E.CRC32(s),s.length>=4?E.CRC32(S.read(k,0,s.length-4)):0,s.length]});` +
    `return r})(${JSON.stringify(names)})`
  );
}

/** Reads the board again, for at most boundMs (default: the repl's timeouts.rereadMs); null if it did not answer in that time. */
export async function rereadBoard(
  link: ByteLink,
  repl: EspruinoRepl,
  names: string[],
  boundMs = repl.timeouts.rereadMs,
): Promise<BoardReread | null> {
  let r = repl;
  return retryWithinBound(link, boundMs, async (cur, _reopened, msLeft) => {
    if (r.link !== cur) r = new EspruinoRepl(cur, { timeouts: repl.timeouts });
    await r.sync();
    return r.call<BoardReread>(rereadExpr(names), Math.max(500, Math.min(3000, msLeft)), 2);
  });
}

/** What the reread (or, without one, the upload's progress) proves about the active model. */
export function boardFact(progress: UploadProgress, model: Uint8Array, got: BoardReread | null): ActiveFact {
  const { file, previous } = progress;
  if (!got) {
    if (progress.pointerSent) return unknownFact("the board did not answer again after the interruption");
    const how = "the pointer file was not touched";
    return previous
      ? { active: "previous", file: previous, how, incomplete: [], leftover: [] }
      : { active: "none", file: null, how, incomplete: [], leftover: [] };
  }
  const incomplete = progress.others.filter((o) => !sameProof(got.f[o.name] ?? null, fileProof(o.bytes))).map((o) => o.name);
  const fact = (active: ActiveFact["active"], f: string | null, how: string): ActiveFact => {
    const leftover = [file, previous].filter((x): x is string => !!x && x !== f && !!got.f[x]);
    return { active, file: f, how, incomplete, leftover };
  };
  let p: Pointer | null = null;
  if (got.p !== null) {
    try {
      p = JSON.parse(got.p) as Pointer;
    } catch {
      return unknownFact(`the board's pointer file ${POINTER} does not parse: ${JSON.stringify(got.p.slice(0, 60))}`);
    }
    if (!p || typeof p.file !== "string") return unknownFact(`the board's pointer file ${POINTER} names no file`);
  }
  const named = p ? (got.f[p.file] ?? null) : null;
  if (p && file && p.file === file && sameProof(named, fileProof(model)))
    return fact("new", file, "read back from the board after the interruption");
  if (p && previous && p.file === previous && named && named[1] === p.crc && named[2] === p.bytes)
    return fact("previous", previous, "read back from the board after the interruption");
  if (!previous && (!p || !named)) return fact("none", null, "read back from the board after the interruption");
  if (!p) return unknownFact(`the board has no pointer file ${POINTER} now`);
  return unknownFact(
    !named
      ? `the board's pointer names ${p.file}, which is not in its Storage`
      : `the board's pointer names ${p.file}, whose bytes are not the ones it records`,
  );
}
