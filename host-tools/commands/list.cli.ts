// The command line of `edgefnn list`; the listing is list.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { numberOption } from "../cli/options";

export const examples: CommandDefinition["examples"] = ["edgefnn list", "edgefnn list --json"];

export function define(program: Command, run: Runner): Command {
  return program
    .command("list")
    .description(
      "serial ports a board could be on (USB ids, the ones that look like Espruino boards marked)," +
        " and Bluetooth LE boards with a Nordic UART console heard in a short scan",
    )
    .option(
      "--scan <seconds>",
      "how long to scan for Bluetooth LE boards (0: not at all)",
      numberOption("--scan", (n) => n >= 0 && n <= 60, "0 to 60"),
      4,
    )
    .addOption(jsonOption())
    .action((o) => run(o, async (out) => (await import("./list")).listCommand(o, out)));
}
