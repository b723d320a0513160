// The `edgefnn` command: one subcommand per job, each with --help and --json
// (exactly one JSON object on stdout). Errors go to stderr as
// "edgefnn: <what to fix>" with a non-zero exit code.
//
// This file only assembles: each command declares itself in
// commands/<name>.cli.ts (listed in commands/index.ts), the conventions every
// command shares are cli/conventions.ts, and main() runs one command line.
import { Command, CommanderError } from "commander";
import { Common, Runner } from "./cli/command-module";
import { applyConventions } from "./cli/conventions";
import { output } from "./cli/output";
import { setTrace } from "./cli/trace";
import { UserError } from "./cli/user-error";
import { COMMANDS } from "./commands/index";
import { CsvError } from "./data/csv-error";
import { PACKAGE_VERSION } from "./files/package-root";
import { DeviceAliasError, expandDeviceAlias } from "./links/device-alias";

function program(run: Runner, onError: (message: string) => void): Command {
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
  const examples = new Map<string, string[]>();
  for (const command of COMMANDS) examples.set(command.define(p, run).name(), command.examples);
  applyConventions(p, (name) => examples.get(name));
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
  const run = async (o: Common, work: Parameters<Runner>[1]) => {
    setTrace(!!o.verbose);
    const result = await work(output(!!o.json, !!o.quiet));
    if (o.json) process.stdout.write(JSON.stringify(result) + "\n");
    // a check that ran but failed (verify): its JSON is printed, the exit code still says so
    if (result && typeof result === "object" && (result as { ok?: boolean }).ok === false) code = 1;
  };
  // with --json a failure is also one JSON object on stdout: scripts parse one thing
  const jsonError = (message: string) => {
    if (wantsJson(argv)) process.stdout.write(JSON.stringify({ error: message }) + "\n");
  };
  try {
    // --device NAME: --port ble:NAME (links/device-alias.ts)
    await program(run, (m) => (parseError ??= m)).parseAsync(expandDeviceAlias(argv), { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      jsonError(parseError ?? e.message.replace(/^error: /, ""));
      return 2;
    }
    const known = e instanceof UserError || e instanceof CsvError || e instanceof DeviceAliasError;
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`edgefnn: ${msg}\n`);
    jsonError(msg);
    if (!known && process.env.EDGEFNN_DEBUG) process.stderr.write(String((e as Error).stack) + "\n");
    code = 1;
  }
  return code;
}
