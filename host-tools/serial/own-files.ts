// Which Storage files edgefnn wrote, so that it never overwrites or erases one
// it did not. edgefnn writes a few files under fixed names (the runtime, the
// pointer, the boot script, an app's files); a file of such a name may be the
// user's (a .bootcde saved by the Web IDE) or another app's (the Bangle.js
// Bootloader's .bootcde). edgefnn recognises its own files by their first
// bytes, which it controls, so no extra state is kept on the board:
//   scripts (.boot3, .bootcde, gestures.js, gestures.app.js, edgefnn-collect)
//     begin with the comment "// edgefnn";
//   the bundles edgefnn and edgefnn-features begin with "var edgefnn=" and
//     "var edgefnnFeatures=" (rollup's output; a test pins both);
//   JSON files carry edgefnn's name in their first key: {"edgefnn":...} for
//     gestures.json, {"id":"gestures","edgefnn":...} for gestures.info; the
//     pointer edgefnn.active begins {"file":"<a model file's name>" (its shape
//     since the first release).
// Older releases wrote a one-line .bootcde and a gestures.json of numbers only:
// those exact shapes are recognised too, so upgrading needs no --force.
// A file edgefnn cannot recognise is reported with its size and first bytes,
// and replaced only with --force.
import { fail, quoteStart } from "../cli/user-error";
import { BOOT, isModelFileOf, MODEL_NAME_MAX, POINTER, RUNTIME } from "./board-files";
import { EspruinoRepl } from "../protocols/espruino-repl";

/** The comment every script edgefnn writes starts with. */
export const SCRIPT_MARK = "// edgefnn";
/** Bytes of each file read for the check (enough for every rule below). */
export const HEAD_BYTES = 128;

/** What edgefnn's .bootcde for the gesture app was before the marker (edgefnn 0.1). */
export const LEGACY_GESTURES_BOOTCDE = 'eval(require("Storage").read("gestures.js"));\n';

interface Rule {
  /** what a file of this name that edgefnn did not write is, i.e. what replacing it loses */
  what: string;
  ours(head: string, size: number): boolean;
}

const script = (head: string) => head.startsWith(SCRIPT_MARK);
// gestures.json as edgefnn 0.1 wrote it: an object of these numbers only
const SETTING = '"(rate|window|hop|threshold)":-?[0-9.e+-]+';
const LEGACY_SETTINGS = new RegExp(`^\\{(${SETTING}(,${SETTING})*)?\\}$`);

const RULES: Record<string, Rule> = {
  [RUNTIME]: { what: 'a Storage module that require("edgefnn") loads', ours: (h) => h.startsWith("var edgefnn=") },
  "edgefnn-features": {
    what: 'a Storage module that require("edgefnn-features") loads',
    ours: (h) => h.startsWith("var edgefnnFeatures="),
  },
  "edgefnn-learn": { what: 'a Storage module that require("edgefnn-learn") loads', ours: (h) => h.startsWith("var edgefnnLearn=") },
  "edgefnn-collect": { what: 'a Storage module that require("edgefnn-collect") loads', ours: script },
  // and names a model file (<name>.<8 hex digits>): upload erases the model the pointer names once it is replaced
  [POINTER]: {
    what: "a file named edgefnn.active",
    ours: (h) => new RegExp(`^\\{"file":"[A-Za-z0-9_-]{1,${MODEL_NAME_MAX}}\\.[0-9a-f]{8}"`).test(h),
  },
  [BOOT]: { what: "boot code that runs at every start-up", ours: script },
  ".bootcde": {
    what:
      "the board's saved code, which runs at every start-up (the Web IDE's save to flash, E.setBootCode; on a Bangle.js the " +
      "Bootloader app)",
    ours: (h, size) => script(h) || (size === LEGACY_GESTURES_BOOTCDE.length && h === LEGACY_GESTURES_BOOTCDE),
  },
  "gestures.js": { what: "a file of another program named gestures.js", ours: script },
  "gestures.app.js": { what: "the app of another Bangle.js app with the id gestures", ours: script },
  "gestures.info": {
    what: "the launcher entry of another Bangle.js app with the id gestures",
    ours: (h) => h.startsWith('{"id":"gestures","edgefnn":'),
  },
  "gestures.json": {
    what: "the settings of another app named gestures",
    ours: (h, size) => h.startsWith('{"edgefnn":') || (size === h.length && LEGACY_SETTINGS.test(h)),
  },
};

// Model files are <name>.<8 hex digits of the model's CRC>: upload erases
// leftovers of its interrupted uploads and the model it replaces, so a file of
// that shape must be a model (every .efnn file begins with "EFNN").
const MODEL_FILE = new RegExp(`^[A-Za-z0-9_-]{1,${MODEL_NAME_MAX}}\\.[0-9a-f]{8}$`);
const MODEL_RULE: Rule = { what: "a file named like an edgefnn model file that is not a model", ours: (h) => h.startsWith("EFNN") };

