// One contestant on one problem, in its own process:
//   node --import tsx bench/worker.ts <contestant> <problem>
// Prints one line "RESULT {json}" (or "ERROR message") on stdout for run.mjs;
// progress goes to stderr. Every contestant is timed against an in-process
// copy of the limit (the yardstick, see harness.ts).
// Run it as ESM from inside the project (as run.mjs does): the same code loaded
// as CommonJS through tsx (e.g. from a script outside any "type": "module"
// package) measured 2-4x slower for edgefnn's inference here.

import { buildProblem, ProblemName, PROBLEMS } from "./data";
import { accuracy, Contestant, measure, measureInference, Result } from "./harness";
import { limit } from "./limit";

/** contestant name -> module (relative to this file) and export. The peers are
 * imported only here and only by a computed path, so `tsc -p tsconfig.json`
 * (which checks bench/*.ts) never needs the peers' packages installed. */
export var CONTESTANTS: Record<string, [string, string]> = {
  edgefnn: ["./edgefnn.ts", "edgefnn"],
  "edgefnn-train": ["./edgefnn.ts", "edgefnnCoreTrain"],
  "edgefnn-runtime": ["./edgefnn.ts", "edgefnnRuntime"],
  limit: ["./limit.ts", "limit"],
  brain: ["./peers/brain.ts", "brain"],
  synaptic: ["./peers/synaptic.ts", "synaptic"],
  tfjs: ["./peers/tfjs.ts", "tfjs"],
};

function env(name: string, dflt: number): number {
  var v = process.env[name];
  return v ? Number(v) : dflt;
}

async function main(): Promise<void> {
  var name = process.argv[2],
    problemName = process.argv[3] as ProblemName;
  var entry = CONTESTANTS[name];
  if (!entry) throw new Error("unknown contestant " + name + "; one of " + Object.keys(CONTESTANTS).join(", "));
  if (PROBLEMS.indexOf(problemName) < 0) throw new Error("unknown problem " + problemName + "; one of " + PROBLEMS.join(", "));
  var budget = {
    minTimingMs: env("BENCH_TIMING_MS", 1500),
    maxTrainMs: env("BENCH_MAX_TRAIN_S", 50) * 1000,
    inferMs: env("BENCH_INFER_MS", 1000),
  };

  var p = buildProblem(problemName);
  var mod: Record<string, Contestant> = await import(entry[0]);
  var c = mod[entry[1]];
  var model = await c.create(p);
  var yard = await limit.create(p);

  var log = function (s: string) {
    process.stderr.write(s);
  };
  log("  " + (c.label + " ").padEnd(26, ".") + " " + problemName + ": " + p.epochs + " x " + p.train.n + " samples");
  // a contestant that only infers: no training columns
  var m =
    model.trainEpoch || model.trainAll
      ? measure(model, yard, p, budget, log)
      : Object.assign(
          {
            trainSps: NaN,
            trainVsLimit: [] as number[],
            trainMs: 0,
            accuracyEpochs: p.epochs,
            warning: null,
            accuracy: model.hasAccuracy === false ? null : accuracy(model, p),
            yardTrainSps: NaN,
          },
          measureInference(model, yard, p, budget),
        );
  log(" done\n");

  var r: Result = {
    contestant: name,
    label: c.label,
    problem: problemName,
    title: p.title,
    fingerprint: p.fingerprint,
    trainSps: m.trainSps,
    trainVsLimit: m.trainVsLimit,
    trainMs: m.trainMs,
    accuracyEpochs: m.accuracyEpochs,
    specEpochs: p.epochs,
    inferUs: m.inferUs,
    inferVsLimit: m.inferVsLimit,
    yardTrainSps: m.yardTrainSps,
    yardInferUs: m.yardInferUs,
    accuracy: m.accuracy,
    warning: m.warning,
    notes: c.notes(p),
  };
  process.stdout.write("RESULT " + JSON.stringify(r) + "\n");
}

main().catch(function (e) {
  var msg = e && e.message ? e.message : String(e);
  process.stdout.write("ERROR " + msg.split("\n")[0] + "\n");
  process.stderr.write("\n" + (e && e.stack ? e.stack : msg) + "\n");
  process.exit(1);
});
