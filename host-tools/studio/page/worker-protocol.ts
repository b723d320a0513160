// The messages between the studio page and its training worker.
import type { EpochStats } from "../../../src/core/index";
import type { LoadedCsv } from "../../data/csv-loader";
import type { TrainOutcome, TrainSettings } from "./train-run";

/** control[0]: what the worker does after the epoch it is in */
export const RUN = 0,
  PAUSE = 1,
  STOP = 2;

export interface TrainRequest {
  type: "train";
  csv: LoadedCsv;
  settings: TrainSettings;
  /** an Int32Array's buffer shared with the page (a cross-origin-isolated page only): pause, resume, stop between epochs */
  control: SharedArrayBuffer | null;
}

export type WorkerMessage =
  | { type: "epoch"; stats: EpochStats }
  /** the cross-validation before training (lambda and the learning rate on "auto"): runs done of all */
  | { type: "search"; done: number; total: number }
  /** where the run waits: "epoch 3", or "cross-validation run 4 of 18" */
  | { type: "paused"; at: string }
  | { type: "resumed"; at: string }
  | { type: "done"; outcome: TrainOutcome; seconds: number }
  | { type: "error"; message: string };
