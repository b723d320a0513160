// The command line of `edgefnn bundle`; the bundle is bundle.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";

export const examples: CommandDefinition["examples"] = ["edgefnn bundle -o for-web-ide --model iris.q8.efnn"];

export function define(program: Command, run: Runner): Command {
  return program
    .command("bundle")
    .description("the ES5 runtime and a ready firmware script, for the Espruino Web IDE")
    .requiredOption("--out <dir>", "directory to write")
    .option("--model <model.efnn>", "include this model")
    .addOption(jsonOption())
    .action((o) => run(o, async (out) => (await import("./bundle")).bundleCommand(o, out)));
}
