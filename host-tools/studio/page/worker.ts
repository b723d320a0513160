// The studio's training worker: runTraining (the CLI's steps) off the page's
// thread, so the page never freezes. After each epoch it posts the epoch's
// numbers and looks at the shared control word: pause blocks this thread in
// Atomics.wait (the run then goes on exactly as if never paused, so a paused
// and resumed run gives the CLI's weights too); stop ends the run keeping the
// best epoch's weights, as early stopping does. The cross-validation before
// training (lambda and the learning rate on "auto") posts its progress after
// each fold's run and pauses there too; stopped there, nothing is trained.
import { PAUSE, STOP, type TrainRequest, type WorkerMessage } from "./worker-protocol";
import { runTraining } from "./train-run";

interface WorkerScope {
  onmessage: ((e: { data: TrainRequest }) => void) | null;
  postMessage(m: WorkerMessage, transfer?: ArrayBuffer[]): void;
}
const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (e) => {
  const { csv, settings, control } = e.data;
  const ctl = control ? new Int32Array(control) : null;
  const t0 = performance.now();
  // time spent paused is not training time
  let pausedMs = 0;
  /** waits while paused; false: stop */
  const goOn = (at: string): boolean => {
    if (!ctl) return true;
    if (Atomics.load(ctl, 0) === PAUSE) {
      scope.postMessage({ type: "paused", at });
      const p0 = performance.now();
      while (Atomics.load(ctl, 0) === PAUSE) Atomics.wait(ctl, 0, PAUSE);
      pausedMs += performance.now() - p0;
      if (Atomics.load(ctl, 0) !== STOP) scope.postMessage({ type: "resumed", at });
    }
    return Atomics.load(ctl, 0) !== STOP;
  };
  try {
    const outcome = runTraining(
      csv,
      settings,
      (stats) => {
        scope.postMessage({ type: "epoch", stats });
        return goOn(`epoch ${stats.epoch}`);
      },
      (done, total) => {
        scope.postMessage({ type: "search", done, total });
        if (!goOn(`cross-validation run ${done} of ${total}`))
          throw new Error("stopped while choosing lambda and the learning rate: no model was trained");
      },
    );
    const seconds = (performance.now() - t0 - pausedMs) / 1000;
    scope.postMessage({ type: "done", outcome, seconds }, [outcome.bytes.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
