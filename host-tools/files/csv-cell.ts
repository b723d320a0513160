// One cell of a CSV file edgefnn writes (predict's output), safe to open in a
// spreadsheet. Quoted when it holds a delimiter, quote or line break (RFC 4180).
// A cell starting with = + - @ tab or CR is read as a formula by Excel,
// LibreOffice and Google Sheets even when quoted (CSV formula injection: a
// model's label "=HYPERLINK(...)" would run on opening): it gets a leading
// apostrophe, the spreadsheets' own "this is text" mark, as OWASP advises. A
// plain number such as "-1" or "+0.5" stays as it is: a spreadsheet reads it as
// that number, and rewriting it would change labels like -1 / +1.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function csvCell(s: string): string {
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = "'" + s;
  return /[",;\t\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
