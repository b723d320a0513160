// What every command shares, applied to the whole command tree after the
// commands are declared (so a command added later gets it too):
// - the short flags the ecosystem uses: -o/--out, -p/--port, -b/--baud
//   (esptool and the espruino CLI), -j/--json, and -q/--quiet, -v/--verbose
//   on every command;
// - required options checked after unknown ones: commander checks them first,
//   so a misspelt `--prot` was reported as "required option '--port' not
//   specified" instead of as the unknown option it is;
// - list defaults printed as values ("16", not ["16"]);
// - one or two real examples at the end of each command's --help.
import { Command, Option } from "commander";

const SHORT: Record<string, string> = { "--out": "-o", "--port": "-p", "--baud": "-b", "--json": "-j" };

export const EXAMPLES: Record<string, string[]> = {
  train: [
    "edgefnn train examples/data/iris.csv --label species -o iris.efnn --report report.html",
    "edgefnn train data.csv --hidden 16,8 --optimizer adam --epochs 100 -o model.efnn",
  ],
  eval: ["edgefnn eval iris.efnn test.csv", "edgefnn eval iris.q8.efnn test.csv --json"],
  quantize: ["edgefnn quantize iris.efnn --bits 8 --data test.csv", "edgefnn quantize iris.efnn --bits 8,16 -o iris.mixed.efnn"],
  predict: ["edgefnn predict iris.q8.efnn new.csv > predictions.csv", "edgefnn predict iris.q8.efnn new.csv -p /dev/ttyACM0"],
  info: ["edgefnn info iris.q8.efnn --board puckjs", "edgefnn info iris.q8.efnn -p /dev/ttyACM0"],
  bundle: ["edgefnn bundle -o for-web-ide --model iris.q8.efnn"],
  upload: ["edgefnn upload iris.q8.efnn -p /dev/ttyACM0 --runtime --boot", "edgefnn upload gestures.q8.efnn -p tcp://127.0.0.1:2323 --app gestures --app-config gestures.csv.json"],
  verify: ["edgefnn verify iris.q8.efnn test.csv -p /dev/ttyACM0"],
  pull: ["edgefnn pull -p /dev/ttyACM0 -o personal.efnn", "edgefnn pull gestures.1a2b3c4d -p tcp://127.0.0.1:2323 --json"],
  agent: ["edgefnn agent -p /dev/serial0 --dir /var/lib/edgefnn"],
  collect: ["edgefnn collect -p tcp://127.0.0.1:2323 --label wave --seconds 20 -o gestures.csv"],
  sim: ["edgefnn sim --board banglejs2", "edgefnn sim --tcp 2323 --storage flash.json"],
  list: ["edgefnn list", "edgefnn list --json"],
  split: ["edgefnn split data.csv --test 0.2 --stratify"],
  demo: ["edgefnn demo", "edgefnn demo --dir /tmp/try-edgefnn"],
  activations: ["edgefnn activations", "edgefnn activations --taylor"],
};

function addShort(o: Option): void {
  const short = o.long ? SHORT[o.long] : undefined;
  if (!short || o.short) return;
  o.short = short;
  o.flags = `${short}, ${o.flags}`;
}

export function applyConventions(p: Command): void {
  for (const c of p.commands) {
    // the shared Option objects (--json) are seen once per command: addShort is idempotent
    const has = (flag: string) => c.options.some((o) => o.long === flag || o.short === flag);
    if (!has("--quiet")) c.addOption(new Option("-q, --quiet", "print nothing but errors and warnings (and --json's object)"));
    if (!has("--verbose")) c.addOption(new Option("-v, --verbose", "say what goes over the wire (serial commands), on stderr"));
    const required: Option[] = [];
    for (const o of c.options) {
      addShort(o);
      if (Array.isArray(o.defaultValue) && o.defaultValueDescription === undefined) o.defaultValueDescription = o.defaultValue.join(",");
      if (o.mandatory) {
        o.mandatory = false;
        required.push(o);
      }
    }
    if (required.length)
      c.hook("preAction", (cmd) => {
        // after commander's own check for unknown options: a typo is named as one
        for (const o of required)
          if (cmd.getOptionValue(o.attributeName()) === undefined)
            cmd.error(`error: required option '${o.flags}' not specified`, { code: "commander.missingMandatoryOptionValue", exitCode: 1 });
      });
    const examples = EXAMPLES[c.name()];
    if (examples) c.addHelpText("after", `\nExamples:\n${examples.map((e) => "  $ " + e).join("\n")}\n`);
  }
}
