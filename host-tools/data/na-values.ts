// --na-values: how a data file writes a missing value. An empty field is always
// missing; the list given replaces the rest of the default.
import { NA_VALUES } from "./csv-rows";

/** The missing-value spellings for a command's --na-values (undefined: the default). */
export function naValues(given?: string[]): string[] {
  return given ? ["", ...given] : NA_VALUES.slice();
}
