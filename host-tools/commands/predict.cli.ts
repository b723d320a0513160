// The command line of `edgefnn predict`; the predictions are predict.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { intOption, listOption } from "../cli/options";

export const examples: CommandDefinition["examples"] = [
  "edgefnn predict iris.q8.efnn new.csv > predictions.csv",
  "edgefnn predict iris.q8.efnn new.csv -p /dev/ttyACM0",
];

export function define(program: Command, run: Runner): Command {
  return program
    .command("predict")
    .description("one CSV line per row: the predicted label and the outputs")
    .argument("<model.efnn>")
    .argument("<data.csv>")
    .option("--label <column>", "a label column to ignore")
    .option("--features <columns>", "feature columns (default: the model's, by name)", listOption)
    .option("--exclude <columns>", "columns that are not features", listOption)
    .option("--na-values <list>", "how missing values are written", listOption)
    .option("--drop-incomplete", "skip rows with missing values (and say how many)")
    .option(
      "--port <path>",
      "run the rows on the device on this serial port (an Espruino board or an edgefnn agent) with this model active",
    )
    .option("--baud <rate>", "baud rate with --port", intOption("--baud"), 115200)
    .addOption(jsonOption())
    .action((m, d, o) => run(o, async (out) => (await import("./predict")).predictCommand(m, d, o, out)));
}
