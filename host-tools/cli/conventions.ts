// What every command shares, applied to the whole command tree after the
// commands are declared (so a command added later gets it too):
// - the short flags the ecosystem uses: -o/--out, -p/--port, -b/--baud
//   (esptool and the espruino CLI), -j/--json, and -q/--quiet, -v/--verbose
//   on every command;
// - required options checked after unknown ones: commander checks them first,
//   so a misspelt `--prot` was reported as "required option '--port' not
//   specified" instead of as the unknown option it is;
// - list defaults printed as values ("16", not ["16"]);
// - one or two real examples at the end of each command's --help (each
//   command's definition module gives them).
import { Command, Option } from "commander";

const SHORT: Record<string, string> = { "--out": "-o", "--port": "-p", "--baud": "-b", "--json": "-j" };

function addShort(o: Option): void {
  const short = o.long ? SHORT[o.long] : undefined;
  if (!short || o.short) return;
  o.short = short;
  o.flags = `${short}, ${o.flags}`;
}

/** Applies the conventions to every command of p; examples(name) gives a command's help examples. */
export function applyConventions(p: Command, examples: (command: string) => string[] | undefined): void {
  for (const c of p.commands) {
    // addShort is idempotent: a command declared twice (tests) keeps one short flag
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
    const shown = examples(c.name());
    if (shown?.length) c.addHelpText("after", `\nExamples:\n${shown.map((e) => "  $ " + e).join("\n")}\n`);
  }
}
