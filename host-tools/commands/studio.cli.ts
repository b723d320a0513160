// The command line of `edgefnn studio`; the page is ../studio/page/, served by studio.ts.
// studio, like sim, prints its URL first and runs until a signal.
import { Command } from "commander";
import { CommandDefinition, jsonOption } from "../cli/command-module";
import { intOption } from "../cli/options";

export const STUDIO_DEFAULTS = { port: 8765, board: "puckjs" };

export const examples: CommandDefinition["examples"] = ["edgefnn studio", "edgefnn studio --sim --port 0"];

export function define(program: Command): Command {
  return program
    .command("studio")
    .description(
      "the studio page (CSV to trained, quantized model in the browser) on http://127.0.0.1:PORT/; prints the URL, opens nothing;" +
        " runs until Ctrl-C or SIGTERM",
    )
    .option("--port <n>", "TCP port on 127.0.0.1 (0: any free port)", intOption("--port", 0), STUDIO_DEFAULTS.port)
    .option("--sim", "also run a virtual board the page can upload to (through a WebSocket); for trying it out and for tests")
    .option("--board <board>", "with --sim: the board to simulate", STUDIO_DEFAULTS.board)
    .addOption(jsonOption())
    .action(async (o) => (await import("./studio")).studioCommand(o));
}
