import { afterAll, describe, expect, it } from "vitest";
import { PROBES, SHOW } from "../../host-tools/sim/espruino-conformance";
import { createSurface } from "../../host-tools/sim/espruino-surface";
import { VirtualBoard } from "../../host-tools/sim/virtual-board";
import { createSandbox } from "../helpers/espruino-sandbox";

// The conformance table (its board answers come from the interpreter's Linux
// build, 2v29.277: scripts/surface-on-espruino.mjs) against the one surface,
// and against both of its users: the tests' sandbox and the simulator's board.
const ask = (run: (code: string) => unknown, code: string): string => {
  try {
    return String(run(`(${SHOW})(function () { ${code} })`));
  } catch (e) {
    return `the rewriter throws ${(e as Error).message}`;
  }
};
// "throws <message>": only the throwing is compared (V8's messages differ)
const same = (got: string, want: string) => (want.startsWith("throws ") ? got.startsWith("throws ") : got === want);

describe("the Espruino surface answers the conformance table as the interpreter does (or as its known gap says)", () => {
  const board = new VirtualBoard({}, () => {});
  afterAll(() => board.sandbox.dispose());
  // the tests' sandbox lints the bundle: a var used before its declaration is refused there
  // (the board reads it as undefined), a stricter check, not a different answer
  const lint: Record<string, string> = {
    "a var read before its declaration": 'the rewriter throws "x" is used at 187 before its var declaration at 194',
  };
  const users: [string, () => (code: string) => unknown, Record<string, string>][] = [
    [
      "the surface",
      () => {
        const s = createSurface();
        return (c) => s.run(c);
      },
      {},
    ],
    [
      "the tests' sandbox",
      () => {
        const s = createSandbox({ viewOffsetLimit: true });
        return (c) => s.run(c);
      },
      lint,
    ],
    ["the simulator", () => (c) => board.sandbox.run(c), {}],
  ];
  for (const [who, make, stricter] of users) {
    it(who, () => {
      const run = make();
      const wrong = PROBES.map((p) => ({ name: p.name, want: stricter[p.name] ?? p.surface ?? p.board, got: ask(run, p.code) })).filter(
        (r) => !same(r.got, r.want),
      );
      expect(wrong).toEqual([]);
    });
  }

  it("the table is the interpreter's: every known gap says why and differs from the board's answer", () => {
    expect(PROBES.length).toBeGreaterThan(100);
    for (const p of PROBES) {
      if (p.surface === undefined) continue;
      expect(p.gap, p.name).toMatch(/\w/);
      expect(p.surface, p.name).not.toBe(p.board);
    }
    expect(new Set(PROBES.map((p) => p.name)).size).toBe(PROBES.length);
  });
});
