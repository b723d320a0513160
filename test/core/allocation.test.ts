// The core's hot loops allocate nothing: no garbage, no GC, no growth. The
// loops run and are measured in a process of their own (allocation-probe.ts,
// which says why); these tests read its figures.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { Measured, ProbeResults } from "./allocation-probe";

// The bound: one 16-byte heap number per call would be 3.2 MB over the
// 200,000 calls each loop runs, three times the bound, or a scavenge; what
// does appear (a few hundred KB, whatever the count) is the optimizing
// compiler's code and feedback for the loop, allocated once. (Only types come
// from the probe: importing its values would run its loops in this process.)
const ONCE = 1024 * 1024;
const root = fileURLToPath(new URL("../../", import.meta.url));

let r: ProbeResults;
beforeAll(async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["--expose-gc", "--import", "tsx", "test/core/allocation-probe.ts"], {
    cwd: root,
    maxBuffer: 1 << 20,
  });
  r = JSON.parse(stdout) as ProbeResults;
});

const none = (m: Measured) => {
  expect(m.bytes).toBeLessThan(ONCE);
  expect(m.gcs).toBe(0);
};

describe("no allocation in the hot loops", () => {
  it("forward, 200,000 times: no garbage, no GC, no growth", () => {
    none(r.forward);
    expect(r.forward.retained).toBeLessThan(ONCE);
  });

  it("a per-sample training step (forward, delta(L), fused SGD), 200,000 times: the same", () => {
    none(r.step);
    expect(r.step.retained).toBeLessThan(ONCE);
  });

  it("the fused step of a one-hidden-layer classifier (createTrainer's step, small-step.ts), hard-tanh and tanh: the same", () => {
    expect(r.smallSteps).toHaveLength(2);
    r.smallSteps.forEach(none);
  });

  it("the same for every activation, logistic + cross-entropy and squared-error outputs", () => {
    expect(r.everyActivation).toHaveLength(2);
    r.everyActivation.forEach(none);
  });

  it("the measurement sees allocation when there is some (the test can fail)", () => {
    expect(r.allocating.bytes + r.allocating.gcs * ONCE).toBeGreaterThan(ONCE);
  });
});
