// After an interrupted upload: what is known about the device's active model,
// and the one sentence that says it. Only what was read back from the device
// (or what no command sent could have changed) is stated; everything else is
// "could not be determined", with the command that finds out.

export type Active = "new" | "previous" | "none" | "unknown";

export interface ActiveFact {
  /** new: the uploaded model, read back; previous: the one active before; none: no model before or after */
  active: Active;
  /** the active model's file when known */
  file: string | null;
  /** how it is known, or why it is not */
  how: string;
  /** files of this upload that are not (yet) on the device as sent: upload again to finish them */
  incomplete: string[];
  /** inactive model files this upload left in Storage (the next upload of the name erases them) */
  leftover: string[];
}

export function unknownFact(how: string): ActiveFact {
  return { active: "unknown", file: null, how, incomplete: [], leftover: [] };
}

/** "upload interrupted: <what>. <this>" */
export function factSentence(f: ActiveFact, device: "board" | "agent", verify: string): string {
  const how = f.how.charAt(0).toUpperCase() + f.how.slice(1);
  let s =
    f.active === "new"
      ? `The new model ${f.file} is active. ${how}.`
      : f.active === "previous"
        ? `The previous model ${f.file} is still active. ${how}.`
        : f.active === "none"
          ? `The ${device} had no active model before; it still has none. ${how}.`
          : `Which model is active could not be determined (${f.how}): run \`${verify}\` when the ${device} answers again.`;
  if (f.incomplete.length) s += ` Not complete on the ${device}: ${f.incomplete.join(", ")}: run the same upload again.`;
  if (f.leftover.length) s += ` Left in Storage, inactive: ${f.leftover.join(", ")} (the next upload of this name erases it).`;
  return s;
}
