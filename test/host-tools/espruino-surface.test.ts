import { afterAll, describe, expect, it } from "vitest";
import { PROBES, SHOW } from "../../host-tools/sim/espruino-conformance";
import { createSurface, EspruinoSurface } from "../../host-tools/sim/espruino-surface";
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

describe("the surface's options, each on and off", () => {
  // a Storage file's string, read the way Storage.read does (flash.read), and a buffer over it
  const overFile = (s: ReturnType<typeof createSurface>, name: string, text: string) => {
    s.context.__b = s.flash.toArrayBuffer(s.flash.read(name, text));
  };

  it("detachOnErase: a buffer over a rewritten or erased file is detached; off, it keeps its bytes", () => {
    for (const detach of [true, false]) {
      const s = createSurface({ detachOnErase: detach });
      overFile(s, "f", "\x01\x02\x03\x04");
      s.context.__c = s.flash.toArrayBuffer("\x05\x06"); // a string in RAM
      expect(s.run("new Uint8Array(__b)[3]")).toBe(4);
      // equal reads of one file share one buffer, as both point at the same flash
      expect(s.flash.toArrayBuffer(s.flash.read("f", "\x01\x02\x03\x04"))).toBe(s.context.__b);
      s.flash.changed("f");
      if (detach) expect(() => s.run("new Uint8Array(__b)")).toThrow(/detached/);
      else expect(s.run("new Uint8Array(__b)[3]")).toBe(4);
      expect(s.run("new Uint8Array(__c)[1]")).toBe(6); // a buffer over any other string lives on
      // every file at once (eraseAll)
      overFile(s, "g", "\x07");
      s.flash.changed();
      if (detach) expect(() => s.run("new Uint8Array(__b)")).toThrow(/detached/);
      else expect(s.run("new Uint8Array(__b)[0]")).toBe(7);
    }
  });

  it('memory "alive": garbage adds nothing, a closure\'s values count, letting go gives them back', () => {
    const s = createSurface({ memory: "alive" });
    const u0 = s.usage();
    s.run("for (var i = 0; i < 100; i++) new Float32Array(16);");
    expect(s.usage()).toBe(u0);
    // a view 2 blocks, its buffer 1 and 64 bytes of data 5 (13 bytes a block): 8 a Float32Array(16)
    s.run(
      "var f = (function () { var k = []; for (var i = 0; i < 10; i++) k.push(new Float32Array(16)); return function () { return k; }; })();",
    );
    expect(s.usage() - u0).toBeGreaterThanOrEqual(80);
    s.run("f = null;");
    expect(s.usage()).toBe(u0);
  });

  it('memory "reachable": what the globals and the given roots hold counts, flash strings a reference, code in a module nothing', () => {
    const s = createSurface({ memory: "reachable" });
    const u0 = s.usage();
    expect(u0).toBe(0); // what the surface installed costs nothing
    s.run("var big = new Float32Array(500);");
    // 2000 bytes of data, 13 a block, and the view, its buffer and the name
    expect(s.usage() - u0).toBeGreaterThanOrEqual(Math.ceil(2000 / 13));
    s.run("big = undefined;");
    const u1 = s.usage();
    expect(u1).toBeLessThan(Math.ceil(2000 / 13));
    // a long string costs its text; the same string read from flash a reference only
    const text = "x".repeat(1300);
    s.context.__s = text;
    const inRam = s.usage() - u1;
    expect(inRam).toBeGreaterThanOrEqual(100);
    s.flash.read("f", text);
    expect(s.usage() - u1).toBeLessThan(inRam - 90);
    // what only the host holds counts when given as a root (a module's exports, a timer)
    const mod = { exports: {} as Record<string, unknown> };
    s.module("exports.w = new Uint8Array(1300); exports.f = function () { return 1; };")(mod.exports, mod);
    expect(s.usage([mod.exports]) - s.usage()).toBeGreaterThanOrEqual(100);
    // E.getSizeOf: the walk over one value
    expect(s.sizeOf([mod.exports])).toBe(s.usage([mod.exports]) - s.usage());
  });

  it("without a memory option the surface counts nothing, and its code is not instrumented", () => {
    const s = createSurface();
    expect(() => s.usage()).toThrow(/counts no memory/);
    expect(s.code("var a = [1];")).not.toContain("__alloc");
    expect(new EspruinoSurface({ memory: "alive" }).code("var a = [1];")).toContain("__alloc");
  });
});

describe("the simulator uses the options too", () => {
  it("a buffer over a Storage file dies when board code rewrites the file or a transfer replaces it (FlashStorage.onChange)", () => {
    const board = new VirtualBoard({}, () => {});
    try {
      const run = (c: string) => board.sandbox.run(c);
      run(
        `require("Storage").write("f", "\\x01\\x02\\x03"); var b = E.toArrayBuffer(require("Storage").read("f")), c = E.toArrayBuffer("\\x05");`,
      );
      expect(run("new Uint8Array(b)[2]")).toBe(3);
      run(`require("Storage").write("f", "\\x09\\x09\\x09");`);
      expect(() => run("new Uint8Array(b)")).toThrow(/detached/);
      expect(run("new Uint8Array(c)[0]")).toBe(5);
      // the same bytes written again leave the file (and the buffer) as they were, as on the board
      run(`b = require("Storage").readArrayBuffer("f"); require("Storage").write("f", "\\x09\\x09\\x09");`);
      expect(run("new Uint8Array(b)[0]")).toBe(9);
      // a file written from the host side (the packet protocol's file transfer writes FlashStorage directly)
      board.storage.write("f", new Uint8Array([7]));
      expect(() => run("new Uint8Array(b)")).toThrow(/detached/);
      // and process.memory() is the surface's "reachable" count: a kept Float32Array(500) adds at least its data
      const usage = () => run("process.memory().usage") as number;
      const u0 = usage();
      run("var big = new Float32Array(500);");
      expect(usage() - u0).toBeGreaterThanOrEqual(Math.ceil(2000 / 13));
    } finally {
      board.sandbox.dispose();
    }
  });
});
