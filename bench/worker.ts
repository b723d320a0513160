// One contestant on one problem, in its own process:
//   node --import tsx bench/worker.ts <contestant> <problem>
// Trains, measures accuracy and inference, and prints one line
// "RESULT {json}" on stdout for run.mjs. Progress goes to stderr.

import { buildProblem, ProblemName, PROBLEMS } from "./data";
import { accuracy, Contestant, median, Result, timeInference, timeTraining } from "./harness";

/** contestant name -> module (relative to this file) and export. The peers are
 * imported only here and only by a computed path, so `tsc -p tsconfig.json`
 * (which checks bench/*.ts) never needs the peers' packages installed. */
export var CONTESTANTS: Record<string, [string, string]> = {
  edgefnn: ["./edgefnn.ts", "edgefnn"],
  "edgefnn-train": ["./edgefnn.ts", "edgefnnCoreTrain"],
  limit: ["./limit.ts", "limit"],
  brain: ["./peers/brain.ts", "brain"],
  synaptic: ["./peers/synaptic.ts", "synaptic"],
  tfjs: ["./peers/tfjs.ts", "tfjs"],
};

async function main(): Promise<void> {
  var name = process.argv[2], problemName = process.argv[3] as ProblemName;
  var entry = CONTESTANTS[name];
  if (!entry) throw new Error("unknown contestant " + name + "; one of " + Object.keys(CONTESTANTS).join(", "));
  if (PROBLEMS.indexOf(problemName) < 0) throw new Error("unknown problem " + problemName + "; one of " + PROBLEMS.join(", "));
  var inferBudgetMs = Number(process.env.BENCH_INFER_MS || 1000);

  var p = buildProblem(problemName);
  var mod: Record<string, Contestant> = await import(entry[0]);
  var c = mod[entry[1]];
  var model = await c.create(p);

  process.stderr.write("  " + name + " / " + problemName + ": training " + p.epochs + " x " + p.train.n + " samples...");
  var times = timeTraining(model, p);
  var total = times.reduce(function (a, b) { return a + b; }, 0);
  var epochMs = median(times);
  process.stderr.write(" " + (total / 1000).toFixed(1) + " s; inference...");
  var acc = model.hasAccuracy === false ? null : accuracy(model, p);
  var inf = timeInference(model, p.test.n, inferBudgetMs);
  process.stderr.write(" done\n");

  var r: Result = {
    contestant: name,
    label: c.label,
    problem: problemName,
    fingerprint: p.fingerprint,
    trainSps: p.train.n / (epochMs / 1000),
    trainMs: total,
    epochMsMedian: epochMs,
    epochs: times.length,
    inferUs: inf.us,
    inferReps: inf.reps,
    inferBatch: inf.batch,
    accuracy: acc,
    notes: c.notes(p),
  };
  process.stdout.write("RESULT " + JSON.stringify(r) + "\n");
}

main().catch(function (e) {
  process.stderr.write("\n" + (e && e.stack ? e.stack : String(e)) + "\n");
  process.exit(1);
});
