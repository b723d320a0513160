// The by-hand *-on-espruino.mjs scripts' one way to run the Espruino
// interpreter's Linux build (made by hand outside this repository, never part
// of it): the binary from $ESPRUINO, a temporary directory per interpreter
// (the build keeps its Storage in ./espruino.flash in its working directory),
// the code that writes files into that Storage, and a script run there.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The interpreter's binary ($ESPRUINO); without it, says what to set and exits 2. */
export function espruinoBinary(usage = "ESPRUINO=/path/to/espruino node " + process.argv[1]) {
  const bin = process.env.ESPRUINO;
  if (!bin) {
    console.error(`set ESPRUINO to the interpreter's binary (make BOARD=LINUX in the Espruino source): ${usage}`);
    process.exit(2);
  }
  return bin;
}

/** A fresh directory for one interpreter's Storage. */
export function storageDir(name) {
  return mkdtempSync(join(tmpdir(), `edgefnn-${name}-`));
}

/** Code that empties Storage and writes `files` into it: a string as text, bytes (Uint8Array) through atob. */
export function storageWrites(files) {
  let code = 'require("Storage").eraseAll();\n';
  for (const [name, v] of Object.entries(files)) {
    const data = typeof v === "string" ? JSON.stringify(v) : `atob(${JSON.stringify(Buffer.from(v).toString("base64"))})`;
    code += `require("Storage").write(${JSON.stringify(name)}, ${data});\n`;
  }
  return code;
}

/**
 * Writes `code` to `file` in `dir` and runs it there with the interpreter; returns what it printed.
 * - openStdin: the console's input stays open and silent while it runs (at the end of its input the
 *   build reads garbage into its console; a script that ends with quit() wants it open)
 * - tolerate: a failed or timed-out run returns what it printed (stdout and stderr) instead of throwing
 */
export function runEspruino(bin, dir, file, code, { openStdin = false, timeoutS = 600, tolerate = false, encoding = "utf8" } = {}) {
  writeFileSync(join(dir, file), code);
  const o = { cwd: dir, encoding, maxBuffer: 64 << 20 };
  try {
    return openStdin
      ? execFileSync("bash", ["-c", `timeout ${timeoutS} "$0" "$1" < <(sleep ${timeoutS} 2>/dev/null)`, bin, file], o)
      : execFileSync(bin, [file], { ...o, timeout: timeoutS * 1000 });
  } catch (e) {
    if (!tolerate) throw e;
    return String(e.stdout ?? "") + String(e.stderr ?? "");
  }
}

/** Runs each [file, code] of `runs` in turn in `dir` (e.g. one that fills Storage and quits, then the
 * one that measures, without the files' text in RAM); returns what the last printed, or what the first
 * that failed printed (the rest are not run). */
export function runInTurn(bin, dir, runs, opts = {}) {
  let out = "";
  try {
    for (const [file, code] of runs) out = runEspruino(bin, dir, file, code, { ...opts, tolerate: false });
  } catch (e) {
    out = String(e.stdout ?? "") + String(e.stderr ?? "");
  }
  return out;
}

/** The CPU seconds (user + system) the interpreter spends on `file` in `dir` (already written), and what it
 * printed; openStdin as for runEspruino (a script that does not quit() wants its input closed). */
export function cpuSeconds(bin, dir, file, { openStdin = false, timeoutS = 600 } = {}) {
  const stdin = openStdin ? `< <(sleep ${timeoutS} 2>/dev/null)` : "< /dev/null";
  const t = execFileSync("bash", ["-c", `TIMEFORMAT=%U+%S; { time timeout ${timeoutS} "$0" "$1" ${stdin} > "$1.out"; } 2>&1`, bin, file], {
    cwd: dir,
    encoding: "utf8",
  });
  const seconds = t
    .trim()
    .split("\n")
    .pop()
    .split("+")
    .reduce((a, b) => a + Number(b), 0);
  return { seconds, out: readFileSync(join(dir, file + ".out"), "utf8") };
}
