// What proves a Storage file on the board holds exactly the host's bytes.
import { crc32 } from "../files/crc32";

/** What proves a file's bytes: the CRC-32 of all of it, of all but its last 4
 * bytes (see modelId: for files that end with their own CRC the first is a
 * constant), and its length. Together the two CRCs pin down every byte. */
export type Proof = [number, number, number];

export function fileProof(bytes: Uint8Array): Proof {
  return [crc32(bytes), bytes.length >= 4 ? crc32(bytes, bytes.length - 4) : 0, bytes.length];
}

/** The same computed on the board (E.CRC32 over flash, nothing copied into RAM), as a
 * function of the file's name: null if there is no such file. The uploader installs it
 * once a session (storage-write.ts); boardProof sends it whole. */
export const BOARD_PROOF_FUNCTION =
  `function(n){var S=require("Storage"),s=S.read(n);return ` +
  `s===undefined?null:[E.CRC32(s),s.length>=4?E.CRC32(S.read(n,0,s.length-4)):0,s.length]}`;

export function boardProof(name: string): string {
  return `(${BOARD_PROOF_FUNCTION})(${JSON.stringify(name)})`;
}

export function sameProof(a: Proof | null, b: Proof): boolean {
  return !!a && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

/** Text as a JavaScript string literal, in single quotes where it can be: a
 * command travels inside a JSON string (EspruinoRepl.call), where every double
 * quote costs a backslash more. */
export function jsString(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) && !/['\\]/.test(text) ? `'${text}'` : JSON.stringify(text);
}

/** The proofs of several files in one command: a list in the order of
 * `names`, each as BOARD_PROOF_FUNCTION gives it (null: no such file; S.read
 * gives undefined, and undefined == null). One round trip for all the files of
 * an upload. For EspruinoRepl.call, which evaluates it where S is require("Storage"). */
export function boardProofs(names: string[]): string {
  return (
    `[${names.map(jsString).join(",")}].map(function(n){var s=S.read(n);` +
    `return s==null?null:[E.CRC32(s),s.length>=4?E.CRC32(S.read(n,0,s.length-4)):0,s.length]})`
  );
}
