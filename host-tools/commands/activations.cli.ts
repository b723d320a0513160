// The command line of `edgefnn activations`; the table is activations.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";

export const examples: CommandDefinition["examples"] = ["edgefnn activations", "edgefnn activations --taylor"];

export function define(program: Command, run: Runner): Command {
  return program
    .command("activations")
    .description("the activation table: f, f' derived symbolically, range, trainable")
    .option("--latex", "print LaTeX")
    .option(
      "--taylor",
      "derive hard-logistic and hard-tanh from the first-order Taylor expansion at 0, and the largest gap to the smooth originals",
    )
    .addOption(jsonOption())
    .action((o) => run(o, async (out) => (await import("./activations")).activationsCommand(o, out)));
}
