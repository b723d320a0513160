// How a command joins the CLI. Each command's definition module
// (commands/<name>.cli.ts) declares its arguments, its options with their
// defaults and its help examples, and loads the command's code (commands/<name>.ts)
// only when it runs: `edgefnn --help` and `info` load no serial port, progress
// bar, CSV parser or report code (start-up: bench/startup.mjs). A definition
// module imports nothing heavy for the same reason.
import { Command, Option } from "commander";
import { Output } from "./output";

/** the flags every command has (conventions.ts) */
export interface Common {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Runs a command's work the CLI's way: -v tracing, --json's one object printed, a failed check's exit code. */
export type Runner = (o: Common, work: (out: Output) => unknown) => Promise<void>;

export interface CommandDefinition {
  /** declares the command on the program and returns it */
  define(program: Command, run: Runner): Command;
  /** one or two real examples for the end of its --help */
  examples: string[];
}

/** --json, which every command has */
export function jsonOption(): Option {
  return new Option("--json", "print exactly one JSON object on stdout");
}
