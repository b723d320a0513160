// The `edgefnn` command: one subcommand per job, each with --help and --json
// (exactly one JSON object on stdout). Errors go to stderr as
// "edgefnn: <what to fix>" with a non-zero exit code.
import { Command, CommanderError, Option } from "commander";
import { ACTIVATION_NAMES } from "../src/core/activations";
import { intOption, listOption, numberOption, output, UserError } from "./cli-support";
import { applyConventions } from "./cli-conventions";
import { BOARDS } from "./boards";
import { CsvError } from "./data/csv-error";
import { PACKAGE_VERSION } from "./package-root";
import { DEFAULTS as SIM_DEFAULTS } from "./sim/defaults";
import { setTrace } from "./trace";

// Each command's module is imported when that command runs (`await
// import(...)` in its action), so `edgefnn --help` or `info` loads no serial
// port, progress bar, CSV parser or report code: start-up stays near Node's
// own (bench/startup.mjs). A new command follows the same pattern.
import { NA_VALUES } from "./data/csv-rows";

const NA_DEFAULT = NA_VALUES.filter((v) => v !== "").join(", ");

type Handler = (out: ReturnType<typeof output>) => unknown;
/** the flags every command has (cli-conventions.ts) */
interface Common {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

function program(run: (o: Common, h: Handler) => Promise<void>, onError: (message: string) => void): Command {
  const p = new Command("edgefnn")
    .description("train small feed-forward neural networks, shrink them, and run them on Espruino boards and Raspberry Pis")
    .version(PACKAGE_VERSION, "-V, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => {
        onError(str.replace(/^error: /, "").trim());
        write("edgefnn: " + str.replace(/^error: /, ""));
      },
    });
  const json = new Option("--json", "print exactly one JSON object on stdout");
  const dataOpts = (c: Command) =>
    c
      .option("--label <column>", "the target column (default: the model's; train: the last)")
      .option("--features <columns>", "feature columns, comma-separated (default: the model's by name; train: all but the label)", listOption)
      .option("--exclude <columns>", "columns that are not features (a timestamp, an id), comma-separated", listOption)
      .option("--na-values <list>", `how missing values are written, comma-separated (default: empty, ${NA_DEFAULT}); an empty field is always missing`, listOption)
      .option("--drop-incomplete", "skip rows with missing values (and say how many)");

  dataOpts(
    p.command("train")
      .description("train a model from a CSV with a header row")
      .argument("<data.csv>")
      .addOption(new Option("--task <task>", "what the label is").choices(["classification", "regression"]).default("classification"))
      .option("--hidden <sizes>", "hidden layer sizes, comma-separated, or none", listOption, ["16"])
      .option("--activation <names>", `hidden activation, one or one per layer: ${ACTIVATION_NAMES.filter((a) => a !== "softmax" && a !== "step").join(", ")}`, listOption, ["hard-tanh"])
      .option("--output <name>", "output activation (default: softmax for classification, linear for regression)")
      .option("--epochs <n>", "maximum epochs", intOption("--epochs"), 200)
      .option("--lr <alpha>", "learning rate (default: chosen from 0.005, 0.01 by cross-validation on up to 2000 rows of a classification, else 0.005; regression 0.05)", numberOption("--lr"))
      .option("--batch-size <n>", "samples per update (1: per-sample SGD)", intOption("--batch-size"), 1)
      .addOption(new Option("--optimizer <name>", "how the weights move").choices(["sgd", "momentum", "adam"]).default("sgd"))
      .option("--momentum <mu>", "momentum coefficient", numberOption("--momentum", (n) => n >= 0 && n < 1, "in [0, 1)"), 0.9)
      // no fixed lambda suits every data set (docs/ACCURACY.md): on small ones train cross-validates it
      .option("--lambda <l2>", "L2 coefficient of (1/2) lambda ||W||^2 (default: chosen from 0.0003, 0.001, 0.003 by cross-validation on up to 2000 rows of a classification, else 0.001)", numberOption("--lambda", (n) => n >= 0, ">= 0"))
      .option("--no-search", "no cross-validated choice of lambda and the learning rate: the defaults, with a validation split")
      .option("--lr-decay <d>", "learning rate alpha / (1 + d * epoch)", numberOption("--lr-decay", (n) => n >= 0, ">= 0"), 0)
      .option("--val-fraction <f>", "fraction of rows held out for validation and early stopping (default: 0 when cross-validating, else 0.2)", numberOption("--val-fraction", (n) => n >= 0 && n < 1, "in [0, 1)"))
      .option("--patience <n>", "stop after this many epochs without a better validation error", intOption("--patience"), 20)
      .option("--seed <n>", "random seed (same seed, same model)", intOption("--seed", 0), 1)
      .option("--impute <how>", "fill missing feature values with the training split's mean or median (stored in the model: predict and the board fill gaps the same way)")
      .option("--out <file>", "model file to write", "model.efnn")
      .option("--report <file>", "write an HTML report with training curves and the confusion matrix")
      .option("--test <test.csv>", "a held-out file: the model's accuracy and confusion on it (columns found by name)"),
  )
    .addOption(json)
    .action((file, o) => run(o, async (out) => (await import("./commands/train")).trainCommand(file, o, out)));

  dataOpts(p.command("eval").description("accuracy, per-class precision and recall, confusion matrix").argument("<model.efnn>").argument("<data.csv>"))
    .addOption(json)
    .action((m, d, o) => run(o, async (out) => (await import("./commands/eval")).evalCommand(m, d, o, out)));

  p.command("quantize")
    .description("int8 / int16 weights with one scale per row, and what it costs")
    .argument("<model.efnn>")
    .option("--bits <bits>", "8, 16 or 32, for all layers or one per layer (e.g. 8,8,16)", listOption, ["8"])
    .option("--out <file>", "quantized model (default: model.q8.efnn beside the input)")
    .option("--data <test.csv>", "compare float and quantized accuracy on this data")
    .option("--report <file>", "write an HTML report: float32 beside quantized on --data, the confusion matrix, bytes per layer, which boards it fits")
    .addOption(new Option("--fold-normalization <when>", "fold the input normalization into layer 1: auto (when --data shows no loss), yes, no").choices(["auto", "yes", "no"]).default("auto"))
    .option("--label <column>", "the target column of --data")
    .option("--features <columns>", "feature columns of --data (default: the model's, by name)", listOption)
    .option("--exclude <columns>", "columns of --data that are not features", listOption)
    .option("--na-values <list>", "how missing values are written in --data", listOption)
    .option("--drop-incomplete", "skip rows of --data with missing values (and say how many)")
    .addOption(json)
    .action((m, o) => run(o, async (out) => (await import("./commands/quantize")).quantizeCommand(m, { ...o, fold: o.foldNormalization }, out)));

  p.command("predict")
    .description("one CSV line per row: the predicted label and the outputs")
    .argument("<model.efnn>")
    .argument("<data.csv>")
    .option("--label <column>", "a label column to ignore")
    .option("--features <columns>", "feature columns (default: the model's, by name)", listOption)
    .option("--exclude <columns>", "columns that are not features", listOption)
    .option("--na-values <list>", "how missing values are written", listOption)
    .option("--drop-incomplete", "skip rows with missing values (and say how many)")
    .option("--port <path>", "run the rows on the device on this serial port (an Espruino board or an edgefnn agent) with this model active")
    .option("--baud <rate>", "baud rate with --port", intOption("--baud"), 115200)
    .addOption(json)
    .action((m, d, o) => run(o, async (out) => (await import("./commands/predict")).predictCommand(m, d, o, out)));

  p.command("split")
    .description("write a train and a test file from a CSV (each row in one of them, the header in both)")
    .argument("<data.csv>")
    .option("--test <fraction>", "the fraction of rows for the test file", numberOption("--test", (n) => n > 0 && n < 1, "between 0 and 1"), 0.2)
    .option("--stratify", "split each class (the label column) alike")
    .option("--label <column>", "the label column for --stratify (default: the last)")
    .option("--seed <n>", "random seed (same seed, same split)", intOption("--seed", 0), 1)
    .option("--train-out <file>", "the train file (default: data.train.csv beside the data)")
    .option("--test-out <file>", "the test file (default: data.test.csv)")
    .addOption(json)
    .action((d, o) => run(o, async (out) => (await import("./commands/split")).splitCommand(d, { ...o, train: o.trainOut }, out)));

  p.command("list")
    .description("serial ports a board could be on (USB ids, the ones that look like Espruino boards marked); Bluetooth LE is not scanned in this version")
    .addOption(json)
    .action((o) => run(o, async (out) => (await import("./commands/list")).listCommand(o, out)));

  p.command("info")
    .description("layers, parameters, multiply-adds, and the memory a board needs")
    .argument("<model.efnn>")
    .option("--board <board>", `estimate the memory on: ${BOARDS.map((b) => b.id).join(", ")} (or its process.env.BOARD name, any case), or rpi (Node.js on a Raspberry Pi)`)
    .option("--port <path>", "also read a connected board's free blocks and free Storage now, over this serial port")
    .option("--baud <rate>", "baud rate with --port", intOption("--baud"), 115200)
    .option("--learn <k>", "with --board: also the memory of fine-tuning the last k layers on the board (edgefnn-learn)")
    .option("--buffer <n>", "with --learn: samples the learner keeps (default 30)")
    .addOption(json)
    .action((m, o) => run(o, async (out) => (await import("./commands/info")).infoCommand(m, o, out)));

  p.command("bundle")
    .description("the ES5 runtime and a ready firmware script, for the Espruino Web IDE")
    .requiredOption("--out <dir>", "directory to write")
    .option("--model <model.efnn>", "include this model")
    .addOption(json)
    .action((o) => run(o, async (out) => (await import("./commands/bundle")).bundleCommand(o, out)));

  p.command("upload")
    .description("put a model (and the runtime, a boot script) on an Espruino board over a serial port, verified and atomic")
    .argument("<model.efnn>")
    .requiredOption("--port <path>", "the board's serial port, e.g. /dev/ttyACM0")
    .option("--name <name>", "the model's name on the board (default: from the file name)")
    .option("--runtime", "also upload the runtime as the Storage module edgefnn")
    .option("--boot", "also install a boot script that loads the active model at start-up (global edgefnnModel)")
    .option("--app <name>", "also install an on-board app (gestures, with the runtime and the features module): a launcher app on a Bangle.js, started at boot by .bootcde elsewhere")
    .option("--app-config <file>", "the app's settings: collect's sidecar (gestures.csv.json) for rate and window")
    .option("--learn", "with --app: also install the on-board learning module edgefnn-learn (docs/ON-BOARD-LEARNING.md)")
    .option("--force", "replace Storage files of edgefnn's names (.bootcde, .boot3, edgefnn, edgefnn.active, the app's) that edgefnn did not write: their contents are lost")
    .option("--baud <rate>", "baud rate", intOption("--baud"), 115200)
    .addOption(new Option("--transfer <how>", "how files travel to an Espruino board: auto (the packet protocol on firmware 2v25+, else the console), console or packet").choices(["auto", "console", "packet"]).default("auto"))
    .addOption(json)
    .action((m, o) => run(o, async (out) => (await import("./commands/upload")).uploadCommand(m, o, out)));

  dataOpts(
    p.command("verify")
      .description("run data rows on the board and compare outputs and classes with the host's")
      .argument("<model.efnn>")
      .argument("<data.csv>")
      .requiredOption("--port <path>", "the board's serial port")
      .option("--baud <rate>", "baud rate", intOption("--baud"), 115200)
      .option("--rows <n>", "check only the first n rows", intOption("--rows")),
  )
    .addOption(json)
    .action((m, d, o) => run(o, async (out) => (await import("./commands/verify")).verifyCommand(m, d, o, out)));

  p.command("pull")
    .description("copy a model file from an Espruino board's Storage (one the board fine-tuned itself) to this computer, CRC-proved")
    .argument("[name]", "the Storage file's name, or active: the file edgefnn.active points to", "active")
    .requiredOption("--port <path>", "the board's serial port (or tcp://host:port)")
    .option("--out <file>", "model file to write (default: the Storage file's name plus .efnn, here)")
    .option("--baud <rate>", "baud rate", intOption("--baud"), 115200)
    .addOption(json)
    .action((n, o) => run(o, async (out) => (await import("./commands/pull")).pullCommand(n, o, out)));

  // agent, like sim, prints one line when it listens and runs until a signal
  p.command("agent")
    .description("on a Raspberry Pi: answer edgefnn upload, verify and predict --port on a serial port (a fixed binary protocol, no code runs), keep the active model in --dir; runs until Ctrl-C or SIGTERM")
    .requiredOption("--port <path>", "the serial port to answer on, e.g. /dev/serial0")
    .requiredOption("--dir <dir>", "where the active model lives, e.g. /var/lib/edgefnn")
    .option("--baud <rate>", "baud rate", intOption("--baud"), 115200)
    .option("--transfer-timeout <ms>", "discard an upload that sends nothing for this long", intOption("--transfer-timeout"), 30_000)
    .option("--max-bytes <n>", "the largest model accepted", intOption("--max-bytes"), 4 << 20)
    .addOption(json)
    .action(async (o) => (await import("./agent/command")).agentCommand(o));

  p.command("collect")
    .description("record labelled accelerometer windows from a Puck.js or Bangle.js into a CSV of window features (settings in <out>.json)")
    .requiredOption("--port <path>", "the board's serial port")
    .requiredOption("--label <name>", "the gesture being recorded, e.g. wave")
    .option("--seconds <s>", "how long to record (Ctrl-C stops early and keeps what is recorded)", numberOption("--seconds"), 20)
    .option("--out <file>", "CSV to append to (header written once)", "gestures.csv")
    .option("--rate <hz>", "samples per second (a Puck.js takes its nearest rate at or above: 12.5, 26, 52, 104...)", numberOption("--rate", (n) => n >= 1 && n <= 200, "1 to 200"), 25)
    .option("--window <n>", "samples per window", intOption("--window", 2), 50)
    .option("--hop <n>", "samples between window starts (default: the window, no overlap)", intOption("--hop"))
    .option("--baud <rate>", "baud rate", intOption("--baud"), 115200)
    .addOption(json)
    .action((o) => run(o, async (out) => (await import("./commands/collect")).collectCommand(o, out)));

  // sim prints its port first and runs until a signal: its own output, not run()'s one object at the end
  p.command("sim")
    .description("a virtual Espruino board on a pseudo-terminal, or on TCP with --tcp (first line on stdout: the port to open); runs until Ctrl-C or SIGTERM")
    .option("--board <board>", `the board to simulate: ${BOARDS.map((b) => b.id).join(", ")}`, "puckjs")
    .option("--storage <file>", "keep the board's Storage in this file across runs")
    .option("--link <path>", "where the port's symlink goes (default: a new temporary directory)")
    .option("--tcp <port>", "listen on this TCP port of 127.0.0.1 instead of a pty (0: any free port; no socat needed); prints tcp://127.0.0.1:PORT", intOption("--tcp", 0))
    .option("--flash-size <bytes>", "bytes of Storage flash (default: the board's)", intOption("--flash-size", 64))
    .option("--rx-buffer <bytes>", "input buffer size; XOFF at 6/8, XON at 3/8", intOption("--rx-buffer", 8), SIM_DEFAULTS.rxBufferSize)
    .option("--byte-cost <us>", "interpreter time per received byte, microseconds", numberOption("--byte-cost", (n) => n >= 0, ">= 0"), SIM_DEFAULTS.byteCostUs)
    .option("--line-cost <ms>", "extra interpreter time per executed line, ms", numberOption("--line-cost", (n) => n >= 0, ">= 0"), SIM_DEFAULTS.lineCostMs)
    .option("--no-flow-control", "never send XOFF/XON")
    .option("--firmware <version>", "the firmware version it claims (process.env.VERSION); before 2v25 it has no packet protocol", "2v29")
    .option("--exec-timeout <ms>", "interrupt a line that runs longer than this", intOption("--exec-timeout"), SIM_DEFAULTS.execTimeoutMs)
    .option("--drop-every <n>", "fault: lose one received byte in every n", intOption("--drop-every"))
    .option("--corrupt-every <n>", "fault: flip a bit in one received byte in every n", intOption("--corrupt-every"))
    .option("--silent-after <n>", "fault: handle n received bytes, then hang without a word", intOption("--silent-after"))
    .option("--reset-after <n>", "fault: reset the board right after receiving n bytes", intOption("--reset-after"))
    .option("--seed <n>", "seed of the faults", intOption("--seed", 0), 1)
    .addOption(json)
    .action(async (o) => (await import("./sim/command")).simCommand(o));

  p.command("activations")
    .description("the activation table: f, f' derived symbolically, range, trainable")
    .option("--latex", "print LaTeX")
    .option("--taylor", "derive hard-logistic and hard-tanh from the first-order Taylor expansion at 0, and the largest gap to the smooth originals")
    .addOption(json)
    .action((o) => run(o, async (out) => (await import("./commands/activations")).activationsCommand(o, out)));

  p.command("demo")
    .description("the whole pipeline on the bundled iris data")
    .option("--dir <dir>", "where to write the demo's files", "edgefnn-demo")
    .addOption(json)
    .action((o) => run(o, async (out) => (await import("./demo")).demoCommand(o, out)));
  applyConventions(p);
  return p;
}

