// Reading and writing .efnn files on the host, with errors that name the file.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { decodeModel, Model } from "../src/core/index";
import { fail } from "./cli-support";

export function readModelFile(file: string): { bytes: Uint8Array; model: Model } {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(code === "ENOENT" ? `${file}: no such file` : `${file}: cannot read it (${(e as Error).message})`);
  }
  try {
    return { bytes, model: decodeModel(bytes) };
  } catch (e) {
    fail(`${file}: ${(e as Error).message}`);
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a model. */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, file);
  } catch (e) {
    fail(`cannot write ${file}: ${(e as Error).message}`);
  }
}
