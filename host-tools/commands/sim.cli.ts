// The command line of `edgefnn sim`; the virtual board is ../sim/, started by sim.ts.
// sim prints its port first and runs until a signal: its own output, not the
// CLI runner's one object at the end.
import { Command } from "commander";
import { BOARDS } from "../boards/boards";
import { CommandDefinition, jsonOption } from "../cli/command-module";
import { intOption, numberOption } from "../cli/options";
import { BLE_SIM_DEFAULTS } from "../sim/ble-radio";
import { DEFAULTS as BOARD_DEFAULTS } from "../sim/defaults";

export const SIM_DEFAULTS = { board: "puckjs", firmware: "2v29", seed: 1, ...BOARD_DEFAULTS };

export const examples: CommandDefinition["examples"] = ["edgefnn sim --board banglejs2", "edgefnn sim --tcp 2323 --storage flash.json"];

export function define(program: Command): Command {
  const d = SIM_DEFAULTS;
  const atLeast0 = (flag: string) => numberOption(flag, (n) => n >= 0, ">= 0");
  return program
    .command("sim")
    .description(
      "a virtual Espruino board on a pseudo-terminal, or on TCP with --tcp (first line on stdout: the port to open);" +
        " runs until Ctrl-C or SIGTERM",
    )
    .option("--board <board>", `the board to simulate: ${BOARDS.map((b) => b.id).join(", ")}`, d.board)
    .option("--storage <file>", "keep the board's Storage in this file across runs")
    .option(
      "--link <ble|path>",
      "ble: behave as a Bluetooth LE board's Nordic UART link (20-byte packets, --ble-speed, --ble-latency, XON/XOFF," +
        " --disconnect-after); a path: where the pty's symlink goes (default: a new temporary directory)",
    )
    .option(
      "--ble-speed <bytes/s>",
      `with --link ble: each direction's throughput (default: ${BLE_SIM_DEFAULTS.bytesPerSecond})`,
      numberOption("--ble-speed", (n) => n > 0, "> 0"),
    )
    .option(
      "--ble-latency <ms>",
      `with --link ble: each packet's time in flight (default: ${BLE_SIM_DEFAULTS.latencyMs})`,
      atLeast0("--ble-latency"),
    )
    .option(
      "--disconnect-after <n>",
      "fault, with --link ble and --tcp: drop the connection after n bytes from the host",
      intOption("--disconnect-after"),
    )
    .option(
      "--tcp <port>",
      "listen on this TCP port of 127.0.0.1 instead of a pty (0: any free port; no socat needed); prints tcp://127.0.0.1:PORT",
      intOption("--tcp", 0),
    )
    .option("--flash-size <bytes>", "bytes of Storage flash (default: the board's)", intOption("--flash-size", 64))
    .option("--rx-buffer <bytes>", "input buffer size; XOFF at 6/8, XON at 3/8", intOption("--rx-buffer", 8), d.rxBufferSize)
    .option("--byte-cost <us>", "interpreter time per received byte, microseconds", atLeast0("--byte-cost"), d.byteCostUs)
    .option("--line-cost <ms>", "extra interpreter time per executed line, ms", atLeast0("--line-cost"), d.lineCostMs)
    .option("--no-flow-control", "never send XOFF/XON")
    .option(
      "--firmware <version>",
      "the firmware version it claims (process.env.VERSION); before 2v25 it has no packet protocol",
      d.firmware,
    )
    .option("--exec-timeout <ms>", "interrupt a line that runs longer than this", intOption("--exec-timeout"), d.execTimeoutMs)
    .option("--drop-every <n>", "fault: lose one received byte in every n", intOption("--drop-every"))
    .option("--corrupt-every <n>", "fault: flip a bit in one received byte in every n", intOption("--corrupt-every"))
    .option("--silent-after <n>", "fault: handle n received bytes, then hang without a word", intOption("--silent-after"))
    .option("--reset-after <n>", "fault: reset the board right after receiving n bytes", intOption("--reset-after"))
    .option("--seed <n>", "seed of the faults", intOption("--seed", 0), d.seed)
    .addOption(jsonOption())
    .action(async (o) => (await import("./sim")).simCommand(o));
}
