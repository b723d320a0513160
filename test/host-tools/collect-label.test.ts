// collect's --label goes into a CSV cell and later into a model: what either
// could not take is refused before the port is opened and before a file exists.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, tempDir } from "../helpers/cli";

describe("collect --label", () => {
  const cases: [string, string][] = [
    [
      "=1+1",
      'edgefnn: --label "=1+1": a cell starting with = + - or @ runs as a formula when the CSV is opened in a spreadsheet; start it with a letter or digit',
    ],
    ["@sum", 'edgefnn: --label "@sum": a cell starting with = + - or @ runs as a formula'],
    [
      "café",
      'edgefnn: --label "caf\\u00e9": a class label is 1 to 32 printable ASCII characters (codes 32 to 126), and it has the non-ASCII character U+00E9 at character 4',
    ],
    ["a".repeat(33), "and it has 33 characters"],
    [
      "line\nbreak",
      'edgefnn: --label "line\\nbreak": a class label is 1 to 32 printable ASCII characters (codes 32 to 126), and it has the control character U+000A at character 5',
    ],
    ["a,b", 'edgefnn: --label "a,b": no commas, semicolons, quotes or surrounding spaces (it is a CSV cell)'],
  ];
  it.each(cases)("%j is refused before anything is opened or written", (label, message) => {
    const out = join(tempDir(), "g.csv");
    const r = cli(["collect", "--port", "/dev/null/not-a-port", "--label", label, "--seconds", "1", "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr.split("\n").length).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
