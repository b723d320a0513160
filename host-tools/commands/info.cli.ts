// The command line of `edgefnn info`; what it prints is info.ts.
import { Command } from "commander";
import { BOARDS } from "../boards/boards";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { intOption } from "../cli/options";

export const examples: CommandDefinition["examples"] = [
  "edgefnn info iris.q8.efnn --board puckjs",
  "edgefnn info iris.q8.efnn -p /dev/ttyACM0",
];

export function define(program: Command, run: Runner): Command {
  const boards = BOARDS.map((b) => b.id).join(", ");
  return program
    .command("info")
    .description("layers, parameters, multiply-adds, and the memory a board needs")
    .argument("<model.efnn>")
    .option(
      "--board <board>",
      `estimate the memory on: ${boards} (or its process.env.BOARD name, any case), or rpi (Node.js on a Raspberry Pi)`,
    )
    .option("--port <path>", "also read a connected board's free blocks and free Storage now, over this serial port")
    .option("--baud <rate>", "baud rate with --port", intOption("--baud"), 115200)
    .option("--learn <k>", "with --board: also the memory of fine-tuning the last k layers on the board (edgefnn-learn)")
    .option("--buffer <n>", "with --learn: samples the learner keeps (default 30)")
    .addOption(jsonOption())
    .action((m, o) => run(o, async (out) => (await import("./info")).infoCommand(m, o, out)));
}