function ruleOf(name: string): Rule | null {
  if (Object.prototype.hasOwnProperty.call(RULES, name)) return RULES[name];
  return MODEL_FILE.test(name) ? MODEL_RULE : null;
}

/** Whether edgefnn checks the owner of a file of this name (the fixed names above, and model files). */
export function hasOwnerRule(name: string): boolean {
  return ruleOf(name) !== null;
}

/** Whether a file of this name, this size and these first bytes is one edgefnn wrote. Names without a rule: false. */
export function isOwnFile(name: string, head: string, size: number): boolean {
  const r = ruleOf(name);
  return !!r && r.ours(head, size);
}

/** Every existing file a board upload may write or erase: the runtime, the
 * boot script, the pointer, the app's files, model files of this name (the
 * leftovers it erases, the one it writes) and the model the pointer names. */
export function filesUploadTouches(o: {
  name: string;
  runtime: boolean;
  boot: boolean;
  extra: string[];
  files: string[];
  pointerFile: string | null;
}): string[] {
  const models = o.files.filter((f) => isModelFileOf(o.name, f) || f === o.pointerFile);
  return [...(o.runtime ? [RUNTIME] : []), ...(o.boot ? [BOOT] : []), POINTER, ...o.extra, ...models];
}

/** A Storage file edgefnn did not write: its name, size and first bytes. */
export interface ForeignFile {
  name: string;
  size: number;
  head: string;
}

/** A Storage file of one of edgefnn's names as it is on the board. */
export interface BoardFile extends ForeignFile {
  ours: boolean;
}

/** Of these names (those with a rule), the files there are, with their first bytes and whether edgefnn wrote them: one round trip. */
export async function inspectFiles(repl: EspruinoRepl, names: string[]): Promise<BoardFile[]> {
  const checked = [...new Set(names)].filter(hasOwnerRule);
  if (!checked.length) return [];
  // base64: the first bytes may be anything, and the answer travels as JSON
  const have = await repl.call<([number, string] | null)[]>(
    `(function(ns){var S=require("Storage");return ns.map(function(n){var s=S.read(n);return ` +
      `s===undefined?null:[s.length,btoa(S.read(n,0,Math.min(s.length,${HEAD_BYTES})))]})})(${JSON.stringify(checked)})`,
  );
  const out: BoardFile[] = [];
  checked.forEach((name, i) => {
    const h = have[i];
    if (!h) return;
    // atob gives one character per byte, as latin1 does (and exists in a browser too: the studio page uploads with this code)
    const head = atob(h[1]);
    out.push({ name, size: h[0], head, ours: isOwnFile(name, head, h[0]) });
  });
  return out;
}

/** Of these names, the files on the board that edgefnn did not write. */
export async function foreignFiles(repl: EspruinoRepl, names: string[]): Promise<ForeignFile[]> {
  return (await inspectFiles(repl, names)).filter((f) => !f.ours).map(({ name, size, head }) => ({ name, size, head }));
}

export function describeForeign(f: ForeignFile): string {
  return `${f.name} (${f.size} bytes, begins ${quoteStart(f.head)}): ${ruleOf(f.name)?.what ?? "a file edgefnn did not write"}`;
}

/** Refuses, before anything is written, to replace files edgefnn did not write;
 * with force, erases them (the caller then writes its own) and warns of each
 * (on stderr in the CLI, so that --json users see it too). */
export async function guardFixedNames(
  repl: EspruinoRepl,
  names: string[],
  force: boolean | undefined,
  warn: (line: string) => void,
): Promise<ForeignFile[]> {
  const foreign = await foreignFiles(repl, names);
  if (!foreign.length) return foreign;
  if (!force) {
    fail(
      `the board's Storage holds ${foreign.length === 1 ? "a file" : "files"} that edgefnn did not write and this upload would replace: ` +
        foreign.map(describeForeign).join("; ") +
        `. Nothing was written. Keep a copy (e.g. require("Storage").read(${JSON.stringify(foreign[0].name)}) in the Web IDE) or erase ` +
        `${foreign.length === 1 ? "it" : "them"} yourself; --force replaces ${foreign.length === 1 ? "it" : "them"} and ` +
        `${foreign.length === 1 ? "its" : "their"} contents are lost.`,
    );
  }
  for (const f of foreign) {
    warn(`--force: replacing ${describeForeign(f)}`);
    await repl.call(`require("Storage").erase(${JSON.stringify(f.name)})`);
  }
  return foreign;
}
