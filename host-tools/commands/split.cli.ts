// The command line of `edgefnn split`; the split is split.ts.
import { Command } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { intOption, numberOption } from "../cli/options";

export const SPLIT_DEFAULTS = { test: 0.2, seed: 1 };

export const examples: CommandDefinition["examples"] = ["edgefnn split data.csv --test 0.2 --stratify"];

export function define(program: Command, run: Runner): Command {
  return program
    .command("split")
    .description("write a train and a test file from a CSV (each row in one of them, the header in both)")
    .argument("<data.csv>")
    .option(
      "--test <fraction>",
      "the fraction of rows for the test file",
      numberOption("--test", (n) => n > 0 && n < 1, "between 0 and 1"),
      SPLIT_DEFAULTS.test,
    )
    .option("--stratify", "split each class (the label column) alike")
    .option("--label <column>", "the label column for --stratify (default: the last)")
    .option("--seed <n>", "random seed (same seed, same split)", intOption("--seed", 0), SPLIT_DEFAULTS.seed)
    .option("--train-out <file>", "the train file (default: data.train.csv beside the data)")
    .option("--test-out <file>", "the test file (default: data.test.csv)")
    .addOption(jsonOption())
    .action((d, o) => run(o, async (out) => (await import("./split")).splitCommand(d, { ...o, train: o.trainOut }, out)));
}
