import { defineConfig } from "vitest/config";

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
    // a time. Four files at once overlap those waits. The tests assert no
    // wall-clock time, so a busier machine makes them slower, not wrong.
    maxWorkers: 4,
  },
});
