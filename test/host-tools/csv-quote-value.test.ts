// quoteValue, the one way a message shows a user's value (CSV names, labels
// and fields, option values): quoted, everything outside printable ASCII
// escaped, cut at 60 characters with the full length. The escapes are a
// JavaScript string literal's, so the JS parser is the oracle: what is shown
// reads back as the value (or, when cut, as its start).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quoteStart, quoteValue } from "../../host-tools/cli/user-error";
import { intOption, numberOption } from "../../host-tools/cli/options";

/** The shown text read back by the JavaScript parser: the quoted part only. */
function readBack(shown: string): string {
  const literal = shown.replace(/…" \([\d,]+ characters\)$/, '"');
  return new Function(`return ${literal};`)() as string;
}

describe("quoteValue", () => {
  it("quotes plain text as it is", () => {
    expect(quoteValue("petal_width")).toBe('"petal_width"');
    expect(quoteValue("")).toBe('""');
    expect(quoteValue('6" screw \\ x')).toBe('"6\\" screw \\\\ x"');
  });

  it("escapes control characters, DEL, non-ASCII and lone surrogate halves", () => {
    expect(quoteValue("a\nb\r\tc\x00\x1b[31m\x7f")).toBe('"a\\nb\\r\\tc\\x00\\x1b[31m\\x7f"');
    expect(quoteValue("café \u202e😀")).toBe('"caf\\u00e9 \\u202e\\u{1f600}"');
    expect(quoteValue("x\ud800y\udc00")).toBe('"x\\ud800y\\udc00"');
  });

  it("cuts after 60 characters of shown text, giving the length in characters", () => {
    expect(quoteValue("x".repeat(60))).toBe(`"${"x".repeat(60)}"`);
    expect(quoteValue("x".repeat(61))).toBe(`"${"x".repeat(60)}…" (61 characters)`);
    // An escape is never split: "\u00e9" (6) would pass 60 after 57 x's.
    expect(quoteValue("x".repeat(57) + "é" + "y")).toBe(`"${"x".repeat(57)}…" (59 characters)`);
    // An emoji is one character in the count, as a reader counts.
    expect(quoteValue("😀".repeat(100))).toBe(`"${"\\u{1f600}".repeat(6)}…" (100 characters)`);
    expect(quoteValue("ab".repeat(5_000_000))).toBe(`"${"ab".repeat(30)}…" (10,000,000 characters)`);
  });

  it("is used by the option parsers", () => {
    expect(() => intOption("--epochs")("1\x1b[2J")).toThrow('--epochs must be an integer >= 1, got "1\\x1b[2J"');
    expect(() => numberOption("--lr")("z".repeat(100))).toThrow(
      `--lr must be a positive number, got "${"z".repeat(60)}…" (100 characters)`,
    );
  });

  it("property: printable ASCII (and the ellipsis) only, bounded, and reads back as the value or its start", () => {
    const value = fc.string({
      unit: fc.oneof(
        fc.constantFrom("a", " ", '"', "\\", "\n", "\x1b", "\x7f", "é", "\u2028", "😀", "\ud800"),
        fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
      ),
      maxLength: 120,
    });
    fc.assert(
      fc.property(value, (v) => {
        const shown = quoteValue(v);
        expect(shown).toMatch(/^"[\x20-\x7e]*(…" \([\d,]+ characters\)|")$/);
        const body = readBack(shown);
        expect(shown.length).toBeLessThanOrEqual(62 + 25);
        if (shown.endsWith("characters)")) {
          expect(v.startsWith(body)).toBe(true);
          expect(shown).toContain(`(${Array.from(v).length.toLocaleString("en-US")} characters)`);
        } else expect(body).toBe(v);
      }),
      { numRuns: 500 },
    );
  });
});

describe("quoteStart: the first bytes of a file", () => {
  it("escapes like quoteValue and is cut without a length (the sample's length is not the file's)", () => {
    expect(quoteStart('a"b\\c\n\r\t\x00\x1b\x9f')).toBe('"a\\"b\\\\c\\n\\r\\t\\x00\\x1b\\u009f"');
    expect(quoteStart("x".repeat(100))).toBe(`"${"x".repeat(60)}…"`);
    expect(quoteStart("x".repeat(100), 40)).toBe(`"${"x".repeat(40)}…"`);
    expect(quoteValue("x".repeat(100))).toBe(`"${"x".repeat(60)}…" (100 characters)`);
  });
});
