// The `edgefnn` command. Commands join as their issues land; `demo` runs the pipeline on iris.
import { runDemo } from "./demo";

const USAGE = `usage: edgefnn <command>

commands:
  demo     train, evaluate (and, as they land, quantize, bundle, upload) on the bundled iris data
  help     this text`;

export function main(argv: string[]): number {
  const [cmd] = argv;
  if (cmd === "demo") {
    runDemo();
    return 0;
  }
  if (cmd === undefined || cmd === "help" || cmd === "--help" || cmd === "-h") {
    console.log(USAGE);
    return 0;
  }
  console.error(`edgefnn: unknown command "${cmd}"\n\n${USAGE}`);
  return 2;
}
