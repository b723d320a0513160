// writeFileAtomic, the one writer of model files and reports: it replaces a
// file whole or not at all, and no temporary file survives any failure (a
// directory in the way, a missing folder, a write that fails half way because
// the file grows past the process's size limit), checked through the real CLI
// where the commands use it.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../host-tools/cli/user-error";
import { checkWritable, writeFileAtomic } from "../../host-tools/files/model-file";
import { BIN, cli, IRIS_CSV } from "../helpers/cli";

let dir = "";
let cases = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edgefnn-write-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const d = join(dir, String(cases++));
  mkdirSync(d);
  return d;
}

function failureOf(f: () => void): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected writeFileAtomic to fail");
}

describe("writeFileAtomic", () => {
  it("writes a new file and replaces an existing one, leaving nothing else", () => {
    const d = freshDir();
    const file = join(d, "m.efnn");
    writeFileAtomic(file, Uint8Array.from([1, 2, 3]));
    expect(Array.from(readFileSync(file))).toEqual([1, 2, 3]);
    writeFileAtomic(file, "replaced");
    expect(readFileSync(file, "utf8")).toBe("replaced");
    expect(readdirSync(d)).toEqual(["m.efnn"]);
  });

  it("an existing directory as the target: refused by name, the directory untouched, no temporary file", () => {
    const d = freshDir();
    const target = join(d, "out");
    mkdirSync(target);
    writeFileSync(join(target, "keep.txt"), "mine");
    const e = failureOf(() => writeFileAtomic(target, "x"));
    expect(e.message).toBe(`cannot write ${target}: it is a directory; give a file name`);
    expect(readdirSync(d)).toEqual(["out"]);
    expect(readdirSync(target)).toEqual(["keep.txt"]);
  });

  it("a folder that does not exist, or a path through a file", () => {
    const d = freshDir();
    const e = failureOf(() => writeFileAtomic(join(d, "nope", "m.efnn"), "x"));
    expect(e.message).toBe(`cannot write ${join(d, "nope", "m.efnn")}: the folder ${join(d, "nope")} does not exist`);
    writeFileSync(join(d, "plain"), "file");
    const f = failureOf(() => writeFileAtomic(join(d, "plain", "m.efnn"), "x"));
    expect(f.message).toBe(`cannot write ${join(d, "plain", "m.efnn")}: ${join(d, "plain")} is not a folder`);
    expect(readdirSync(d)).toEqual(["plain"]);
  });

  it("a name ending in a slash (a folder meant, or a file name forgotten)", () => {
    const d = freshDir();
    const target = join(d, "model.efnn") + "/";
    const e = failureOf(() => writeFileAtomic(target, "x"));
    expect(e.message).toBe(`cannot write ${target}: a file name cannot end with "/"`);
    expect(readdirSync(d)).toEqual([]);
  });

  it("does not touch a file that happens to have its temporary name", () => {
    const d = freshDir();
    const squatter = join(d, `.m.efnn.${process.pid}.tmp`);
    writeFileSync(squatter, "someone else's");
    writeFileAtomic(join(d, "m.efnn"), "model");
    expect(readFileSync(join(d, "m.efnn"), "utf8")).toBe("model");
    expect(readFileSync(squatter, "utf8")).toBe("someone else's");
    expect(readdirSync(d).sort()).toEqual([`.m.efnn.${process.pid}.tmp`, "m.efnn"]);
  });
});

describe("checkWritable, for a command to call before it trains", () => {
  it("refuses what writeFileAtomic would, and writes nothing either way", () => {
    const d = freshDir();
    mkdirSync(join(d, "out"));
    expect(failureOf(() => checkWritable(join(d, "out"))).message).toBe(
      `cannot write ${join(d, "out")}: it is a directory; give a file name`,
    );
    expect(failureOf(() => checkWritable(join(d, "no", "m.efnn"))).message).toBe(
      `cannot write ${join(d, "no", "m.efnn")}: the folder ${join(d, "no")} does not exist`,
    );
    checkWritable(join(d, "m.efnn"));
    expect(readdirSync(d)).toEqual(["out"]);
  });
});

describe("through the CLI", () => {
  let model = "";
  beforeAll(() => {
    model = join(freshDir(), "iris.efnn");
    const r = cli(["train", IRIS_CSV, "--out", model, "--epochs", "5", "--json"]);
    if (r.status !== 0) throw new Error(r.stderr);
  }, 60_000);

  it("quantize --out <an existing directory> says so and leaves no temporary file", () => {
    const d = freshDir();
    const target = join(d, "models");
    mkdirSync(target);
    const r = cli(["quantize", model, "--bits", "8", "--out", target]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`edgefnn: cannot write ${target}: it is a directory; give a file name\n`);
    expect(readdirSync(d)).toEqual(["models"]);
    expect(readdirSync(target)).toEqual([]);
  }, 60_000);

  it("train --report whose write fails half way (past ulimit -f): an error, and no temporary file", () => {
    const d = freshDir();
    const out = join(d, "m.efnn");
    const report = join(d, "report.html");
    // 1 KiB is more than the model (620 bytes) and less than the report; with
    // SIGXFSZ ignored, the write past the limit fails with EFBIG instead of
    // killing the process.
    const r = spawnSync(
      "bash",
      [
        "-c",
        `trap '' XFSZ; ulimit -f 1; exec "$0" "$@"`,
        process.execPath,
        BIN,
        "train",
        IRIS_CSV,
        "--epochs",
        "5",
        "--out",
        out,
        "--report",
        report,
      ],
      {
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe(
      `edgefnn: cannot write ${report}: the file is larger than this process may write (ulimit -f, or the file system's limit)\n`,
    );
    expect(r.status).toBe(1);
    expect(readdirSync(d)).toEqual(["m.efnn"]);
  }, 60_000);
});
