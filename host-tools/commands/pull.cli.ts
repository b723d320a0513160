// The command line of `edgefnn pull`; the copy is pull.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { intOption } from "../cli/options";

export const examples: CommandDefinition["examples"] = [
  "edgefnn pull -p /dev/ttyACM0 -o personal.efnn",
  "edgefnn pull gestures.1a2b3c4d -p tcp://127.0.0.1:2323 --json",
];

export function define(program: Command, run: Runner): Command {
  return program
    .command("pull")
    .description("copy a model file from an Espruino board's Storage (one the board fine-tuned itself) to this computer, CRC-proved")
    .argument("[name]", "the Storage file's name, or active: the file edgefnn.active points to", "active")
    .requiredOption("--port <path>", "the board's serial port (or tcp://host:port)")
    .option("--out <file>", "model file to write (default: the Storage file's name plus .efnn, here)")
    .option("--baud <rate>", "baud rate", intOption("--baud"), 115200)
    .addOption(jsonOption())
    .action((n, o) => run(o, async (out) => (await import("./pull")).pullCommand(n, o, out)));
}
