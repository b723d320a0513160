// The command line of `edgefnn train`: its options and their defaults (the
// demo reads TRAIN_DEFAULTS too); the training itself is train.ts.
import { Command, Option } from "commander";
import { ACTIVATIONS } from "../../src/core/activations";
import { CommandDefinition, jsonOption, Runner } from "../cli/command-module";
import { dataOptions } from "../cli/data-options";
import { intOption, listOption, numberOption } from "../cli/options";
import { HIDDEN_ACTIVATION } from "./train-rates";

// The defaults of the learning rate, lambda and the validation split, and the search's space: train-rates.ts
// (no Node imports there: the studio page uses them too).
export { HIDDEN_ACTIVATION, LAMBDA, LEARNING_RATE, REGRESSION_LEARNING_RATE, SEARCH, SEARCH_MAX_ROWS, VAL_FRACTION } from "./train-rates";

/** What train does when an option is not given. */
export const TRAIN_DEFAULTS = {
  task: "classification" as "classification" | "regression",
  hidden: ["16"],
  // ReLU since session 7 (why: train-rates.ts, docs/ACCURACY.md)
  activation: [HIDDEN_ACTIVATION],
  epochs: 200,
  // lr, lambda and valFraction: none; train.ts chooses them (the constants above, or the search)
  batchSize: 1,
  optimizer: "sgd",
  momentum: 0.9,
  lrDecay: 0,
  patience: 20,
  seed: 1,
  out: "model.efnn",
};

/** Activations a hidden layer can have: the table's elementwise ones that gradient descent can train. */
export const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a.elementwise && a.trainable).map((a) => a.name);

export const examples: CommandDefinition["examples"] = [
  "edgefnn train examples/data/iris.csv --label species -o iris.efnn --report report.html",
  "edgefnn train data.csv --hidden 16,8 --optimizer adam --epochs 100 -o model.efnn",
];

export function define(program: Command, run: Runner): Command {
  const d = TRAIN_DEFAULTS;
  const c = program.command("train").description("train a model from a CSV with a header row").argument("<data.csv>");
  return dataOptions(
    c
      .addOption(new Option("--task <task>", "what the label is").choices(["classification", "regression"]).default(d.task))
      .option("--hidden <sizes>", "hidden layer sizes, comma-separated, or none", listOption, d.hidden)
      .option("--activation <names>", `hidden activation, one or one per layer: ${HIDDEN_ACTIVATIONS.join(", ")}`, listOption, d.activation)
      .option("--output <name>", "output activation (default: softmax for classification, linear for regression)")
      .option("--epochs <n>", "maximum epochs", intOption("--epochs"), d.epochs)
      .option(
        "--lr <alpha>",
        "learning rate (default: chosen from 0.005, 0.01 by cross-validation on up to 2000 rows of a classification," +
          " else 0.005; regression 0.05)",
        numberOption("--lr"),
      )
      .option("--batch-size <n>", "samples per update (1: per-sample SGD)", intOption("--batch-size"), d.batchSize)
      .addOption(new Option("--optimizer <name>", "how the weights move").choices(["sgd", "momentum", "adam"]).default(d.optimizer))
      .option(
        "--momentum <mu>",
        "momentum coefficient",
        numberOption("--momentum", (n) => n >= 0 && n < 1, "in [0, 1)"),
        d.momentum,
      )
      .option(
        "--lambda <l2>",
        "L2 coefficient of (1/2) lambda ||W||^2 (default: chosen from 0.0003, 0.001, 0.003, 0.01 by cross-validation" +
          " on up to 2000 rows of a classification, else 0.001)",
        numberOption("--lambda", (n) => n >= 0, ">= 0"),
      )
      // no fixed lambda suits every data set (docs/ACCURACY.md): on small ones train cross-validates it
      .option("--no-search", "no cross-validated choice of lambda and the learning rate: the defaults, with a validation split")
      .option(
        "--lr-decay <d>",
        "learning rate alpha / (1 + d * epoch)",
        numberOption("--lr-decay", (n) => n >= 0, ">= 0"),
        d.lrDecay,
      )
      .option(
        "--val-fraction <f>",
        "fraction of rows held out for validation and early stopping (default: 0 when cross-validating, else 0.2)",
        numberOption("--val-fraction", (n) => n >= 0 && n < 1, "in [0, 1)"),
      )
      .option("--patience <n>", "stop after this many epochs without a better validation error", intOption("--patience"), d.patience)
      .option("--seed <n>", "random seed (same seed, same model)", intOption("--seed", 0), d.seed)
      .option(
        "--impute <how>",
        "fill missing feature values with the training split's mean or median" +
          " (stored in the model: predict and the board fill gaps the same way)",
      )
      .option("--out <file>", "model file to write", d.out)
      .option("--report <file>", "write an HTML report with training curves and the confusion matrix")
      .option("--test <test.csv>", "a held-out file: the model's accuracy and confusion on it (columns found by name)"),
  )
    .addOption(jsonOption())
    .action((file, o) => run(o, async (out) => (await import("./train")).trainCommand(file, o, out)));
}
