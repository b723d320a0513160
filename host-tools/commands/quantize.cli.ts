// The command line of `edgefnn quantize`; the quantization is quantize.ts.
import { Command, Option } from "commander";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { listOption } from "../cli/options";

export const QUANTIZE_DEFAULTS = { bits: ["8"], foldNormalization: "auto" };

export const examples: CommandDefinition["examples"] = [
  "edgefnn quantize iris.efnn --bits 8 --data test.csv",
  "edgefnn quantize iris.efnn --bits 8,16 -o iris.mixed.efnn",
];

export function define(program: Command, run: Runner): Command {
  const fold = new Option(
    "--fold-normalization <when>",
    "fold the input normalization into layer 1: auto (when --data shows no loss), yes, no",
  );
  return program
    .command("quantize")
    .description("int8 / int16 weights with one scale per row, and what it costs")
    .argument("<model.efnn>")
    .option("--bits <bits>", "8, 16 or 32, for all layers or one per layer (e.g. 8,8,16)", listOption, QUANTIZE_DEFAULTS.bits)
    .option("--out <file>", "quantized model (default: model.q8.efnn beside the input)")
    .option("--data <test.csv>", "compare float and quantized accuracy on this data")
    .option(
      "--report <file>",
      "write an HTML report: float32 beside quantized on --data, the confusion matrix, bytes per layer, which boards it fits",
    )
    .addOption(fold.choices(["auto", "yes", "no"]).default(QUANTIZE_DEFAULTS.foldNormalization))
    .option("--label <column>", "the target column of --data")
    .option("--features <columns>", "feature columns of --data (default: the model's, by name)", listOption)
    .option("--exclude <columns>", "columns of --data that are not features", listOption)
    .option("--na-values <list>", "how missing values are written in --data", listOption)
    .option("--drop-incomplete", "skip rows of --data with missing values (and say how many)")
    .addOption(jsonOption())
    .action((m, o) => run(o, async (out) => (await import("./quantize")).quantizeCommand(m, { ...o, fold: o.foldNormalization }, out)));
}
