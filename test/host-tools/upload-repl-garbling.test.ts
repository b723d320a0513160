// The two garblings found on the wire, replayed on exactly the byte they hit:
// the code around a command's expression travels without a CRC of its own, so
// one flipped bit there can make an error ("eval" -> "uval": uval is not
// defined) or a well-formed answer that says something else ({v:...} ->
// {w:...}: read as undefined). Both must end in the right value, sent again.
import { afterEach, describe, expect, it } from "vitest";
import { crc32 } from "../../src/core/index";
import { EspruinoRepl } from "../../host-tools/protocols/espruino-repl";
import { SerialLink } from "../../host-tools/links/serial-link";
import { RunningSim, startSim } from "../../host-tools/sim/index";

const open: { sim: RunningSim; link: SerialLink }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.link.close();
    await o.sim.stop();
  }
});

/** A board, a console session on it, and what the board receives from now on. */
async function session(shortCalls = false): Promise<{ sim: RunningSim; repl: EspruinoRepl; received: () => string }> {
  const sim = await startSim({ board: "puckjs" });
  const link = await SerialLink.open(sim.port);
  open.push({ sim, link });
  // the long form, where the code around the expression travels with each line (after a reset, or when the
  // short form could not be installed, every command is sent so)
  const repl = new EspruinoRepl(link, { shortCalls });
  await repl.sync();
  const got: number[] = [];
  const receive = sim.board.receive.bind(sim.board);
  sim.board.receive = (c: Uint8Array) => {
    got.push(...c);
    receive(c);
  };
  return { sim, repl, received: () => Buffer.from(got).toString("latin1") };
}

/** The 0-based index, in the next command line the board receives, of `needle` + `plus` (found on a clean command). */
async function indexInLine(s: Awaited<ReturnType<typeof session>>, needle: string, plus = 0): Promise<number> {
  s.sim.setFaults({});
  const before = s.received().length;
  expect(await s.repl.call("1+1")).toBe(2);
  const line = s.received().slice(before);
  const at = line.indexOf(needle);
  expect(at).toBeGreaterThan(0);
  return at + plus;
}

describe("a bit flipped in the code around a command's expression", () => {
  it('"eval" garbled to "uval": the board\'s "uval is not defined" is not believed, the command is sent again and answers', async () => {
    const s = await session();
    const e = await indexInLine(s, "eval(s)");
    // "e" 0x65 -> "u" 0x75
    s.sim.setFaults({ flipAt: [[e, 4]] });
    const before = s.received().length;
    expect(await s.repl.call("6*7")).toBe(42);
    // it was hit: the line went twice (the tap sees the bytes before the fault)
    const sent = s.received().slice(before);
    expect(sent.split("\n").filter((l) => l.includes("6*7")).length).toBe(2);
  });

  it("{v:...} garbled to {w:...}: a well-formed answer of the wrong shape is not read as undefined, the command is sent again", async () => {
    const s = await session();
    const v = await indexInLine(s, "{v:eval", 1);
    // "v" 0x76 -> "w" 0x77
    s.sim.setFaults({ flipAt: [[v, 0]] });
    const before = s.received().length;
    expect(await s.repl.call('"answer"')).toBe("answer");
    const sent = s.received().slice(before);
    expect(sent.split("\n").filter((l) => l.includes("answer")).length).toBe(2);
  });

  it("a board that answers, but garbled, gets more tries than one that is silent: four garbled lines in a row, then the answer", async () => {
    const s = await session();
    s.sim.setFaults({});
    const before = s.received().length;
    expect(await s.repl.call("6*7")).toBe(42);
    const line = s.received().slice(before);
    const at = line.indexOf("6*7");
    // the next four tries (ids 2..5, lines of the same length, each followed by a Ctrl-C): "6" -> "7" inside the expression
    s.sim.setFaults({ flipAt: [0, 1, 2, 3].map((k) => [at + k * (line.length + 1), 0] as [number, number]) });
    const from = s.received().length;
    expect(await s.repl.call("6*7")).toBe(42);
    expect(
      s
        .received()
        .slice(from)
        .split("\n")
        .filter((l) => l.includes("*7")).length,
    ).toBe(5);
  });

  it("an error the board says twice is believed: a real exception is reported, not retried for ever", async () => {
    const s = await session();
    s.sim.setFaults({});
    await expect(s.repl.call("nosuchthing.x")).rejects.toThrow(/the board said: .*nosuchthing/);
  });
});

describe("the short form: the check installed once as a global", () => {
  it("lines carry the expression and ~30 bytes of code; a board that lost the global (a reset not seen) gets it again", async () => {
    const s = await session(true);
    expect(await s.repl.call("1+1")).toBe(2);
    const before = s.received().length;
    expect(await s.repl.call("[1,2,3].length")).toBe(3);
    const line = s.received().slice(before);
    // ids: 1 the first command, which also installed the global; 2 the wrong CRC it must refuse before it is trusted
    expect(line).toBe(`\x10__efc("[1,2,3].length",${crc32(Buffer.from("[1,2,3].length"))},3)\n`);
    // reset() behind the session's back: its banner comes before the next command, which then finds no __efc
    await s.repl.send("reset()\n");
    // until its banner has reached this end (no fixed sleep, which a busy machine outruns): the next command
    // then goes after it; a banner that came after the command would be a reset during it, a BoardResetError
    await s.repl.inbox.waitFor((t) => EspruinoRepl.sawReset(t), 30_000, "the board's banner");
    expect(s.sim.stats().resets).toBe(1);
    expect(await s.repl.call("6*7")).toBe(42);
    expect(await s.repl.call('"again"')).toBe("again");
  });

  it('a byte lost from the check and one from the expression: the garbled expression is still not run (a state read of "edgefnnactive" said "no model")', async () => {
    const expr = 'require("Storage").read("edgefnn.active")';
    // where the bytes are, learnt on a clean board: the first character of the check's operator after
    // E.CRC32(s) (it was "!==": losing its "!" ran exactly what failed the CRC) and the "." of the name
    const learn = async (shortCalls: boolean) => {
      const clean = await session(shortCalls);
      clean.sim.storage.write("edgefnn.active", Buffer.from("pointer"));
      expect(await clean.repl.call("1+1")).toBe(2);
      const at0 = clean.received().length;
      expect(await clean.repl.call(expr)).toBe("pointer");
      return clean.received().slice(at0).split("\n")[0];
    };
    const line = await learn(false);
    const op = line.indexOf("E.CRC32(s)") + "E.CRC32(s)".length,
      dot = line.indexOf("edgefnn.active") + "edgefnn".length;
    expect(line[dot]).toBe(".");
    const s = await session(false);
    s.sim.storage.write("edgefnn.active", Buffer.from("pointer"));
    expect(await s.repl.call("1+1")).toBe(2);
    s.sim.setFaults({ dropAt: [op, dot] });
    expect(await s.repl.call(expr)).toBe("pointer");
  });
});
