import { relative } from "node:path";
import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Suites that spend most of their time waiting, not computing: on the board's
// and the agent's timeouts for replies a fault lost, on the virtual board's
// clock, on child processes one after another. Measured alone on this 2-core
// machine (vitest run <file> under /usr/bin/time, the set-up's build taken
// off), each used 5-15 times more wall-clock time than CPU time (e.g.
// upload-interrupt 150 s for 18 s of CPU, teach-mode 110 s for 7 s). Vitest
// starts the largest files first when it has no timings of its own (a fresh
// checkout, CI), and these are small, so they used to start last and run on
// alone at the end of the suite. Started first, their waits overlap the suites
// that do compute.
const WAITS_FIRST = [
  "test/host-tools/upload-interrupt.test.ts",
  "test/host-tools/upload.test.ts",
  "test/learn/teach-mode.test.ts",
  "test/host-tools/agent.test.ts",
];

class WaitsFirst extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = WAITS_FIRST.indexOf(relative(this.ctx.config.root, f.moduleId).replaceAll("\\", "/"));
      return i < 0 ? WAITS_FIRST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i, r: rank(f) }))
      .sort((a, b) => a.r - b.r || a.i - b.i)
      .map((x) => x.f);
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/setup/build-bundle.ts"],
    // bounds for a hung test, not claims about speed: at load average 17 on
    // this 2-core machine an upload test with faults took 45 s and one with a
    // pulled cable 38 s, and a CPU burner per core slows them further
    testTimeout: 180_000,
    // set-up hooks train models and start boards through the CLI: vitest's
    // 10 s default for them was outrun on a busy machine (a bound, not a claim)
    hookTimeout: 180_000,
    // Most suites wait on other processes (the CLI, socat, the virtual board,
    // chromium), not on this one's CPU: vitest's default of one worker per
    // core but one (a single worker on a 2-core machine) ran them one file at
    // a time. Six files at once overlap those waits: the four that wait most
    // (WAITS_FIRST) leave two workers for the suites that compute. The tests
    // assert no wall-clock time, so a busier machine makes them slower, not
    // wrong.
    maxWorkers: 6,
    // A worker runs file after file in one process instead of a new process
    // per file: each file then skips a process start, vitest's own start-up
    // in it and the loading of the modules an earlier file already loaded.
    // Measured on this machine (vitest run under /usr/bin/time, 2 workers): 13
    // small host-tools and device files 28.8 -> 22.0 CPU-s, test/core and
    // test/features 36.1 -> 26.9, ~0.5 CPU-s a file, ~40 over the suite's 84.
    // What sharing a process asks of the tests, and they keep: no test
    // mocks modules, stubs globals or the environment, or changes the working
    // directory; each file's resources (temporary folders, child processes,
    // ports, browsers) are its own and its afterAll hooks close them; the
    // helpers' only module state is test/helpers/models.ts's cache of trained
    // models, which files may well share.
    isolate: false,
    sequence: { sequencer: WaitsFirst },
  },
});
