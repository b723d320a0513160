// The command line of `edgefnn list`; the listing is list.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";

export const examples: CommandDefinition["examples"] = ["edgefnn list", "edgefnn list --json"];

export function define(program: Command, run: Runner): Command {
  return program
    .command("list")
    .description(
      "serial ports a board could be on (USB ids, the ones that look like Espruino boards marked);" +
        " Bluetooth LE is not scanned in this version",
    )
    .addOption(jsonOption())
    .action((o) => run(o, async (out) => (await import("./list")).listCommand(o, out)));
}
