// The command line of `edgefnn verify`; the comparison is verify.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { dataOptions } from "../cli/data-options";
import { intOption } from "../cli/options";

export const examples: CommandDefinition["examples"] = ["edgefnn verify iris.q8.efnn test.csv -p /dev/ttyACM0"];

export function define(program: Command, run: Runner): Command {
  const c = program
    .command("verify")
    .description("run data rows on the board and compare outputs and classes with the host's")
    .argument("<model.efnn>")
    .argument("<data.csv>")
    .requiredOption("--port <path>", "the board's serial port")
    .option("--baud <rate>", "baud rate", intOption("--baud"), 115200)
    .option("--rows <n>", "check only the first n rows", intOption("--rows"));
  return dataOptions(c)
    .addOption(jsonOption())
    .action((m, d, o) => run(o, async (out) => (await import("./verify")).verifyCommand(m, d, o, out)));
}
