// edgefnn bundle --out dir: the ES5 runtime (plain and minified) and a ready
// firmware script, for people who upload with the Espruino Web IDE.
import { copyFileSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Output } from "../cli-support";
import { DIST_JS, DIST_MIN, ensureBundle, FIRMWARE_DIR } from "../bundle-files";
import { readModelFile } from "../model-file";

export function bundleCommand(o: { out: string; model?: string }, out: Output) {
  ensureBundle();
  mkdirSync(o.out, { recursive: true });
  const files: { file: string; bytes: number }[] = [];
  const put = (name: string, from: string) => {
    const to = join(o.out, name);
    copyFileSync(from, to);
    files.push({ file: to, bytes: statSync(to).size });
  };
  put("edgefnn.js", DIST_JS);
  put("edgefnn.min.js", DIST_MIN);
  put("classify.js", join(FIRMWARE_DIR, "classify.js"));
  put("bench.js", join(FIRMWARE_DIR, "bench.js"));
  if (o.model) {
    readModelFile(o.model); // refuse to bundle a broken model
    put("model.efnn", o.model);
  }
  const readme = `edgefnn for the Espruino Web IDE

1. Storage -> Upload a file: edgefnn.min.js, saved as "edgefnn" (the runtime).
2. Storage -> Upload a file: your model, saved as "model.efnn".${o.model ? " (model.efnn is here.)" : ""}
3. Open classify.js, fill in readSensors(), and send it to the board.

edgefnn.js is the same runtime unminified, for reading; on a Raspberry Pi
require() it from Node.js. bench.js times inference on the board.
`;
  writeFileSync(join(o.out, "README.txt"), readme);
  files.push({ file: join(o.out, "README.txt"), bytes: readme.length });
  out.say(`edgefnn bundle: ${o.out}`);
  for (const f of files) out.say(`  ${f.file}  ${f.bytes} bytes`);
  return { out: o.out, files, runtimeBytes: statSync(DIST_MIN).size };
}
