// edgefnn bundle --out dir: the ES5 runtime (plain and minified) and a ready
// firmware script, for people who upload with the Espruino Web IDE.
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fail } from "../cli/user-error";
import { Output } from "../cli/output";
import { DIST_JS, DIST_MIN, ensureBundle, FIRMWARE_DIR } from "../files/bundle-files";
import { classifyScript, isUneditedScript } from "../files/classify-script";
import { readModelFile, writeFileAtomic } from "../files/model-file";
import { MODEL_FILE, OwnKind, refuseForeign, startsLike } from "../files/own-output";

export function bundleCommand(o: { out: string; model?: string }, out: Output) {
  ensureBundle();
  const model = o.model ? readModelFile(o.model).model : null; // refuse to bundle a broken model
  const readme = `edgefnn for the Espruino Web IDE

1. Storage -> Upload a file: edgefnn.min.js, saved as "edgefnn" (the runtime).
2. Storage -> Upload a file: your model, saved as "model.efnn".${o.model ? " (model.efnn is here.)" : ""}
3. Open classify.js, fill in readSensors()${
    model ? ` (this model takes ${model.inputSize} ` + `inputs${model.features ? ", named there" : ""})` : ""
  }, and send it to the board.

edgefnn.js is the same runtime unminified, for reading; on a Raspberry Pi
require() it from Node.js. bench.js times inference on the board.
`;
  const firstLine = (file: string) => readFileSync(file, "latin1").split("\n", 1)[0];
  const parts: { name: string; bytes: Uint8Array; kind: OwnKind }[] = [
    { name: "edgefnn.js", bytes: readFileSync(DIST_JS), kind: startsLike("edgefnn's runtime", "var edgefnn") },
    { name: "edgefnn.min.js", bytes: readFileSync(DIST_MIN), kind: startsLike("edgefnn's runtime", "var edgefnn") },
    {
      name: "classify.js",
      bytes: model
        ? Buffer.from(classifyScript(readFileSync(join(FIRMWARE_DIR, "classify.js"), "utf8"), model))
        : readFileSync(join(FIRMWARE_DIR, "classify.js")),
      kind: startsLike("edgefnn's classify.js", firstLine(join(FIRMWARE_DIR, "classify.js"))),
    },
    {
      name: "bench.js",
      bytes: readFileSync(join(FIRMWARE_DIR, "bench.js")),
      kind: startsLike("edgefnn's bench.js", firstLine(join(FIRMWARE_DIR, "bench.js"))),
    },
    ...(o.model ? [{ name: "model.efnn", bytes: readFileSync(o.model), kind: MODEL_FILE }] : []),
    { name: "README.txt", bytes: Buffer.from(readme), kind: startsLike("edgefnn bundle's README", "edgefnn for the Espruino Web IDE") },
  ];
  // Everything checked before anything is written: a file of these names that
  // edgefnn did not write is refused. classify.js is the one the README says to
  // edit: a copy that differs from edgefnn's is the user's work and is kept.
  if (existsSync(o.out) && !statSync(o.out).isDirectory()) fail(`--out ${o.out} is a file, not a folder: give a folder for the bundle`);
  const kept: string[] = [];
  const writes = parts.filter((f) => {
    const to = join(o.out, f.name);
    refuseForeign(to, f.kind, "--out folder");
    // (one bundled for another model, unedited since, is edgefnn's: replaced)
    const edited = f.name === "classify.js" && existsSync(to) && !readFileSync(to).equals(f.bytes) && !isUneditedScript(readFileSync(to));
    if (edited) kept.push(to);
    return !edited;
  });
  mkdirSync(o.out, { recursive: true });
  const files: { file: string; bytes: number }[] = [];
  for (const f of writes) {
    const to = join(o.out, f.name);
    writeFileAtomic(to, f.bytes, { kind: f.kind, flag: "--out folder" });
    files.push({ file: to, bytes: f.bytes.length });
  }
  out.say(`edgefnn bundle: ${o.out}`);
  for (const f of files) out.say(`  ${f.file}  ${f.bytes} bytes`);
  for (const f of kept) out.say(`  ${f}  kept: it differs from edgefnn's (your readSensors()?); move it away for a fresh copy`);
  return { out: o.out, files, kept, runtimeBytes: statSync(DIST_MIN).size };
}
