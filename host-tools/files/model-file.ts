// Reading and writing .efnn files on the host, with errors that name the file.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { decodeModel, Model } from "../../src/core/index";
import { fail } from "../cli/user-error";
import { OwnKind, refuseForeign } from "./own-output";

/** What may be replaced under the name: only a file of this kind (the flag names the option, for the message). */
export interface WriteGuard {
  kind: OwnKind;
  flag: string;
}

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

/**
 * Writes through a temporary file in the same folder and a rename, so a crash
 * never leaves half a file under the real name, and removes the temporary
 * file on every failure, so none is left behind either.
 */
export function writeFileAtomic(file: string, data: Uint8Array | string, guard?: WriteGuard): void {
  // Checked first so the message says what to fix, and nothing is written.
  checkWritable(file, guard);
  const dir = dirname(file);
  let tmp: string | null = null;
  let fd = -1;
  try {
    // "wx": never overwrite (or follow a link at) a name someone else holds.
    for (let attempt = 0; fd < 0; attempt++) {
      const name = join(dir, `.${basename(file)}.${process.pid}${attempt ? `-${attempt}` : ""}.tmp`);
      try {
        fd = openSync(name, "wx");
        tmp = name;
      } catch (e) {
        if (errorCode(e) !== "EEXIST" || attempt >= 20) throw e;
      }
    }
    writeFileSync(fd, data);
    // On disk before the rename, or a power cut could leave an empty file under the real name.
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp as string, file);
    tmp = null;
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    if (tmp !== null) rmSync(tmp, { force: true });
    fail(`cannot write ${file}: ${writeProblem(e, dir)}`);
  }
}

/**
 * Fails (a UserError) when file clearly cannot be written: it is a directory,
 * its name ends in a slash, or its folder is missing. A command can call it
 * before minutes of training; writeFileAtomic calls it too. With a guard, an
 * existing file that is not of the guard's kind (a file edgefnn did not
 * write: the training CSV given as --out) fails too.
 */
export function checkWritable(file: string, guard?: WriteGuard): void {
  if (isDirectory(file)) fail(`cannot write ${file}: it is a directory; give a file name`);
  if (file.endsWith("/") || file.endsWith(sep)) fail(`cannot write ${file}: a file name cannot end with "${file[file.length - 1]}"`);
  const dir = dirname(file);
  if (!isDirectory(dir)) fail(`cannot write ${file}: ${existsSync(dir) ? `${dir} is not a folder` : `the folder ${dir} does not exist`}`);
  if (guard) refuseForeign(file, guard.kind, guard.flag);
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function errorCode(e: unknown): string | undefined {
  const code = typeof e === "object" && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
}

/** A failed write in words. */
export function writeProblem(e: unknown, dir: string): string {
  switch (errorCode(e)) {
    case "ENOENT":
      return `the folder ${dir} does not exist`;
    case "ENOTDIR":
      return `${dir} is not a folder`;
    case "EISDIR":
      return "it is a directory; give a file name";
    case "EACCES":
    case "EPERM":
      return `permission denied (in ${dir})`;
    case "EFBIG":
      return "the file is larger than this process may write (ulimit -f, or the file system's limit)";
    case "ENOSPC":
      return "the disk is full";
    case "EROFS":
      return "the file system is read-only";
    default:
      return e instanceof Error ? e.message : String(e);
  }
}
