// User-facing errors and how a user's value is shown in a message: plain
// TypeScript with no Node API, so the CLI (through cli-support.ts) and the
// studio page in a browser say the same things the same way.

/** An error whose message is for the user as it is: printed as "edgefnn: <message>". */
export class UserError extends Error {}

export function fail(message: string): never {
  throw new UserError(message);
}

/** How much of a user's value a message shows. */
export const SHOWN_CHARACTERS = 60;

/**
 * A value from the user's data or command line as a message shows it: in
 * double quotes, every character outside printable ASCII escaped (\n, \t,
 * \x1b, \u00e9, \u{1f600}), so a terminal shows what the bytes are and
 * is never driven by them, and cut after about SHOWN_CHARACTERS characters
 * with the full length given: a 10 MB label makes a one-line message,
 * `"abcabc…" (10,485,760 characters)`.
 */
export function quoteValue(value: string, max = SHOWN_CHARACTERS): string {
  return quoted(value, max, true);
}

/**
 * The first bytes of something that may go on (a file's head read from a
 * board or a disk), shown like quoteValue but cut without a length: the
 * length of the sample is not the file's.
 */
export function quoteStart(value: string, max = SHOWN_CHARACTERS): string {
  return quoted(value, max, false);
}

function quoted(value: string, max: number, withLength: boolean): string {
  let body = "";
  let i = 0;
  while (i < value.length) {
    const code = value.codePointAt(i) ?? 0;
    const e = escapeCharacter(code);
    if (body.length + e.length > max) return `"${body}…"` + (withLength ? ` (${codePoints(value).toLocaleString("en-US")} characters)` : "");
    body += e;
    i += code > 0xffff ? 2 : 1;
  }
  return `"${body}"`;
}

/** Characters as a reader counts them: a surrogate pair (an emoji, say) is one. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    const d = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
      n--;
      i++;
    }
  }
  return n;
}

const NAMED_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: "\\\\", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t" };

/** One code point as it is shown; a lone surrogate half shows as its \u escape. */
function escapeCharacter(code: number): string {
  const named = NAMED_ESCAPES[code];
  if (named !== undefined) return named;
  if (code >= 0x20 && code <= 0x7e) return String.fromCharCode(code);
  const hex = code.toString(16);
  if (code < 0x80) return "\\x" + hex.padStart(2, "0");
  if (code <= 0xffff) return "\\u" + hex.padStart(4, "0");
  return "\\u{" + hex + "}";
}
