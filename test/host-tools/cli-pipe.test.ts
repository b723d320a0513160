// A reader that closes the pipe early (`edgefnn predict ... | head -1`) must
// not make the CLI die with an unhandled EPIPE and a stack trace on stderr.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cli, IRIS_CSV, tempDir } from "../helpers/cli";

describe("stdout closed early", () => {
  it("predict | head -1 ends quietly", () => {
    const dir = tempDir(),
      model = join(dir, "m.efnn"),
      csv = join(dir, "many.csv");
    expect(cli(["train", IRIS_CSV, "--label", "species", "--out", model, "--epochs", "5"]).status).toBe(0);
    // enough rows that predict is still writing when head has gone (far beyond a pipe's 64 KiB)
    const lines = readFileSync(IRIS_CSV, "utf8").trim().split("\n");
    writeFileSync(csv, [lines[0], ...Array.from({ length: 100 }, () => lines.slice(1)).flat()].join("\n") + "\n");
    const r = spawnSync(
      "bash",
      ["-c", `"${process.execPath}" "${BIN}" predict "${model}" "${csv}" | head -1; echo "status=\${PIPESTATUS[0]}" >&2`],
      { encoding: "utf8" },
    );
    expect(r.stdout.trim().split("\n")).toEqual(["label,p_setosa,p_versicolor,p_virginica"]);
    expect(r.stderr).not.toContain("EPIPE");
    expect(r.stderr.trim()).toBe("status=0");
  });
});
