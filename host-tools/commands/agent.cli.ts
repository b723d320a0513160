// The command line of `edgefnn agent`; the agent is agent.ts (and ../agent/).
// Like sim, it prints one line when it listens and runs until a signal: its
// own output, not the CLI runner's one object at the end.
import { Command } from "commander";
import { CommandDefinition, jsonOption } from "../cli/command-module";
import { intOption } from "../cli/options";

export const AGENT_DEFAULTS = { baud: 115200, transferTimeout: 30_000, maxBytes: 4 << 20 };

export const examples: CommandDefinition["examples"] = ["edgefnn agent -p /dev/serial0 --dir /var/lib/edgefnn"];

export function define(program: Command): Command {
  const d = AGENT_DEFAULTS;
  return program
    .command("agent")
    .description(
      "on a Raspberry Pi: answer edgefnn upload, verify and predict --port on a serial port (a fixed binary protocol, no code runs)," +
        " keep the active model in --dir; runs until Ctrl-C or SIGTERM",
    )
    .requiredOption("--port <path>", "the serial port to answer on, e.g. /dev/serial0")
    .requiredOption("--dir <dir>", "where the active model lives, e.g. /var/lib/edgefnn")
    .option("--baud <rate>", "baud rate", intOption("--baud"), d.baud)
    .option(
      "--transfer-timeout <ms>",
      "discard an upload that sends nothing for this long",
      intOption("--transfer-timeout"),
      d.transferTimeout,
    )
    .option("--max-bytes <n>", "the largest model accepted", intOption("--max-bytes"), d.maxBytes)
    .addOption(jsonOption())
    .action(async (o) => (await import("./agent")).agentCommand(o));
}
