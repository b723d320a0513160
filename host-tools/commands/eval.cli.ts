// The command line of `edgefnn eval`; the evaluation is eval.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { dataOptions } from "../cli/data-options";

export const examples: CommandDefinition["examples"] = ["edgefnn eval iris.efnn test.csv", "edgefnn eval iris.q8.efnn test.csv --json"];

export function define(program: Command, run: Runner): Command {
  const c = program
    .command("eval")
    .description("accuracy, per-class precision and recall, confusion matrix")
    .argument("<model.efnn>")
    .argument("<data.csv>");
  return dataOptions(c)
    .addOption(jsonOption())
    .action((m, d, o) => run(o, async (out) => (await import("./eval")).evalCommand(m, d, o, out)));
}