/** --json asked for anywhere before a "--" (alone or among combined short flags, -jq) */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--json" || /^-[a-zA-Z]*j[a-zA-Z]*$/.test(a));
}

export async function main(argv: string[]): Promise<number> {
  let code = 0;
  let parseError: string | null = null;
  const run = async (o: Common, h: Handler) => {
    setTrace(!!o.verbose);
    const result = await h(output(!!o.json, !!o.quiet));
    if (o.json) process.stdout.write(JSON.stringify(result) + "\n");
    // a check that ran but failed (verify): its JSON is printed, the exit code still says so
    if (result && typeof result === "object" && (result as { ok?: boolean }).ok === false) code = 1;
  };
  // with --json a failure is also one JSON object on stdout: scripts parse one thing
  const jsonError = (message: string) => {
    if (wantsJson(argv)) process.stdout.write(JSON.stringify({ error: message }) + "\n");
  };
  try {
    await program(run, (m) => (parseError ??= m)).parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      jsonError(parseError ?? e.message.replace(/^error: /, ""));
      return 2;
    }
    const msg = e instanceof UserError || e instanceof CsvError ? e.message : e instanceof Error ? e.message : String(e);
    process.stderr.write(`edgefnn: ${msg}\n`);
    jsonError(msg);
    if (!(e instanceof UserError || e instanceof CsvError) && process.env.EDGEFNN_DEBUG) process.stderr.write(String((e as Error).stack) + "\n");
    code = 1;
  }
  return code;
}
