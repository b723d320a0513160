// edgefnn info --board B --learn k: the blocks fine-tuning would take, from
// the same cost model the learner checks against process.memory() on the board.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeLayout, encodeModel, quantizeModel } from "../../src/core/index";
import { learnCost } from "../../src/learn/cost";
import { cli, json, tempDir } from "../helpers/cli";
import { syntheticModel } from "../helpers/models";

describe("edgefnn info --learn", () => {
  const dir = tempDir(),
    file = join(dir, "syn.q8.efnn"),
    bytes = encodeModel(quantizeModel(syntheticModel().model, 8));
  writeFileSync(file, bytes);

  it("predicts the learner's blocks on the board, and says when it would not fit", () => {
    const r = cli(["info", file, "--board", "puckjs", "--learn", "1", "--json"]);
    expect(r.status).toBe(0);
    const want = learnCost(decodeLayout(bytes).T, 1, 30, 13);
    expect(json(r).memory.learn).toMatchObject({ layers: 1, buffer: 30, blocks: want.blocks, params: 330 });
    const short = cli(["info", file, "--board", "puckjs", "--learn", "3"]);
    expect(short.stdout).toMatch(
      /fine-tuning the last 3 layers \(6570 float32 parameters\).*\n.*blocks short: the learner refuses to start/,
    );
  });

  it("--learn without --board, or not a number, is refused with what to give", () => {
    expect(cli(["info", file, "--learn", "1"]).stderr).toContain("--learn and --buffer need --board");
    expect(cli(["info", file, "--board", "puckjs", "--learn", "x"]).stderr).toContain('--learn "x": give a whole number of at least 1');
  });
});
