// What a model file can hold (docs/FORMAT.md), checked while the CSV is read
// so that data no model could store is refused at its line, in seconds,
// rather than by the encoder after training.

import { MAX_LABEL_LENGTH } from "../../src/core/format";

/** The input size M_0 is a u16 in the .efnn header. */
export const MAX_FEATURES = 65535;
/** The label count is a u16 in the header, and the output layer's size M_L a u16 in the layer table. */
export const MAX_CLASSES = 65535;
/** The labels section's byte length is a u16 too: each label takes a length
 * byte and its characters, so 65,535 bytes hold at most 32,767 labels (of one
 * character; 1,985 of 32). */
export const MAX_LABEL_BYTES = 65535;

export { MAX_LABEL_LENGTH };

/** The format's rule for a label, in words. */
export const LABEL_RULE = `a class label is 1 to ${MAX_LABEL_LENGTH} printable ASCII characters (codes 32 to 126)`;

/**
 * Why a (trimmed, non-empty) class label cannot be stored in a model, or null
 * when it can: too long, or a character outside printable ASCII (its
 * 1-based position is given, since the quoted value may be cut before it).
 */
export function labelProblem(label: string): string | null {
  const bad = /[^\x20-\x7e]/.exec(label);
  if (bad) {
    const code = label.codePointAt(bad.index) ?? 0;
    const name = code < 0x20 || code === 0x7f ? "control character" : "non-ASCII character";
    return (
      `it has the ${name} U+${code.toString(16).toUpperCase().padStart(4, "0")} at character ` +
      `${[...label.slice(0, bad.index)].length + 1}`
    );
  }
  if (label.length > MAX_LABEL_LENGTH) return `it has ${label.length.toLocaleString("en-US")} characters`;
  return null;
}
