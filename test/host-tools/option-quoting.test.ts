// Option values a message repeats are quoted and cut like data values: a
// pasted 10,000-character value makes a one-line message, control bytes escaped.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, IRIS_CSV, tempDir } from "../helpers/cli";

const LONG = "x".repeat(10_000);
const dir = tempDir(),
  model = join(dir, "m.efnn");

beforeAll(() => {
  expect(cli(["train", IRIS_CSV, "--label", "species", "--epochs", "2", "--out", model]).status).toBe(0);
});

describe("option values in messages", () => {
  it.each([
    ["train --hidden", ["train", IRIS_CSV, "--hidden", LONG, "--out", "m.efnn"], "--hidden: "],
    ["train --activation", ["train", IRIS_CSV, "--activation", `relu\x1b[2J${LONG}`, "--out", "m.efnn"], "unknown hidden activation "],
    ["upload --name", ["upload", model, "--port", "/dev/null", "--name", `a\nb${LONG}`], "--name "],
  ])("%s", (_what, args, prefix) => {
    const r = cli(args, { cwd: dir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(prefix);
    expect(r.stderr.length).toBeLessThan(400);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toContain("\x1b");
    expect(r.stderr).toContain("(10,");
  });
});
