// The command line of `edgefnn upload`; the upload is upload.ts.
import { Command, Option } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { intOption } from "../cli/options";

export const examples: CommandDefinition["examples"] = [
  "edgefnn upload iris.q8.efnn -p /dev/ttyACM0 --runtime --boot",
  "edgefnn upload gestures.q8.efnn -p tcp://127.0.0.1:2323 --app gestures --app-config gestures.csv.json",
];

export function define(program: Command, run: Runner): Command {
  const transfer = new Option(
    "--transfer <how>",
    "how files travel to an Espruino board: auto (the packet protocol on firmware 2v25+, else the console), console or packet",
  );
  return program
    .command("upload")
    .description("put a model (and the runtime, a boot script) on an Espruino board over a serial port, verified and atomic")
    .argument("<model.efnn>")
    .requiredOption("--port <path>", "the board's serial port, e.g. /dev/ttyACM0")
    .option("--name <name>", "the model's name on the board (default: from the file name)")
    .option("--runtime", "also upload the runtime as the Storage module edgefnn")
    .option("--boot", "also install a boot script that loads the active model at start-up (global edgefnnModel)")
    .option(
      "--app <name>",
      "also install an on-board app (gestures, with the runtime and the features module):" +
        " a launcher app on a Bangle.js, started at boot by .bootcde elsewhere",
    )
    .option(
      "--app-config <file>",
      "the app's settings: collect's sidecar (gestures.csv.json) for the rate its windows were recorded at, the window and hop",
    )
    .option("--learn", "with --app: also install the on-board learning module edgefnn-learn (docs/ON-BOARD-LEARNING.md)")
    .option(
      "--force",
      "replace Storage files of edgefnn's names (.bootcde, .boot3, edgefnn, edgefnn.active, the app's)" +
        " that edgefnn did not write: their contents are lost",
    )
    .option("--baud <rate>", "baud rate", intOption("--baud"), 115200)
    .addOption(transfer.choices(["auto", "console", "packet"]).default("auto"))
    .addOption(jsonOption())
    .action((m, o) => run(o, async (out) => (await import("./upload")).uploadCommand(m, o, out)));
}
