// The options of every command that reads a CSV for a model (train, eval,
// verify): which columns, and how missing values are written and treated.
import { Command } from "commander";
import { NA_VALUES } from "../data/csv-rows";
import { listOption } from "./options";

const NA_DEFAULT = NA_VALUES.filter((v) => v !== "").join(", ");

export function dataOptions(c: Command): Command {
  return c
    .option("--label <column>", "the target column (default: the model's; train: the last)")
    .option("--features <columns>", "feature columns, comma-separated (default: the model's by name; train: all but the label)", listOption)
    .option("--exclude <columns>", "columns that are not features (a timestamp, an id), comma-separated", listOption)
    .option(
      "--na-values <list>",
      `how missing values are written, comma-separated (default: empty, ${NA_DEFAULT}); an empty field is always missing`,
      listOption,
    )
    .option("--drop-incomplete", "skip rows with missing values (and say how many)");
}
