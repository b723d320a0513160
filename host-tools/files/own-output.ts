// A file the tool did not write is never overwritten. Every host command that
// writes under a name the user gives (train --out and --report, quantize --out and --report,
// bundle --out, demo --dir) replaces an existing file only when it is the kind
// of file edgefnn writes there, told by its first bytes; anything else is the
// user's, and the command stops before any work with what to do instead.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { fail, quoteStart } from "../cli/user-error";
// (the marker renderReport puts in the head; reports from before it have only their title)
import { REPORT_GENERATOR } from "../report/html-report";

/** How to tell a file edgefnn wrote from its first bytes. */
export interface OwnKind {
  /** what edgefnn writes there, for the message: "an .efnn model" */
  what: string;
  /** the first bytes of a file edgefnn wrote */
  ours(head: Buffer): boolean;
}

const HEAD_BYTES = 4096;

export const MODEL_FILE: OwnKind = {
  what: "an .efnn model",
  ours: (h) => h.length >= 4 && h.toString("latin1", 0, 4) === "EFNN",
};

export const REPORT_FILE: OwnKind = {
  what: "an edgefnn HTML report",
  ours: (h) => {
    const s = h.toString("latin1");
    return s.startsWith("<!DOCTYPE html>") && (s.includes(REPORT_GENERATOR) || s.includes(" edgefnn report</title>"));
  },
};

/** A file edgefnn writes byte for byte (the bundle's copies): ours when it starts like one of them. */
export function startsLike(what: string, ...prefixes: string[]): OwnKind {
  return { what, ours: (h) => prefixes.some((p) => h.toString("latin1", 0, p.length) === p) };
}

/** The first bytes of file, or null when there is no such file (or it is not a regular file). */
export function fileHead(file: string): Buffer | null {
  let fd = -1;
  try {
    if (!statSync(file).isFile()) return null;
    fd = openSync(file, "r");
    const b = Buffer.alloc(HEAD_BYTES);
    return b.subarray(0, readSync(fd, b, 0, HEAD_BYTES, 0));
  } catch {
    return null;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Fails, before anything is written, when file exists and is not what edgefnn writes there. */
export function refuseForeign(file: string, kind: OwnKind, flag: string): void {
  const head = fileHead(file);
  // an empty file holds nothing to lose
  if (head === null || head.length === 0 || kind.ours(head)) return;
  const size = statSync(file).size;
  fail(
    `${file} exists and is not ${kind.what} (it starts ${quoteStart(head.toString("latin1"), 40)}, ` +
      `${size.toLocaleString("en-US")} bytes): ` +
      `edgefnn replaces only files it wrote; move it away or give another ${flag}`,
  );
}
