// classify.js as `edgefnn bundle --model` writes it: the firmware template with
// readSensors() returning exactly the model's inputs, each named (a version 2
// file's feature names) and counted. The template's fixed `[0, 0, 0, 0]` fed a
// 6-input model 4 values: NaN outputs and class 0 every second, without an
// error (the runtime now refuses a wrong length, and this file has the right one).
//
// The last line is a CRC-32 of everything before it: a classify.js whose line
// still matches is edgefnn's, unedited, and may be replaced by a bundle for
// another model; one that does not match is the user's work and is kept.
import { Model } from "../../src/core/index";
import { crc32 } from "./crc32";

const MARK = "// edgefnn bundle, unedited: crc32 ";

/** A comment-safe, ES5-string-safe rendering of a column name. */
function shown(name: string): string {
  return JSON.stringify(name).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/** The template with readSensors() for this model (its file name on the board: model.efnn). */
export function classifyScript(template: string, model: Model): string {
  const n = model.inputSize;
  const names = model.features ?? null;
  const lines = Array.from(
    { length: n },
    (_, j) => `    0${j < n - 1 ? "," : " "} // input ${j + 1}${names ? ": " + shown(names[j]) : ""}`,
  );
  const body = [
    "function readSensors() {",
    `  // this model takes ${n} raw value${n === 1 ? "" : "s"}, in this ` +
      `order${names ? " (the training CSV's columns)" : " (the training CSV's feature columns, in their order)"};`,
    "  // replace each 0 with your reading, e.g. on a Puck.js: Puck.accel().acc.x",
    "  return [",
    ...lines,
    "  ];",
    "}",
  ].join("\n");
  const start = template.indexOf("function readSensors()");
  const end = template.indexOf("\n}\n", start);
  if (start < 0 || end < 0) throw new Error("firmware-scripts/classify.js has no readSensors() to fill in");
  const classes = model.labels.length ? ` (${model.labels.length} classes)` : "";
  const what = `${model.target !== undefined ? `predicts ${shown(model.target)}` : "its outputs"}${classes}`;
  const text = template.slice(0, start) + `// model.efnn ${what} from ${n} input${n === 1 ? "" : "s"}.\n` + body + template.slice(end + 2);
  return withMark(text);
}

/** text with its CRC line appended */
export function withMark(text: string): string {
  return `${text}${MARK}${crc32(Buffer.from(text, "utf8")).toString(16).padStart(8, "0")}\n`;
}

/** Whether a classify.js is one edgefnn wrote and nobody edited since (its CRC line matches). */
export function isUneditedScript(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes).toString("utf8");
  const at = text.lastIndexOf(MARK);
  return (
    at >= 0 &&
    text.slice(at) ===
      `${MARK}${crc32(Buffer.from(text.slice(0, at), "utf8"))
        .toString(16)
        .padStart(8, "0")}\n`
  );
}
