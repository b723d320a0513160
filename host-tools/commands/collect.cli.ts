// The command line of `edgefnn collect`; the recording is collect.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { intOption, numberOption } from "../cli/options";

export const COLLECT_DEFAULTS = { seconds: 20, out: "gestures.csv", rate: 25, window: 50, baud: 115200 };

export const examples: CommandDefinition["examples"] = [
  "edgefnn collect -p tcp://127.0.0.1:2323 --label wave --seconds 20 -o gestures.csv",
];

export function define(program: Command, run: Runner): Command {
  const d = COLLECT_DEFAULTS;
  return program
    .command("collect")
    .description("record labelled accelerometer windows from a Puck.js or Bangle.js into a CSV of window features (settings in <out>.json)")
    .requiredOption("--port <path>", "the board's serial port")
    .requiredOption("--label <name>", "the gesture being recorded, e.g. wave")
    .option("--seconds <s>", "how long to record (Ctrl-C stops early and keeps what is recorded)", numberOption("--seconds"), d.seconds)
    .option("--out <file>", "CSV to append to (header written once)", d.out)
    .option(
      "--rate <hz>",
      "samples per second (a Puck.js takes its nearest rate at or above: 12.5, 26, 52, 104...)",
      numberOption("--rate", (n) => n >= 1 && n <= 200, "1 to 200"),
      d.rate,
    )
    .option("--window <n>", "samples per window", intOption("--window", 2), d.window)
    .option("--hop <n>", "samples between window starts (default: the window, no overlap)", intOption("--hop"))
    .option("--baud <rate>", "baud rate", intOption("--baud"), d.baud)
    .addOption(jsonOption())
    .action((o) => run(o, async (out) => (await import("./collect")).collectCommand(o, out)));
}
