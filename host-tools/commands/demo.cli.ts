// The command line of `edgefnn demo`; the pipeline is demo.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";

export const examples: CommandDefinition["examples"] = ["edgefnn demo", "edgefnn demo --dir /tmp/try-edgefnn"];

export function define(program: Command, run: Runner): Command {
  return program
    .command("demo")
    .description("the whole pipeline on the bundled iris data")
    .option("--dir <dir>", "where to write the demo's files", "edgefnn-demo")
    .addOption(jsonOption())
    .action((o) => run(o, async (out) => (await import("./demo")).demoCommand(o, out)));
}
