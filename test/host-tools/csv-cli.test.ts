// Bad CSV input through the real CLI: each fails while the
// CSV loads, names the file and line, says what to fix in one short line, and
// leaves no model behind.

import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliAsync, IRIS_CSV, tempDir } from "../helpers/cli";

const dir = tempDir();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function train(name: string, content: string | Uint8Array) {
  const file = join(dir, name);
  writeFileSync(file, content);
  const out = join(dir, name + ".efnn");
  const r = await cliAsync(["train", file, "--out", out, "--epochs", "2"]);
  expect(r.status).toBe(1);
  expect(existsSync(out)).toBe(false);
  return { file, stderr: r.stderr };
}

describe("edgefnn train refuses while loading", () => {
  it("a 10 MB label: one line naming the file and line, the value cut", async () => {
    const huge = "abc".repeat(3_495_254).slice(0, 10_485_760);
    const { file, stderr } = await train("huge-label.csv", `a,y\n1,p\n2,${huge}\n`);
    expect(stderr).toBe(
      `edgefnn: ${file} line 3: column "y" is "${huge.slice(0, 60)}…" (10,485,760 characters): a class label is 1 to 32 printable ASCII characters (codes 32 to 126), and it has 10,485,760 characters\n`,
    );
  }, 120_000);

  it("a UTF-16BE file (iris saved so)", async () => {
    const iris = Buffer.from("\uFEFF" + readFileSync(IRIS_CSV, "utf8"), "utf16le").swap16();
    const { file, stderr } = await train("iris-utf16be.csv", iris);
    expect(stderr).toBe(
      `edgefnn: ${file}: is UTF-16BE text (it starts with the byte order mark FE FF), expected UTF-8 text: save it as UTF-8 (a spreadsheet's "CSV UTF-8")\n`,
    );
  }, 120_000);

  it("1.6 million feature columns, from the header", async () => {
    const header = Array.from({ length: 1_600_000 }, (_, j) => `f${j}`).join(",") + ",y\n";
    const { file, stderr } = await train("wide.csv", header + "1,".repeat(1_600_000) + "a\n");
    expect(stderr).toBe(
      `edgefnn: ${file} line 1: the header has 1,600,001 columns, so 1,600,000 features, but a model takes at most 65,535 inputs: choose at most 65,535 with --features\n`,
    );
  }, 120_000);
});
