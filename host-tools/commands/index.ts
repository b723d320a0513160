// Every command of `edgefnn`, in the order --help lists them. A command is two
// modules: <name>.cli.ts (its arguments, options, defaults and help examples,
// loaded at every start) and <name>.ts (what it does, loaded when it runs).
// A new command adds its two files and one line here.
import { CommandDefinition } from "../cli/command-module";
import * as activations from "./activations.cli";
import * as agent from "./agent.cli";
import * as bundle from "./bundle.cli";
import * as collect from "./collect.cli";
import * as demo from "./demo.cli";
import * as evaluate from "./eval.cli";
import * as info from "./info.cli";
import * as list from "./list.cli";
import * as predict from "./predict.cli";
import * as pull from "./pull.cli";
import * as quantize from "./quantize.cli";
import * as sim from "./sim.cli";
import * as split from "./split.cli";
import * as studio from "./studio.cli";
import * as train from "./train.cli";
import * as upload from "./upload.cli";
import * as verify from "./verify.cli";

export const COMMANDS: CommandDefinition[] = [
  train,
  evaluate,
  quantize,
  predict,
  split,
  list,
  info,
  bundle,
  upload,
  verify,
  pull,
  agent,
  collect,
  sim,
  studio,
  activations,
  demo,
];
