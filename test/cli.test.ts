import { execFileSync, spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../bin/edgefnn.mjs", import.meta.url));

describe("the edgefnn command", () => {
  it("demo trains iris and reports test accuracy and a confusion matrix", () => {
    const out = execFileSync(process.execPath, [BIN, "demo"], { encoding: "utf8" });
    const m = out.match(/test accuracy ([\d.]+)% \((\d+)\/(\d+)\)/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(95);
    expect(out).toMatch(/confusion \(rows: true, columns: predicted\)/);
  });

  it("an unknown command exits non-zero with the usage on stderr", () => {
    const r = spawnSync(process.execPath, [BIN, "trian"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command "trian"/);
    expect(r.stdout).toBe("");
  });
});
